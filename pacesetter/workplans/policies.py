"""Who may see and work on plans and tasks.

A plan belongs to a body; the committee staff over the body's unit manage it. The units
that lead or support a task see it (and its plan), and the lead unit's officers and the
lead person report progress, milestones and evidence.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pacesetter.accounts.scopes import NOTHING, Scope, scope_of, under
from pacesetter.core.policies import Policy

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

    def rule(self, scope: Scope, action: str) -> Q:
        if action == "view":
            q = under("body__owner_unit__path", scope.unit_paths)
            if scope.council_body_ids:
                q |= Q(body_id__in=scope.council_body_ids)
            if scope.unit_paths:
                q |= Q(pk__in=Task.objects.filter(_task_units_q(scope)).values("plan_id"))
            return q
        if action == "manage":
            return under("body__owner_unit__path", scope.staff_paths)
        return NOTHING

    def visible(self, user: Any, action: str = "view") -> QuerySet[WorkPlan]:
        qs = super().visible(user, action)
        signed_in = getattr(user, "is_authenticated", False) and user.is_active
        if action == "view" and signed_in and not user.is_superuser:
            qs = self.base_queryset().filter(
                Q(pk__in=qs.values("pk"))
                | Q(pk__in=Task.objects.filter(lead_person=user).values("plan_id"))
            )
        return qs


class TaskPolicy(Policy[Task]):
    """``view``: whoever sees the plan through the body (roles over its unit, council
    members), the lead and supporting units' roles, and the lead person.
    ``report`` (progress, milestones done, evidence): committee staff or officers over the
    lead unit, the plan's managers, and the lead person.
    ``manage`` (what, who, dates, weights, the review of how well): the plan's managers."""

    model = Task
    actions = ("view", "report", "manage")

    def rule(self, scope: Scope, action: str) -> Q:
        managers = under("plan__body__owner_unit__path", scope.staff_paths)
        if action == "view":
            q = under("plan__body__owner_unit__path", scope.unit_paths)
            if scope.council_body_ids:
                q |= Q(plan__body_id__in=scope.council_body_ids)
            return q | _task_units_q(scope)
        if action == "report":
            return managers | under("lead_unit__path", scope.staff_paths + scope.officer_paths)
        if action == "manage":
            return managers
        return NOTHING

    def visible(self, user: Any, action: str = "view") -> QuerySet[Task]:
        if action not in self.actions:
            raise ValueError(f"Unknown action {action!r} for Task")
        qs = self.base_queryset()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return qs.none()
        if user.is_superuser:
            return qs
        q = self.rule(scope_of(user), action)
        if action in ("view", "report"):
            q |= Q(lead_person=user)
        return qs.filter(q)


plan_policy = WorkPlanPolicy()
task_policy = TaskPolicy()
