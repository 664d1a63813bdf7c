"""JSON API of the bell: /api/v1/notifications, the user's own notifications, marking
them read, and the choice of kinds (the profile's section).

No ``from __future__ import annotations`` here: django-ninja reads the annotations at
runtime.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacesetter.core.api_types import Id, Paged

from .kinds import KINDS, render
from .models import Notification
from .selectors import notification_of, notifications_of, preferences_of, unread_count
from .services import notifications_mark_read, preferences_set

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: Id
    kind: str = Field(description="The kind's key (see the preferences).")
    text: str = Field(description="The sentence, in the language of the request.")
    params: dict[str, Any] = Field(description="The sentence's parameters, as stored.")
    url: str = Field(description="The record's page on the screens ('' when gone).")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj: Notification) -> str:
        return render(obj.kind, obj.params)

    @staticmethod
    def resolve_url(obj: Notification) -> str:
        return obj.url


class ReadIn(Schema):
    ids: list[Id] | None = Field(
        None, max_length=1000, description="The notifications to mark read; none: all."
    )


class ReadOut(Schema):
    marked: int = Field(description="How many were unread and are now read.")
    unread: int = Field(description="How many are still unread.")


class PreferenceOut(Schema):
    kind: str
    label: str = Field(description="What the profile's choice says, in the request's language.")
    enabled: bool


class PreferencesIn(Schema):
    kinds: dict[str, bool] = Field(
        description="Kind key → wanted in the bell; kinds not named keep their choice."
    )


def _preferences(user: Any) -> list[dict[str, Any]]:
    return [
        {"kind": key, "label": str(KINDS[key].label), "enabled": on}
        for key, on in preferences_of(user).items()
    ]


@router.get("", response=list[NotificationOut])
@paginate(Paged)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    """The signed-in user's notifications, newest first (``unread=true``: only unread)."""
    found = notifications_of(request.user)
    return found.filter(read_at__isnull=True) if unread else found


@router.post("/read", response=ReadOut)
def notifications_read(request: HttpRequest, payload: ReadIn) -> Any:
    """Mark read the notifications of ``ids``, or all of them; 404 when an id is not one
    of the user's own (nothing is marked then)."""
    marked = notifications_mark_read(user=request.user, ids=payload.ids)
    return {"marked": marked, "unread": unread_count(request.user)}


@router.get("/preferences", response=list[PreferenceOut])
def preferences_read(request: HttpRequest) -> Any:
    """Each kind of notification and whether the user wants it (the profile's section)."""
    return _preferences(request.user)


@router.patch("/preferences", response=list[PreferenceOut])
def preferences_patch(request: HttpRequest, payload: PreferencesIn) -> Any:
    """Turn kinds on or off (those named); answers every kind's choice."""
    user: Any = request.user
    preferences_set(actor=user, user=user, kinds=payload.kinds)
    return _preferences(user)


@router.get("/{int:notification_id}", response=NotificationOut)
def notification_detail(request: HttpRequest, notification_id: Id) -> Notification:
    """One of the user's notifications (404 for anyone else's); reading it here does not
    mark it read (``POST /read`` does)."""
    return notification_of(request.user, notification_id)
