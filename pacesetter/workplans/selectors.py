"""Reading plans and tasks: status in SQL (for filters and counts) and the roll-up.

The status rules live in :mod:`rollup`; the stored ``progress`` and ``at_risk_from``
(kept by the services) let the database apply them without date arithmetic:

- done: ``done_on`` is set and has come, or (no ``done_on``) progress is 100;
- late: past ``due`` and not done;
- at risk: ``at_risk_from`` has come;
- on track: otherwise.

Status "as of" another day uses today's stored progress and ``at_risk_from``: only
``done_on`` says when a task was done, so a task done after that day is not done on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from pacesetter.accounts.scopes import scope_of
from pacesetter.core.translations import fields_of, matching, ordered
from pacesetter.units.models import Unit

from . import rollup
from .models import Project, Task, WorkPlan
from .policies import task_policy

STATUSES = ("late", "at_risk", "on_track", "done")


def status_case(today: dt.date) -> Case:
    """The status on ``today`` in SQL. A task is done from its ``done_on`` on; without
    one, at 100%."""
    return Case(
        When(
            Q(done_on__lte=today) | Q(done_on__isnull=True, progress__gte=100),
            then=Value("done"),
        ),
        When(due__lt=today, then=Value("late")),
        When(at_risk_from__lte=today, then=Value("at_risk")),
        default=Value("on_track"),
        output_field=CharField(),
    )


def with_status(tasks: QuerySet[Task], today: dt.date) -> QuerySet[Task]:
    """Annotate ``status`` (one of :data:`STATUSES`)."""
    return tasks.annotate(status=status_case(today))


def task_status(task: Task, today: dt.date, margin: Decimal) -> rollup.Status:
    """The status of ``task`` on ``today`` with what explains it, as :func:`status_case`
    decides it in SQL (no query)."""
    done_later = task.done_on is not None and task.done_on > today
    if done_later and task.progress is not None and task.progress >= rollup.HUNDRED:
        # Done after ``today`` with its 100% stored: not done yet on that day. The stored
        # progress says nothing of how far it was then, and ``at_risk_from`` is empty at
        # 100%, so (as in SQL) it is late past its due date and on track before.
        if task.due is not None and today > task.due:
            return rollup.Status("late", rollup.HUNDRED, (today - task.due).days)
        return rollup.Status("on_track", None)
    return rollup.task_status(
        progress=task.progress,
        start=task.start,
        due=task.due,
        today=today,
        margin=margin,
        done=task.done_on is not None and not done_later,
    )


def explain(task: Task, today: dt.date) -> rollup.Status:
    """The status with its explanation (expected progress, days overdue)."""
    return task_status(task, today, task.plan.at_risk_margin)


@dataclass
class Rollup:
    """Progress of each project (by id), of the plan, and task counts by status.
    ``chains``: the chains the tasks are on by themselves (not through their project)."""

    projects: dict[int, Decimal | None] = field(default_factory=dict)
    plan: Decimal | None = None
    counts: dict[str, int] = field(default_factory=dict)
    project_counts: dict[int, dict[str, int]] = field(default_factory=dict)
    chains: set[int] = field(default_factory=set)


def _effective_progress() -> Case:
    """A task's progress as the roll-up counts it: 100 once it is reported done (a task
    whose progress comes from its milestones may be done before all of them are), else
    its stored progress."""
    return Case(
        When(done_on__isnull=False, then=Value(rollup.HUNDRED)),
        default=F("progress"),
        output_field=DecimalField(max_digits=4, decimal_places=1),
    )


#: The tasks the roll-up's progress counts: with a progress (or done) and a weight.
_WEIGHED = Q(Q(progress__isnull=False) | Q(done_on__isnull=False), weight__gt=0)


def _weighted_sums(tasks: QuerySet[Task], *group: str) -> QuerySet[Task, dict[str, Any]]:
    """The sums of progress times weight and of the weights of ``tasks``, grouped by
    ``group``; tasks without progress (and not done) or without weight are left out."""
    return (
        tasks.filter(_WEIGHED)
        .order_by()  # no joins for Meta.ordering in an aggregate
        .values(*group)
        .annotate(
            total=Sum(
                _effective_progress() * F("weight"),
                output_field=DecimalField(max_digits=20, decimal_places=4),
            ),
            weights=Sum("weight"),
        )
    )


def plan_rollup(plan: WorkPlan, today: dt.date, tasks: QuerySet[Task] | None = None) -> Rollup:
    """A project is the weighted mean of its tasks; the plan is the weighted mean of its
    projects and of the key tasks placed directly in it. Two queries, whatever the size:
    one pass over the tasks (progress sums and counts by project, status and chain), then
    the projects' weights.

    ``tasks`` (the plan's tasks a user may see, when they may not see all of them:
    :func:`partial_tasks`) limits everything to those tasks: the progress and counts are
    computed over them, and only the projects holding one of them are listed."""
    base = Task.objects.filter(plan=plan)
    if tasks is not None:
        base = base.filter(pk__in=tasks.values("pk"))
    rows = (
        with_status(base.order_by(), today)
        .values("project_id", "status", "chain_id")  # type: ignore[misc]
        .annotate(
            n=Count("pk"),
            total=Sum(
                _effective_progress() * F("weight"),
                filter=_WEIGHED,
                output_field=DecimalField(max_digits=20, decimal_places=4),
            ),
            weights=Sum("weight", filter=_WEIGHED),
        )
    )
    result = Rollup(counts=dict.fromkeys(STATUSES, 0))
    sums: dict[int | None, list[Decimal]] = {}
    for row in rows:
        result.counts[row["status"]] += row["n"]
        per = result.project_counts.setdefault(row["project_id"], dict.fromkeys(STATUSES, 0))
        per[row["status"]] += row["n"]
        if row["chain_id"] is not None:
            result.chains.add(row["chain_id"])
        if row["weights"]:
            part = sums.setdefault(row["project_id"], [Decimal(0), Decimal(0)])
            part[0] += Decimal(row["total"])
            part[1] += Decimal(row["weights"])
    progress = {pk: rollup._q(total / weights) for pk, (total, weights) in sums.items() if weights}
    projects_qs = plan.projects.order_by()
    if tasks is not None:
        # Only the projects holding a task the user sees (read above: no second pass).
        projects_qs = projects_qs.filter(pk__in=[pk for pk in result.project_counts if pk])
    projects = list(projects_qs.values_list("pk", "weight"))
    result.projects = {pk: progress.get(pk) for pk, _w in projects}
    # Key tasks directly in the plan count each with its own weight; their sums are
    # already weighted, so they enter as one part with the summed weight.
    direct: list[tuple[Decimal | None, Decimal]] = (
        [(progress[None], sums[None][1])] if None in progress else []
    )
    result.plan = rollup.weighted_mean(
        [(result.projects[pk], Decimal(w)) for pk, w in projects] + direct
    )
    return result


# --- screens: the plan list, the board, "my work" ------------------------------------


def plans_progress(
    plan_ids: list[int], tasks: QuerySet[Task] | None = None
) -> dict[int, Decimal | None]:
    """The roll-up of several plans (as :func:`plan_rollup` computes it) in one query:
    the task sums per (plan, project) are combined here, one row per project. ``tasks``
    limits it to those tasks (:func:`plans_tasks`)."""
    base = Task.objects.all() if tasks is None else tasks
    rows = _weighted_sums(
        base.filter(plan_id__in=plan_ids), "plan_id", "project_id", "project__weight"
    )
    parts: dict[int, list[tuple[Decimal | None, Decimal]]] = {pk: [] for pk in plan_ids}
    for row in rows:
        value = rollup._q(Decimal(row["total"]) / Decimal(row["weights"]))
        if row["project_id"] is None:
            parts[row["plan_id"]].append((value, Decimal(row["weights"])))
        else:
            parts[row["plan_id"]].append((value, Decimal(row["project__weight"])))
    return {pk: rollup.weighted_mean(values) for pk, values in parts.items()}


def plans_counts(
    plan_ids: list[int], today: dt.date, tasks: QuerySet[Task] | None = None
) -> dict[int, dict[str, int]]:
    """Each plan's tasks by status (one grouped count); ``tasks`` limits it."""
    base = Task.objects.all() if tasks is None else tasks
    counts = {pk: dict.fromkeys(STATUSES, 0) for pk in plan_ids}
    rows = (
        with_status(base.filter(plan_id__in=plan_ids).order_by(), today)
        .values("plan_id", "status")  # type: ignore[misc]
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["plan_id"]][row["status"]] = row["n"]
    return counts


def sees_whole_plan(user: Any, plan: WorkPlan) -> bool:
    """Whether the user sees every task of the plan: superusers, and whoever sees the
    plan through its body (roles over the body's unit, which includes the plan's
    managers, and the body's council members). No query beyond the user's scope;
    ``plan.body.owner_unit`` should be loaded."""
    if getattr(user, "is_superuser", False):
        return True
    scope = scope_of(user)
    owner_path = plan.body.owner_unit.path
    return plan.body_id in scope.council_body_ids or any(
        owner_path.startswith(p) for p in scope.unit_paths
    )


def partial_tasks(user: Any, plan: WorkPlan) -> QuerySet[Task] | None:
    """``None`` when the user sees every task of the plan; otherwise the plan's tasks
    they may see (their units', those they lead in person). Pass it to
    :func:`plan_rollup` so that counts, progress and projects cover only those."""
    if sees_whole_plan(user, plan):
        return None
    return Task.objects.filter(
        pk__in=task_policy.visible(user).filter(plan=plan).values("pk"), plan=plan
    )


def plan_tasks(user: Any, plan: WorkPlan) -> QuerySet[Task]:
    """The plan's tasks the user may see. Whoever sees the plan through its body (roles
    over the body's unit, its council members) sees every task, and the board then
    needs no per-task permission filter; the others see the tasks of their units."""
    partial = partial_tasks(user, plan)
    return Task.objects.filter(plan=plan) if partial is None else partial


def plans_tasks(user: Any, plans: list[WorkPlan]) -> QuerySet[Task]:
    """The tasks of ``plans`` the user may see (every task of a plan they see whole), for
    :func:`plans_progress` and :func:`plans_counts`."""
    whole = [p.pk for p in plans if sees_whole_plan(user, p)]
    partial = [p.pk for p in plans if p.pk not in whole]
    q = Q(plan_id__in=whole)
    if partial:
        q |= Q(
            plan_id__in=partial,
            pk__in=task_policy.visible(user).filter(plan_id__in=partial).values("pk"),
        )
    return Task.objects.filter(q)


#: What a row of the board shows of a task, its lead unit and person, project and chain:
#: the rows are read with these columns alone (a task has some thirty more).
BOARD_ROW_FIELDS = (
    "pk",
    "plan_id",
    "project_id",
    "code",
    "source_language",
    *fields_of("title"),
    "lead_unit_id",
    "lead_person_id",
    "chain_id",
    "start",
    "due",
    "progress",
    "done_on",
    "position",
    "lead_unit__code",
    "lead_unit__source_language",
    *(f"lead_unit__{name}" for name in fields_of("name")),
    "lead_person__username",
    "lead_person__first_name",
    "lead_person__last_name",
    "project__code",
    "project__source_language",
    *(f"project__{name}" for name in fields_of("name")),
    "chain__source_language",
    *(f"chain__{name}" for name in fields_of("name")),
)


def board_rows(ids: list[int], today: dt.date) -> list[Task]:
    """The tasks ``ids`` (one page of the board) as the board shows them, in that order:
    status as of ``today``, lead unit and person, project, chain, and the supporting
    units (``supporting``, by name). Three queries; none without ids."""
    if not ids:
        return []
    found = (
        with_status(Task.objects.filter(pk__in=ids), today)
        .select_related("lead_unit", "lead_person", "project", "chain")
        .only(*BOARD_ROW_FIELDS)
        .prefetch_related(
            Prefetch(
                "supporting_units",
                queryset=Unit.objects.only(
                    "pk", "code", "source_language", *fields_of("name")
                ).order_by(ordered("name"), "pk"),
                to_attr="supporting",
            )
        )
    )
    by_id = {task.pk: task for task in found}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- chains ---------------------------------------------------------------------------


def on_chain(chain: Any) -> Q:
    """Tasks on a chain: by themselves, or through their project."""
    return Q(chain=chain) | Q(project__chain=chain)


def plans_on_chain(chain: Any) -> Q:
    """Plans with a task on the chain (by itself or through its project), or with a
    project on it."""
    return Q(pk__in=Task.objects.filter(on_chain(chain)).values("plan_id")) | Q(
        pk__in=Project.objects.filter(chain=chain).values("plan_id")
    )


# --- the plan board's filters -------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilters:
    """What the plan board and the API's task list are filtered by: one rule for both.

    Built from the board's form (``BoardFilterForm.board_filters()``) or the API's query
    (``TaskFilters.board_filters(unit)``). ``unit`` is already found among the units the
    user may see: tasks it leads or supports, or with ``subtree`` that any unit under it
    leads or supports. ``chain``: on the chain by itself or through its project.
    ``direct``: only key tasks placed directly in the plan (else ``project``, an id).
    """

    q: str = ""
    unit: Unit | None = None
    subtree: bool = False
    status: str = ""
    chain: int | None = None
    project: int | None = None
    direct: bool = False

    @property
    def active(self) -> bool:
        """Whether any filter is set (the board then says the list is filtered)."""
        return any(
            (self.q, self.unit, self.subtree, self.status, self.chain, self.project, self.direct)
        )


def board_tasks(tasks: QuerySet[Task], filters: BoardFilters, today: dt.date) -> QuerySet[Task]:
    """``tasks`` with their status as of ``today``, filtered, in board order (key tasks
    placed directly in the plan first, then by project)."""
    tasks = with_status(tasks, today)
    # Code and title in every language, accents and case folded (the key holds both).
    tasks = matching(tasks, filters.q)
    unit = filters.unit
    if unit is not None:
        through = Task.supporting_units.through.objects
        if filters.subtree:
            supported = through.filter(unit__path__startswith=unit.path)
            tasks = tasks.filter(
                Q(lead_unit__path__startswith=unit.path) | Q(pk__in=supported.values("task_id"))
            )
        else:
            supported = through.filter(unit_id=unit.pk)
            tasks = tasks.filter(Q(lead_unit=unit) | Q(pk__in=supported.values("task_id")))
    if filters.status:
        tasks = tasks.filter(status=filters.status)  # type: ignore[misc]
    if filters.chain is not None:
        tasks = tasks.filter(Q(chain_id=filters.chain) | Q(project__chain_id=filters.chain))
    if filters.direct:
        tasks = tasks.filter(project__isnull=True)
    elif filters.project is not None:
        tasks = tasks.filter(project_id=filters.project)
    return tasks.order_by(
        F("project__position").asc(nulls_first=True),
        F("project_id").asc(nulls_first=True),
        "position",
        "pk",
    )
