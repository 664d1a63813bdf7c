from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from pacesetter.core.policies import Actor, Policy

from .models import ApiToken, RoleAssignment, User
from .scopes import NOTHING, Scope, scope_of, under


def may_manage_people(user: Any) -> bool:
    """Committee staff (of any subtree) and superusers manage accounts and roles."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or scope_of(user).staff_paths)


def _manageable_assignments(scope: Scope) -> Q:
    """Assignments over a unit, cluster or body that lies in the user's staff subtrees."""
    if not scope.staff_paths:
        return NOTHING
    return (
        under("unit__path", scope.staff_paths)
        | under("cluster__owner_unit__path", scope.staff_paths)
        | under("body__owner_unit__path", scope.staff_paths)
    )


class RoleAssignmentPolicy(Policy[RoleAssignment]):
    """Committee staff see and manage the roles held over their subtree (and its
    clusters and bodies); nobody else manages roles, except superusers."""

    model = RoleAssignment
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        return _manageable_assignments(scope)


class UserPolicy(Policy[User]):
    """Staff see (and manage the roles of) the people who hold a role in their subtree."""

    model = User
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if not scope.staff_paths:
            return NOTHING
        holds_a_role_here = Q(
            pk__in=RoleAssignment.objects.filter(_manageable_assignments(scope)).values("user_id")
        )
        if action == "view":
            return holds_a_role_here
        # Changing an account (deactivating it, granting to it) needs every role it holds
        # to lie in the actor's subtrees: staff of a district cannot lock out the province.
        outside = RoleAssignment.objects.filter(user_id=OuterRef("pk")).exclude(
            _manageable_assignments(scope)
        )
        return holds_a_role_here & Q(is_superuser=False) & ~Q(Exists(outside))


class ApiTokenPolicy(Policy[ApiToken]):
    """A person sees and revokes their own API tokens; committee staff do so for the
    accounts they may change (``user_policy`` "update": every role the account holds lies
    in their subtrees), so they can cut off a lost laptop's access."""

    model = ApiToken
    actions = ("view", "revoke")

    def rule(self, actor: Actor, action: str) -> Q:
        managed = user_policy.visible_to(actor, "update").values("pk")
        return Q(user_id=actor.user.pk) | Q(user__in=managed)


role_assignment_policy = RoleAssignmentPolicy()
user_policy = UserPolicy()
api_token_policy = ApiTokenPolicy()
