"""Reading a user's notifications and their choice of kinds."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pacesetter.core.policies import signed_in

from .kinds import KINDS
from .models import Notification, OptOut


def notifications_of(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first: nobody else's, not even a
    superuser's reading."""
    if not signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-pk")


def notification_of(user: Any, pk: int) -> Notification:
    """One of the user's own notifications; Http404 for anyone else's."""
    try:
        return notifications_of(user).get(pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread: one query (none when signed out)."""
    if not signed_in(user):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preferences_of(user: Any) -> dict[str, bool]:
    """Each kind and whether the user wants it in the bell."""
    off = set(OptOut.objects.filter(user_id=user.pk).values_list("kind", flat=True))
    return {key: key not in off for key in KINDS}
