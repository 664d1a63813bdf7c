"""Writing notifications, marking them read, the profile's choice of kinds, and pruning
(docs/notifications.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record
from pacesetter.core import clock
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.translations import values

from .kinds import KINDS, kind_of
from .models import Notification, OptOut

#: Where a notification leads: a URL name and its arguments, or a path.
Link = str | tuple[str, Sequence[Any]] | None


def translated(obj: Any, name: str) -> dict[str, str]:
    """A translatable field of ``obj`` as a notification's parameter: its text in every
    language, so that each reader sees their own."""
    return values(obj, name)


def _user_id(recipient: Any) -> int | None:
    if recipient is None:
        return None
    return int(getattr(recipient, "pk", recipient))


def notify(
    recipients: Iterable[Any],
    kind: str,
    params: Mapping[str, Any] | None = None,
    link: Link = None,
) -> int:
    """Tell ``recipients`` (users or user ids; repeats and None are dropped) what happened;
    returns how many notifications were written.

    Runs inside the caller's transaction (it refuses to run outside one), so a
    rolled-back action notifies nobody. Inactive accounts and those who turned ``kind``
    off get none. One read of the recipients and one bulk insert."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify() runs inside the transaction of the action it reports")
    kind_of(kind)
    wanted = list(dict.fromkeys(pk for pk in map(_user_id, recipients) if pk is not None))
    if not wanted:
        return 0
    keep = set(
        get_user_model()
        .objects.filter(pk__in=wanted, is_active=True)
        .exclude(notification_opt_outs__kind=kind)
        .values_list("pk", flat=True)
    )
    if isinstance(link, tuple):
        name, args, path = link[0], [str(a) for a in link[1]], ""
    else:
        name, args, path = "", [], link or ""
    now = clock.now()
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            params=dict(params or {}),
            link_name=name,
            link_args=args,
            link_path=path,
            created_at=now,
        )
        for pk in wanted
        if pk in keep
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: all of them, or those of ``ids``. An id that is
    not one of the user's own raises Http404 and marks nothing. Returns how many were
    unread."""
    mine = Notification.objects.filter(recipient_id=user.pk)
    if ids is not None:
        wanted = set(ids)
        if mine.filter(pk__in=wanted).count() != len(wanted):
            raise Http404
        mine = mine.filter(pk__in=wanted)
    return mine.filter(read_at__isnull=True).update(read_at=clock.now())


@transaction.atomic
def preferences_set(*, actor: Any, user: Any, kinds: Mapping[str, bool]) -> dict[str, bool]:
    """Turn kinds of notification on (True) or off (False) for ``user``; the kinds not
    named keep their choice. Returns every kind's choice. Audited when it changes."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise FieldRuleError(
            "kinds",
            _("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            code="unknown_kind",
        )
    before = set(OptOut.objects.filter(user_id=user.pk).values_list("kind", flat=True))
    after = {k for k in KINDS if (k in before if k not in kinds else not kinds[k])}
    if after != before:
        OptOut.objects.filter(user_id=user.pk, kind__in=before - after).delete()
        OptOut.objects.bulk_create([OptOut(user_id=user.pk, kind=k) for k in after - before])
        audit_record(
            actor=actor,
            action="notifications.preferences",
            target=user,
            changes={"turned_off": [sorted(before), sorted(after)]},
        )
    return {k: k not in after for k in KINDS}


def notifications_prune(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete the notifications older than ``days`` (``NOTIFICATIONS_KEEP_DAYS``), read or
    not; returns how many."""
    keep = settings.NOTIFICATIONS_KEEP_DAYS if days is None else days
    limit = (now or clock.now()) - dt.timedelta(days=keep)
    deleted, _rows = Notification.objects.filter(created_at__lt=limit).delete()
    return deleted
