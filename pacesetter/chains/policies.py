from __future__ import annotations

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy

from .models import Chain, ChainMember


class ChainPolicy(Policy[Chain]):
    """``view``: roles over the unit that keeps the chain, over its leader, or over one of
    its member units. ``manage`` (details, members and their order): committee staff over
    the unit that keeps it."""

    model = Chain
    actions = ("view", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            if not scope.unit_paths:
                return NOTHING
            q = under("owner_unit__path", scope.unit_paths)
            q |= under("leader_unit__path", scope.unit_paths)
            q |= Q(
                pk__in=ChainMember.objects.filter(under("unit__path", scope.unit_paths)).values(
                    "chain_id"
                )
            )
            return q
        if action == "manage":
            return under("owner_unit__path", scope.staff_paths)
        return NOTHING


chain_policy = ChainPolicy()
