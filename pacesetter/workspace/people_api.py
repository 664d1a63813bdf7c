"""JSON API for accounts and their roles: /api/v1/people.

What the "People and roles" screens do (``people_views``), with the same services and
the same policy checks: committee staff create an account with its first role, grant a
role, revoke one, and deactivate (or reactivate) an account. A role is held over a unit,
a cluster or a body, so, like those screens, the router lives with the pages that
combine domains.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from pacesetter.accounts.models import UNIT_ROLES, Role, RoleAssignment, User
from pacesetter.accounts.policies import may_manage_people, role_assignment_policy, user_policy
from pacesetter.accounts.services import role_grant, role_revoke, user_create, user_set_active
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.api_types import Id
from pacesetter.core.refs import resolve_ref
from pacesetter.units.policies import unit_policy

router = Router(tags=["people"])


# --- schemas ---------------------------------------------------------------------------


class RoleScopeIn(Schema):
    """A role and what it is held over: ``unit_id`` for committee staff, unit officers and
    viewers (the unit and its subtree), ``cluster_id`` for cluster leaders, ``body_id``
    for council members. Only the one the role needs is read."""

    role: Role
    unit_id: Id | None = None
    cluster_id: Id | None = None
    body_id: Id | None = None


class RoleGrantIn(RoleScopeIn):
    pass


class AccountCreateIn(RoleScopeIn):
    username: str
    password: str
    email: str = ""


class AccountActiveIn(Schema):
    is_active: bool


class RoleAssignmentOut(Schema):
    id: Id
    role: str
    unit_id: Id | None
    cluster_id: Id | None
    body_id: Id | None


class AccountOut(Schema):
    id: Id
    username: str
    email: str
    is_active: bool
    #: The roles over what the acting user manages (others are not theirs to see).
    roles: list[RoleAssignmentOut]

    @staticmethod
    def resolve_roles(obj: User, context: dict[str, Any]) -> list[RoleAssignment]:
        return list(
            role_assignment_policy.visible(context["request"].user).filter(user=obj).order_by("pk")
        )


# --- helpers ---------------------------------------------------------------------------


def _scope(user: Any, payload: RoleScopeIn) -> dict[str, Any]:
    """The unit, cluster or body the role is held over, through the policies the screen's
    form uses (a unit the actor manages, a cluster or body they may update)."""
    scope: dict[str, Any] = {"unit": None, "cluster": None, "body": None}
    if payload.role in UNIT_ROLES and payload.unit_id is not None:
        scope["unit"] = resolve_ref(unit_policy, user, payload.unit_id, "manage", "unit_id")
    elif payload.role == Role.CLUSTER_LEADER and payload.cluster_id is not None:
        scope["cluster"] = resolve_ref(
            cluster_policy, user, payload.cluster_id, "update", "cluster_id"
        )
    elif payload.role == Role.COUNCIL_MEMBER and payload.body_id is not None:
        scope["body"] = resolve_ref(body_policy, user, payload.body_id, "update", "body_id")
    return scope


# --- endpoints -------------------------------------------------------------------------


@router.get("/{int:user_id}", response=AccountOut)
def account_detail(request: HttpRequest, user_id: Id) -> User:
    """One account the user sees (it holds a role in their subtree), with those roles."""
    return user_policy.access(request.user, user_id)


@router.post("", response={201: AccountOut})
def account_create_endpoint(request: HttpRequest, payload: AccountCreateIn) -> Status[User]:
    """Create an account together with its first role (committee staff)."""
    user = request.user
    if not may_manage_people(user):
        raise PermissionDenied(_("You do not have permission to do this."))
    account = user_create(
        actor=user,
        username=payload.username,
        email=payload.email,
        password=payload.password,
        role=payload.role.value,
        **_scope(user, payload),
    )
    return Status(201, account)


@router.post("/{int:user_id}/roles", response={201: RoleAssignmentOut})
def role_grant_endpoint(
    request: HttpRequest, user_id: Id, payload: RoleGrantIn
) -> Status[RoleAssignment]:
    """Grant a role to an account whose every role lies in the user's subtrees."""
    user = request.user
    target = user_policy.access(user, user_id, "update")
    assignment = role_grant(
        actor=user, user=target, role=payload.role.value, **_scope(user, payload)
    )
    return Status(201, assignment)


@router.delete("/roles/{int:assignment_id}", response={204: None})
def role_revoke_endpoint(request: HttpRequest, assignment_id: Id) -> HttpResponse:
    """Revoke a role held over the user's subtree (or its clusters and bodies)."""
    assignment = role_assignment_policy.access(request.user, assignment_id, "update")
    role_revoke(actor=request.user, assignment=assignment)
    return HttpResponse(status=204)


@router.put("/{int:user_id}/active", response=AccountOut)
def account_set_active_endpoint(
    request: HttpRequest, user_id: Id, payload: AccountActiveIn
) -> User:
    """Deactivate (``false``) or reactivate (``true``) an account; nobody deactivates
    their own."""
    target = user_policy.access(request.user, user_id, "update")
    return user_set_active(actor=request.user, user=target, is_active=payload.is_active)
