from __future__ import annotations

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy

from .models import Decision


class DecisionPolicy(Policy[Decision]):
    """A decision (and its file) is seen by the recording unit's subtree roles and by
    everyone who may see a cluster it set up; committee staff of the recording unit edit it."""

    model = Decision
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            from pacesetter.clusters.models import Cluster
            from pacesetter.clusters.policies import cluster_policy

            return under("owner_unit__path", scope.unit_paths) | Q(
                pk__in=Cluster.objects.filter(cluster_policy.rule(actor, "view"))
                .exclude(decision__isnull=True)
                .values("decision_id")
            )
        if action == "update":
            return under("owner_unit__path", scope.staff_paths)
        return NOTHING


decision_policy = DecisionPolicy()
