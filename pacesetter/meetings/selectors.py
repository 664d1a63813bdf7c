"""Reads about meetings: live attendance and quorum, the check-in window, the lists, the
minutes' versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from pacesetter.accounts.models import Role, RoleAssignment
from pacesetter.audit.models import AuditEntry
from pacesetter.core import shares
from pacesetter.core.translations import matching, ordered

from .models import AgendaItem, Invitation, InviteeRole, Meeting, MeetingState, Minutes
from .policies import meeting_policy

#: The invitee may check in from this long before the start.
CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Attendance:
    """Counts of a meeting's invitations. ``expected``, ``registered`` and ``present``
    count people: an invitation of one person counts one, a delegation its size
    expected (and registered) and the number who came present. ``delegations_*`` count
    the delegations (units and organizations). Only members (role MEMBER) vote and
    count for the quorum, one per invitation (a member unit's delegation holds one
    seat); ``quorum_needed`` is the number of voting members who must be present."""

    expected: int
    registered: int
    present: int
    voting_expected: int
    voting_present: int
    quorum: Fraction
    quorum_needed: int
    quorum_met: bool
    delegations_expected: int = 0
    delegations_present: int = 0


def attendance(meeting: Meeting) -> Attendance:
    """People expected, registered and present, delegations expected and present, and
    the quorum, in one query."""
    present = Q(checked_in_at__isnull=False)
    voting = Q(role=InviteeRole.MEMBER)
    delegation = Q(delegation_size__isnull=False)
    people = Coalesce("delegation_size", 1)
    row = Invitation.objects.filter(meeting_id=meeting.pk).aggregate(
        expected=Coalesce(Sum(people), 0),
        registered=Coalesce(Sum(people, filter=Q(registered_at__isnull=False)), 0),
        present=Coalesce(Sum(Coalesce("present_count", 1), filter=present), 0),
        voting_expected=Count("pk", filter=voting),
        voting_present=Count("pk", filter=voting & present),
        delegations_expected=Count("pk", filter=delegation),
        delegations_present=Count("pk", filter=delegation & present),
    )
    quorum = meeting.quorum
    voters = row["voting_expected"]
    # An exact share of whole people, rounded up: two-thirds of 3 is 2, half of 3 is 2.
    needed = shares.needed(quorum, voters)
    if quorum > 0:
        needed = max(needed, 1)
    return Attendance(
        expected=row["expected"],
        registered=row["registered"],
        present=row["present"],
        voting_expected=row["voting_expected"],
        voting_present=row["voting_present"],
        quorum=quorum,
        quorum_needed=needed,
        # A quorum with nobody entitled to make it is not met.
        quorum_met=row["voting_present"] >= needed and not (quorum > 0 and voters == 0),
        delegations_expected=row["delegations_expected"],
        delegations_present=row["delegations_present"],
    )


def zone_named(name: str) -> ZoneInfo | None:
    """The time zone called ``name`` (an IANA name such as "Asia/Shanghai"), or None."""
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_of(meeting: Meeting) -> ZoneInfo:
    """The meeting's time zone: its times are entered and shown in it (the server's zone
    should the stored name ever be unknown)."""
    return zone_named(meeting.time_zone) or ZoneInfo(str(settings.TIME_ZONE))


def local(meeting: Meeting, moment: dt.datetime) -> dt.datetime:
    """``moment`` on the clocks of the meeting's place."""
    return timezone.localtime(moment, zone_of(meeting))


def meeting_day(meeting: Meeting) -> dt.date:
    """The date on which the meeting starts, where it is held."""
    return local(meeting, meeting.starts_at).date()


def _end_of_day(meeting: Meeting, moment: dt.datetime) -> dt.datetime:
    """Midnight after ``moment``'s day in the meeting's zone."""
    day = local(meeting, moment).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone_of(meeting))


def checkin_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """When invitees may check themselves in: from an hour before the start to the end,
    or, without an end time, to the end of the meeting's day (in the meeting's zone)."""
    opens = meeting.starts_at - CHECKIN_OPENS_BEFORE
    if meeting.ends_at is not None:
        return opens, meeting.ends_at
    return opens, _end_of_day(meeting, meeting.starts_at)


def door_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """When staff may check invitees in at the door: from an hour before the start to
    the end of the meeting's last local day (the day it ends, or the day it starts)."""
    opens = meeting.starts_at - CHECKIN_OPENS_BEFORE
    return opens, _end_of_day(meeting, meeting.ends_at or meeting.starts_at)


def is_running(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether the meeting is in its check-in window and not cancelled."""
    if meeting.state == MeetingState.CANCELLED:
        return False
    opens, closes = checkin_window(meeting)
    now = now or timezone.now()
    return opens <= now <= closes


def invitation_of(user: Any, meeting: Meeting) -> Invitation | None:
    """The invitation with which ``user`` attends: their own, or else one of a unit they
    are a unit officer of that names nobody in particular (not yet used first)."""
    if not getattr(user, "is_authenticated", False):
        return None
    own = Invitation.objects.filter(meeting=meeting, user=user).first()
    if own is not None:
        return own
    officer_units = RoleAssignment.objects.filter(
        user=user, role=Role.UNIT_OFFICER, unit__isnull=False
    ).values("unit_id")
    return (
        Invitation.objects.filter(meeting=meeting, user__isnull=True, unit_id__in=officer_units)
        .order_by(F("checked_in_at").asc(nulls_first=True), "pk")
        .first()
    )


def meeting_list(
    user: Any, *, q: str = "", kind: str = "", year: int | None = None, state: str = ""
) -> QuerySet[Meeting]:
    """Meetings the user may see, newest first, with invitation counts (no query per row)."""
    qs = meeting_policy.visible(user).select_related("organizer_unit")
    q = q.strip()
    if q:
        qs = matching(qs, q)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(starts_at__year=year)
    if state:
        qs = qs.filter(state=state)
    # People, as attendance() counts them: a delegation by its size and its number present.
    return qs.annotate(
        invited_count=Coalesce(
            Sum(
                Coalesce("invitations__delegation_size", 1),
                filter=Q(invitations__pk__isnull=False),  # not the empty side of the join
            ),
            0,
        ),
        present_count=Coalesce(
            Sum(
                Coalesce("invitations__present_count", 1),
                filter=Q(invitations__checked_in_at__isnull=False),
            ),
            0,
        ),
    ).order_by("-starts_at", "-pk")


def meeting_years(user: Any) -> list[int]:
    """The years in which the user's visible meetings start (for the year filter)."""
    years = (
        meeting_policy.visible(user)
        .annotate(year=ExtractYear("starts_at"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return [y for y in years if y is not None]


def invitations(meeting: Meeting) -> QuerySet[Invitation]:
    return meeting.invitations.select_related("user", "unit", "checked_in_by").order_by(
        "role", "label", ordered("unit__name"), "user__username", "pk"
    )


@dataclass
class AgendaNode:
    item: AgendaItem
    number: str
    depth: int
    total_minutes: int


def agenda_tree(meeting: Meeting) -> tuple[list[AgendaNode], int]:
    """The agenda in reading order with outline numbers ("2.1") and, per item, its own
    duration plus its sub-items'; and the meeting's total (top-level items summed)."""
    items = list(
        meeting.agenda_items.select_related("speaker_unit")
        .prefetch_related("documents")
        .order_by("position", "pk")
    )
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)

    def total(item: AgendaItem) -> int:
        return item.duration_minutes + sum(total(c) for c in children.get(item.pk, []))

    nodes: list[AgendaNode] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        for index, item in enumerate(children.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            nodes.append(AgendaNode(item, number, depth, total(item)))
            walk(item.pk, f"{number}.", depth + 1)

    walk(None, "", 0)
    return nodes, sum(total(i) for i in children.get(None, []))


@dataclass(frozen=True)
class MinutesVersion:
    """One version the minutes have had: its number, the step that made it (``draft``,
    ``redraft``, ``update``, ``finalize``), when, and who (``None``: the system)."""

    version: int
    step: str
    saved_at: dt.datetime
    saved_by: str | None


def minutes_versions(minutes: Minutes) -> list[MinutesVersion]:
    """The minutes' versions, oldest first (as written), read from their audit entries (each service
    that writes the minutes records the version it made there), in one query."""
    entries = AuditEntry.objects.filter(
        target_type=Minutes._meta.label_lower,
        target_id=str(minutes.pk),
        action__startswith="minutes.",
    ).order_by("pk")
    versions = []
    for entry in entries:
        change = (entry.changes or {}).get("version")
        if not change or change[1] is None:
            continue
        versions.append(
            MinutesVersion(
                version=int(change[1]),
                step=entry.action.removeprefix("minutes."),
                saved_at=entry.created_at,
                saved_by=entry.actor_repr or None,
            )
        )
    return versions
