"""Who may see and work on plans and tasks.

A plan belongs to a body; the committee staff over the body's unit manage it. The units
that lead or support a task see it (and its plan), and the lead unit's officers and the
lead person report progress, milestones and evidence.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pacesetter.accounts.scopes import NOTHING, Scope, under
from pacesetter.core.policies import Actor, Policy
from pacesetter.units.models import Unit

from .models import Task, WorkPlan


def _task_units_q(scope: Scope, prefix: str = "") -> Q:
    """Tasks led or supported by a unit in the user's subtrees."""
    if not scope.unit_paths:
        return NOTHING
    return under(f"{prefix}lead_unit__path", scope.unit_paths) | Q(
        **{
            f"{prefix}pk__in": Task.objects.filter(
                under("supporting_units__path", scope.unit_paths)
            ).values("pk")
        }
    )


class WorkPlanPolicy(Policy[WorkPlan]):
    """``view``: roles over the body's unit, the body's council members, and the units
    that lead or support one of its tasks. ``manage``: committee staff over the body's
    unit."""

    model = WorkPlan
    actions = ("view", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = under("body__owner_unit__path", scope.unit_paths)
            if scope.council_body_ids:
                q |= Q(body_id__in=scope.council_body_ids)
            if scope.unit_paths:
                q |= Q(pk__in=Task.objects.filter(_task_units_q(scope)).values("plan_id"))
            q |= Q(pk__in=Task.objects.filter(lead_person=actor.user).values("plan_id"))
            return q
        if action == "manage":
            return under("body__owner_unit__path", scope.staff_paths)
        return NOTHING


class TaskPolicy(Policy[Task]):
    """``view``: whoever sees the plan through the body (roles over its unit, council
    members), the lead and supporting units' roles, and the lead person.
    ``report`` (progress, milestones done, evidence): committee staff or officers over the
    lead unit, the plan's managers, and the lead person.
    ``report_part`` (a supporting unit's own part: progress, note, evidence): committee
    staff or officers over one of the supporting units (:func:`part_units` says which).
    ``manage`` (what, who, dates, weights, the review of how well): the plan's managers."""

    model = Task
    actions = ("view", "report", "report_part", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        managers = under("plan__body__owner_unit__path", scope.staff_paths)
        if action == "view":
            q = under("plan__body__owner_unit__path", scope.unit_paths)
            if scope.council_body_ids:
                q |= Q(plan__body_id__in=scope.council_body_ids)
            return q | _task_units_q(scope) | Q(lead_person=actor.user)
        if action == "report":
            return (
                managers
                | under("lead_unit__path", scope.staff_paths + scope.officer_paths)
                | Q(lead_person=actor.user)
            )
        if action == "report_part":
            reporters = scope.staff_paths + scope.officer_paths
            if not reporters:
                return NOTHING
            return Q(pk__in=Task.objects.filter(under("supporting_units__path", reporters)))
        if action == "manage":
            return managers
        return NOTHING


def part_units(user: Any, task: Task) -> QuerySet[Unit]:
    """The supporting units of ``task`` whose part ``user`` reports (as committee staff or
    officer over them); empty for anyone else, the lead unit's officers included."""
    scope = Actor.of(user).scope
    reporters = scope.staff_paths + scope.officer_paths
    if not reporters:
        return Unit.objects.none()
    return task.supporting_units.filter(under("path", reporters)).order_by("path")


plan_policy = WorkPlanPolicy()
task_policy = TaskPolicy()
