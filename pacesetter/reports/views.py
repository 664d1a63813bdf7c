"""The reports' pages (figures, narrative, the edit form, finalizing, the versions) and
their files: the review report of a review point and the work report of a work plan as
of a day. Access through :mod:`pacesetter.reports.policies`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core import clock
from pacesetter.core.errors import ConflictError
from pacesetter.core.views import add_service_errors
from pacesetter.scoring.charts import Bar, bar_chart

from . import services
from .documents import (
    TYPES,
    Contents,
    cell_text,
    render_docx,
    render_pdf,
    render_xlsx,
    report_file_name,
    review_contents,
    section_titles,
    state_line,
)
from .forms import AsOfForm, ReportForm, ReportStartForm
from .frozen import contents_of
from .models import SECTIONS, Report, ReportKind, ReportVersion
from .policies import report_policy, review_report_access, work_report_access
from .selectors import report_of, review_figures, versions_of, work_report_of, work_reports_of
from .work import work_contents, work_figures
from .workflows import report_workflow


def _page_url(report: Report) -> str:
    if report.kind == ReportKind.WORK:
        url = reverse("reports:work_report", args=[report.plan_id])
        return f"{url}?as_of={report.as_of}"
    url = reverse("reports:review_report", args=[report.review_point_id])
    return f"{url}?cluster={report.cluster_id}" if report.cluster_id else url


def _chart(contents: Contents) -> str | None:
    if not contents.bars:
        return None
    return bar_chart(
        [Bar(label, value, muted=muted) for label, value, muted in contents.bars],
        title=contents.chart_title,
        description=_(
            "One horizontal bar per unit, in the order of the ranking table; "
            "grey bars are units that are ineligible."
        ),
        id_prefix="report-chart",
    )


def _context(
    contents: Contents,
    report: Report | None,
    versions: list[ReportVersion],
    moves: frozenset[str],
    form: ReportForm | None,
    start_form: ReportStartForm | None,
) -> dict[str, Any]:
    latest = versions[0] if versions else None
    titles = section_titles()
    return {
        "contents": contents,
        "tables": [
            (
                table,
                [
                    [
                        (
                            cell_text(value),
                            table.links[number]
                            if column == table.link_column and number < len(table.links)
                            else None,
                        )
                        for column, value in enumerate(row)
                    ]
                    for number, row in enumerate(table.rows)
                ],
            )
            for table in contents.tables
        ],
        "chart": _chart(contents),
        "report": report,
        "state_line": state_line(report) if report is not None else "",
        "narrative": [(titles[name], latest.sections()[name]) for name in SECTIONS]
        if latest is not None
        else [],
        "versions": versions,
        "moves": moves,
        "form": form,
        "start_form": start_form or ReportStartForm(initial={"language": get_language() or "en"}),
    }


def _report_state(
    user: Any, report: Report | None
) -> tuple[list[ReportVersion], frozenset[str], ReportForm | None]:
    versions = versions_of(report) if report is not None else []
    moves = report_workflow.allowed(user, report) if report is not None else frozenset()
    form = None
    if versions and "update" in moves:
        form = ReportForm(initial={"version": versions[0].number, **versions[0].sections()})
    return versions, moves, form


# --- the review report --------------------------------------------------------------------


@login_required
def review_report(request: HttpRequest, rp: int) -> HttpResponse:
    user = request.user
    review_point, cluster = review_report_access(user, rp, request.GET.get("cluster"))
    report = report_of(review_point, cluster)
    versions, moves, form = _report_state(user, report)
    return _render_review(request, review_point, cluster, report, versions, moves, form)


def _render_review(
    request: HttpRequest,
    review_point: Any,
    cluster: Any,
    report: Report | None,
    versions: list[ReportVersion],
    moves: frozenset[str],
    form: ReportForm | None,
    start_form: ReportStartForm | None = None,
) -> HttpResponse:
    user = request.user
    if report is not None:
        # The page's review point: the figures read its campaign once for both.
        report.review_point = review_point
        contents = contents_of(user, report)
    else:
        contents = review_contents(review_figures(user, review_point, cluster))
    context = _context(contents, report, versions, moves, form, start_form)
    context.update(
        review_point=review_point,
        campaign=review_point.campaign,
        cluster=cluster,
        cluster_query=f"?cluster={cluster.pk}" if cluster is not None else "",
        start_hidden=[("cluster", cluster.pk)] if cluster is not None else [],
    )
    return render(request, "reports/review_report.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, rp: int) -> HttpResponse:
    review_point, cluster = review_report_access(request.user, rp, request.POST.get("cluster"))
    form = ReportStartForm(request.POST)
    existing = report_of(review_point, cluster)
    if existing is not None:
        return redirect(_page_url(existing))
    if not form.is_valid():
        return _render_review(
            request, review_point, cluster, None, [], frozenset(), None, start_form=form
        )
    report = services.report_create(
        actor=request.user,
        review_point=review_point,
        cluster=cluster,
        language=form.cleaned_data["language"],
    )
    messages.success(request, _("The report was started."))
    return redirect(_page_url(report))


# --- the work report ----------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _default_day(plan: Any) -> dt.date:
    """Today, within the plan's period."""
    return min(max(_today(), plan.period_start), plan.period_end)


@login_required
def work_report(request: HttpRequest, plan: int) -> HttpResponse:
    """The work report of a plan as of ``?as_of=`` (by default today, within the plan's
    period): the figures of that day, the narrative once started."""
    user = request.user
    work_plan, may_write = work_report_access(user, plan)
    # Bound only when a day is asked for: ``?lang=`` alone (the language menu) is no error.
    data = request.GET if "as_of" in request.GET else None
    day_form = AsOfForm(data, initial={"as_of": _default_day(work_plan)})
    as_of = day_form.cleaned_data["as_of"] if day_form.is_valid() else _default_day(work_plan)
    report = work_report_of(work_plan, as_of)
    versions, moves, form = _report_state(user, report)
    return _render_work(
        request, work_plan, as_of, may_write, day_form, report, versions, moves, form
    )


def _render_work(
    request: HttpRequest,
    plan: Any,
    as_of: dt.date,
    may_write: bool,
    day_form: AsOfForm,
    report: Report | None,
    versions: list[ReportVersion],
    moves: frozenset[str],
    form: ReportForm | None,
    start_form: ReportStartForm | None = None,
) -> HttpResponse:
    user = request.user
    if report is not None:
        report.plan = plan
        contents = contents_of(user, report)
    else:
        contents = work_contents(work_figures(user, plan, as_of))
    context = _context(contents, report, versions, moves, form, start_form)
    context.update(
        plan=plan,
        as_of=as_of,
        may_write=may_write,
        day_form=day_form,
        others=work_reports_of(plan),
        start_hidden=[("as_of", as_of.isoformat())],
    )
    return render(request, "reports/work_report.html", context)


@login_required
@require_POST
def work_report_start(request: HttpRequest, plan: int) -> HttpResponse:
    """Start the work report of the day posted (the plan's managers)."""
    user = request.user
    work_plan, may_write = work_report_access(user, plan)
    if not may_write:
        raise PermissionDenied(_("You do not have permission to do this."))
    day_form = AsOfForm(request.POST)
    form = ReportStartForm(request.POST)
    if day_form.is_valid():
        existing = work_report_of(work_plan, day_form.cleaned_data["as_of"])
        if existing is not None:
            return redirect(_page_url(existing))
        if form.is_valid():
            try:
                report = services.work_report_create(
                    actor=user,
                    plan=work_plan,
                    as_of=day_form.cleaned_data["as_of"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as exc:
                add_service_errors(day_form, exc)
            else:
                messages.success(request, _("The report was started."))
                return redirect(_page_url(report))
    as_of = _default_day(work_plan)
    if day_form.is_valid():
        as_of = day_form.cleaned_data["as_of"]
    return _render_work(
        request, work_plan, as_of, may_write, day_form, None, [], frozenset(), None, form
    )


# --- both kinds -----------------------------------------------------------------------------


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the narrative ("save") or save and finalize it ("finalize")."""
    user = request.user
    report = report_policy.access(user, pk, "update")
    action = request.POST.get("action", "save")
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            if action == "finalize":
                services.report_finalize(
                    actor=user,
                    report=report,
                    version=form.cleaned_data["version"],
                    **form.sections(),
                )
                messages.success(request, _("The report is final and locked."))
            else:
                services.report_update(
                    actor=user,
                    report=report,
                    version=form.cleaned_data["version"],
                    **form.sections(),
                )
                messages.success(request, _("The report was saved."))
            return redirect(_page_url(report))
        except ConflictError as exc:
            form.add_error(None, exc)
        except ValidationError as exc:
            report.refresh_from_db()
            if report.is_locked:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(_page_url(report))
            add_service_errors(form, exc)
    report.refresh_from_db()
    versions = versions_of(report)
    moves = report_workflow.allowed(user, report)
    if report.kind == ReportKind.WORK:
        assert report.plan is not None and report.as_of is not None
        plan, may_write = work_report_access(user, report.plan_id)
        day_form = AsOfForm(initial={"as_of": report.as_of})
        return _render_work(
            request, plan, report.as_of, may_write, day_form, report, versions, moves, form
        )
    return _render_review(
        request, report.review_point, report.cluster, report, versions, moves, form
    )


@login_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a file, in the request's language (``?lang=`` or the menu's): a
    final report's frozen figures, a draft's read from the record."""
    if fmt not in TYPES:
        raise Http404
    user = request.user
    report = report_policy.access(user, pk)
    version = report.versions.get(number=report.version)
    render_file = {"docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}[fmt]
    response = HttpResponse(
        render_file(report, version, contents_of(user, report)), content_type=TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{report_file_name(report, fmt)}"'
    return response
