from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, scope_of, under
from pacesetter.core.policies import Actor, Policy

from .models import Unit, UnitType


class UnitPolicy(Policy[Unit]):
    """Who may do what to a unit.

    - ``view``: units in a subtree of any unit-scoped role; members of a cluster the
      user leads; the units of a body the user sits on.
    - ``view_unpublished``: only the unit itself and those above it (its subtree roles).
    - ``update`` (attributes): committee staff and unit officers of the subtree.
    - ``manage`` (add children, move, own clusters and bodies): committee staff.
    """

    model = Unit
    actions = ("view", "view_unpublished", "update", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            from pacesetter.bodies.models import Body, BodyMember
            from pacesetter.clusters.models import ClusterMembership

            q = under("path", scope.unit_paths)
            if scope.leader_cluster_ids:
                today = date.today()
                q |= Q(
                    pk__in=ClusterMembership.objects.filter(cluster_id__in=scope.leader_cluster_ids)
                    .filter(Q(end__isnull=True) | Q(end__gte=today))
                    .values("unit_id")
                )
            if scope.council_body_ids:
                q |= Q(
                    pk__in=BodyMember.objects.filter(
                        body_id__in=scope.council_body_ids, unit__isnull=False
                    ).values("unit_id")
                ) | Q(
                    pk__in=Body.objects.filter(pk__in=scope.council_body_ids).values(
                        "owner_unit_id"
                    )
                )
            return q
        if action == "view_unpublished":
            return under("path", scope.unit_paths)
        if action == "update":
            return under("path", scope.staff_paths + scope.officer_paths)
        if action == "manage":
            return under("path", scope.staff_paths)
        return NOTHING


class UnitTypePolicy(Policy[UnitType]):
    """Unit types are shared: everyone signed in sees them; staff of a root unit edit them."""

    model = UnitType
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            return Q()
        return Q() if scope.staff_at_root else NOTHING

    def may_create(self, user: Any) -> bool:
        """Creating has no object to ask about; the same people who edit types add them."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return bool(user.is_superuser or scope_of(user).staff_at_root)


unit_policy = UnitPolicy()
unit_type_policy = UnitTypePolicy()
