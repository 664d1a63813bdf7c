from __future__ import annotations

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy

from .models import Body, BodyMember


class BodyPolicy(Policy[Body]):
    """``view``: roles over the body's unit, roles over a unit that sits on the body, and
    the body's own council members.
    ``update`` (details, terms, members): committee staff over the body's unit."""

    model = Body
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = under("owner_unit__path", scope.unit_paths)
            if scope.unit_paths:
                q |= Q(
                    pk__in=BodyMember.objects.filter(under("unit__path", scope.unit_paths)).values(
                        "body_id"
                    )
                )
            if scope.council_body_ids:
                q |= Q(pk__in=scope.council_body_ids)
            return q
        if action == "update":
            return under("owner_unit__path", scope.staff_paths)
        return NOTHING


body_policy = BodyPolicy()
