from __future__ import annotations

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy

from .models import Cluster, ClusterMembership


class ClusterPolicy(Policy[Cluster]):
    """``view``: staff or viewers over the lead body, the cluster's leader role, and the
    units that are (or were) members. ``update`` (details, members, leaders): committee
    staff over the lead body."""

    model = Cluster
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = under("owner_unit__path", scope.unit_paths)
            if scope.unit_paths:
                q |= Q(
                    pk__in=ClusterMembership.objects.filter(
                        under("unit__path", scope.unit_paths)
                    ).values("cluster_id")
                )
            if scope.leader_cluster_ids:
                q |= Q(pk__in=scope.leader_cluster_ids)
            return q
        if action == "update":
            return under("owner_unit__path", scope.staff_paths)
        return NOTHING


cluster_policy = ClusterPolicy()
