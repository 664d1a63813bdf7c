"""The top navigation, by role: each item lists the roles that use its screens, and a
user sees the items of the roles they hold (a superuser sees them all, an anonymous
visitor none). The screens keep their own permission checks; this only spares a person
the links that would lead them to empty lists or refusals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role
from .scopes import scope_of

STAFF = Role.COMMITTEE_STAFF
LEADER = Role.CLUSTER_LEADER
OFFICER = Role.UNIT_OFFICER
COUNCIL = Role.COUNCIL_MEMBER
VIEWER = Role.VIEWER


@dataclass(frozen=True)
class MenuItem:
    label: Promise
    url: str  # a URL name, or a path for the apps mounted without a list name
    roles: frozenset[str]

    def href(self) -> str:
        return self.url if self.url.startswith("/") else reverse(self.url)


def _item(label: Promise, url: str, *roles: str) -> MenuItem:
    return MenuItem(label, url, frozenset(roles))


MENU: tuple[MenuItem, ...] = (
    _item(_("Units"), "units:tree", STAFF, OFFICER, VIEWER),
    _item(_("Clusters"), "clusters:list", STAFF, LEADER),
    _item(_("Bodies"), "bodies:list", STAFF, COUNCIL),
    _item(_("Campaigns"), "/campaigns/", STAFF, LEADER, OFFICER, VIEWER),
    _item(_("Awards"), "/awards/", STAFF, OFFICER, COUNCIL, VIEWER),
    _item(_("People register"), "/awards/people/", STAFF, OFFICER, VIEWER),
    # A cluster votes through its units' officers, and its leader runs the cluster's polls.
    _item(_("Votes"), "/ballots/", STAFF, LEADER, OFFICER, COUNCIL),
    _item(_("My queue"), "/scoring/queue/", STAFF, LEADER),
    _item(_("Work plans"), "/workplans/", STAFF, LEADER, OFFICER, COUNCIL, VIEWER),
    _item(_("Meetings"), "/meetings/", STAFF, LEADER, OFFICER, COUNCIL),
    _item(_("Chains"), "/chains/", STAFF, OFFICER),
    _item(_("Coverage"), "/coverage/", STAFF, OFFICER, VIEWER),
    # Published practices are read by everyone signed in; units propose their own.
    _item(_("Good practice"), "/practices/", STAFF, LEADER, OFFICER, COUNCIL, VIEWER),
    _item(_("My work"), "/workplans/my-work/", STAFF, LEADER, OFFICER),
    _item(_("Statutory statistics"), "reports:statistics", STAFF),
    _item(_("Unit types"), "units:type_list", STAFF),
    _item(_("People and roles"), "accounts:people", STAFF),
)


def roles_held(user: Any) -> frozenset[str]:
    """The roles ``user`` holds anywhere (from the scope cached on the request's user)."""
    scope = scope_of(user)
    held = {
        STAFF: bool(scope.staff_paths),
        OFFICER: bool(scope.officer_paths),
        VIEWER: bool(scope.viewer_paths),
        LEADER: bool(scope.leader_cluster_ids),
        COUNCIL: bool(scope.council_body_ids),
    }
    return frozenset(role for role, holds in held.items() if holds)


def menu_for(user: Any) -> list[dict[str, str]]:
    """The navigation items ``user`` sees, in the menu's order."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = roles_held(user)
    return [
        {"label": str(item.label), "url": item.href()}
        for item in MENU
        if user.is_superuser or item.roles & roles
    ]
