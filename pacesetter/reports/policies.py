"""Who reads and writes a review report.

- ``view`` and ``update`` (edit the narrative, finalize it) of a review report:
  committee staff over the campaign's organizer, for every report of the campaign; a
  cluster's leader, for the report of a cluster they lead.
- A work report: ``view`` whoever sees its plan whole (:func:`whole_plan_q`: roles over
  the plan's body's unit, its council members); ``update`` the plan's managers
  (``plan_policy``'s ``manage``).

Before a report exists, :func:`review_report_access` answers the same question for a
review point and a cluster (404 when the user does not see the review point or the
cluster takes no part in its campaign; 403 when they see it but may not report on it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPoint
from pacesetter.campaigns.policies import review_point_policy
from pacesetter.clusters.models import Cluster
from pacesetter.core.policies import Actor, Policy, signed_in
from pacesetter.core.scopes import NOTHING, Scope, under
from pacesetter.workplans.models import WorkPlan
from pacesetter.workplans.policies import plan_policy
from pacesetter.workplans.selectors import sees_whole_plan

from .models import Report, ReportKind


class ReportPolicy(Policy[Report]):
    model = Report
    actions = ("view", "update")

    def base_queryset(self) -> QuerySet[Report]:
        return Report.objects.select_related(
            "review_point__campaign", "cluster", "plan__body__owner_unit"
        )

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        staff = under("review_point__campaign__organizer__path", scope.staff_paths)
        leader = Q(cluster_id__in=scope.leader_cluster_ids) if scope.leader_cluster_ids else NOTHING
        review = Q(kind=ReportKind.REVIEW) & (staff | leader)
        if action == "view":
            return review | Q(kind=ReportKind.WORK) & whole_plan_q(scope, "plan__")
        if action == "update":
            managers = plan_policy.visible_to(actor, "manage").values("pk")
            return review | Q(kind=ReportKind.WORK, plan_id__in=managers)
        return NOTHING


def whole_plan_q(scope: Scope, prefix: str = "") -> Q:
    """The plans seen whole, through their body: roles over the body's unit and the
    body's council members (``workplans.selectors.sees_whole_plan`` as a filter). A work
    report is read by them only: a unit that sees the plan through one task it leads
    sees that task on the board, not the plan's report (whose frozen figures hold every
    task)."""
    q = under(f"{prefix}body__owner_unit__path", scope.unit_paths)
    if scope.council_body_ids:
        q |= Q(**{f"{prefix}body_id__in": scope.council_body_ids})
    return q


report_policy = ReportPolicy()


def review_report_access(
    user: Any, review_point_pk: Any, cluster_pk: Any = None
) -> tuple[ReviewPoint, Cluster | None]:
    """The review point (seen through its policy) and the cluster (one of its campaign's,
    or None for the whole campaign) whose report ``user`` may read and write; 404 or 403
    as :meth:`Policy.access` answers."""
    review_point = review_point_policy.access(user, review_point_pk)
    cluster = None
    if cluster_pk not in (None, ""):
        try:
            cluster = Cluster.objects.filter(
                pk=int(cluster_pk),
                participations__campaign_id=review_point.campaign_id,
            ).first()
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        if cluster is None:
            raise Http404(_("Not found."))
    if not may_report(user, review_point, cluster):
        raise PermissionDenied(_("You do not have permission to do this."))
    return review_point, cluster


def work_report_access(user: Any, plan_pk: Any) -> tuple[WorkPlan, bool]:
    """The work plan (seen through its policy) whose work report ``user`` may read, and
    whether they may write it (the plan's managers); 404 when they do not see the plan,
    403 when they see only some of its tasks (:func:`whole_plan_q`)."""
    plan = plan_policy.access(user, plan_pk)
    if not sees_whole_plan(user, plan):
        raise PermissionDenied(_("You do not have permission to do this."))
    return plan, plan_policy.allows(user, "manage", plan)


def may_report(user: Any, review_point: ReviewPoint, cluster: Cluster | None) -> bool:
    """Whether ``user`` may read and write the report of ``review_point`` (for
    ``cluster``): the same rule as :class:`ReportPolicy`, for a report not yet made."""
    if not signed_in(user):
        return False
    if user.is_superuser:
        return True
    if review_point_policy.allows(user, "manage", review_point):
        return True
    actor = Actor.of(user)
    return cluster is not None and cluster.pk in actor.scope.leader_cluster_ids
