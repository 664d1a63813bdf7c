"""The review report's page (figures, narrative, the edit form, finalizing, the
versions) and its files. Access through :mod:`pacesetter.reports.policies`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ConflictError
from pacesetter.core.views import add_service_errors
from pacesetter.scoring.charts import Bar, bar_chart

from . import services
from .documents import (
    TYPES,
    cell_text,
    chart_title,
    render_docx,
    render_pdf,
    render_xlsx,
    report_file_name,
    section_titles,
    state_line,
    tables,
)
from .forms import ReportForm, ReportStartForm
from .models import SECTIONS, Report, ReportVersion
from .policies import report_policy, review_report_access
from .selectors import ReviewFigures, report_of, review_figures, versions_of
from .workflows import report_workflow


def _page_url(report: Report) -> str:
    url = reverse("reports:review_report", args=[report.review_point_id])
    return f"{url}?cluster={report.cluster_id}" if report.cluster_id else url


@login_required
def review_report(request: HttpRequest, rp: int) -> HttpResponse:
    user = request.user
    review_point, cluster = review_report_access(user, rp, request.GET.get("cluster"))
    figures = review_figures(user, review_point, cluster)
    report = report_of(review_point, cluster)
    versions = versions_of(report) if report is not None else []
    latest = versions[0] if versions else None
    moves = report_workflow.allowed(user, report) if report is not None else frozenset()
    form = None
    if latest is not None and "update" in moves:
        form = ReportForm(initial={"version": latest.number, **latest.sections()})
    return _render(request, figures, report, versions, moves, form)


def _render(
    request: HttpRequest,
    figures: ReviewFigures,
    report: Report | None,
    versions: list[ReportVersion],
    moves: frozenset[str],
    form: ReportForm | None,
    start_form: ReportStartForm | None = None,
) -> HttpResponse:
    chart = None
    if figures.ranking.rows:
        chart = bar_chart(
            [
                Bar(r["unit_name"], r["percentage"], muted=bool(r["veto"]))
                for r in figures.ranking.rows
            ],
            title=chart_title(figures),
            description=_(
                "One horizontal bar per unit, in the order of the ranking table; "
                "grey bars are units that are ineligible."
            ),
            id_prefix="report-chart",
        )
    latest = versions[0] if versions else None
    titles = section_titles()
    return render(
        request,
        "reports/review_report.html",
        {
            "figures": figures,
            "tables": [
                (table, [[cell_text(value) for value in row] for row in table.rows])
                for table in tables(figures)
            ],
            "chart": chart,
            "report": report,
            "state_line": state_line(report) if report is not None else "",
            "narrative": [(titles[name], latest.sections()[name]) for name in SECTIONS]
            if latest is not None
            else [],
            "versions": versions,
            "moves": moves,
            "form": form,
            "start_form": start_form
            or ReportStartForm(initial={"language": get_language() or "en"}),
            "cluster_query": f"?cluster={figures.cluster.pk}" if figures.cluster else "",
        },
    )


@login_required
@require_POST
def report_start(request: HttpRequest, rp: int) -> HttpResponse:
    review_point, cluster = review_report_access(request.user, rp, request.POST.get("cluster"))
    form = ReportStartForm(request.POST)
    existing = report_of(review_point, cluster)
    if existing is not None:
        return redirect(_page_url(existing))
    if not form.is_valid():
        figures = review_figures(request.user, review_point, cluster)
        return _render(request, figures, None, [], frozenset(), None, form)
    report = services.report_create(
        actor=request.user,
        review_point=review_point,
        cluster=cluster,
        language=form.cleaned_data["language"],
    )
    messages.success(request, _("The report was started."))
    return redirect(_page_url(report))


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
    figures = review_figures(user, report.review_point, report.cluster)
    versions = versions_of(report)
    moves = report_workflow.allowed(user, report)
    return _render(request, figures, report, versions, moves, form)


@login_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a file, in the request's language (``?lang=`` or the menu's)."""
    if fmt not in TYPES:
        raise Http404
    user = request.user
    report = report_policy.access(user, pk)
    figures = review_figures(user, report.review_point, report.cluster)
    version = report.versions.get(number=report.version)
    render_file = {"docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}[fmt]
    response = HttpResponse(render_file(report, version, figures), content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_file_name(report, fmt)}"'
    return response
