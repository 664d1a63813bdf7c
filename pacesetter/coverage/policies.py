from __future__ import annotations

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy

from .models import Organization, Site


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
