"""Reading plans and tasks: status in SQL (for filters and counts) and the roll-up.

The status rules live in :mod:`rollup`; the stored ``progress`` and ``at_risk_from``
(kept by the services) let the database apply them without date arithmetic:

- done: ``done_on`` is set or progress is 100;
- late: past ``due`` and not done;
- at risk: ``at_risk_from`` has come;
- on track: otherwise.
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
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from pacesetter.accounts.scopes import scope_of

from . import rollup
from .models import Task, WorkPlan
from .policies import task_policy

STATUSES = ("late", "at_risk", "on_track", "done")


def status_case(today: dt.date) -> Case:
    return Case(
        When(Q(done_on__isnull=False) | Q(progress__gte=100), then=Value("done")),
        When(due__lt=today, then=Value("late")),
        When(at_risk_from__lte=today, then=Value("at_risk")),
        default=Value("on_track"),
        output_field=CharField(),
    )


def with_status(tasks: QuerySet[Task], today: dt.date) -> QuerySet[Task]:
    """Annotate ``status`` (one of :data:`STATUSES`)."""
    return tasks.annotate(status=status_case(today))


def explain(task: Task, today: dt.date) -> rollup.Status:
    """The status with its explanation (expected progress, days overdue)."""
    return rollup.task_status(
        progress=task.progress,
        start=task.start,
        due=task.due,
        today=today,
        margin=task.plan.at_risk_margin,
        done=task.done_on is not None,
    )


@dataclass
class Rollup:
    """Progress of each project (by id), of the plan, and task counts by status."""

    projects: dict[int, Decimal | None] = field(default_factory=dict)
    plan: Decimal | None = None
    counts: dict[str, int] = field(default_factory=dict)
    project_counts: dict[int, dict[str, int]] = field(default_factory=dict)


def plan_rollup(plan: WorkPlan, today: dt.date) -> Rollup:
    """A project is the weighted mean of its tasks; the plan is the weighted mean of its
    projects and of the key tasks placed directly in it. Two queries, whatever the size."""
    weighted = DecimalField(max_digits=20, decimal_places=4)
    sums = (
        Task.objects.filter(plan=plan, progress__isnull=False, weight__gt=0)
        .order_by()  # no joins for Meta.ordering in an aggregate
        .values("project_id")
        .annotate(
            total=Sum(F("progress") * F("weight"), output_field=weighted),
            weights=Sum("weight"),
        )
    )
    project_progress: dict[int, Decimal | None] = {}
    direct: list[tuple[Decimal | None, Decimal]] = []
    for row in sums:
        value = rollup._q(Decimal(row["total"]) / Decimal(row["weights"]))
        if row["project_id"] is None:
            direct.append((value, Decimal(row["weights"])))
        else:
            project_progress[row["project_id"]] = value
    projects = list(plan.projects.order_by().values_list("pk", "weight"))
    result = Rollup(projects={pk: project_progress.get(pk) for pk, _w in projects})
    # Key tasks directly in the plan count each with its own weight; their sums are
    # already weighted, so they enter as one part with the summed weight.
    result.plan = rollup.weighted_mean(
        [(result.projects[pk], Decimal(w)) for pk, w in projects] + direct
    )
    counts = (
        with_status(Task.objects.filter(plan=plan).order_by(), today)
        .values("project_id", "status")  # type: ignore[misc]
        .annotate(n=Count("pk"))
    )
    result.counts = dict.fromkeys(STATUSES, 0)
    for row in counts:
        result.counts[row["status"]] += row["n"]
        per = result.project_counts.setdefault(row["project_id"], dict.fromkeys(STATUSES, 0))
        per[row["status"]] += row["n"]
    return result


# --- screens: the plan list, the board, "my work" ------------------------------------


def plans_progress(plan_ids: list[int]) -> dict[int, Decimal | None]:
    """The roll-up of several plans (as :func:`plan_rollup` computes it) in one query:
    the task sums per (plan, project) are combined here, one row per project."""
    weighted = DecimalField(max_digits=20, decimal_places=4)
    rows = (
        Task.objects.filter(plan_id__in=plan_ids, progress__isnull=False, weight__gt=0)
        .order_by()
        .values("plan_id", "project_id", "project__weight")
        .annotate(
            total=Sum(F("progress") * F("weight"), output_field=weighted),
            weights=Sum("weight"),
        )
    )
    parts: dict[int, list[tuple[Decimal | None, Decimal]]] = {pk: [] for pk in plan_ids}
    for row in rows:
        value = rollup._q(Decimal(row["total"]) / Decimal(row["weights"]))
        if row["project_id"] is None:
            parts[row["plan_id"]].append((value, Decimal(row["weights"])))
        else:
            parts[row["plan_id"]].append((value, Decimal(row["project__weight"])))
    return {pk: rollup.weighted_mean(values) for pk, values in parts.items()}


def plan_tasks(user: Any, plan: WorkPlan) -> QuerySet[Task]:
    """The plan's tasks the user may see. Whoever sees the plan through its body (roles
    over the body's unit, its council members) sees every task, and the board then
    needs no per-task permission filter; the others see the tasks of their units."""
    tasks = Task.objects.filter(plan=plan)
    if getattr(user, "is_superuser", False):
        return tasks
    scope = scope_of(user)
    owner_path = plan.body.owner_unit.path
    if plan.body_id in scope.council_body_ids or any(
        owner_path.startswith(p) for p in scope.unit_paths
    ):
        return tasks
    return tasks.filter(pk__in=task_policy.visible(user).filter(plan=plan).values("pk"))
