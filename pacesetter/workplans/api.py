"""JSON API for work plans and key tasks: /api/v1/work-plans and /api/v1/tasks.

Plans with their roll-up, projects, and tasks (filtered and paged like the plan board);
a task with its status and the explanation of it, progress reports (``version`` is the
task version the client read: a stale one is a 409 and nothing is saved), milestones and
the review. Ids named in a request body are resolved through their policies: one the
user cannot see is a 422 on that field.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.bodies.api import BodyRef, PersonRef
from pacesetter.bodies.policies import body_policy
from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Position, Version
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.files import file_download
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    fold,
    ordered,
    text_input,
    text_patch,
    translations,
)
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import users_visible_to

from . import selectors, services
from .models import (
    Milestone,
    OutcomeRating,
    PlanKind,
    PlanState,
    ProgressMode,
    Project,
    Task,
    TaskEvidence,
    TaskPart,
    WorkPlan,
)
from .policies import part_units, plan_policy, task_policy
from .workflows import plan_workflow, task_workflow

plans_router = Router(tags=["work plans"])
tasks_router = Router(tags=["tasks"])

Status_ = Literal["late", "at_risk", "on_track", "done"]
#: Fields a PATCH may change but not clear.
REQUIRED_TASK_FIELDS = (
    "title",
    "code",
    "scope",
    "measures",
    "weight",
    "progress_mode",
    "source_language",
)


def _today() -> dt.date:
    return timezone.localdate()


# --- schemas -------------------------------------------------------------------------


class ChainRef(Schema):
    id: Id
    name: str
    source_language: str


class ProjectRef(Schema):
    id: Id
    code: str
    name: str
    source_language: str


class StatusCounts(Schema):
    late: int = 0
    at_risk: int = 0
    on_track: int = 0
    done: int = 0


class PlanOut(Schema):
    id: Id
    name: str
    source_language: str
    kind: PlanKind
    body: BodyRef
    period_start: dt.date
    period_end: dt.date
    at_risk_margin: Decimal
    remind_days_before: int
    escalate_after_days: int
    state: PlanState = Field(
        description="``closed``: its tasks are not reminded nor escalated, and every write "
        "to it or its tasks is refused (``plan_closed``) until it is reopened."
    )
    progress: Decimal | None = Field(
        description="Weighted mean of the projects and the key tasks placed in the plan "
        "(over the tasks you may see, when you see the plan only through some of them)."
    )
    counts: StatusCounts = Field(
        description="The plan's tasks (those you may see) by status, today."
    )


class ProjectOut(Schema):
    id: Id
    code: str
    name: str
    description: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    lead_unit: UnitRef | None
    chain: ChainRef | None
    weight: Decimal
    position: Position
    progress: Decimal | None = Field(description="Weighted mean of its tasks.")
    counts: StatusCounts


class PlanDetailOut(PlanOut):
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT
    projects: list[ProjectOut] = Field(
        description="In order; only those holding a task you may see, when you see the "
        "plan only through some of its tasks."
    )
    direct_counts: StatusCounts = Field(description="Key tasks placed directly in the plan.")
    may_manage: bool
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (close, reopen), from the plan's workflow."
    )


class PlanFilters(Schema):
    q: str = ""
    body: Id | None = None


class PlanIn(Schema):
    body_id: Id
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(300)  # type: ignore[valid-type]
    kind: PlanKind
    period_start: dt.date
    period_end: dt.date
    at_risk_margin: Decimal = Field(Decimal(10), ge=0, le=100)
    remind_days_before: int = Field(7, ge=0, le=365)
    escalate_after_days: int = Field(7, ge=0, le=365)


class PlanPatch(Schema):
    """Only the fields sent change; a text sent by language merges (one left out is
    kept, ``""`` clears a translation)."""

    source_language: Language | None = None
    name: text_patch(300) = None  # type: ignore[valid-type]
    kind: PlanKind | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    at_risk_margin: Decimal | None = Field(None, ge=0, le=100)
    remind_days_before: int | None = Field(None, ge=0, le=365)
    escalate_after_days: int | None = Field(None, ge=0, le=365)
    version: Version | None = VERSION_IN


class ProjectIn(Schema):
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(300)  # type: ignore[valid-type]
    code: str = Field("", max_length=30)
    description: text_input() = ""  # type: ignore[valid-type]
    lead_unit_id: Id | None = None
    chain_id: Id | None = None
    weight: Decimal = Field(Decimal(1), ge=0)
    position: Position | None = Field(None, ge=0)


class TaskOut(Schema):
    id: Id
    plan_id: Id
    project: ProjectRef | None
    code: str
    title: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    lead_unit: UnitRef
    lead_person: PersonRef | None
    supporting_units: list[UnitRef]
    scope: str = Field(description="What.")
    measures: str = Field(description="How.")
    outcome_rating: str = Field(description="How well (rating, at review).")
    outcome_narrative: str = Field(description="How well (narrative, at review).")
    start: dt.date | None
    due: dt.date | None
    weight: Decimal
    progress_mode: ProgressMode
    progress: Decimal | None
    done_on: dt.date | None
    chain: ChainRef | None
    resolution_id: Id | None
    finding_id: Id | None
    version: Version = Field(description="Send it back with a report or an update.")
    status: Status_
    expected: Decimal | None = Field(
        description="The progress the linear schedule expects by today."
    )
    days_overdue: int


class TaskDetailOut(TaskOut):
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (report, review, reopen), from the "
        "task's workflow; none while its plan is closed."
    )


class TaskFilters(Schema):
    q: str = ""
    unit: Id | None = Field(None, description="Tasks led or supported by this unit.")
    subtree: bool = Field(False, description="With ``unit``: or by any unit under it.")
    chain: Id | None = Field(None, description="On this chain, directly or by project.")
    status: Status_ | None = None
    project: Id | None = None
    direct: bool = Field(False, description="Only key tasks placed directly in the plan.")

    def board_filters(self, unit: Unit | None) -> selectors.BoardFilters:
        """The board's filters, with ``unit`` found among those the user may see."""
        return selectors.BoardFilters(
            q=self.q,
            unit=unit,
            subtree=self.subtree,
            status=self.status or "",
            chain=self.chain,
            project=self.project,
            direct=self.direct,
        )


class TaskIn(Schema):
    source_language: Language | None = SOURCE_LANGUAGE
    title: text_input(300)  # type: ignore[valid-type]
    lead_unit_id: Id
    project_id: Id | None = None
    code: str = Field("", max_length=30)
    lead_person_id: Id | None = None
    supporting_unit_ids: list[Id] = []
    scope: text_input() = ""  # type: ignore[valid-type]
    measures: text_input() = ""  # type: ignore[valid-type]
    start: dt.date | None = None
    due: dt.date | None = None
    weight: Decimal = Field(Decimal(1), ge=0)
    progress_mode: ProgressMode = ProgressMode.ENTERED
    chain_id: Id | None = None


class TaskPatch(Schema):
    """Only the fields sent change (send ``null`` to clear an optional one); a text sent
    by language merges (one left out is kept, ``""`` clears a translation)."""

    version: Version | None = Field(None, description="The version read; a stale one is a 409.")
    source_language: Language | None = None
    title: text_patch(300) = None  # type: ignore[valid-type]
    lead_unit_id: Id | None = None
    project_id: Id | None = None
    code: str | None = Field(None, max_length=30)
    lead_person_id: Id | None = None
    supporting_unit_ids: list[Id] | None = None
    scope: text_patch() = None  # type: ignore[valid-type]
    measures: text_patch() = None  # type: ignore[valid-type]
    start: dt.date | None = None
    due: dt.date | None = None
    weight: Decimal | None = Field(None, ge=0)
    progress_mode: ProgressMode | None = None
    chain_id: Id | None = None


class TaskReportIn(Schema):
    version: Version = Field(description="The version read; a stale one is a 409.")
    progress: Decimal | None = Field(None, ge=0, le=100, decimal_places=1)
    note: str = ""
    done_on: dt.date | None = Field(
        None, description="Not after today, nor before the task's (or plan's) start."
    )


class ReopenIn(Schema):
    version: Version = Field(description="The version read; a stale one is a 409.")
    note: str = Field(min_length=1, description="Why the task is reopened.")
    progress: Decimal | None = Field(
        None,
        ge=0,
        lt=100,
        decimal_places=1,
        description="Entered progress only; default: the last reported below 100, or 0.",
    )


class ReviewIn(Schema):
    version: Version
    rating: OutcomeRating
    narrative: text_input() = Field(  # type: ignore[valid-type]
        description="In the task's source language, or by language (merged)."
    )


class MilestoneOut(Schema):
    id: Id
    task_id: Id
    title: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    due: dt.date | None
    done_on: dt.date | None
    weight: Decimal
    position: Position

    @staticmethod
    def resolve_translations(obj: Milestone) -> dict[str, dict[str, str]]:
        return translations(obj)


class MilestoneIn(Schema):
    source_language: Language | None = SOURCE_LANGUAGE
    title: text_input(300)  # type: ignore[valid-type]
    due: dt.date | None = None
    weight: Decimal = Field(Decimal(1), ge=0)


class MilestoneDoneIn(Schema):
    done: bool = True
    done_on: dt.date | None = Field(
        None,
        description="Defaults to today when done; not after today, nor before the task's "
        "(or plan's) start.",
    )


class TaskEvidenceOut(Schema):
    id: Id
    task_id: Id
    title: str
    name: str = Field(description="The stored file's name.")
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_name(obj: TaskEvidence) -> str:
        return PurePath(obj.file.name or "").name


# --- read helpers --------------------------------------------------------------------


def _counts(counts: dict[str, int] | None) -> dict[str, int]:
    return {code: (counts or {}).get(code, 0) for code in selectors.STATUSES}


def _plans() -> models.QuerySet[WorkPlan]:
    return WorkPlan.objects.select_related("body__owner_unit")


class PlanPages(Paged):
    """Pages of plans with their roll-up and counts: two aggregate queries per page."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        plans = list(page["items"])
        ids = [p.pk for p in plans]
        # A plan seen only through some of its tasks is counted over those tasks alone.
        visible = selectors.plans_tasks(request.user, plans)
        progress = selectors.plans_progress(ids, visible)
        counts = selectors.plans_counts(ids, _today(), visible)
        page["items"] = [
            {**_plan_fields(p), "progress": progress.get(p.pk), "counts": _counts(counts[p.pk])}
            for p in plans
        ]
        return page


def _plan_fields(plan: WorkPlan) -> dict[str, Any]:
    return {
        name: getattr(plan, name)
        for name in PlanOut.model_fields
        if name not in ("progress", "counts")
    }


def _projects_out(plan: WorkPlan, result: selectors.Rollup) -> list[dict[str, Any]]:
    """The projects of the roll-up (those holding a task the user may see), in order."""
    projects = plan.projects.select_related("lead_unit", "chain").order_by("position", "pk")
    return [
        _project_out(p, result.projects.get(p.pk), result.project_counts.get(p.pk))
        for p in projects.filter(pk__in=list(result.projects))
    ]


def _rollup(plan: WorkPlan, user: Any) -> selectors.Rollup:
    """The plan's roll-up as the user may see it: over every task when they see the plan
    through its body, else over the tasks they may see."""
    return selectors.plan_rollup(plan, _today(), selectors.partial_tasks(user, plan))


def _plan_detail(plan: WorkPlan, user: Any) -> dict[str, Any]:
    result = _rollup(plan, user)
    return {
        **_plan_fields(plan),
        "translations": translations(plan),
        "version": plan.version,
        "progress": result.plan,
        "counts": _counts(result.counts),
        "projects": _projects_out(plan, result),
        "direct_counts": _counts(result.project_counts.get(None)),  # type: ignore[call-overload]
        "may_manage": plan_policy.allows(user, "manage", plan),
        "allowed_actions": plan_workflow.allowed_list(user, plan),
    }


def _project_out(
    project: Project, progress: Decimal | None, counts: dict[str, int] | None
) -> dict[str, Any]:
    return {
        **{
            name: getattr(project, name)
            for name in ProjectOut.model_fields
            if name not in ("progress", "counts", "translations")
        },
        "translations": translations(project),
        "progress": progress,
        "counts": _counts(counts),
    }


def _task_out(task: Task, today: dt.date, supporting: list[Unit]) -> dict[str, Any]:
    status = selectors.explain(task, today)
    fields = {
        name: getattr(task, name)
        for name in TaskOut.model_fields
        if name not in ("supporting_units", "status", "expected", "days_overdue", "translations")
    }
    return {
        **fields,
        "translations": translations(task),
        "supporting_units": supporting,
        "status": status.code,
        "expected": status.expected,
        "days_overdue": status.days_overdue,
    }


def _tasks() -> models.QuerySet[Task]:
    return Task.objects.select_related("plan", "project", "lead_unit", "lead_person", "chain")


class TaskPages(Paged):
    """Pages of tasks with their status and supporting units. The page is chosen on ids
    alone (a narrow sort), then its rows are read in full."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * size
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + size])
        found = _tasks().filter(pk__in=ids) if ids else Task.objects.none()
        rows: dict[int, Any] = {t.pk: t for t in found}
        prefetch_related_objects(
            list(rows.values()),
            Prefetch(
                "supporting_units",
                queryset=Unit.objects.order_by(ordered("name"), "pk"),
                to_attr="sup",
            ),
        )
        today = _today()
        return {
            "items": [_task_out(rows[pk], today, rows[pk].sup) for pk in ids],
            "count": self._items_count(queryset),
        }


def _task_detail(pk: int) -> dict[str, Any]:
    task = _tasks().get(pk=pk)
    return _task_out(task, _today(), list(task.supporting_units.order_by(ordered("name"), "pk")))


def _unit(user: Any, pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit: Unit = resolve_ref(unit_policy, user, pk, "view", field)
    return unit


def _chain(user: Any, pk: int | None, field: str) -> Chain | None:
    if pk is None:
        return None
    chain: Chain = resolve_ref(chain_policy, user, pk, "view", field)
    return chain


def _person(user: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    person = users_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise ValidationError({field: _("Choose a valid option.")})
    return person


def _project(plan: WorkPlan, pk: int | None, field: str) -> Project | None:
    if pk is None:
        return None
    project = plan.projects.filter(pk=pk).first()
    if project is None:
        raise ValidationError({field: _("Choose a project of this work plan.")})
    return project


# --- plans and projects ----------------------------------------------------------------


@plans_router.get("", response=list[PlanOut])
@paginate(PlanPages)
def plan_list(request: HttpRequest, filters: Query[PlanFilters]) -> models.QuerySet[WorkPlan]:
    """Plans the user may see, newest first, each with its progress and task counts.
    ``q`` searches the name and the body's name; ``body`` (an id) filters."""
    plans = plan_policy.visible(request.user).select_related("body__owner_unit")
    query = filters.q.strip()
    if query:
        plans = plans.filter(
            Q(search_key__contains=fold(query)) | Q(body__search_key__contains=fold(query))
        )
    if filters.body is not None:
        plans = plans.filter(body_id=filters.body)
    return plans.order_by("-period_start", ordered("name"), "pk")


@plans_router.post("", response={201: PlanDetailOut})
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    """A new work plan for a body the user runs (committee staff over the body's unit)."""
    user = request.user
    body = resolve_ref(body_policy, user, payload.body_id, "update", "body_id")
    data = payload.dict(exclude={"body_id"})
    data["source_language"] = data["source_language"] or content_language()
    plan = services.plan_create(actor=user, body=body, **data)
    return Status(201, _plan_detail(_plans().get(pk=plan.pk), user))


@plans_router.get("/{int:plan_id}", response=PlanDetailOut)
def plan_detail(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    """A plan with its progress, task counts by status, and its projects."""
    plan = plan_policy.access(request.user, plan_id)
    return _plan_detail(_plans().get(pk=plan.pk), request.user)


@plans_router.patch("/{int:plan_id}", response=PlanDetailOut)
def plan_update(request: HttpRequest, plan_id: Id, payload: PlanPatch) -> dict[str, Any]:
    """Change a plan (its managers). A new at-risk margin recomputes every task; a new
    period must still hold every task's start and due dates."""
    user = request.user
    plan = plan_policy.access(user, plan_id, "manage")
    changes = payload.dict(exclude_unset=True)
    if any(value is None for value in changes.values()):
        raise ValidationError(
            {k: _("This field cannot be empty.") for k, v in changes.items() if v is None}
        )
    services.plan_update(actor=user, plan=plan, **changes)
    return _plan_detail(_plans().get(pk=plan.pk), user)


@plans_router.post("/{int:plan_id}/close", response=PlanDetailOut)
def plan_close(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    """Close the plan (its managers): its tasks are no longer reminded nor escalated, and
    writes to it or its tasks are refused (``plan_closed``) until it is reopened. A plan
    closed already: ``invalid_transition``."""
    user = request.user
    plan = plan_policy.access(user, plan_id, "manage")
    services.plan_close(actor=user, plan=plan)
    return _plan_detail(_plans().get(pk=plan.pk), user)


@plans_router.post("/{int:plan_id}/reopen", response=PlanDetailOut)
def plan_reopen(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    """Reopen a closed plan (its managers). A plan that is open: ``invalid_transition``."""
    user = request.user
    plan = plan_policy.access(user, plan_id, "manage")
    services.plan_reopen(actor=user, plan=plan)
    return _plan_detail(_plans().get(pk=plan.pk), user)


@plans_router.get("/{int:plan_id}/projects", response=list[ProjectOut])
def project_list(request: HttpRequest, plan_id: Id) -> list[dict[str, Any]]:
    """The plan's projects in order, each with its progress and task counts (for someone
    who sees the plan only through some of its tasks: the projects holding one, over
    those tasks)."""
    plan = plan_policy.access(request.user, plan_id)
    plan = _plans().get(pk=plan.pk)
    return _projects_out(plan, _rollup(plan, request.user))


@plans_router.post("/{int:plan_id}/projects", response={201: ProjectOut})
def project_create(request: HttpRequest, plan_id: Id, payload: ProjectIn) -> Status[dict[str, Any]]:
    """Add a project to the plan (its managers)."""
    user = request.user
    plan = plan_policy.access(user, plan_id, "manage")
    project = services.project_create(
        actor=user,
        plan=plan,
        source_language=payload.source_language or content_language(),
        name=payload.name,
        code=payload.code,
        description=payload.description,
        lead_unit=_unit(user, payload.lead_unit_id, "lead_unit_id"),
        chain=_chain(user, payload.chain_id, "chain_id"),
        weight=payload.weight,
        position=payload.position,
    )
    project = Project.objects.select_related("lead_unit", "chain").get(pk=project.pk)
    return Status(201, _project_out(project, None, None))


@plans_router.get("/{int:plan_id}/tasks", response=list[TaskOut])
@paginate(TaskPages)
def plan_tasks(
    request: HttpRequest, plan_id: Id, filters: Query[TaskFilters]
) -> models.QuerySet[Task]:
    """The plan's tasks the user may see, in board order (key tasks placed directly in
    the plan first, then by project), with their status. Filters: ``unit`` (led or
    supported; with ``subtree``, by any unit under it), ``chain``, ``status``,
    ``project`` or ``direct``, and ``q`` (code or title)."""
    user = request.user
    plan = plan_policy.access(user, plan_id)
    plan = WorkPlan.objects.select_related("body__owner_unit").get(pk=plan.pk)
    unit = None
    if filters.unit is not None:
        # Only among the units the user may see: the answer tells nothing of the others.
        unit = unit_policy.visible(user).filter(pk=filters.unit).only("pk", "path").first()
        if unit is None:
            raise ValidationError({"unit": _("Choose a valid option.")})
    tasks = selectors.board_tasks(
        selectors.plan_tasks(user, plan), filters.board_filters(unit), _today()
    )
    return tasks.select_related("plan", "project", "lead_unit", "lead_person", "chain")


@plans_router.post("/{int:plan_id}/tasks", response={201: TaskOut})
def task_create(request: HttpRequest, plan_id: Id, payload: TaskIn) -> Status[dict[str, Any]]:
    """Add a key task to the plan, in a project or directly (the plan's managers)."""
    user = request.user
    plan = plan_policy.access(user, plan_id, "manage")
    lead_unit = _unit(user, payload.lead_unit_id, "lead_unit_id")
    assert lead_unit is not None
    task = services.task_create(
        actor=user,
        plan=plan,
        source_language=payload.source_language or content_language(),
        title=payload.title,
        lead_unit=lead_unit,
        project=_project(plan, payload.project_id, "project_id"),
        code=payload.code,
        lead_person=_person(user, payload.lead_person_id, "lead_person_id"),
        supporting_units=[
            u
            for pk in payload.supporting_unit_ids
            if (u := _unit(user, pk, "supporting_unit_ids")) is not None
        ],
        scope=payload.scope,
        measures=payload.measures,
        start=payload.start,
        due=payload.due,
        weight=payload.weight,
        progress_mode=payload.progress_mode,
        chain=_chain(user, payload.chain_id, "chain_id"),
    )
    return Status(201, _task_detail(task.pk))


# --- tasks ---------------------------------------------------------------------------


@tasks_router.get("/{int:task_id}", response=TaskDetailOut)
def task_detail(request: HttpRequest, task_id: Id) -> dict[str, Any]:
    """A key task: who, what, how, how well, dates, progress, and its status with the
    expected progress or the days overdue that explain it."""
    task = task_policy.access(request.user, task_id)
    return {
        **_task_detail(task.pk),
        "allowed_actions": task_workflow.allowed_list(request.user, task),
    }


@tasks_router.patch("/{int:task_id}", response=TaskOut)
def task_update(request: HttpRequest, task_id: Id, payload: TaskPatch) -> dict[str, Any]:
    """Change who, what, how, dates, weight, project, chain or progress mode (the plan's
    managers). With ``version``, a stale one is a 409 and nothing is saved."""
    user = request.user
    task = task_policy.access(user, task_id, "manage")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    changes: dict[str, Any] = {}
    for name, value in data.items():
        if name == "lead_unit_id":
            if value is None:
                raise ValidationError({name: _("A key task needs a lead unit.")})
            changes["lead_unit"] = _unit(user, value, name)
        elif name == "project_id":
            changes["project"] = _project(task.plan, value, name)
        elif name == "lead_person_id":
            changes["lead_person"] = _person(user, value, name)
        elif name == "chain_id":
            changes["chain"] = _chain(user, value, name)
        elif name == "supporting_unit_ids":
            continue
        elif value is None and name in REQUIRED_TASK_FIELDS:
            raise ValidationError({name: _("This field cannot be empty.")})
        else:
            changes[name] = value
    supporting = None
    if data.get("supporting_unit_ids") is not None:
        supporting = [
            u
            for pk in data["supporting_unit_ids"]
            if (u := _unit(user, pk, "supporting_unit_ids")) is not None
        ]
    services.task_update(
        actor=user, task=task, version=version, supporting_units=supporting, **changes
    )
    return _task_detail(task.pk)


@tasks_router.post("/{int:task_id}/report", response=TaskOut)
def task_report(request: HttpRequest, task_id: Id, payload: TaskReportIn) -> dict[str, Any]:
    """A progress report: the progress (tasks with entered progress), a note, and the day
    it was done. Officers over the lead unit, the lead person and the plan's managers.
    A stale ``version`` is a 409 and nothing is saved."""
    user = request.user
    task = task_policy.access(user, task_id, "report")
    services.task_report(
        actor=user,
        task=task,
        progress=payload.progress,
        note=payload.note,
        done_on=payload.done_on,
        version=payload.version,
    )
    return _task_detail(task.pk)


class PartIn(Schema):
    unit_id: Id = Field(description="A supporting unit of the task that the user reports for.")
    progress: Decimal | None = Field(None, ge=0, le=100, decimal_places=1)
    note: str = ""


class PartOut(Schema):
    unit: UnitRef
    progress: Decimal | None
    note: str
    reported_by: str | None = Field(None, alias="reported_by.username")
    reported_at: dt.datetime


@tasks_router.get("/{int:task_id}/parts", response=list[PartOut])
def task_parts(request: HttpRequest, task_id: Id) -> Any:
    """The supporting units' own parts of a task, as its page lists them."""
    task = task_policy.access(request.user, task_id)
    return task.parts.select_related("unit", "reported_by").order_by("unit__path")


@tasks_router.post("/{int:task_id}/parts", response=PartOut)
def task_part_report(request: HttpRequest, task_id: Id, payload: PartIn) -> Any:
    """A supporting unit reports its own part (progress and a note); the task's own
    progress and reports do not change. Committee staff and officers over that unit."""
    user = request.user
    task = task_policy.access(user, task_id, "report_part")
    unit = task.supporting_units.filter(pk=payload.unit_id).first()
    if unit is None:
        raise FieldRuleError(
            "unit_id", _("This unit does not support the task."), code=services.NOT_SUPPORTING
        )
    if not part_units(user, task).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You do not report this unit's part."))
    part = services.task_part_report(
        actor=user, task=task, unit=unit, progress=payload.progress, note=payload.note
    )
    return TaskPart.objects.select_related("unit", "reported_by").get(pk=part.pk)


@tasks_router.post("/{int:task_id}/reopen", response=TaskOut)
def task_reopen(request: HttpRequest, task_id: Id, payload: ReopenIn) -> dict[str, Any]:
    """Undo "done" (the plan's managers), saying why. A task with entered progress goes
    back to ``progress`` (below 100; default: the last reported below 100, or 0). A stale
    ``version`` is a 409 and nothing is saved."""
    user = request.user
    task = task_policy.access(user, task_id, "manage")
    services.task_reopen(
        actor=user,
        task=task,
        note=payload.note,
        progress=payload.progress,
        version=payload.version,
    )
    return _task_detail(task.pk)


@tasks_router.post("/{int:task_id}/review", response=TaskOut)
def task_review(request: HttpRequest, task_id: Id, payload: ReviewIn) -> dict[str, Any]:
    """How well it went: rating and narrative (the plan's managers)."""
    user = request.user
    task = task_policy.access(user, task_id, "manage")
    services.task_review(
        actor=user,
        task=task,
        rating=payload.rating,
        narrative=payload.narrative,
        version=payload.version,
    )
    return _task_detail(task.pk)


@tasks_router.get("/{int:task_id}/milestones", response=list[MilestoneOut])
def milestone_list(request: HttpRequest, task_id: Id) -> list[Milestone]:
    task = task_policy.access(request.user, task_id)
    return list(task.milestones.all())


@tasks_router.post("/{int:task_id}/milestones", response={201: MilestoneOut})
def milestone_add(request: HttpRequest, task_id: Id, payload: MilestoneIn) -> Status[Milestone]:
    """Add a milestone (the plan's managers); a task whose progress comes from its
    milestones follows at once."""
    user = request.user
    task = task_policy.access(user, task_id, "manage")
    milestone = services.milestone_add(
        actor=user,
        task=task,
        source_language=payload.source_language or content_language(),
        title=payload.title,
        due=payload.due,
        weight=payload.weight,
    )
    return Status(201, milestone)


@tasks_router.post("/milestones/{int:milestone_id}/done", response=MilestoneOut)
def milestone_done(request: HttpRequest, milestone_id: Id, payload: MilestoneDoneIn) -> Milestone:
    """Mark a milestone done (on ``done_on``, today by default) or, with ``done: false``,
    not done. Whoever reports on the task."""
    task_id = Milestone.objects.filter(pk=milestone_id).values_list("task_id", flat=True).first()
    if task_id is None:
        raise Http404(_("Not found."))
    task = task_policy.access(request.user, task_id, "report")
    milestone = task.milestones.get(pk=milestone_id)
    done_on = (payload.done_on or _today()) if payload.done else None
    return services.milestone_set_done(actor=request.user, milestone=milestone, done_on=done_on)


@tasks_router.get("/{int:task_id}/evidence", response=list[TaskEvidenceOut])
def evidence_list(request: HttpRequest, task_id: Id) -> list[TaskEvidence]:
    """The task's evidence, newest first (whoever sees the task)."""
    task = task_policy.access(request.user, task_id)
    return list(task.evidence.all())


@tasks_router.post("/{int:task_id}/evidence", response={201: TaskEvidenceOut})
def evidence_add(
    request: HttpRequest,
    task_id: Id,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Status[TaskEvidence]:
    """Upload evidence, sent as multipart: the file in ``file``, an optional ``title``
    (at most 300 characters). Whoever reports on the task.

    A file over the upload limit is refused with ``file_too_large``, one of a type not
    accepted with ``file_type``."""
    user = request.user
    task = task_policy.access(user, task_id, "report")
    evidence = services.evidence_add(actor=user, task=task, file=file, title=title)
    return Status(201, evidence)


@tasks_router.get("/{int:task_id}/evidence/{int:evidence_id}/file")
def evidence_file(request: HttpRequest, task_id: Id, evidence_id: Id) -> FileResponse:
    """Download one of the task's evidence files."""
    task = task_policy.access(request.user, task_id)
    return file_download(get_object_or_404(task.evidence.all(), pk=evidence_id).file)
