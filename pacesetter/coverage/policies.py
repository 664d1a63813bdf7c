from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy, signed_in
from pacesetter.units.models import Unit

from .models import Deadline, Organization, Site


class OrganizationPolicy(Policy[Organization]):
    """``view``: every role over the organization's town or street (its officers, the
    district's staff and viewers above it). ``update`` (details, status, buildings): the
    town's officers and the staff above it. ``manage`` (change its town, take it out of
    the demo): staff only."""

    model = Organization
    actions = ("view", "update", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            return under("town__path", scope.unit_paths)
        if action == "update":
            return under("town__path", scope.staff_paths + scope.officer_paths)
        if action == "manage":
            return under("town__path", scope.staff_paths)
        return NOTHING

    def may_keep(self, user: Any, town: Unit) -> bool:
        """Whether ``user`` may register organizations in ``town`` (the ``update`` rule
        for an organization not yet made)."""
        if not signed_in(user):
            return False
        if user.is_superuser:
            return True
        scope = Actor.of(user).scope
        return any(town.path.startswith(p) for p in scope.staff_paths + scope.officer_paths)


class SitePolicy(Policy[Site]):
    """Parks and buildings follow their town: seen by its roles, kept by its staff."""

    model = Site
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            return under("town__path", scope.unit_paths)
        if action == "update":
            return under("town__path", scope.staff_paths)
        return NOTHING


organization_policy = OrganizationPolicy()
site_policy = SitePolicy()


class DeadlinePolicy(Policy[Deadline]):
    """An organization's deadlines are seen by whoever sees the organization (the roles
    over its town or street); they change only through the organization's services."""

    model = Deadline
    actions = ("view",)

    def rule(self, actor: Actor, action: str) -> Q:
        if action == "view":
            return under("organization__town__path", actor.scope.unit_paths)
        return NOTHING


def follow_up_organizations(user: Any) -> QuerySet[Organization]:
    """The organizations for which ``user`` may create follow-up tasks from the blind-spot
    list: the district staff above their town (the ``manage`` rule of organizations; the
    work plan's own policy says in which plans)."""
    return organization_policy.visible(user, "manage")


deadline_policy = DeadlinePolicy()
