"""JSON API for meetings: /api/v1/meetings.

Meetings, their invitations and check-in, live attendance, the agenda, documents (file
uploads), ballots held in the meeting, resolutions (each with the key tasks it creates,
in one request), research findings and the minutes (drafted from the record, edited
on a version, finalized). Ids named in a request body are resolved through their
policies: one the user cannot see is a 422 on that field; a work plan the user sees but
does not manage is a 403. A cancelled meeting, or one whose minutes are final, keeps
its record: changes answer 422 ``cancelled`` or ``minutes_final``.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.ballots.api import PollDetailOut, poll_detail_out
from pacesetter.ballots.models import Base, Majority, Poll, PollKind, Verification
from pacesetter.bodies.api import BodyRef, PersonRef
from pacesetter.bodies.policies import body_policy
from pacesetter.chains.policies import chain_policy
from pacesetter.core.api_types import (
    VERSION_IN,
    VERSION_OUT,
    Id,
    Paged,
    Position,
    ShareIn,
    ShareOut,
    Version,
    Year,
)
from pacesetter.core.files import file_download
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    ordered,
    text_input,
    text_patch,
    translations,
)
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import users_visible_to
from pacesetter.workplans.models import Project, Task, WorkPlan
from pacesetter.workplans.policies import plan_policy

from . import selectors, services
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
    MeetingState,
    Minutes,
    MinutesState,
    Resolution,
)
from .policies import invitation_policy, meeting_policy
from .selectors import zone_named
from .workflows import meeting_moves, minutes_workflow

router = Router(tags=["meetings"])


def _in_meeting_zone(obj: Any, name: str) -> dt.datetime | None:
    """A meeting's moment as the clocks of its place show it (same instant)."""
    value = obj[name] if isinstance(obj, dict) else getattr(obj, name)
    zone_name = obj["time_zone"] if isinstance(obj, dict) else obj.time_zone
    zone = zone_named(zone_name)
    return value.astimezone(zone) if value is not None and zone is not None else value


# --- schemas -------------------------------------------------------------------------


class MeetingChainRef(Schema):
    id: Id
    name: str
    source_language: str


class MeetingOut(Schema):
    id: Id
    kind: MeetingKind
    source_language: str
    title: str
    state: MeetingState
    organizer_unit: UnitRef
    body: BodyRef | None
    chain: MeetingChainRef | None
    time_zone: str = Field(description="Where the meeting is held (IANA name).")
    starts_at: dt.datetime = Field(description="With the offset of the meeting's time zone.")
    ends_at: dt.datetime | None
    place: str
    chair: str
    description: str
    topics: list[str]
    quorum: ShareOut = Field(description="Share of the voting members who must be present: n/d.")
    registration_open: bool

    @staticmethod
    def resolve_topics(obj: Meeting | dict[str, Any]) -> list[str]:
        return obj["topics"] if isinstance(obj, dict) else obj.topic_list

    @staticmethod
    def resolve_starts_at(obj: Meeting | dict[str, Any]) -> dt.datetime | None:
        return _in_meeting_zone(obj, "starts_at")

    @staticmethod
    def resolve_ends_at(obj: Meeting | dict[str, Any]) -> dt.datetime | None:
        return _in_meeting_zone(obj, "ends_at")


class AttendanceOut(Schema):
    """People (a delegation counts its size expected and its number who came present),
    delegations, and the voting members of the quorum (one per invitation)."""

    expected: int
    registered: int
    present: int
    voting_expected: int = Field(description="Invitees with the role “member”.")
    voting_present: int
    quorum: ShareOut
    quorum_needed: int = Field(description="Voting members who must be present.")
    quorum_met: bool
    delegations_expected: int = Field(description="Delegations (units) invited.")
    delegations_present: int = Field(description="Delegations (units) checked in.")


class InvitationOut(Schema):
    id: Id
    user: PersonRef | None
    unit: UnitRef | None
    label: str
    display_name: str
    role: InviteeRole
    email: str
    code: str = Field(description="The personal check-in code (on the invitation's QR code).")
    registered_at: dt.datetime | None
    checked_in_at: dt.datetime | None
    checked_in_by: str | None
    delegation_size: int | None = Field(
        description="A delegation's people expected; null for one person."
    )
    head: str = Field(description="The head of a delegation, if named.")
    present_count: int | None = Field(description="A delegation's number who came.")

    @staticmethod
    def resolve_checked_in_by(obj: Invitation) -> str | None:
        return obj.checked_in_by.get_username() if obj.checked_in_by else None


class MeetingDetailOut(MeetingOut):
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT
    attendance: AttendanceOut
    visited_units: list[UnitRef]
    may_manage: bool = Field(description="Whether the requesting user runs the meeting.")
    running: bool = Field(description="Whether invitees may check themselves in now.")
    my_invitation: InvitationOut | None = Field(
        description="The invitation with which the requesting user attends, if any."
    )
    allowed_actions: list[str] = Field(
        description="The moves this user may make now (held, cancelled), from the "
        "meeting's workflow."
    )


class MeetingFilters(Schema):
    q: str = Field("", description="Searches the title and the place.")
    kind: MeetingKind | None = None
    year: Year | None = None
    state: MeetingState | None = None


class MeetingIn(Schema):
    """Times with an offset are moments; times without one are read in ``time_zone``."""

    kind: MeetingKind
    source_language: Language | None = SOURCE_LANGUAGE
    title: text_input(300)  # type: ignore[valid-type]
    organizer_unit_id: Id
    time_zone: str | None = Field(
        None,
        max_length=64,
        description="Where the meeting is held, an IANA name such as Asia/Shanghai "
        "(the server's zone if left out).",
    )
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    place: text_input(300) = ""  # type: ignore[valid-type]
    chair: str = ""
    description: text_input() = ""  # type: ignore[valid-type]
    topics: str = Field("", description="One per line.")
    body_id: Id | None = None
    chain_id: Id | None = None
    quorum: ShareIn = Field(Fraction(0))


class MeetingPatch(Schema):
    """Only the fields sent are changed. Times without an offset are read in the
    meeting's time zone (the one sent, if any); changing the zone alone keeps the
    moments and shows them on the new zone's clocks."""

    kind: MeetingKind | None = None
    source_language: Language | None = None
    title: text_patch(300) = None  # type: ignore[valid-type]
    organizer_unit_id: Id | None = None
    time_zone: str | None = Field(None, max_length=64)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: text_patch(300) = None  # type: ignore[valid-type]
    chair: str | None = None
    description: text_patch() = None  # type: ignore[valid-type]
    topics: str | None = None
    body_id: Id | None = None
    chain_id: Id | None = None
    quorum: ShareIn | None = None
    registration_open: bool | None = None
    version: Version | None = VERSION_IN


class StateIn(Schema):
    state: MeetingState


class InvitationIn(Schema):
    """A person (``user_id``), a unit (``unit_id``), both, or someone without an account
    (``label``)."""

    user_id: Id | None = None
    unit_id: Id | None = None
    label: str = Field("", max_length=300)
    role: InviteeRole = Field(
        InviteeRole.GUEST,
        description="Only members vote and count for the quorum (the body's seats are "
        "invited as members through body-members).",
    )
    email: str = ""
    delegation_size: int | None = Field(
        None,
        ge=1,
        le=DELEGATION_MAX,
        description="A unit's (or a labelled organization's) delegation of this many people; "
        "no user_id then.",
    )
    head: str = Field("", max_length=300, description="The head of the delegation.")


class AddedOut(Schema):
    added: int


class AttendanceRegistrationIn(Schema):
    registered: bool


class CheckInUndoIn(Schema):
    reason: str = Field(max_length=500, description="Why the check-in is taken back (audited).")


class CheckInIn(Schema):
    code: str = Field(
        max_length=40, description="Typed or scanned; case, spaces and dashes do not matter."
    )
    present: int | None = Field(
        None,
        ge=1,
        le=DELEGATION_MAX,
        description="A delegation's number who came (by default its size); not for one person.",
    )


class CheckInOut(Schema):
    invitation: InvitationOut
    attendance: AttendanceOut


class AgendaItemOut(Schema):
    id: Id
    parent_id: Id | None
    number: str = Field(description="Outline number, such as 2.1.")
    depth: int
    position: Position
    source_language: str
    title: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    duration_minutes: int
    total_minutes: int = Field(description="Its own duration plus its sub-items'.")
    speaker: str
    speaker_unit: UnitRef | None
    version: Version = VERSION_OUT


class AgendaOut(Schema):
    items: list[AgendaItemOut]
    total_minutes: int


class AgendaItemIn(Schema):
    source_language: Language | None = Field(
        None, description="The language of the title; the meeting's if left out."
    )
    title: text_input(300)  # type: ignore[valid-type]
    duration_minutes: int = Field(0, ge=0, le=24 * 60)
    parent_id: Id | None = None
    speaker: str = Field("", max_length=300)
    speaker_unit_id: Id | None = None
    position: Position | None = Field(None, ge=1)


class AgendaItemPatch(Schema):
    """Only the fields sent are changed; title languages not sent are kept, ``""``
    clears one (not the source's). An item's place on the agenda stays."""

    source_language: Language | None = None
    title: text_patch(300) = None  # type: ignore[valid-type]
    duration_minutes: int | None = Field(None, ge=0, le=24 * 60)
    speaker: str | None = Field(None, max_length=300)
    speaker_unit_id: Id | None = None
    version: Version | None = VERSION_IN


class MeetingTaskRef(Schema):
    id: Id
    title: str
    source_language: str
    lead_unit: UnitRef
    due: dt.date | None
    progress: Decimal | None


class ResolutionOut(Schema):
    id: Id
    number: int
    source_language: str
    text: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    adopted_on: dt.date
    poll_id: Id | None
    tasks: list[MeetingTaskRef]


class TaskSpecIn(Schema):
    """A task's texts are in the resolution's (or visit's) source language, or given by
    language; the task gets every language given."""

    title: text_input(300)  # type: ignore[valid-type]
    lead_unit_id: Id
    lead_person_id: Id | None = None
    due: dt.date | None = None
    start: dt.date | None = None
    scope: text_input() = ""  # type: ignore[valid-type]
    measures: text_input() = ""  # type: ignore[valid-type]
    project_id: Id | None = None
    supporting_unit_ids: list[Id] = []


class ResolutionIn(Schema):
    """The resolution and, in the same transaction, its key tasks in ``plan_id``. Errors
    of a task row are keyed ``tasks.<row>.<field>`` in the 422's detail."""

    source_language: Language | None = Field(
        None, description="The language of the text (and the tasks'); the meeting's if left out."
    )
    text: text_input()  # type: ignore[valid-type]
    adopted_on: dt.date | None = Field(
        None, description="The meeting's day where it is held, if left out."
    )
    poll_id: Id | None = Field(None, description="A ballot held in this meeting.")
    plan_id: Id | None = Field(None, description="Needed when tasks are given.")
    tasks: list[TaskSpecIn] = Field([], max_length=200)


class VisitedUnitsIn(Schema):
    unit_ids: list[Id]
    version: Version | None = Field(
        None,
        description="The meeting's version read (the list is the meeting's); a stale one "
        "is a 409 and nothing is changed. A change raises the meeting's version.",
    )


class FindingOut(Schema):
    id: Id
    unit: UnitRef
    topic: str
    text: str
    position: Position
    tasks: list[MeetingTaskRef]


class FindingIn(Schema):
    unit_id: Id
    topic: str = Field(max_length=300)
    text: str


class FollowUpIn(TaskSpecIn):
    plan_id: Id


class MeetingDocumentOut(Schema):
    id: Id
    title: str
    kind: DocumentKind
    agenda_item_id: Id | None
    file_name: str
    uploaded_at: dt.datetime
    uploaded_by: str | None

    @staticmethod
    def resolve_file_name(obj: MeetingDocument) -> str:
        return PurePath(obj.file.name or "").name

    @staticmethod
    def resolve_uploaded_by(obj: MeetingDocument) -> str | None:
        return obj.uploaded_by.get_username() if obj.uploaded_by else None


class MeetingDocumentIn(Schema):
    """Form fields sent beside the multipart ``file``."""

    title: str = Field("", max_length=300, description="The file's name if left empty.")
    kind: DocumentKind = DocumentKind.REPORT
    agenda_item_id: Id | None = Field(None, description="An item of this meeting's agenda.")


class MeetingPollIn(Schema):
    """A secret ballot voted by the meeting's body, organized by the meeting's
    organizer (its managers then run it through /polls)."""

    title: str = Field(max_length=300)
    kind: PollKind = PollKind.YES_NO
    options: list[str] = Field(description="Candidates or motions; empty ones are ignored.")
    agenda_item_id: Id | None = Field(None, description="An item of this meeting's agenda.")
    max_choices: int = Field(1, ge=1, le=1000, description="Approval polls: up to K choices.")
    quorum: ShareIn | None = Field(
        None, description="Share of the entitled (2/3, 50%, 0.5); the meeting's if left out."
    )
    majority: Majority = Majority.SIMPLE
    base: Base = Base.VALID
    verification: Verification = Field(
        Verification.INDIVIDUAL,
        description="individual (a receipt per voter, the pairs published) or "
        "receipt_free (no receipt, only totals and digest published).",
    )


class MinutesVersionOut(Schema):
    version: Version
    step: str = Field(description="What made it: draft, redraft, update or finalize.")
    saved_at: dt.datetime
    saved_by: str | None = Field(description="The username; null for the system.")


class MinutesOut(Schema):
    meeting_id: Id
    text: str = Field(
        description="“# ” starts a heading, “## ” a subheading, “- ” a bullet (indented: "
        "a bullet under a bullet); every other line is a paragraph."
    )
    state: MinutesState
    version: Version = Field(
        description="Send it back with every change: a change made on another version "
        "is refused with 409 stale_version."
    )
    drafted_at: dt.datetime
    updated_at: dt.datetime
    finalized_at: dt.datetime | None
    finalized_by: PersonRef | None
    versions: list[MinutesVersionOut] = Field(description="Every version, oldest first.")
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (redraft, update, finalize), from "
        "the minutes' workflow."
    )


class MinutesDraftIn(Schema):
    version: Version | None = Field(
        None,
        description="The version you read; leave out when there are no minutes yet. "
        "Drafting again replaces the whole text.",
    )


class MinutesIn(Schema):
    text: str
    version: Version


class MinutesFinalizeIn(Schema):
    version: Version
    text: str | None = Field(
        None, description="If sent and changed, saved first (its own version), then final."
    )


# --- helpers -------------------------------------------------------------------------


def _meetings() -> models.QuerySet[Meeting]:
    return Meeting.objects.select_related("organizer_unit", "body", "chain")


def _access(user: Any, meeting_id: Id, action: str = "view") -> Meeting:
    meeting = meeting_policy.access(user, meeting_id, action)
    return _meetings().get(pk=meeting.pk)


def _invitations() -> models.QuerySet[Invitation]:
    return Invitation.objects.select_related("user", "unit", "checked_in_by")


def _detail(meeting: Meeting, user: Any) -> dict[str, Any]:
    mine = selectors.invitation_of(user, meeting)
    return {
        **{f: getattr(meeting, f) for f in MeetingOut.model_fields if f != "topics"},
        "translations": translations(meeting),
        "version": meeting.version,
        "topics": meeting.topic_list,
        "attendance": selectors.attendance(meeting),
        "visited_units": list(meeting.visited_units.order_by(ordered("name"), "pk")),
        "may_manage": meeting_policy.allows(user, "manage", meeting),
        "allowed_actions": meeting_moves(user, meeting),
        "running": selectors.is_running(meeting),
        "my_invitation": _invitations().get(pk=mine.pk) if mine else None,
    }


def _unit(user: Any, pk: int | None, field: str) -> Unit | None:
    return None if pk is None else resolve_ref(unit_policy, user, pk, "view", field)


def _person(user: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    person = users_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise ValidationError({field: _("Choose a valid option.")})
    return person


def _plan(user: Any, pk: int | None) -> WorkPlan | None:
    return None if pk is None else resolve_ref(plan_policy, user, pk, "manage", "plan_id")


def _spec(user: Any, row: TaskSpecIn, plan: WorkPlan | None, prefix: str) -> services.TaskSpec:
    project = None
    if row.project_id is not None:
        project = Project.objects.filter(pk=row.project_id, plan=plan).first()
        if project is None:
            raise ValidationError({f"{prefix}project_id": _("Choose a project of the plan.")})
    lead_unit = _unit(user, row.lead_unit_id, f"{prefix}lead_unit_id")
    assert lead_unit is not None
    return services.TaskSpec(
        title=row.title,
        lead_unit=lead_unit,
        lead_person=_person(user, row.lead_person_id, f"{prefix}lead_person_id"),
        due=row.due,
        start=row.start,
        scope=row.scope,
        measures=row.measures,
        project=project,
        supporting_units=tuple(
            u
            for i, pk in enumerate(row.supporting_unit_ids)
            if (u := _unit(user, pk, f"{prefix}supporting_unit_ids.{i}")) is not None
        ),
    )


def _agenda_item(meeting: Meeting, pk: int | None, field: str) -> AgendaItem | None:
    if pk is None:
        return None
    item = AgendaItem.objects.filter(meeting=meeting, pk=pk).first()
    if item is None:
        raise ValidationError({field: _("Choose an item of this meeting's agenda.")})
    return item


def _resolution(resolution: Resolution) -> dict[str, Any]:
    """With ``tasks__lead_unit`` prefetched."""
    return {
        "id": resolution.pk,
        "number": resolution.number,
        "source_language": resolution.source_language,
        "text": resolution.text,
        "translations": translations(resolution),
        "adopted_on": resolution.adopted_on,
        "poll_id": resolution.poll_id,
        "tasks": sorted(resolution.tasks.all(), key=lambda t: t.pk),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    """With ``unit`` and ``tasks__lead_unit`` loaded."""
    return {
        "id": finding.pk,
        "unit": finding.unit,
        "topic": finding.topic,
        "text": finding.text,
        "position": finding.position,
        "tasks": sorted(finding.tasks.all(), key=lambda t: t.pk),
    }


def _meeting_refs(
    user: Any, payload: Any, fields: set[str], meeting: Meeting | None = None
) -> dict[str, Any]:
    """Resolve the ids of a meeting's create or patch payload into objects. The body
    must be one the user runs (``update``), as on the form and for ballots; an edit may
    keep the meeting's current body."""
    values: dict[str, Any] = {}
    if "organizer_unit_id" in fields:
        if payload.organizer_unit_id is None:
            raise ValidationError({"organizer_unit_id": _("This field cannot be null.")})
        values["organizer_unit"] = resolve_ref(
            unit_policy, user, payload.organizer_unit_id, "manage", "organizer_unit_id"
        )
    if "body_id" in fields:
        if payload.body_id is None:
            values["body"] = None
        elif meeting is not None and payload.body_id == meeting.body_id:
            values["body"] = meeting.body
        else:
            values["body"] = resolve_ref(body_policy, user, payload.body_id, "update", "body_id")
    if "chain_id" in fields:
        values["chain"] = (
            resolve_ref(chain_policy, user, payload.chain_id, "view", "chain_id")
            if payload.chain_id is not None
            else None
        )
    return values


def _moments(values: dict[str, Any], zone_name: str | None) -> dict[str, Any]:
    """``starts_at`` and ``ends_at`` sent without an offset, read in the meeting's zone
    (an unknown zone is left for the service to refuse)."""
    zone = zone_named(zone_name or "") or zone_named(str(settings.TIME_ZONE))
    for name in ("starts_at", "ends_at"):
        value = values.get(name)
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            values[name] = timezone.make_aware(value, zone)
    return values


# --- meetings ------------------------------------------------------------------------

#: Fields of :class:`MeetingPatch` that may be left out but not sent as null.
NOT_NULL = (
    "kind",
    "source_language",
    "title",
    "time_zone",
    "starts_at",
    "place",
    "chair",
    "description",
    "topics",
    "quorum",
    "registration_open",
)


@router.get("", response=list[MeetingOut])
@paginate(Paged)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]) -> models.QuerySet[Meeting]:
    """Meetings the user may see (organizer's roles, invitees, the body's members, roles
    over an invited or visited unit), newest first."""
    return selectors.meeting_list(
        request.user,
        q=filters.q,
        kind=filters.kind or "",
        year=filters.year,
        state=filters.state or "",
    ).select_related("body", "chain")


@router.post("", response={201: MeetingDetailOut})
def meeting_create_endpoint(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    """Plan a meeting organized by ``organizer_unit_id`` (committee staff over that unit,
    who then run it)."""
    user = request.user
    refs = _meeting_refs(user, payload, {"organizer_unit_id", "body_id", "chain_id"})
    data = _moments(
        payload.dict(exclude={"organizer_unit_id", "body_id", "chain_id"}), payload.time_zone
    )
    data["source_language"] = data["source_language"] or content_language()
    meeting = services.meeting_create(actor=user, **data, **refs)
    return Status(201, _detail(_meetings().get(pk=meeting.pk), user))


@router.get("/{int:meeting_id}", response=MeetingDetailOut)
def meeting_detail(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """A meeting with its live attendance, its visited units (research visits) and the
    requesting user's own invitation."""
    return _detail(_access(request.user, meeting_id), request.user)


@router.patch("/{int:meeting_id}", response=MeetingDetailOut)
def meeting_update_endpoint(
    request: HttpRequest, meeting_id: Id, payload: MeetingPatch
) -> dict[str, Any]:
    """Change the meeting (its managers); only the fields sent are changed."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    sent = payload.dict(exclude_unset=True)
    refs = _meeting_refs(user, payload, set(sent), meeting)
    changes = {
        k: v for k, v in sent.items() if k not in ("organizer_unit_id", "body_id", "chain_id")
    }
    nulls = [name for name in NOT_NULL if name in changes and changes[name] is None]
    if nulls:
        raise ValidationError({name: _("This field cannot be null.") for name in nulls})
    changes = _moments(changes, changes.get("time_zone") or meeting.time_zone)
    meeting = services.meeting_update(actor=user, meeting=meeting, **changes, **refs)
    return _detail(_meetings().get(pk=meeting.pk), user)


@router.post("/{int:meeting_id}/state", response=MeetingDetailOut)
def meeting_state_endpoint(
    request: HttpRequest, meeting_id: Id, payload: StateIn
) -> dict[str, Any]:
    """Mark a planned meeting ``held`` (once it has started) or ``cancelled``."""
    meeting = _access(request.user, meeting_id, "manage")
    meeting = services.meeting_set_state(actor=request.user, meeting=meeting, state=payload.state)
    return _detail(_meetings().get(pk=meeting.pk), request.user)


@router.get("/{int:meeting_id}/attendance", response=AttendanceOut)
def attendance_endpoint(request: HttpRequest, meeting_id: Id) -> selectors.Attendance:
    """Expected, registered and present counts, and the quorum, now."""
    return selectors.attendance(meeting_policy.access(request.user, meeting_id))


# --- invitations and check-in ----------------------------------------------------------


@router.get("/{int:meeting_id}/invitations", response=list[InvitationOut])
@paginate(Paged)
def invitation_list(request: HttpRequest, meeting_id: Id) -> models.QuerySet[Invitation]:
    """The invitations the user may see: all of them for the meeting's managers; for
    others their own and those of units they are officers of that name no person."""
    meeting = meeting_policy.access(request.user, meeting_id)
    return (
        invitation_policy.visible(request.user)
        .filter(meeting=meeting)
        .select_related("user", "unit", "checked_in_by")
        .order_by("role", "label", ordered("unit__name"), "user__username", "pk")
    )


@router.post("/{int:meeting_id}/invitations", response={201: InvitationOut})
def invitation_add_endpoint(
    request: HttpRequest, meeting_id: Id, payload: InvitationIn
) -> Status[Invitation]:
    """Invite a person, a unit, or someone without an account; each invitation gets a
    personal check-in code."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    invitation = services.invitation_add(
        actor=user,
        meeting=meeting,
        user=_person(user, payload.user_id, "user_id"),
        unit=_unit(user, payload.unit_id, "unit_id"),
        label=payload.label,
        role=payload.role,
        email=payload.email,
        delegation_size=payload.delegation_size,
        head=payload.head,
    )
    return Status(201, _invitations().get(pk=invitation.pk))


@router.post("/{int:meeting_id}/invitations/body-members", response=AddedOut)
def invite_body_endpoint(request: HttpRequest, meeting_id: Id) -> dict[str, int]:
    """Invite every seat of the meeting's body on the meeting's day; those already
    invited are skipped. Answers how many were added."""
    meeting = _access(request.user, meeting_id, "manage")
    return {"added": services.invitations_add_body_members(actor=request.user, meeting=meeting)}


@router.post(
    "/{int:meeting_id}/invitations/{int:invitation_id}/registration", response=InvitationOut
)
def registration_endpoint(
    request: HttpRequest, meeting_id: Id, invitation_id: Id, payload: AttendanceRegistrationIn
) -> Invitation:
    """Register (or unregister) for the meeting: the invitee, an officer of the invited
    unit, or the meeting's managers."""
    meeting_policy.access(request.user, meeting_id)
    invitation = invitation_policy.access(request.user, invitation_id, "register")
    if invitation.meeting_id != meeting_id:
        raise ValidationError({"invitation_id": _("The invitation is for another meeting.")})
    invitation = services.registration_set(
        actor=request.user, invitation=invitation, registered=payload.registered
    )
    return _invitations().get(pk=invitation.pk)


@router.post(
    "/{int:meeting_id}/invitations/{int:invitation_id}/undo-check-in", response=InvitationOut
)
def check_in_undo_endpoint(
    request: HttpRequest, meeting_id: Id, invitation_id: Id, payload: CheckInUndoIn
) -> Invitation:
    """Take back a check-in recorded by mistake (the meeting's managers), saying why;
    refused once the minutes are final."""
    meeting_policy.access(request.user, meeting_id)
    invitation = invitation_policy.access(request.user, invitation_id, "manage")
    if invitation.meeting_id != meeting_id:
        raise ValidationError({"invitation_id": _("The invitation is for another meeting.")})
    invitation = services.check_in_undo(
        actor=request.user, invitation=invitation, reason=payload.reason
    )
    return _invitations().get(pk=invitation.pk)


@router.delete("/{int:meeting_id}/invitations/{int:invitation_id}", response={204: None})
def invitation_remove_endpoint(
    request: HttpRequest, meeting_id: Id, invitation_id: Id
) -> HttpResponse:
    """Withdraw an invitation (the meeting's managers). Refused once the invitee has
    checked in (422 ``checked_in``), on a cancelled meeting (``cancelled``) and once
    the minutes are final (``minutes_final``)."""
    meeting_policy.access(request.user, meeting_id)
    invitation = invitation_policy.access(request.user, invitation_id, "manage")
    if invitation.meeting_id != meeting_id:
        raise ValidationError({"invitation_id": _("The invitation is for another meeting.")})
    services.invitation_remove(actor=request.user, invitation=invitation)
    return HttpResponse(status=204)


@router.post("/{int:meeting_id}/check-in", response=CheckInOut)
def check_in_endpoint(request: HttpRequest, meeting_id: Id, payload: CheckInIn) -> dict[str, Any]:
    """Check an invitee in by their code (staff at the door), on the meeting's day(s)
    where it is held (from an hour before the start). A wrong code, another meeting's
    code (named), a code already used (when and by whom), a cancelled meeting and a
    closed door are 422s whose detail says so under ``code``."""
    meeting = _access(request.user, meeting_id, "checkin")
    invitation = services.check_in(
        actor=request.user, meeting=meeting, code=payload.code, present=payload.present
    )
    return {
        "invitation": _invitations().get(pk=invitation.pk),
        "attendance": selectors.attendance(meeting),
    }


@router.post("/{int:meeting_id}/self-check-in", response=CheckInOut)
def self_check_in_endpoint(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """The requesting invitee checks in, from an hour before the start to the end."""
    meeting = _access(request.user, meeting_id)
    invitation = services.self_check_in(user=request.user, meeting=meeting)
    return {
        "invitation": _invitations().get(pk=invitation.pk),
        "attendance": selectors.attendance(meeting),
    }


# --- agenda -------------------------------------------------------------------------


def _agenda(meeting: Meeting) -> dict[str, Any]:
    nodes, total = selectors.agenda_tree(meeting)
    items = [
        {
            "id": n.item.pk,
            "parent_id": n.item.parent_id,
            "number": n.number,
            "depth": n.depth,
            "position": n.item.position,
            "source_language": n.item.source_language,
            "title": n.item.title,
            "translations": translations(n.item),
            "duration_minutes": n.item.duration_minutes,
            "total_minutes": n.total_minutes,
            "speaker": n.item.speaker,
            "speaker_unit": n.item.speaker_unit,
            "version": n.item.version,
        }
        for n in nodes
    ]
    return {"items": items, "total_minutes": total}


@router.get("/{int:meeting_id}/agenda", response=AgendaOut)
def agenda_list(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """The agenda in reading order, with outline numbers and durations."""
    return _agenda(meeting_policy.access(request.user, meeting_id))


@router.post("/{int:meeting_id}/agenda", response={201: AgendaItemOut})
def agenda_add_endpoint(
    request: HttpRequest, meeting_id: Id, payload: AgendaItemIn
) -> Status[dict[str, Any]]:
    """Add an item (under ``parent_id``; at ``position``, or last)."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    item = services.agenda_item_add(
        actor=user,
        meeting=meeting,
        source_language=payload.source_language,
        title=payload.title,
        duration_minutes=payload.duration_minutes,
        parent=_agenda_item(meeting, payload.parent_id, "parent_id"),
        speaker=payload.speaker,
        speaker_unit=_unit(user, payload.speaker_unit_id, "speaker_unit_id"),
        position=payload.position,
    )
    row = next(i for i in _agenda(meeting)["items"] if i["id"] == item.pk)
    return Status(201, row)


@router.patch("/{int:meeting_id}/agenda/{int:item_id}", response=AgendaItemOut)
def agenda_update_endpoint(
    request: HttpRequest, meeting_id: Id, item_id: Id, payload: AgendaItemPatch
) -> dict[str, Any]:
    """Change an item's title (by language), duration or speaker."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    item = meeting.agenda_items.filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Not found."))
    changes = payload.dict(exclude_unset=True)
    nulls = [
        n
        for n in ("source_language", "title", "duration_minutes", "speaker")
        if n in changes and changes[n] is None
    ]
    if nulls:
        raise ValidationError({name: _("This field cannot be null.") for name in nulls})
    if "speaker_unit_id" in changes:
        changes["speaker_unit"] = _unit(user, changes.pop("speaker_unit_id"), "speaker_unit_id")
    services.agenda_item_update(actor=user, item=item, **changes)
    return next(i for i in _agenda(meeting)["items"] if i["id"] == item.pk)


# --- documents and ballots -------------------------------------------------------------


def _documents() -> models.QuerySet[MeetingDocument]:
    return MeetingDocument.objects.select_related("uploaded_by")


@router.get("/{int:meeting_id}/documents", response=list[MeetingDocumentOut])
def document_list(request: HttpRequest, meeting_id: Id) -> models.QuerySet[MeetingDocument]:
    """The meeting's reports, speeches and other documents, in the order attached."""
    meeting = meeting_policy.access(request.user, meeting_id)
    return _documents().filter(meeting=meeting).order_by("pk")


@router.post("/{int:meeting_id}/documents", response={201: MeetingDocumentOut})
def document_add_endpoint(
    request: HttpRequest,
    meeting_id: Id,
    payload: Form[MeetingDocumentIn],
    file: File[UploadedFile],
) -> Status[MeetingDocument]:
    """Attach a document, sent as multipart: the ``file`` and the form fields beside
    it. A file over the size limit is 422 ``file_too_large``, one of a type not
    accepted ``file_type`` (the detail names ``file``)."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    document = services.document_add(
        actor=user,
        meeting=meeting,
        title=payload.title,
        file=file,
        kind=payload.kind,
        agenda_item=_agenda_item(meeting, payload.agenda_item_id, "agenda_item_id"),
    )
    return Status(201, _documents().get(pk=document.pk))


@router.get("/{int:meeting_id}/documents/{int:document_id}/file")
def document_file(request: HttpRequest, meeting_id: Id, document_id: Id) -> FileResponse:
    """Download a document of the meeting (whoever may see the meeting)."""
    meeting = meeting_policy.access(request.user, meeting_id)
    document = meeting.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404(_("Not found."))
    return file_download(document.file)


@router.post("/{int:meeting_id}/polls", response={201: PollDetailOut})
def poll_create_endpoint(
    request: HttpRequest, meeting_id: Id, payload: MeetingPollIn
) -> Status[dict[str, Any]]:
    """Set up a secret ballot held in the meeting (a draft poll, voted by the meeting's
    body: 422 naming ``body`` when the meeting has none). Open, close and publish it
    through /polls/{poll_id}."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    poll = services.meeting_poll_create(
        actor=user,
        meeting=meeting,
        title=payload.title,
        kind=payload.kind,
        options=[option.strip() for option in payload.options if option.strip()],
        agenda_item=_agenda_item(meeting, payload.agenda_item_id, "agenda_item_id"),
        max_choices=payload.max_choices,
        quorum=payload.quorum,
        majority=payload.majority,
        base=payload.base,
        verification=payload.verification,
    )
    return Status(201, poll_detail_out(poll, user))


# --- resolutions -----------------------------------------------------------------------


@router.get("/{int:meeting_id}/resolutions", response=list[ResolutionOut])
def resolution_list(request: HttpRequest, meeting_id: Id) -> list[dict[str, Any]]:
    """The meeting's resolutions by number, each with the key tasks it created."""
    meeting = meeting_policy.access(request.user, meeting_id)
    resolutions = meeting.resolutions.prefetch_related("tasks__lead_unit").order_by("number")
    return [_resolution(r) for r in resolutions]


@router.post("/{int:meeting_id}/resolutions", response={201: ResolutionOut})
def resolution_create_endpoint(
    request: HttpRequest, meeting_id: Id, payload: ResolutionIn
) -> Status[dict[str, Any]]:
    """Record a resolution (numbered next) and create its key tasks in ``plan_id`` in
    one transaction: if any task row is wrong nothing is saved, and the 422 names the
    rows (``tasks.<row>.<field>``)."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    plan = _plan(user, payload.plan_id)
    poll = None
    if payload.poll_id is not None:
        poll = Poll.objects.filter(pk=payload.poll_id, meeting_link__meeting=meeting).first()
        if poll is None:
            raise ValidationError({"poll_id": _("The ballot was not held in this meeting.")})
    specs = [_spec(user, row, plan, f"tasks.{i}.") for i, row in enumerate(payload.tasks)]
    resolution = services.resolution_create(
        actor=user,
        meeting=meeting,
        source_language=payload.source_language,
        text=payload.text,
        adopted_on=payload.adopted_on,
        poll=poll,
        plan=plan,
        tasks=specs,
    )
    resolution = Resolution.objects.prefetch_related("tasks__lead_unit").get(pk=resolution.pk)
    return Status(201, _resolution(resolution))


# --- research visits -------------------------------------------------------------------


@router.put("/{int:meeting_id}/visited-units", response=list[UnitRef])
def visited_units_endpoint(
    request: HttpRequest, meeting_id: Id, payload: VisitedUnitsIn
) -> list[Unit]:
    """Set the units a research visit goes to (the whole list)."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    units = [
        u
        for i, pk in enumerate(payload.unit_ids)
        if (u := _unit(user, pk, f"unit_ids.{i}")) is not None
    ]
    services.visited_units_set(actor=user, meeting=meeting, units=units, version=payload.version)
    return list(meeting.visited_units.order_by(ordered("name"), "pk"))


@router.get("/{int:meeting_id}/findings", response=list[FindingOut])
def finding_list(request: HttpRequest, meeting_id: Id) -> list[dict[str, Any]]:
    """A research visit's findings, with their follow-up tasks."""
    meeting = meeting_policy.access(request.user, meeting_id)
    findings = (
        meeting.findings.select_related("unit")
        .prefetch_related("tasks__lead_unit")
        .order_by("position", "pk")
    )
    return [_finding(f) for f in findings]


@router.post("/{int:meeting_id}/findings", response={201: FindingOut})
def finding_add_endpoint(
    request: HttpRequest, meeting_id: Id, payload: FindingIn
) -> Status[dict[str, Any]]:
    """Add what the visit found at one of its visited units, on one topic."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    unit = _unit(user, payload.unit_id, "unit_id")
    assert unit is not None
    finding = services.finding_add(
        actor=user, meeting=meeting, unit=unit, topic=payload.topic, text=payload.text
    )
    finding = (
        Finding.objects.select_related("unit")
        .prefetch_related("tasks__lead_unit")
        .get(pk=finding.pk)
    )
    return Status(201, _finding(finding))


@router.post(
    "/{int:meeting_id}/findings/{int:finding_id}/follow-up", response={201: MeetingTaskRef}
)
def finding_follow_up_endpoint(
    request: HttpRequest, meeting_id: Id, finding_id: Id, payload: FollowUpIn
) -> Status[Task]:
    """Create a key task in ``plan_id`` that follows up the finding."""
    user = request.user
    meeting = _access(user, meeting_id, "manage")
    finding = meeting.findings.filter(pk=finding_id).first()
    if finding is None:
        raise Http404(_("Not found."))
    plan = _plan(user, payload.plan_id)
    assert plan is not None
    task = services.finding_follow_up(
        actor=user, finding=finding, plan=plan, spec=_spec(user, payload, plan, "")
    )
    return Status(201, Task.objects.select_related("lead_unit").get(pk=task.pk))


# --- minutes -------------------------------------------------------------------------


def _minutes(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404(_("There are no minutes yet."))
    return minutes


def _minutes_out(minutes: Minutes, user: Any) -> dict[str, Any]:
    minutes = Minutes.objects.select_related("meeting", "finalized_by").get(pk=minutes.pk)
    return {
        "meeting_id": minutes.meeting_id,
        "text": minutes.text,
        "state": minutes.state,
        "version": minutes.version,
        "drafted_at": minutes.drafted_at,
        "updated_at": minutes.updated_at,
        "finalized_at": minutes.finalized_at,
        "finalized_by": minutes.finalized_by,
        "versions": selectors.minutes_versions(minutes),
        "allowed_actions": minutes_workflow.allowed_list(user, minutes),
    }


@router.get("/{int:meeting_id}/minutes", response=MinutesOut)
def minutes_detail(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """The minutes (whoever may see the meeting), with the version to send back with
    each change and every version they have had. 404 before the first draft."""
    meeting = meeting_policy.access(request.user, meeting_id)
    return _minutes_out(_minutes(meeting), request.user)


@router.post("/{int:meeting_id}/minutes/draft", response={200: MinutesOut, 201: MinutesOut})
def minutes_draft_endpoint(
    request: HttpRequest, meeting_id: Id, payload: MinutesDraftIn
) -> Status[dict[str, Any]]:
    """Draft the minutes from the record (the meeting's managers): the first draft
    (201), or a new draft replacing the text of the one on ``version`` (200). A
    ``version`` that is not the one stored (or none, when minutes exist) is 409
    ``stale_version``; final minutes are 422 ``invalid_transition``; a cancelled
    meeting has none (``cancelled``)."""
    meeting = _access(request.user, meeting_id, "manage")
    existed = Minutes.objects.filter(meeting=meeting).exists()
    minutes = services.minutes_draft(actor=request.user, meeting=meeting, version=payload.version)
    return Status(200 if existed else 201, _minutes_out(minutes, request.user))


@router.put("/{int:meeting_id}/minutes", response=MinutesOut)
def minutes_update_endpoint(
    request: HttpRequest, meeting_id: Id, payload: MinutesIn
) -> dict[str, Any]:
    """Save the edited text of the draft read on ``version`` (the meeting's managers):
    409 ``stale_version`` when someone saved since, 422 ``invalid_transition`` once
    the minutes are final."""
    meeting = _access(request.user, meeting_id, "manage")
    minutes = services.minutes_update(
        actor=request.user, minutes=_minutes(meeting), text=payload.text, version=payload.version
    )
    return _minutes_out(minutes, request.user)


@router.post("/{int:meeting_id}/minutes/finalize", response=MinutesOut)
def minutes_finalize_endpoint(
    request: HttpRequest, meeting_id: Id, payload: MinutesFinalizeIn
) -> dict[str, Any]:
    """Finalize the minutes read on ``version`` (``text``, if sent and changed, is saved
    first): they and the meeting's record are locked from then on. The meeting must
    have been marked held (422 ``not_held``); 409 ``stale_version`` as for saving."""
    meeting = _access(request.user, meeting_id, "manage")
    minutes = services.minutes_finalize(
        actor=request.user, minutes=_minutes(meeting), version=payload.version, text=payload.text
    )
    return _minutes_out(minutes, request.user)
