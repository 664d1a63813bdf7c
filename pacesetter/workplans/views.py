"""Work plan screens: the list of plans, the plan board and the task page ("my work"
combines plans and meetings: it is ``workspace.views.my_work``, still ``workplans:my_work``).

The board is built for large plans (10,000 tasks across 2,000 units): the status is
computed in SQL (``selectors.with_status``), counts and roll-up come from aggregate
queries (``selectors.plan_rollup``), and only one page of tasks is read, with its
supporting units prefetched for those rows. The query count does not depend on the
number of tasks. Someone who sees a plan only through some of its tasks gets the
counts, progress, projects and chains of those tasks alone.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pacesetter.audit.history import audit_rows
from pacesetter.audit.models import AuditEntry
from pacesetter.bodies.policies import body_policy
from pacesetter.chains.models import Chain
from pacesetter.core.files import file_download
from pacesetter.core.policies import policy_of
from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import fold, ordered
from pacesetter.core.views import add_service_errors, form_page, paginate, xlsx_response
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import unit_choices

from . import rollup, selectors, services
from .forms import (
    STATUS_LABELS,
    AsOfForm,
    BoardFilterForm,
    EvidenceForm,
    MilestoneDoneForm,
    MilestoneForm,
    PartForm,
    PlanCreateForm,
    PlanForm,
    ProjectForm,
    ReopenForm,
    ReportForm,
    ReviewForm,
    SearchForm,
    TaskForm,
    chain_choices,
    lead_people,
)
from .models import PlanState, Project, Task, WorkPlan
from .policies import part_units, plan_policy, task_policy
from .workflows import plan_workflow, task_workflow

#: Tasks on one page of the board.
BOARD_PAGE_SIZE = 100
HISTORY_ROWS = 50

#: What the task's audit entries are called in its history.
ACTION_LABELS = {
    "task.create": gettext_lazy("created"),
    "task.update": gettext_lazy("changed"),
    "task.supporting_units": gettext_lazy("supporting units changed"),
    "task.report": gettext_lazy("progress reported"),
    "task.reopen": gettext_lazy("reopened"),
    "task.review": gettext_lazy("reviewed"),
    "task.milestone_add": gettext_lazy("milestone added"),
    "task.milestone_done": gettext_lazy("milestone marked"),
    "task.evidence_add": gettext_lazy("evidence added"),
}


def _today() -> dt.date:
    return timezone.localdate()


def _breadcrumb(plan: WorkPlan | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("workplans:plan_list"), "label": _("Work plans")}]
    if plan is not None:
        crumbs.append({"url": reverse("workplans:plan_board", args=[plan.pk]), "label": plan.name})
    return crumbs


# --- plans ------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user sees, newest first, with roll-up and counts for the page's plans
    (two aggregate queries, whatever the number of plans or tasks)."""
    user = request.user
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    plans = plan_policy.visible(user).select_related("body", "body__owner_unit")
    if query:
        plans = plans.filter(
            Q(search_key__contains=fold(query)) | Q(body__search_key__contains=fold(query))
        )
    page = paginate(request, plans.order_by("-period_start", ordered("name"), "pk"))
    rows = list(page.object_list)
    ids = [p.pk for p in rows]
    # A plan seen only through some of its tasks is counted over those tasks alone.
    visible = selectors.plans_tasks(user, rows)
    progress = selectors.plans_progress(ids, visible)
    counts = selectors.plans_counts(ids, _today(), visible)
    for plan in rows:
        plan.progress = progress.get(plan.pk)
        plan.counts = counts[plan.pk]
        plan.task_count = sum(counts[plan.pk].values())
    page.object_list = rows
    return render(
        request,
        "workplans/plan_list.html",
        {
            "form": form,
            "query": query,
            "page_obj": page,
            "may_create": body_policy.visible(user, "update").exists(),
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    bodies = body_policy.visible(user, "update").order_by(ordered("name"), "pk")
    if not bodies.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = PlanCreateForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Work plan “%(name)s” created.") % {"name": plan.name})
            return redirect("workplans:plan_board", plan.pk)
    return form_page(
        request,
        form,
        title=_("New work plan"),
        cancel_url=reverse("workplans:plan_list"),
        breadcrumb=_breadcrumb(),
        submit_label=_("Create work plan"),
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = plan_policy.access(user, pk, "manage")
    # The form works on a copy: the service compares the saved values with the new ones.
    form = PlanForm(request.POST or None, instance=copy.copy(plan))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_update(actor=user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Work plan “%(name)s” saved.") % {"name": plan.name})
            return redirect("workplans:plan_board", plan.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": plan.name},
        cancel_url=reverse("workplans:plan_board", args=[plan.pk]),
        breadcrumb=_breadcrumb(plan),
    )


def _board_chains(projects: list[Project], result: selectors.Rollup) -> list[Chain]:
    """The chains of the board's chain filter: those the tasks counted in ``result`` are
    on by themselves, and those of ``projects`` (the projects the board lists). For a
    user who sees only some of the plan, both are already limited to their tasks."""
    ids = result.chains | {p.chain_id for p in projects if p.chain_id is not None}
    if not ids:
        return []
    return list(Chain.objects.filter(pk__in=ids).order_by(ordered("name"), "pk"))


@dataclass
class _Board:
    """What the board and its export read: the plan, the day its status is as of, the
    tasks the user sees (all of them, or only theirs), the roll-up, the filter form and
    the filtered tasks."""

    plan: WorkPlan
    as_of: dt.date | None
    today: dt.date
    partial: Any
    result: selectors.Rollup
    projects: list[Project]
    form: BoardFilterForm
    filters: selectors.BoardFilters
    tasks: Any


def _board(request: HttpRequest, pk: int) -> _Board:
    user = request.user
    # Status "as of" another day: how a past plan stood at its review, or what will be
    # late next month. The stored at_risk_from makes any day as cheap as today.
    as_of_form = AsOfForm(request.GET)
    as_of = as_of_form.cleaned_data.get("as_of") if as_of_form.is_valid() else None
    today = as_of or _today()
    plan = plan_policy.access(user, pk)
    plan = WorkPlan.objects.select_related("body__owner_unit").get(pk=plan.pk)
    # Someone who sees the plan only through some of its tasks (their units') sees only
    # those tasks, the projects holding them, and counts and progress over them.
    partial = selectors.partial_tasks(user, plan)
    visible = Task.objects.filter(plan=plan) if partial is None else partial
    # One pass over the (visible) tasks gives the counts, the progress and the chains the
    # filter offers; the task table and the filter's choices are read from it.
    result = selectors.plan_rollup(plan, today, partial)
    projects_qs = plan.projects.select_related("lead_unit", "chain").order_by("position", "pk")
    if partial is not None:
        projects_qs = projects_qs.filter(pk__in=list(result.projects))
    projects = list(projects_qs)
    form = BoardFilterForm(
        request.GET or None,
        projects=projects,
        chains=_board_chains(projects, result),
        units=unit_policy.visible(user),
    )
    filters = form.board_filters()
    tasks = selectors.board_tasks(visible, filters, today)
    return _Board(plan, as_of, today, partial, result, projects, form, filters, tasks)


@login_required
def plan_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's progress, its projects, and its tasks with their status, filtered and
    paged (its print view, ``?print=1``: every task up to the cap). An HTMX request (the
    filter form) gets only the task table."""
    user = request.user
    board = _board(request, pk)
    plan, as_of, today, partial, result = (
        board.plan,
        board.as_of,
        board.today,
        board.partial,
        board.result,
    )
    projects, form, filters, tasks = board.projects, board.form, board.filters, board.tasks
    # The page is chosen on ids alone, then its rows are read in full: sorting narrow
    # rows keeps the sort of a 10,000-task plan cheap on PostgreSQL. Unfiltered, the
    # roll-up has counted the tasks already.
    page = paginate(
        request,
        tasks.values_list("pk", flat=True),
        per_page=BOARD_PAGE_SIZE,
        count=None if filters.active else sum(result.counts.values()),
    )
    ids = list(page.object_list)
    rows = selectors.board_rows(ids, today)
    task_url, labels = _task_url_maker(), _status_labels()
    for task in rows:
        board_row(task, plan, today, as_of, task_url, labels)
    page.object_list = rows
    context: dict[str, Any] = {
        "plan": plan,
        "form": form,
        "page_obj": page,
        "filtered": filters.active,
        "status_labels": STATUS_LABELS,
        "project_names": {p.pk: p for p in projects},
        "as_of": as_of,
        "unit_title": _("Show this unit’s tasks"),
    }
    # The filter form swaps the task table (HX-Target); a history restore or any other
    # request gets the whole page.
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "board-tasks" and not htmx.history_restore_request:
        response = render(request, "workplans/_board_tasks.html", context)
        # The same address answers with the table or the page: caches must tell them apart.
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response
    for project in projects:
        project.progress = result.projects.get(project.pk)  # type: ignore[attr-defined]
        project.count_rows = _count_rows(result.project_counts.get(project.pk))  # type: ignore[attr-defined]
    # Key tasks placed directly in the plan are counted under the project id None.
    direct = result.project_counts.get(None)  # type: ignore[call-overload]
    context.update(
        {
            "rollup": result,
            "projects": projects,
            "direct_counts": _count_rows(direct),
            "task_total": sum(result.counts.values()),
            "status_counts": [
                (code, label, result.counts[code]) for code, label in STATUS_LABELS.items()
            ],
            # Adding to or editing a closed plan is refused: reopen it first.
            "may_manage": plan.state == PlanState.OPEN and plan_policy.allows(user, "manage", plan),
            "plan_moves": plan_workflow.allowed(user, plan),
            # The plan's work report is read by whoever sees the plan whole (reports.md).
            "may_read_report": partial is None,
            "today": today,
        }
    )
    response = render(request, "workplans/plan_board.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
def plan_board_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's key tasks (its filters, as of its day, only those the user sees) as
    .xlsx, in the user's language; at most ``EXPORT_MAX_ROWS`` tasks."""
    board = _board(request, pk)
    ids = list(board.tasks.values_list("pk", flat=True)[: settings.EXPORT_MAX_ROWS])
    rows = selectors.board_rows(ids, board.today)
    task_url, labels = _task_url_maker(), _status_labels()
    lines = []
    for task in rows:
        board_row(task, board.plan, board.today, board.as_of, task_url, labels)
        row: Any = task
        lines.append(
            [
                str(task.project) if task.project_id else _("Key tasks directly in the plan"),
                task.code,
                task.title,
                row.status_label,
                row.explanation,
                row.lead_name,
                row.person_name,
                row.supporting_names,
                task.due,
                task.progress,
                row.chain_name,
            ]
        )
    workbook = list_workbook(
        _("Key tasks"),
        board.plan.name,
        [
            _("Project"),
            _("Code"),
            _("Key task"),
            _("Status"),
            _("Explanation"),
            _("Lead unit"),
            _("Lead person"),
            _("Supporting units"),
            _("Due"),
            _("Progress (%)"),
            _("Chain"),
        ],
        lines,
        widths=[24, 10, 40, 14, 24, 24, 20, 30, 12, 12, 20],
        total=board.tasks.count() if len(ids) == settings.EXPORT_MAX_ROWS else None,
    )
    return xlsx_response(workbook, f"plan-{board.plan.pk}-tasks-{board.today.isoformat()}.xlsx")


def _plan_step(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    """Close or reopen the plan (a button on the board); a refusal is shown there."""
    user = request.user
    plan = plan_policy.access(user, pk, "manage")
    try:
        run(actor=user, plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"name": plan.name})
    return redirect("workplans:plan_board", plan.pk)


@require_POST
@login_required
def plan_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(request, pk, services.plan_close, _("Work plan “%(name)s” closed."))


@require_POST
@login_required
def plan_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(request, pk, services.plan_reopen, _("Work plan “%(name)s” reopened."))


def _count_rows(counts: dict[str, int] | None) -> list[tuple[str, Any, int]]:
    """(status, label, count) for the statuses that have tasks, in the board's order."""
    counts = counts or {}
    # The labels in the active language once, not a lazy translation per project and status.
    labels = _status_labels()
    return [(code, labels[code], counts[code]) for code in STATUS_LABELS if counts.get(code)]


def _status_labels() -> dict[str, str]:
    """The status labels in the active language."""
    return {code: str(label) for code, label in STATUS_LABELS.items()}


def explain_row(task: Task, plan: WorkPlan, today: dt.date, as_of: dt.date | None = None) -> None:
    """The status explanation of one row of the board (no query)."""
    status = selectors.task_status(task, today, plan.at_risk_margin)
    task.explanation = status_explanation(task.status, status, as_of)  # type: ignore[attr-defined]


def _task_url_maker() -> Callable[[int], str]:
    """The task page's address for an id, reversed once for a page of rows: the pattern
    is the same for every task, only the id changes."""
    marker = 999_999_999
    pattern = reverse("workplans:task_detail", args=[marker])
    head, tail = pattern.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def board_row(
    task: Task,
    plan: WorkPlan,
    today: dt.date,
    as_of: dt.date | None,
    task_url: Callable[[int], str],
    labels: dict[str, str],
) -> None:
    """What one row of the board shows, as plain text (no query; the template only
    prints it): the status explained, the lead unit and person, the supporting units, the
    due date and the progress, localized. ``task`` comes from ``selectors.board_rows``;
    ``task_url`` is :func:`_task_url_maker`'s, ``labels`` :func:`_status_labels`'."""
    explain_row(task, plan, today, as_of)
    row: Any = task
    row.url = task_url(task.pk)
    row.label = f"{task.code} {task.title}" if task.code else task.title
    row.status_label = labels.get(row.status, "")
    row.chain_name = task.chain.name if task.chain is not None else ""
    row.lead_name = task.lead_unit.name
    row.unit_query = quote(task.lead_unit.code, safe="/")  # as the urlencode filter
    person = task.lead_person
    row.person_name = (person.get_full_name() or person.username) if person else ""
    row.supporting_names = ", ".join(unit.name for unit in row.supporting)
    if task.due is not None:
        row.due_iso = task.due.isoformat()
        row.due_shown = formats.date_format(task.due, "SHORT_DATE_FORMAT")
    if task.progress is not None:
        row.progress_value = str(task.progress)
        row.progress_shown = formats.number_format(task.progress, 1)


def status_explanation(code: str, status: rollup.Status, as_of: dt.date | None = None) -> str:
    """What explains the status: the days overdue, or the progress expected by today
    (or by the day the board is seen "as of")."""
    if code == "late" and status.days_overdue:
        days = status.days_overdue
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
    if code in ("at_risk", "on_track") and status.expected is not None:
        expected = formats.number_format(status.expected)
        if as_of is not None:
            return _("expected %(expected)s%% by %(day)s") % {
                "expected": expected,
                "day": formats.date_format(as_of, "SHORT_DATE_FORMAT"),
            }
        return _("expected %(expected)s%% by today") % {"expected": expected}
    return ""


@login_required
def project_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = plan_policy.access(user, pk, "manage")
    form = ProjectForm(request.POST or None, units=unit_choices(user), chains=chain_choices(user))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project “%(name)s” added.") % {"name": project.name})
            return redirect("workplans:plan_board", plan.pk)
    return form_page(
        request,
        form,
        title=_("New project in %(plan)s") % {"plan": plan.name},
        cancel_url=reverse("workplans:plan_board", args=[plan.pk]),
        breadcrumb=_breadcrumb(plan),
        submit_label=_("Add project"),
    )


def _task_form(request: HttpRequest, plan: WorkPlan, task: Task | None = None) -> TaskForm:
    user = request.user
    keep_units: list[int | None] = []
    if task is not None:
        keep_units = [task.lead_unit_id, *task.supporting_units.values_list("pk", flat=True)]
    units = unit_choices(user, *keep_units)
    return TaskForm(
        request.POST or None,
        instance=copy.copy(task) if task is not None else None,
        plan=plan,
        units=units,
        people=lead_people(units, task.lead_person_id if task else None),
        chains=chain_choices(user, task.chain_id if task else None),
        initial={"project": request.GET.get("project")} if task is None else None,
    )


@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = plan_policy.access(user, pk, "manage")
    form = _task_form(request, plan)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=user, plan=plan, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Key task “%(title)s” added.") % {"title": task.title})
            return redirect("workplans:task_detail", task.pk)
    return form_page(
        request,
        form,
        title=_("New key task in %(plan)s") % {"plan": plan.name},
        cancel_url=reverse("workplans:plan_board", args=[plan.pk]),
        breadcrumb=_breadcrumb(plan),
        submit_label=_("Add key task"),
    )


# --- the task page ------------------------------------------------------------------------


def _task(user: Any, pk: int, action: str = "view") -> Task:
    task = task_policy.access(user, pk, action)
    return Task.objects.select_related(
        "plan__body",
        "project",
        "lead_unit",
        "lead_person",
        "chain",
        "resolution__meeting",
        "finding__meeting",
        "finding__unit",
    ).get(pk=task.pk)


def _may_see(user: Any, meeting: Any) -> bool:
    """Whether ``user`` may see a meeting (its app is above this one: its policy is asked
    through core.policies.policy_of, not imported)."""
    return policy_of(meeting).allows(user, "view", meeting)


def _history(
    reader: Any,
    task: Task,
    milestone_ids: list[int],
    evidence_ids: list[int],
    hidden: tuple[str, ...] = (),
) -> list[AuditEntry]:
    """The audit entries of the task, its milestones and evidence, newest first, as
    ``reader`` may read them (``audit_rows``: a related record they may not see is
    "(not shown)"); the ``hidden`` fields (the source resolution or finding of a meeting
    the user may not see, whose names tell of the meeting) are left out of the
    changes."""
    found = (
        AuditEntry.objects.filter(
            Q(target_type="workplans.task", target_id=str(task.pk))
            | Q(target_type="workplans.milestone", target_id__in=[str(i) for i in milestone_ids])
            | Q(
                target_type="workplans.taskevidence",
                target_id__in=[str(i) for i in evidence_ids],
            )
        )
        .select_related("actor")
        .order_by("-pk")[:HISTORY_ROWS]
    )
    entries = list(found)
    for entry in entries:
        if hidden and entry.changes:
            entry.changes = {k: v for k, v in entry.changes.items() if k not in hidden}
    rows = audit_rows(entries, reader=reader)
    for entry in rows:
        entry.label = ACTION_LABELS.get(entry.action, entry.label)  # type: ignore[attr-defined]
    return rows


def _task_page(request: HttpRequest, task: Task, **forms: Any) -> HttpResponse:
    """The task page; ``forms`` are bound forms to show again with their errors."""
    user = request.user
    today = _today()
    # A closed plan's task is read-only: nothing is offered until the plan is reopened.
    plan_open = task.plan.state == PlanState.OPEN
    may_report = plan_open and task_policy.allows(user, "report", task)
    may_manage = plan_open and task_policy.allows(user, "manage", task)
    units_reported = part_units(user, task) if plan_open else None
    status = selectors.explain(task, today)
    code = status.code
    milestones = list(task.milestones.all())
    evidence = list(task.evidence.select_related("uploaded_by", "unit"))
    is_done = code == "done"
    # The meeting a task follows up is named (and linked) only to those who may see it.
    resolution_visible = task.resolution is not None and _may_see(user, task.resolution.meeting)
    finding_visible = task.finding is not None and _may_see(user, task.finding.meeting)
    hidden = tuple(
        name
        for name, source, visible in (
            ("resolution", task.resolution, resolution_visible),
            ("finding", task.finding, finding_visible),
        )
        if source is not None and not visible
    )
    context: dict[str, Any] = {
        "task": task,
        "plan": task.plan,
        "supporting": list(task.supporting_units.order_by(ordered("name"), "pk")),
        "parts": list(task.parts.select_related("unit", "reported_by")),
        "status": status,
        "status_code": code,
        "status_label": STATUS_LABELS[code],
        "explanation": status_explanation(code, status),
        "milestones": milestones,
        "evidence": evidence,
        "updates": list(task.updates.select_related("actor")[:HISTORY_ROWS]),
        "history": _history(
            user, task, [m.pk for m in milestones], [e.pk for e in evidence], hidden
        ),
        "may_report": may_report,
        "may_manage": may_manage,
        "resolution_meeting_visible": resolution_visible,
        "finding_meeting_visible": finding_visible,
        "today": today,
        "breadcrumb": _breadcrumb(task.plan),
    }
    moves = task_workflow.allowed(user, task)
    if "report" in moves:
        context["report_form"] = forms.get("report_form") or ReportForm(task=task)
    if may_report:
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
    if "review" in moves:
        context["review_form"] = forms.get("review_form") or ReviewForm(task=task)
    if units_reported is not None and units_reported.exists():
        context["part_form"] = forms.get("part_form") or PartForm(units=units_reported)
    if may_manage:
        context["milestone_form"] = forms.get("milestone_form") or MilestoneForm()
    # The page offers reopening a task it shows as done (by its done day, not 100%).
    if "reopen" in moves and is_done:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm(task=task)
    return render(request, "workplans/task_detail.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _task(request.user, pk))


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "manage")
    form = _task_form(request, task.plan, task)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_update(
                actor=user, task=task, version=form.cleaned_data["version"], **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Key task “%(title)s” saved.") % {"title": task.title})
            return redirect("workplans:task_detail", task.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": task.title},
        cancel_url=reverse("workplans:task_detail", args=[task.pk]),
        breadcrumb=_breadcrumb(task.plan),
    )


def _task_step(
    request: HttpRequest,
    task: Task,
    form: Any,
    slot: str,
    run: Callable[[dict[str, Any]], Any],
    done: str,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    """One form on the task page: call the service ``run`` with the cleaned data and go
    back to the task with ``done``; otherwise show the page again with the form (in
    ``slot``) and the service's errors on its fields (``fields`` renames them)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == services.PLAN_CLOSED:
                # The page no longer offers the form: the reason goes above it.
                messages.error(request, exc.messages[0])
                return redirect("workplans:task_detail", task.pk)
            add_service_errors(form, exc, fields=fields)
        else:
            messages.success(request, done)
            return redirect("workplans:task_detail", task.pk)
    return _task_page(request, task, **{slot: form})


@require_POST
@login_required
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "report")
    return _task_step(
        request,
        task,
        ReportForm(request.POST, task=task),
        "report_form",
        lambda data: services.task_report(
            actor=user,
            task=task,
            progress=data.get("progress"),
            note=data["note"],
            done_on=data["done_on"],
            version=data["version"],
        ),
        _("Your report is saved."),
    )


@require_POST
@login_required
def task_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "manage")
    return _task_step(
        request,
        task,
        ReviewForm(request.POST, task=task),
        "review_form",
        lambda data: services.task_review(
            actor=user,
            task=task,
            rating=data["rating"],
            narrative=data["narrative"],
            version=data["version"],
        ),
        _("The review is saved."),
        fields={"outcome_narrative": "narrative"},
    )


@require_POST
@login_required
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "manage")
    return _task_step(
        request,
        task,
        ReopenForm(request.POST, task=task),
        "reopen_form",
        lambda data: services.task_reopen(
            actor=user,
            task=task,
            note=data["note"],
            progress=data.get("progress"),
            version=data["version"],
        ),
        _("The task is reopened."),
    )


@require_POST
@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "manage")
    return _task_step(
        request,
        task,
        MilestoneForm(request.POST),
        "milestone_form",
        lambda data: services.milestone_add(actor=user, task=task, **data),
        _("Milestone added."),
    )


@require_POST
@login_required
def milestone_done(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "report")
    milestone = get_object_or_404(task.milestones, pk=milestone_pk)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("workplans:task_detail", task.pk)
    done_on = None if form.cleaned_data["undo"] else form.cleaned_data["done_on"]
    try:
        services.milestone_set_done(actor=user, milestone=milestone, done_on=done_on)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if done_on is None:
            messages.success(request, _("The milestone is marked as not done."))
        else:
            messages.success(request, _("The milestone is marked as done."))
    return redirect("workplans:task_detail", task.pk)


@require_POST
@login_required
def task_part_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A supporting unit's officer reports the unit's own part (and may attach a file)."""
    user = request.user
    task = _task(user, pk, "report_part")

    def run(data: dict[str, Any]) -> None:
        # The part and its file are saved together or not at all.
        with transaction.atomic():
            services.task_part_report(
                actor=user,
                task=task,
                unit=data["unit"],
                progress=data.get("progress"),
                note=data["note"],
            )
            if data.get("file"):
                services.evidence_add(actor=user, task=task, file=data["file"], unit=data["unit"])

    return _task_step(
        request,
        task,
        PartForm(request.POST, request.FILES, units=part_units(user, task)),
        "part_form",
        run,
        _("The part is reported."),
    )


@require_POST
@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk, "report")
    return _task_step(
        request,
        task,
        EvidenceForm(request.POST, request.FILES),
        "evidence_form",
        lambda data: services.evidence_add(
            actor=user, task=task, file=data["file"], title=data["title"]
        ),
        _("The evidence is uploaded."),
    )


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> Any:
    task = task_policy.access(request.user, pk)
    evidence = get_object_or_404(task.evidence, pk=evidence_pk)
    return file_download(evidence.file)


urlpatterns: list[URLPattern] = [
    path("", plan_list, name="plan_list"),
    path("new/", plan_create, name="plan_create"),
    path("<int:pk>/", plan_board, name="plan_board"),
    path("<int:pk>/tasks.xlsx", plan_board_xlsx, name="plan_board_xlsx"),
    path("<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("<int:pk>/close/", plan_close, name="plan_close"),
    path("<int:pk>/reopen/", plan_reopen, name="plan_reopen"),
    path("<int:pk>/projects/new/", project_add, name="project_add"),
    path("<int:pk>/tasks/new/", task_add, name="task_add"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", task_edit, name="task_edit"),
    path("tasks/<int:pk>/report/", task_report, name="task_report"),
    path("tasks/<int:pk>/part/", task_part_report, name="task_part_report"),
    path("tasks/<int:pk>/review/", task_review, name="task_review"),
    path("tasks/<int:pk>/reopen/", task_reopen, name="task_reopen"),
    path("tasks/<int:pk>/milestones/", milestone_add, name="milestone_add"),
    path(
        "tasks/<int:pk>/milestones/<int:milestone_pk>/done/",
        milestone_done,
        name="milestone_done",
    ),
    path("tasks/<int:pk>/evidence/", evidence_add, name="evidence_add"),
    path(
        "tasks/<int:pk>/evidence/<int:evidence_pk>/",
        evidence_download,
        name="evidence_download",
    ),
]
