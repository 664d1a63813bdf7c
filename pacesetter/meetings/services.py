"""Writes to meetings: the meeting, its invitations and check-in, agenda, documents,
ballots, resolutions (with the key tasks they create), research findings and the minutes
(drafted from the record, edited, finalized; their documents are rendered in
:mod:`pacesetter.meetings.minutes`).

Every function runs in one transaction with its audit entry. Permission to act on the
meeting is checked by the caller through :data:`pacesetter.meetings.policies.meeting_policy`;
the services check what only they can see: a work plan named for new tasks must be one
the actor manages (``PermissionDenied`` otherwise), and nothing changes on a cancelled
meeting or one whose minutes are final. ``actor=None`` is the system (the demo loader).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.ballots.models import Base, Majority, Poll, Verification
from pacesetter.ballots.services import poll_create
from pacesetter.bodies.models import Body
from pacesetter.chains.models import Chain
from pacesetter.core import clock
from pacesetter.core.errors import ConflictError, FieldRuleError
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.shares import as_share, check_share, share_columns
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    Text,
    column,
    content_language,
    expand,
    fields_of,
    ordered,
    tr,
    translated_names,
)
from pacesetter.core.versions import next_version
from pacesetter.core.workflows import INVALID_TRANSITION
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_time_zone
from pacesetter.workplans.models import Project, Task, WorkPlan
from pacesetter.workplans.policies import plan_policy
from pacesetter.workplans.services import task_create

from . import selectors
from .minutes import minutes_text_from_record
from .models import (
    DELEGATION_MAX,
    AgendaItem,
    DocumentKind,
    Finding,
    Invitation,
    InviteeRole,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingPoll,
    MeetingState,
    Minutes,
    MinutesState,
    Resolution,
    new_checkin_code,
)
from .policies import meeting_policy
from .workflows import meeting_workflow, minutes_final, minutes_workflow

#: Translatable texts are named by their columns (``title_vi``); callers may pass
#: ``title="…"`` (in the source language) or ``title={"vi": …}``, which ``expand`` turns
#: into columns. Agenda items and resolutions take their meeting's source language.
MEETING_FIELDS = (
    "kind",
    "source_language",
    *fields_of("title"),
    "organizer_unit",
    "body",
    "chain",
    "time_zone",
    "starts_at",
    "ends_at",
    *fields_of("place"),
    "chair",
    *fields_of("description"),
    "topics",
    *share_columns("quorum"),
    "registration_open",
    "state",
)
#: What ``meeting_update`` changes: the columns, with the quorum as one share.
MEETING_EDITABLE = (
    *(f for f in MEETING_FIELDS if f not in ("state", *share_columns("quorum"))),
    "quorum",
)
MINUTES_FIELDS = ("meeting", "text", "state", "version", "finalized_at", "finalized_by")
INVITATION_FIELDS = (
    "meeting",
    "user",
    "unit",
    "label",
    "role",
    "email",
    "delegation_size",
    "head",
)
AGENDA_FIELDS = (
    "meeting",
    "parent",
    "position",
    "source_language",
    *fields_of("title"),
    "duration_minutes",
    "speaker",
    "speaker_unit",
)
#: What ``agenda_item_update`` changes (where an item stands is changed by adding anew).
AGENDA_EDITABLE = (
    "source_language",
    *fields_of("title"),
    "duration_minutes",
    "speaker",
    "speaker_unit",
)


RESOLUTION_FIELDS = (
    "meeting",
    "number",
    "source_language",
    *fields_of("text"),
    "poll",
    "adopted_on",
)


def _known(texts: dict[str, Any], allowed: Iterable[str]) -> None:
    """A name that is not a column of the record is a caller's error."""
    unknown = set(texts) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _strip(texts: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in texts.items()}


@dataclass(frozen=True)
class TaskSpec:
    """A key task to create from a resolution or a finding. ``title``, ``scope`` and
    ``measures`` are a text in the resolution's (or visit's) source language or texts by
    language; the task gets them all, in that source language."""

    title: str | Text
    lead_unit: Unit
    due: dt.date | None = None
    lead_person: Any = None
    project: Project | None = None
    scope: str | Text = ""
    measures: str | Text = ""
    start: dt.date | None = None
    supporting_units: tuple[Unit, ...] = ()
    code: str = ""


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _who(user: Any) -> str:
    if user is None:
        return _("the system")
    return str(user.get_full_name() or user.get_username())


def _when(moment: dt.datetime, meeting: Meeting) -> str:
    """``moment`` as the clocks of ``meeting``'s place show it."""
    return date_format(selectors.local(meeting, moment), "SHORT_DATETIME_FORMAT")


def _check_changeable(meeting: Meeting) -> None:
    """A cancelled meeting, or one whose minutes are final, keeps its record as it is."""
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(
            _("The meeting is cancelled; its record can no longer change."), code="cancelled"
        )
    if Minutes.objects.filter(meeting_id=meeting.pk, state=MinutesState.FINAL).exists():
        raise ValidationError(
            _("The minutes are final; the meeting's record can no longer change."),
            code="minutes_final",
        )


def _check_meeting(meeting: Meeting) -> None:
    if selectors.zone_named(meeting.time_zone) is None:
        raise ValidationError(
            {
                "time_zone": _("“%(zone)s” is not a known time zone (such as Asia/Shanghai).")
                % {"zone": meeting.time_zone}
            }
        )
    if meeting.ends_at is not None and meeting.ends_at < meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting cannot end before it starts.")})
    try:
        check_share(meeting.quorum)
    except ValidationError as exc:
        raise ValidationError({"quorum": exc.messages}) from exc


def _check_plan(actor: Any, plan: WorkPlan) -> None:
    if actor is not None and not plan_policy.allows(actor, "manage", plan):
        raise PermissionDenied(
            _("You may not add tasks to the work plan “%(plan)s”.") % {"plan": plan}
        )


# --- the meeting -------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    kind: str,
    organizer_unit: Unit,
    starts_at: dt.datetime,
    title: str | Text | None = None,
    ends_at: dt.datetime | None = None,
    place: str | Text | None = None,
    chair: str = "",
    description: str | Text | None = None,
    topics: str = "",
    body: Body | None = None,
    chain: Chain | None = None,
    quorum: Fraction = Fraction(0),
    time_zone: str | None = None,
    source_language: str | None = None,
    **columns: Any,
) -> Meeting:
    """Plan a meeting organized by ``organizer_unit`` (whose committee staff run it).

    ``time_zone`` (an IANA name; by default the organizer unit's, see
    ``units.selectors.unit_time_zone``) is where the meeting is held: its times are shown
    there, and its day (check-in, the seats invited, the default date of resolutions) is
    the day there. ``starts_at`` and ``ends_at`` are
    moments (aware datetimes).

    The texts (``title``, ``place``, ``description``) are in ``source_language``, by
    default the request's content language; give them by language (``{"vi": …, "en":
    …}``) or as columns (``title_vi=``, as the form does)."""
    source = source_language or content_language()
    texts = expand(
        Meeting,
        {"title": title, "place": place, "description": description, **columns},
        source=source,
    )
    _known(texts, MEETING_FIELDS)
    share = as_share(quorum)
    meeting = Meeting(
        kind=kind,
        source_language=source,
        **_strip(texts),
        organizer_unit=organizer_unit,
        starts_at=starts_at,
        ends_at=ends_at,
        chair=chair,
        topics=topics,
        body=body,
        chain=chain,
        quorum_numerator=share.numerator,
        quorum_denominator=share.denominator,
        time_zone=time_zone or unit_time_zone(organizer_unit),
        created_by=_actor(actor),
    )
    _check_meeting(meeting)
    return audited_create(
        actor=actor, instance=meeting, action="meeting.create", fields=MEETING_FIELDS
    )


@transaction.atomic
def meeting_update(
    *, actor: Any, meeting: Meeting, version: int | None = None, **changes: Any
) -> Meeting:
    """Change the meeting's details (any of :data:`MEETING_EDITABLE`). A ``version`` no
    longer the stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(meeting, version)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    changes = _strip(
        expand(Meeting, changes, source=changes.get("source_language") or meeting.source_language)
    )
    unknown = set(changes) - set(MEETING_EDITABLE)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    kind = changes.get("kind", meeting.kind)
    leaves_visits = meeting.kind == MeetingKind.RESEARCH_VISIT != kind
    if leaves_visits and (meeting.findings.exists() or meeting.visited_units.exists()):
        raise ValidationError(
            {"kind": _("This research visit has visited units or findings; it stays one.")}
        )
    checked = ("starts_at", "ends_at", "quorum", "time_zone")
    probe = Meeting(**{f: getattr(meeting, f) for f in checked})
    for name in checked:
        if name in changes:
            setattr(probe, name, changes[name])
    _check_meeting(probe)
    return audited_update(
        actor=actor,
        instance=meeting,
        action="meeting.update",
        changes={**changes, "version": next_},
        allowed=(*MEETING_EDITABLE, "version"),
        fields=MEETING_FIELDS,
    )


@transaction.atomic
def meeting_set_state(*, actor: Any, meeting: Meeting, state: str) -> Meeting:
    """A planned meeting is held (once it has started) or cancelled; neither is undone,
    and nothing changes once the minutes are final."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if minutes_final(meeting):
        raise FieldRuleError(
            "state",
            _("The minutes are final; the meeting's state can no longer change."),
            code="minutes_final",
        )
    # The form shows a refusal beside its state field; the API answers with its code.
    try:
        transition = meeting_workflow.check(meeting, state)
    except ValidationError as exc:
        raise FieldRuleError("state", exc) from exc
    return audited_update(
        actor=actor,
        instance=meeting,
        action="meeting.state",
        changes={"state": transition.target},
        allowed=("state",),
        fields=("state",),
    )


# --- invitations, registration and check-in ------------------------------------------


def _fresh_codes(count: int) -> list[str]:
    """``count`` check-in codes used by no invitation yet (collisions are unlikely:
    31^8 codes; this makes them impossible rather than improbable)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_checkin_code() for _ in range(count - len(codes))}
        taken = set(Invitation.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    return list(codes)


@transaction.atomic
def invitation_add(
    *,
    actor: Any,
    meeting: Meeting,
    user: Any = None,
    unit: Unit | None = None,
    label: str = "",
    role: str = InviteeRole.MEMBER,
    email: str = "",
    delegation_size: int | None = None,
    head: str = "",
) -> Invitation:
    """Invite a person, a unit (through whoever represents it), or both; or someone
    without an account, by name (``label``). Each gets a personal check-in code.

    ``delegation_size`` makes the invitation a delegation of the unit (or of the
    organization named by ``label``) expecting that many people, optionally with its
    ``head``; a delegation names no person's account.

    The meeting's row is locked first, so two invitations of the same person or unit
    at once are checked one after the other (the database's unique constraints back
    this up)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    label = label.strip()
    if user is None and unit is None and not label:
        raise ValidationError(
            {"label": _("Choose a person or a unit, or type the invitee's name.")}
        )
    if user is not None and meeting.invitations.filter(user=user).exists():
        raise ValidationError({"user": _("%(who)s is already invited.") % {"who": _who(user)}})
    if (
        user is None
        and unit is not None
        and meeting.invitations.filter(unit=unit, user__isnull=True).exists()
    ):
        raise ValidationError(
            {
                "unit": _(
                    "%(unit)s is already invited (without a named person). To invite "
                    "someone else of it, choose the person as well."
                )
                % {"unit": unit}
            }
        )
    head = head.strip()
    _check_delegation(user=user, unit=unit, label=label, size=delegation_size, head=head)
    invitation = Invitation(
        meeting=meeting,
        user=user,
        unit=unit,
        label=label,
        role=role,
        email=email or (getattr(user, "email", "") or ""),
        delegation_size=delegation_size,
        head=head,
        code=_fresh_codes(1)[0],
    )
    try:
        with transaction.atomic():
            return audited_create(
                actor=actor, instance=invitation, action="meeting.invite", fields=INVITATION_FIELDS
            )
    except IntegrityError as exc:
        # Only a writer that bypassed the lock above gets here.
        raise ValidationError(_("This invitee is already invited.")) from exc


def _check_delegation(
    *, user: Any, unit: Unit | None, label: str, size: int | None, head: str
) -> None:
    """A delegation is a unit's (or a named organization's), of 1 to DELEGATION_MAX
    people; only a delegation has a head."""
    if size is None:
        if head:
            raise ValidationError(
                {"head": _("Only a delegation has a head; give the delegation's size.")}
            )
        return
    if user is not None:
        raise ValidationError(
            {
                "user": _(
                    "A delegation is invited as a unit; name its head instead of a person's "
                    "account."
                )
            }
        )
    if unit is None and not label:
        raise ValidationError({"unit": _("Choose the unit that sends the delegation.")})
    if not 1 <= size <= DELEGATION_MAX:
        raise ValidationError(
            {
                "delegation_size": _("A delegation has from 1 to %(max)s people.")
                % {"max": DELEGATION_MAX}
            }
        )


@transaction.atomic
def invitation_remove(*, actor: Any, invitation: Invitation) -> None:
    """Withdraw an invitation that has not been used to check in."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_changeable(invitation.meeting)
    if invitation.checked_in_at is not None:
        raise ValidationError(
            _("This invitee has checked in; the invitation stays."), code="checked_in"
        )
    audit_record(
        actor=actor,
        action="meeting.uninvite",
        target=invitation.meeting,
        changes={"invitation": [invitation.display_name, None]},
    )
    invitation.delete()


@transaction.atomic
def invitations_add_body_members(*, actor: Any, meeting: Meeting) -> int:
    """Invite every seat of the meeting's body current on the meeting's day, as a
    voting member: a unit seat invites the unit, a person seat the person (for their
    unit, if the seat names one). Those already invited are skipped; answers how many
    invitations were added. The meeting's day is the day where it is held.

    The meeting's row is locked first: two clicks at once invite each seat once (the
    second sees what the first added)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    if meeting.body_id is None:
        raise ValidationError({"body": _("The meeting has no body whose members to invite.")})
    day = selectors.meeting_day(meeting)
    seats = (
        meeting.body.members.filter(start__lte=day)  # type: ignore[union-attr]
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("user", "unit")
        .order_by("pk")
    )
    invited_users = set(meeting.invitations.exclude(user=None).values_list("user_id", flat=True))
    invited_units = set(meeting.invitations.exclude(unit=None).values_list("unit_id", flat=True))
    rows: list[Invitation] = []
    for seat in seats:
        if seat.user_id is not None:
            if seat.user_id in invited_users:
                continue
            invited_users.add(seat.user_id)
        elif seat.unit_id in invited_units:
            continue
        if seat.unit_id is not None:
            invited_units.add(seat.unit_id)
        rows.append(
            Invitation(
                meeting=meeting,
                user=seat.user,
                unit=seat.unit,
                role=InviteeRole.MEMBER,
                email=getattr(seat.user, "email", "") or "",
            )
        )
    for row, code in zip(rows, _fresh_codes(len(rows)), strict=True):
        row.code = code
    Invitation.objects.bulk_create(rows)
    if rows:
        audit_record(
            actor=actor,
            action="meeting.invite_body",
            target=meeting,
            changes={"invitations": [None, [r.display_name for r in rows]]},
        )
    return len(rows)


@transaction.atomic
def registration_set(*, actor: Any, invitation: Invitation, registered: bool) -> Invitation:
    """The invitee says they will come (or no longer will), while registration is open."""
    invitation = (
        Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation.pk)
    )
    meeting = invitation.meeting
    _check_changeable(meeting)
    if not meeting.registration_open:
        raise ValidationError(_("Registration for this meeting is closed."))
    if registered == (invitation.registered_at is not None):
        return invitation
    return audited_update(
        actor=actor,
        instance=invitation,
        action="meeting.register",
        changes={"registered_at": clock.now() if registered else None},
        allowed=("registered_at",),
        fields=("registered_at",),
    )


def normalize_code(code: str) -> str:
    """Codes are typed in any case, with spaces or dashes for readability."""
    return re.sub(r"[\s\-]+", "", code or "").upper()


def _mark_present(
    actor: Any, invitation: Invitation, by: Any, at: dt.datetime, present: int | None = None
) -> Invitation:
    """Set ``checked_in_at`` (to ``at``), and a delegation's ``present_count``, only if
    the row is not checked in yet: of two simultaneous check-ins of the same invitation
    exactly one changes the row (one UPDATE; the second changes nothing)."""
    updated = Invitation.objects.filter(pk=invitation.pk, checked_in_at__isnull=True).update(
        checked_in_at=at, checked_in_by=_actor(by), present_count=present
    )
    if not updated:
        invitation.refresh_from_db()
        raise _already(invitation)
    invitation.refresh_from_db()
    changes: dict[str, Any] = {"checked_in_at": [None, at.isoformat()]}
    if present is not None:
        changes["present_count"] = [None, present]
    audit_record(actor=actor, action="meeting.check_in", target=invitation, changes=changes)
    return invitation


def _already(invitation: Invitation) -> ValidationError:
    assert invitation.checked_in_at is not None
    facts = {
        "who": invitation.display_name,
        "when": _when(invitation.checked_in_at, invitation.meeting),
        "by": _who(invitation.checked_in_by),
    }
    if invitation.is_delegation:
        message = _(
            "The delegation of %(who)s already checked in at %(when)s, %(present)s of "
            "%(size)s people (recorded by %(by)s)."
        ) % {**facts, "present": invitation.present_count, "size": invitation.delegation_size}
    else:
        message = _("%(who)s already checked in at %(when)s (recorded by %(by)s).") % facts
    return FieldRuleError("code", message, code="already_checked_in")


def _delegation_present(invitation: Invitation, present: int | None) -> int | None:
    """The number a delegation's check-in records: the one counted at the door, or the
    size expected. An invitation of one person takes no number."""
    if not invitation.is_delegation:
        if present not in (None, 1):
            raise FieldRuleError(
                "present",
                _("%(who)s is one person, not a delegation.") % {"who": invitation.display_name},
                code="not_a_delegation",
            )
        return None
    if present is None:
        return invitation.delegation_size
    if not 1 <= present <= DELEGATION_MAX:
        raise FieldRuleError(
            "present",
            _("Count from 1 to %(max)s people.") % {"max": DELEGATION_MAX},
            code="present_range",
        )
    return present


def _check_door_open(meeting: Meeting, at: dt.datetime) -> None:
    """The door is open on the meeting's day(s), where it is held: from an hour before
    the start to the end of the day it ends (or starts)."""
    opens, closes = selectors.door_window(meeting)
    if at < opens:
        raise FieldRuleError(
            "code",
            _("Check-in at the door opens at %(when)s, an hour before the meeting.")
            % {"when": _when(opens, meeting)},
            code="not_open",
        )
    if at > closes:
        last_day = selectors.local(meeting, meeting.ends_at or meeting.starts_at).date()
        raise FieldRuleError(
            "code",
            _("Check-in at the door closed with the meeting's last day, %(day)s.")
            % {"day": date_format(last_day, "SHORT_DATE_FORMAT")},
            code="closed",
        )


@transaction.atomic
def check_in(
    *,
    actor: Any,
    meeting: Meeting,
    code: str,
    at: dt.datetime | None = None,
    present: int | None = None,
) -> Invitation:
    """Staff at the door check an invitee in by the code on their invitation (typed or
    scanned from its QR code). Refused, saying why: an unknown code, a code of another
    meeting (named), a cancelled meeting, a moment outside the meeting's day(s) (see
    :func:`selectors.door_window`), a code already used (when, by whom, and for a
    delegation how many). A second scan of a used code changes nothing.

    ``present`` is the number of a delegation who came (by default its size); an
    invitation of one person takes none.

    ``at`` is the moment of the check-in (now by default): the window is checked
    against it and it is recorded as ``checked_in_at`` (a loader recording past
    meetings passes their start)."""
    moment = at or clock.now()
    clean = normalize_code(code)
    if not clean:
        raise ValidationError({"code": _("Type or scan the code on the invitation.")})
    found = (
        Invitation.objects.select_related("meeting", "user", "unit", "checked_in_by")
        .filter(code=clean)
        .first()
    )
    if found is None:
        raise FieldRuleError(
            "code",
            _("No invitation has the code %(code)s.") % {"code": clean},
            code="unknown_code",
        )
    if found.meeting_id != meeting.pk:
        other = found.meeting
        if actor is not None and not meeting_policy.allows(actor, "view", other):
            # Staff of one body learn nothing of another's meetings from a stray code.
            message = _("This code belongs to another meeting.")
        else:
            message = _("This code belongs to another meeting: “%(title)s” on %(when)s.") % {
                "title": other.title,
                "when": _when(other.starts_at, other),
            }
        raise FieldRuleError("code", message, code="other_meeting")
    meeting = found.meeting  # as it is now, not as the caller read it
    if meeting.state == MeetingState.CANCELLED:
        raise FieldRuleError(
            "code", _("The meeting is cancelled; nobody can check in."), code="cancelled"
        )
    _check_changeable(meeting)
    _check_door_open(meeting, moment)
    if found.checked_in_at is not None:
        raise _already(found)
    number = _delegation_present(found, present)
    return _mark_present(actor, found, actor, moment, number)


@transaction.atomic
def check_in_undo(*, actor: Any, invitation: Invitation, reason: str) -> Invitation:
    """Take back a check-in recorded by mistake (the meeting's managers), saying why.
    Audited with the reason; refused on a cancelled meeting or once the minutes are
    final. The invitation is then as before the check-in (and may be used again)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    meeting = invitation.meeting
    if actor is not None and not meeting_policy.allows(actor, "manage", meeting):
        raise PermissionDenied(_("You do not have permission to do this."))
    _check_changeable(meeting)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the check-in is taken back.")})
    if invitation.checked_in_at is None:
        raise ValidationError(
            _("%(who)s has not checked in.") % {"who": invitation.display_name},
            code="not_checked_in",
        )
    before = invitation.checked_in_at.isoformat()
    by = _who(invitation.checked_in_by) if invitation.checked_in_by_id else None
    changes: dict[str, Any] = {
        "checked_in_at": [before, None],
        "checked_in_by": [by, None],
        "reason": [None, reason],
    }
    if invitation.present_count is not None:
        changes["present_count"] = [invitation.present_count, None]
    Invitation.objects.filter(pk=invitation.pk).update(
        checked_in_at=None, checked_in_by=None, present_count=None
    )
    audit_record(actor=actor, action="meeting.check_in_undo", target=invitation, changes=changes)
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def self_check_in(*, user: Any, meeting: Meeting) -> Invitation:
    """The logged-in invitee checks in while the meeting runs (from an hour before it
    starts to its end, or the end of its day where it is held)."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    invitation = selectors.invitation_of(user, meeting)
    if invitation is None:
        raise PermissionDenied(_("You are not invited to this meeting."))
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("The meeting is cancelled; nobody can check in."))
    if invitation.is_delegation:
        raise ValidationError(
            _(
                "The delegation of %(who)s checks in at the door, where the number who came "
                "is counted."
            )
            % {"who": invitation.display_name},
            code="delegation_at_door",
        )
    _check_changeable(meeting)
    opens, closes = selectors.checkin_window(meeting)
    now = timezone.now()
    if now < opens:
        raise ValidationError(
            _("Check-in opens at %(when)s, an hour before the meeting.")
            % {"when": _when(opens, meeting)}
        )
    if now > closes:
        raise ValidationError(_("The meeting is over; check-in has closed."))
    if invitation.checked_in_at is not None:
        raise _already(invitation)
    return _mark_present(user, invitation, user, now)


# --- agenda, documents and ballots -----------------------------------------------------


def _check_item(meeting: Meeting, item: AgendaItem | None, field: str) -> None:
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({field: _("The agenda item belongs to another meeting.")})


@transaction.atomic
def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str | Text | None = None,
    duration_minutes: int = 0,
    parent: AgendaItem | None = None,
    speaker: str = "",
    speaker_unit: Unit | None = None,
    position: int | None = None,
    source_language: str | None = None,
    **columns: Any,
) -> AgendaItem:
    """Add an item at the end of its level (or at ``position``, moving the later ones
    down). Its title is in the meeting's source language unless ``source_language``
    is given."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    _check_item(meeting, parent, "parent")
    siblings = AgendaItem.objects.filter(meeting=meeting, parent=parent)
    last = siblings.aggregate(last=Max("position"))["last"] or 0
    if position is None or position > last:
        position = last + 1
    else:
        position = max(position, 1)
        for sibling in siblings.filter(position__gte=position).order_by("-position"):
            sibling.position += 1
            sibling.save(update_fields=["position"])
    source = source_language or meeting.source_language
    texts = _strip(expand(AgendaItem, {"title": title, **columns}, source=source))
    _known(texts, fields_of("title"))
    item = AgendaItem(
        meeting=meeting,
        parent=parent,
        position=position,
        source_language=source,
        **texts,
        duration_minutes=duration_minutes,
        speaker=speaker,
        speaker_unit=speaker_unit,
    )
    return audited_create(
        actor=actor, instance=item, action="meeting.agenda_add", fields=AGENDA_FIELDS
    )


@transaction.atomic
def agenda_item_update(
    *, actor: Any, item: AgendaItem, version: int | None = None, **changes: Any
) -> AgendaItem:
    """Change an item's title, duration or speaker (any of :data:`AGENDA_EDITABLE`).
    ``title`` is a text in the item's source language (the new one, if sent) or texts by
    language: a language left out is kept, ``""`` clears it, and the source language's
    cannot be cleared. Its place on the agenda stays. A ``version`` no longer the stored
    one is refused (``core.versions.next_version``)."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    next_ = next_version(item, version)
    _check_changeable(meeting)
    source = changes.get("source_language") or item.source_language
    changes = _strip(expand(AgendaItem, changes, source=source))
    return audited_update(
        actor=actor,
        instance=item,
        action="meeting.agenda_update",
        changes={**changes, "version": next_},
        allowed=(*AGENDA_EDITABLE, "version"),
        fields=AGENDA_FIELDS,
    )


@transaction.atomic
def document_add(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    file: File,
    kind: str = DocumentKind.REPORT,
    agenda_item: AgendaItem | None = None,
) -> MeetingDocument:
    """Attach a report, speech or other document. Its size and type are checked against
    the upload limits first: a refusal is shown beside the file and keeps its code
    (``file_too_large``, ``file_type``) for the API. The stored file is removed again if
    the row or its audit entry is not written."""
    _check_changeable(meeting)
    _check_item(meeting, agenda_item, "agenda_item")
    check_upload(file)
    document = MeetingDocument(
        meeting=meeting,
        agenda_item=agenda_item,
        kind=kind,
        title=title.strip() or str(getattr(file, "name", "") or ""),
        uploaded_by=_actor(actor),
    )
    with upload_stored(document, "file", file):
        return audited_create(
            actor=actor,
            instance=document,
            action="meeting.document_add",
            fields=("meeting", "agenda_item", "kind", "title", "file"),
        )


@transaction.atomic
def meeting_poll_create(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    kind: str,
    options: list[str],
    agenda_item: AgendaItem | None = None,
    max_choices: int = 1,
    quorum: Fraction | None = None,
    majority: str = Majority.SIMPLE,
    base: str = Base.VALID,
    verification: str = Verification.INDIVIDUAL,
) -> Poll:
    """A secret ballot held in the meeting, voted by the meeting's body and organized by
    the meeting's organizer (so the meeting's managers run it in the ballots module).
    ``quorum`` defaults to the meeting's; ``verification`` is the ballots' choice
    (receipts, or receipt-free: docs/ballots.md), checked by ``poll_create``."""
    _check_changeable(meeting)
    _check_item(meeting, agenda_item, "agenda_item")
    if meeting.body_id is None:
        raise ValidationError(
            {"body": _("A ballot is voted by the meeting's body; set the body first.")}
        )
    poll = poll_create(
        actor=actor,
        owner_unit=meeting.organizer_unit,
        title=title,
        kind=kind,
        options=options,
        body=meeting.body,
        max_choices=max_choices,
        quorum=meeting.quorum if quorum is None else quorum,
        majority=majority,
        base=base,
        verification=verification,
    )
    link = MeetingPoll.objects.create(meeting=meeting, poll=poll, agenda_item=agenda_item)
    audit_record(
        actor=actor,
        action="meeting.poll_add",
        target=meeting,
        changes={"poll": [None, poll.pk], "agenda_item": [None, link.agenda_item_id]},
    )
    return poll


# --- resolutions and the tasks they create ---------------------------------------------


def _stripped(text: str | Text) -> str | dict[str, str]:
    if isinstance(text, str):
        return text.strip()
    return {language: value.strip() for language, value in text.items()}


def _task_kwargs(spec: TaskSpec, source_language: str) -> dict[str, Any]:
    """What ``task_create`` takes for ``spec``: its texts in every language given, with
    ``source_language`` (the resolution's or visit's) as the task's."""
    return {
        "source_language": source_language,
        "title": _stripped(spec.title),
        "lead_unit": spec.lead_unit,
        "lead_person": spec.lead_person,
        "project": spec.project,
        "scope": _stripped(spec.scope),
        "measures": _stripped(spec.measures),
        "start": spec.start,
        "due": spec.due,
        "supporting_units": spec.supporting_units,
        "code": spec.code.strip(),
    }


@transaction.atomic
def resolution_create(
    *,
    actor: Any,
    meeting: Meeting,
    text: str | Text | None = None,
    adopted_on: dt.date | None = None,
    poll: Poll | None = None,
    plan: WorkPlan | None = None,
    tasks: Iterable[TaskSpec] = (),
    source_language: str | None = None,
    **columns: Any,
) -> Resolution:
    """Record a resolution (numbered next in the meeting) and create its key tasks in
    ``plan``, linked back to it and put on the meeting's chain; all or nothing.

    A bad task row leaves nothing behind: every row is tried, and their errors are
    raised together keyed ``tasks.<row>.<field>`` (rows counted from 0). ``adopted_on``
    defaults to the meeting's day where it is held.

    ``text`` is in the meeting's source language unless ``source_language`` is given (or
    by language, or as columns ``text_vi=``); its tasks take the resolution's source
    language and get every language their rows give.
    """
    specs = list(tasks)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    source = source_language or meeting.source_language
    texts = _strip(expand(Resolution, {"text": text, **columns}, source=source))
    _known(texts, fields_of("text"))
    if not texts.get(column("text", source)):
        raise ValidationError({"text": _("Write the text of the resolution.")})
    if poll is not None and not MeetingPoll.objects.filter(meeting=meeting, poll=poll).exists():
        raise ValidationError({"poll": _("The ballot was not held in this meeting.")})
    if specs and plan is None:
        raise ValidationError({"plan": _("Choose the work plan that receives the tasks.")})
    if plan is not None:
        _check_plan(actor, plan)
    if adopted_on is None:
        adopted_on = selectors.meeting_day(meeting)
    number = (meeting.resolutions.aggregate(last=Max("number"))["last"] or 0) + 1
    resolution = Resolution(
        meeting=meeting,
        number=number,
        source_language=source,
        **texts,
        poll=poll,
        adopted_on=adopted_on,
        created_by=_actor(actor),
    )
    audited_create(
        actor=actor,
        instance=resolution,
        action="meeting.resolution_create",
        fields=RESOLUTION_FIELDS,
    )
    errors: dict[str, list[str]] = {}
    for row, spec in enumerate(specs):
        try:
            with transaction.atomic():
                task_create(
                    actor=actor,
                    plan=plan,  # type: ignore[arg-type]  # not None when there are specs
                    resolution=resolution,
                    chain=meeting.chain,
                    **_task_kwargs(spec, resolution.source_language),
                )
        except ValidationError as exc:
            errors.update(_row_errors(row, exc))
    if errors:
        raise ValidationError(errors)
    return resolution


#: A task's text columns by the field a row names (``title_vi`` is the row's ``title``).
_TASK_TEXT_FIELDS = {
    column(name, language): name
    for name in translated_names(Task)
    for language in CONTENT_LANGUAGES
}


def _row_errors(row: int, exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            f"tasks.{row}.{_TASK_TEXT_FIELDS.get(field, field)}": list(
                ValidationError(messages).messages
            )
            for field, messages in exc.error_dict.items()
        }
    return {f"tasks.{row}.{NON_FIELD_ERRORS}": list(exc.messages)}


# --- research visits -------------------------------------------------------------------


def _check_visit(meeting: Meeting, field: str) -> None:
    if meeting.kind != MeetingKind.RESEARCH_VISIT:
        raise ValidationError({field: _("Only research visits have visited units and findings.")})


@transaction.atomic
def visited_units_set(
    *, actor: Any, meeting: Meeting, units: Iterable[Unit], version: int | None = None
) -> None:
    """The units a research visit goes to (replacing the list); a unit with findings
    stays on it. The list is the meeting's: a ``version`` no longer the meeting's stored
    one is refused (``core.versions.next_version``), and a change raises it."""
    next_ = next_version(meeting, version)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    _check_visit(meeting, "visited_units")
    before = sorted(meeting.visited_units.values_list("pk", flat=True))
    after = sorted({u.pk for u in units})
    dropped = set(before) - set(after)
    kept_by_findings = (
        Unit.objects.filter(pk__in=meeting.findings.filter(unit_id__in=dropped).values("unit_id"))
        .order_by(ordered("name"), "pk")
        .values_list(tr("name"), flat=True)
    )
    if dropped and kept_by_findings:
        raise ValidationError(
            {
                "visited_units": _("%(units)s have findings and stay on the visit.")
                % {"units": ", ".join(kept_by_findings)}
            }
        )
    if before == after:
        return
    meeting.visited_units.set(after)
    Meeting.objects.filter(pk=meeting.pk).update(version=next_)
    audit_record(
        actor=actor,
        action="meeting.visited_units",
        target=meeting,
        changes={"visited_units": [before, after], "version": [next_ - 1, next_]},
    )


@transaction.atomic
def finding_add(*, actor: Any, meeting: Meeting, unit: Unit, topic: str, text: str) -> Finding:
    """What the research visit found at one of its visited units, on one topic."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_changeable(meeting)
    _check_visit(meeting, "unit")
    if not meeting.visited_units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("%(unit)s is not a visited unit.") % {"unit": unit}})
    if not text.strip():
        raise ValidationError({"text": _("Write what was found.")})
    position = (meeting.findings.aggregate(last=Max("position"))["last"] or 0) + 1
    finding = Finding(
        meeting=meeting, unit=unit, topic=topic.strip(), text=text.strip(), position=position
    )
    return audited_create(
        actor=actor,
        instance=finding,
        action="meeting.finding_add",
        fields=("meeting", "unit", "topic", "text", "position"),
    )


@transaction.atomic
def finding_follow_up(*, actor: Any, finding: Finding, plan: WorkPlan, spec: TaskSpec) -> Task:
    """A key task in ``plan`` that follows up a finding (on the visit's chain). Allowed
    after the minutes are final: following up is what comes after a visit."""
    meeting = finding.meeting
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("The meeting is cancelled; its record can no longer change."))
    _check_plan(actor, plan)
    return task_create(
        actor=actor,
        plan=plan,
        finding=finding,
        chain=meeting.chain,
        **_task_kwargs(spec, meeting.source_language),
    )


# --- minutes ----------------------------------------------------------------------------


def _minutes_locked(
    minutes: Minutes, version: int | None, move: str, *, meeting: Meeting | None = None
) -> Minutes:
    """The minutes row, locked for ``move`` (a name of ``minutes_workflow``); refused,
    in this order, when the table has no such move (final minutes, beside the text),
    when ``version`` is stale (``None``: the caller read no minutes at all), and when
    the move's rule does not hold. ``meeting``: the meeting the caller already locked."""
    current = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if meeting is not None:
        current.meeting = meeting
    if move not in {t.name for t in minutes_workflow.available(current)}:
        raise FieldRuleError(
            "text", minutes_workflow.refusal(current, move), code=INVALID_TRANSITION
        )
    if current.version != version:
        raise ConflictError(
            _(
                "Someone else saved these minutes since you opened them. Reload to see "
                "their change; nothing of yours was saved."
            )
        )
    minutes_workflow.check(current, move)
    return current


def _lf(text: str) -> str:
    """The stored text and the files use LF line ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@transaction.atomic
def minutes_draft(*, actor: Any, meeting: Meeting, version: int | None = None) -> Minutes:
    """Draft the minutes from the record: create them, or replace the text of a draft.

    A final version is never redrafted. ``version`` is the version the caller read
    (``None``: there were no minutes): a redraft over someone's newer edit, or a first
    draft when someone else drafted meanwhile, raises ConflictError.
    """
    # Locking the meeting serialises two first drafts (the minutes are one per meeting).
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes."), code="cancelled")
    text = minutes_text_from_record(meeting)
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is None:
        return audited_create(
            actor=actor,
            instance=Minutes(meeting=meeting, text=text),
            action="minutes.draft",
            fields=MINUTES_FIELDS,
        )
    current = _minutes_locked(existing, version, "redraft", meeting=meeting)
    return audited_update(
        actor=actor,
        instance=current,
        action="minutes.redraft",
        changes={"text": text, "version": current.version + 1},
        allowed=("text", "version"),
        fields=("text", "version"),
    )


@transaction.atomic
def minutes_update(*, actor: Any, minutes: Minutes, text: str, version: int) -> Minutes:
    """Save the edited text of a draft (its line ends as LF, whatever the browser or
    client sent). A stale ``version`` raises ConflictError and saves nothing; final
    minutes are refused."""
    text = _lf(text)
    current = _minutes_locked(minutes, version, "update")
    if not text.strip():
        raise FieldRuleError("text", _("The minutes cannot be empty."), code="required")
    return audited_update(
        actor=actor,
        instance=current,
        action="minutes.update",
        changes={"text": text, "version": current.version + 1},
        allowed=("text", "version"),
        fields=("text", "version"),
    )


@transaction.atomic
def minutes_finalize(
    *, actor: Any, minutes: Minutes, version: int, text: str | None = None
) -> Minutes:
    """Finalize the minutes of a meeting that was held: from now on no edit and no
    redraft. Records who and when.

    ``text``, when given and not the saved text, is saved first (as
    :func:`minutes_update` does, a version of its own) in the same transaction: what was
    typed before finalizing is never lost, and a refusal saves neither."""
    # The meeting first, as minutes_draft and meeting_set_state lock it: one order, and
    # its state cannot change under us.
    meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
    current = _minutes_locked(minutes, version, "finalize", meeting=meeting)
    if text is not None and _lf(text) != current.text:
        current = minutes_update(actor=actor, minutes=current, text=text, version=version)
    if not current.text.strip():
        raise ValidationError({"text": _("Write the minutes before finalizing them.")})
    return audited_update(
        actor=actor,
        instance=current,
        action="minutes.finalize",
        changes={
            "state": MinutesState.FINAL,
            "finalized_at": clock.now(),
            "finalized_by": _actor(actor),
            "version": current.version + 1,
        },
        allowed=("state", "finalized_at", "finalized_by", "version"),
        fields=("state", "finalized_at", "finalized_by", "version"),
    )
