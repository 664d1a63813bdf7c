"""Role grants, profiles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record
from pacesetter.core.errors import ConflictError

from .models import UNIT_ROLES, ApiToken, Role, RoleAssignment, User
from .scopes import forget_scope


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, role: str, unit: Any = None, cluster: Any = None, body: Any = None
) -> RoleAssignment:
    """Give ``user`` a role over a unit subtree, a cluster or a body (as the role needs)."""
    if role in UNIT_ROLES and unit is None:
        raise ValidationError({"unit": _("This role is held over a unit.")})
    if role == Role.CLUSTER_LEADER and cluster is None:
        raise ValidationError({"cluster": _("This role is held over a cluster.")})
    if role == Role.COUNCIL_MEMBER and body is None:
        raise ValidationError({"body": _("This role is held over a body.")})
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        unit=unit if role in UNIT_ROLES else None,
        cluster=cluster if role == Role.CLUSTER_LEADER else None,
        body=body if role == Role.COUNCIL_MEMBER else None,
    )
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            target=user,
            changes={"role": [None, str(assignment)]},
        )
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    user = assignment.user
    description = str(assignment)
    assignment.delete()
    audit_record(
        actor=actor, action="role.revoke", target=user, changes={"role": [description, None]}
    )
    forget_scope(user)


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    email: str = "",
    role: str,
    unit: Any = None,
    cluster: Any = None,
    body: Any = None,
) -> User:
    """Create an account together with its first role, so it is never outside every scope."""
    user = User(username=username, email=email)
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor, action="user.create", target=user, changes={"username": [None, username]}
    )
    role_grant(actor=actor, user=user, role=role, unit=unit, cluster=cluster, body=body)
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, is_active: bool) -> User:
    if actor is not None and actor.pk == user.pk and not is_active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active != is_active:
        audit_record(
            actor=actor,
            action="user.activate" if is_active else "user.deactivate",
            target=user,
            changes={"is_active": [user.is_active, is_active]},
        )
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    return user


#: The profile's fields that its owner changes.
PROFILE_FIELDS = ("language", "mail_reminders", "mail_escalations")


@transaction.atomic
def profile_update(*, actor: Any, user: User, version: int | None = None, **values: Any) -> User:
    """Change an account's profile (``PROFILE_FIELDS`` only), recording what changed. A
    ``version`` that is no longer the stored ``profile_version`` is refused with
    :class:`ConflictError` (code ``stale_version``) and nothing is changed."""
    stored = (
        User.objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("profile_version", flat=True)
        .get()
    )
    if version is not None and stored != version:
        raise ConflictError(
            _(
                "You saved your profile in another window since this page was opened. "
                "Reload to see it; nothing of this page was saved."
            ),
            code="stale_version",
        )
    changes = {
        name: [getattr(user, name), value]
        for name, value in values.items()
        if name in PROFILE_FIELDS and getattr(user, name) != value
    }
    if changes:
        for name, (_old, new) in changes.items():
            setattr(user, name, new)
        user.profile_version = stored + 1
        user.save(update_fields=[*changes, "profile_version"])
        audit_record(actor=actor, action="user.profile", target=user, changes=changes)
    return user


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User) -> tuple[ApiToken, str]:
    """Issue a personal token; returns the row and the raw token (shown once).

    A user holds at most ``API_TOKEN_MAX_PER_USER`` live tokens: each login through the
    token endpoint makes one, so the oldest beyond that number are revoked here (and
    the user's expired ones removed), in the same transaction and audit trail."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    audit_record(
        actor=user, action="api_token.create", target=user, changes={"token": [None, token.prefix]}
    )
    live = ApiToken.objects.filter(user=user, expires_at__gt=timezone.now())
    keep = live.order_by("-created_at", "-pk").values("pk")[: settings.API_TOKEN_MAX_PER_USER]
    beyond = ApiToken.objects.filter(user=user).exclude(pk__in=[row["pk"] for row in keep])
    for old in beyond.order_by("created_at", "pk"):
        api_token_revoke(actor=user, token=old)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    """Revoke a personal token: it stops working at once (the row is removed; the audit
    entry keeps its prefix)."""
    audit_record(
        actor=actor,
        action="api_token.revoke",
        target=token.user,
        changes={"token": [token.prefix, None]},
    )
    token.delete()


def api_token_user(raw: str, *, record_use: bool = True) -> User | None:
    """The active user a raw token belongs to, if the token is valid and unexpired.

    ``record_use=False`` leaves ``last_used_at`` alone: casting a secret ballot must not
    leave the voter's time of voting on record (docs/ballots.md)."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if record_use and (
        token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5)
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
