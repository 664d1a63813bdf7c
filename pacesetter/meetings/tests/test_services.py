"""Meeting services: invitations, check-in, attendance and quorum, agenda, ballots,
resolutions that create key tasks, research visits and their follow-up tasks."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.ballots.models import Poll
from pacesetter.bodies.services import body_member_add
from pacesetter.chains.models import Chain
from pacesetter.meetings import selectors
from pacesetter.meetings.models import (
    Invitation,
    MeetingKind,
    MeetingPoll,
    MeetingState,
    Minutes,
    MinutesState,
    Resolution,
)
from pacesetter.meetings.services import (
    TaskSpec,
    agenda_item_add,
    check_in,
    check_in_undo,
    document_add,
    finding_add,
    finding_follow_up,
    invitation_add,
    invitation_remove,
    invitations_add_body_members,
    meeting_poll_create,
    meeting_set_state,
    meeting_update,
    registration_set,
    resolution_create,
    self_check_in,
    visited_units_set,
)
from pacesetter.workplans.models import Task
from pacesetter.workplans.tests.factories import WorkPlanFactory

from .conftest import make_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- the meeting ---------------------------------------------------------------------


def test_a_meeting_cannot_end_before_it_starts_nor_need_more_than_everyone(world):
    start = timezone.now()
    with pytest.raises(ValidationError) as exc:
        make_meeting(world, starts_at=start, ends_at=start - dt.timedelta(hours=1))
    assert "ends_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_meeting(world, quorum=Decimal("1.5"))
    assert "quorum" in exc.value.message_dict


def test_update_is_audited_and_a_cancelled_meeting_no_longer_changes(world, council):
    staff = world.users["committee_staff"]
    meeting = meeting_update(actor=staff, meeting=council.meeting, place="Changsha, Hunan")
    assert meeting.place == "Changsha, Hunan"
    entry = AuditEntry.objects.filter(action="meeting.update").get()
    assert entry.changes == {"place_en": ["Changsha", "Changsha, Hunan"]}

    meeting = meeting_set_state(actor=staff, meeting=meeting, state=MeetingState.CANCELLED)
    assert meeting.state == MeetingState.CANCELLED
    with pytest.raises(ValidationError, match="cancelled"):
        meeting_update(actor=staff, meeting=meeting, place="Beijing")
    with pytest.raises(ValidationError, match="already"):
        meeting_set_state(actor=staff, meeting=meeting, state=MeetingState.HELD)


def test_a_meeting_is_held_only_once_it_has_started(world):
    later = make_meeting(world, starts_at=timezone.now() + dt.timedelta(days=2), ends_at=None)
    with pytest.raises(ValidationError, match="not started"):
        meeting_set_state(actor=None, meeting=later, state=MeetingState.HELD)
    now = make_meeting(world)
    assert meeting_set_state(actor=None, meeting=now, state="held").state == "held"


# --- invitations and registration ----------------------------------------------------


def test_invitations_need_someone_and_nobody_is_invited_twice(world, council):
    meeting = council.meeting
    with pytest.raises(ValidationError) as exc:
        invitation_add(actor=None, meeting=meeting)
    assert "label" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        invitation_add(actor=None, meeting=meeting, user=world.users["unit_officer"])
    assert "already invited" in exc.value.message_dict["user"][0]
    with pytest.raises(ValidationError) as exc:
        invitation_add(actor=None, meeting=meeting, unit=world.sibling)
    assert "unit" in exc.value.message_dict
    codes = set(meeting.invitations.values_list("code", flat=True))
    assert len(codes) == 3 and all(len(c) == 8 for c in codes)
    assert council.officer_invitation.email == world.users["unit_officer"].email


def test_inviting_the_body_adds_each_current_seat_once(world):
    meeting = make_meeting(world)
    councillor = world.users["council_member"]
    day = timezone.localdate() - dt.timedelta(days=400)
    body_member_add(actor=None, body=world.council, user=councillor, start=day)
    body_member_add(
        actor=None, body=world.council, unit=world.sibling, start=day, end=day + dt.timedelta(1)
    )

    assert invitations_add_body_members(actor=None, meeting=meeting) == 2
    invited = {(i.user_id, i.unit_id, i.role) for i in meeting.invitations.all()}
    assert invited == {(None, world.own.pk, "member"), (councillor.pk, None, "member")}
    assert invitations_add_body_members(actor=None, meeting=meeting) == 0
    assert AuditEntry.objects.filter(action="meeting.invite_body").count() == 1


def test_inviting_the_body_needs_a_body(world):
    meeting = make_meeting(world, body=None)
    with pytest.raises(ValidationError) as exc:
        invitations_add_body_members(actor=None, meeting=meeting)
    assert "body" in exc.value.message_dict


def test_registration_while_open(world, council):
    officer = world.users["unit_officer"]
    invitation = registration_set(
        actor=officer, invitation=council.officer_invitation, registered=True
    )
    assert invitation.registered_at is not None
    assert selectors.attendance(council.meeting).registered == 1
    meeting_update(actor=None, meeting=council.meeting, registration_open=False)
    with pytest.raises(ValidationError, match="closed"):
        registration_set(actor=officer, invitation=invitation, registered=False)


def test_an_invitation_used_to_check_in_stays(world, council):
    check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)
    with pytest.raises(ValidationError, match="checked in"):
        invitation_remove(actor=None, invitation=council.guest_invitation)
    invitation_remove(actor=None, invitation=council.unit_invitation)
    assert council.meeting.invitations.count() == 2


# --- check-in at the door --------------------------------------------------------------


def test_check_in_with_a_valid_code_typed_loosely(world, council):
    staff = world.users["committee_staff"]
    code = council.officer_invitation.code
    typed = f" {code[:4].lower()}-{code[4:].lower()} "

    invitation = check_in(actor=staff, meeting=council.meeting, code=typed)

    assert invitation.pk == council.officer_invitation.pk
    assert invitation.checked_in_at is not None and invitation.checked_in_by == staff
    assert AuditEntry.objects.filter(action="meeting.check_in").count() == 1
    assert selectors.attendance(council.meeting).present == 1


def test_check_in_with_a_used_code_says_when_and_by_whom(world, council):
    staff = world.users["committee_staff"]
    code = council.guest_invitation.code
    first = check_in(actor=staff, meeting=council.meeting, code=code)

    with pytest.raises(ValidationError) as exc:
        check_in(actor=staff, meeting=council.meeting, code=code)

    message = exc.value.message_dict["code"][0]
    assert "Guest of honour already checked in" in message
    assert "staff" in message
    assert timezone.localtime(first.checked_in_at).strftime("%Y") in message
    assert Invitation.objects.get(pk=first.pk).checked_in_at == first.checked_in_at


def test_check_in_with_a_wrong_code(world, council):
    with pytest.raises(ValidationError) as exc:
        check_in(actor=None, meeting=council.meeting, code="ZZZZ-ZZZZ")
    assert exc.value.message_dict["code"] == ["No invitation has the code ZZZZZZZZ."]
    with pytest.raises(ValidationError) as exc:
        check_in(actor=None, meeting=council.meeting, code="  ")
    assert "code" in exc.value.message_dict
    assert selectors.attendance(council.meeting).present == 0


def test_check_in_with_another_meetings_code_names_that_meeting(world, council):
    other = make_meeting(world, title="Light-industry demonstration exchange")
    stranger = invitation_add(actor=None, meeting=other, label="Danyang federation")

    with pytest.raises(ValidationError) as exc:
        check_in(actor=None, meeting=council.meeting, code=stranger.code)

    message = exc.value.message_dict["code"][0]
    assert "another meeting" in message and "Light-industry demonstration exchange" in message
    assert Invitation.objects.get(pk=stranger.pk).checked_in_at is None


def test_nobody_checks_in_to_a_cancelled_meeting(world, council):
    meeting_set_state(actor=None, meeting=council.meeting, state="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_check_ins_of_one_code_one_succeeds(world, council):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks are exercised on PostgreSQL; SQLite serializes writers")
    code = council.officer_invitation.code
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def door() -> None:
        try:
            barrier.wait(timeout=10)
            check_in(actor=None, meeting=council.meeting, code=code)
            outcomes.append("in")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=door) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("in") == 1 and len(outcomes) == 2
    assert "already checked in" in next(o for o in outcomes if o != "in")
    assert AuditEntry.objects.filter(action="meeting.check_in").count() == 1


# --- checking oneself in ---------------------------------------------------------------


def test_the_invitee_checks_in_while_the_meeting_runs(world, council):
    officer = world.users["unit_officer"]
    invitation = self_check_in(user=officer, meeting=council.meeting)
    assert invitation.pk == council.officer_invitation.pk
    assert invitation.checked_in_by == officer
    with pytest.raises(ValidationError, match="already checked in"):
        self_check_in(user=officer, meeting=council.meeting)


def test_an_officer_checks_in_on_their_units_invitation(world):
    meeting = make_meeting(world)
    for_unit = invitation_add(actor=None, meeting=meeting, unit=world.own)
    assert self_check_in(user=world.users["unit_officer"], meeting=meeting).pk == for_unit.pk


def test_self_check_in_refused_outside_the_window_or_without_invitation(world, council):
    officer = world.users["unit_officer"]
    with pytest.raises(PermissionDenied):
        self_check_in(user=world.users["viewer"], meeting=council.meeting)
    later = make_meeting(world, starts_at=timezone.now() + dt.timedelta(hours=3), ends_at=None)
    invitation_add(actor=None, meeting=later, user=officer)
    with pytest.raises(ValidationError, match="opens at"):
        self_check_in(user=officer, meeting=later)
    past = make_meeting(
        world,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
    )
    invitation_add(actor=None, meeting=past, user=officer)
    with pytest.raises(ValidationError, match="over"):
        self_check_in(user=officer, meeting=past)


def test_without_an_end_time_check_in_runs_to_the_end_of_the_day(world):
    start = timezone.now() - dt.timedelta(days=3)
    meeting = make_meeting(world, starts_at=start, ends_at=None)
    opens, closes = selectors.checkin_window(meeting)
    assert opens == start - dt.timedelta(hours=1)
    assert timezone.localtime(closes).date() == timezone.localtime(start).date() + dt.timedelta(1)
    assert timezone.localtime(closes).time() == dt.time(0, 0)
    assert not selectors.is_running(meeting)


# --- attendance and quorum -------------------------------------------------------------


def test_attendance_counts_and_quorum_in_one_query(world, council, django_assert_num_queries):
    meeting = council.meeting  # quorum 0.5; voting members: the officer and the sibling unit
    check_in(actor=None, meeting=meeting, code=council.guest_invitation.code)
    registration_set(actor=None, invitation=council.unit_invitation, registered=True)

    with django_assert_num_queries(1):
        before = selectors.attendance(meeting)

    assert (before.expected, before.registered, before.present) == (3, 1, 1)
    assert (before.voting_expected, before.voting_present) == (2, 0)
    assert before.quorum_needed == 1 and not before.quorum_met
    check_in(actor=None, meeting=meeting, code=council.officer_invitation.code)
    after = selectors.attendance(meeting)
    assert after.voting_present == 1 and after.quorum_met


def test_two_of_three_members_present_meet_a_two_thirds_quorum(world):
    meeting = make_meeting(world, quorum=Fraction(2, 3))
    assert (meeting.quorum_numerator, meeting.quorum_denominator) == (2, 3)  # stored exactly
    invited = [invitation_add(actor=None, meeting=meeting, label=name) for name in "abc"]
    counts = selectors.attendance(meeting)
    assert counts.quorum == Fraction(2, 3) and counts.quorum_needed == 2  # of 3
    check_in(actor=None, meeting=meeting, code=invited[0].code)
    assert not selectors.attendance(meeting).quorum_met
    check_in(actor=None, meeting=meeting, code=invited[1].code)
    assert selectors.attendance(meeting).quorum_met
    for name in "defghi":
        invitation_add(actor=None, meeting=meeting, label=name)
    assert selectors.attendance(meeting).quorum_needed == 6  # of 9
    half = make_meeting(world, quorum=Decimal("0.5"))
    for name in "abc":
        invitation_add(actor=None, meeting=half, label=name)
    assert selectors.attendance(half).quorum_needed == 2  # 1.5 → 2


def test_a_quorum_without_voting_members_is_not_met(world):
    meeting = make_meeting(world, quorum=Decimal("0.5"))
    invitation_add(actor=None, meeting=meeting, label="Guest", role="guest")
    counts = selectors.attendance(meeting)
    assert counts.voting_expected == 0
    assert not counts.quorum_met


# --- agenda, documents, ballots --------------------------------------------------------


def test_the_agenda_is_a_tree_with_durations(world, council):
    meeting = council.meeting
    report = agenda_item_add(
        actor=None, meeting=meeting, title="Half-year report", duration_minutes=30
    )
    agenda_item_add(actor=None, meeting=meeting, title="Key tasks", duration_minutes=20)
    agenda_item_add(
        actor=None,
        meeting=meeting,
        title="Party-building survey",
        duration_minutes=15,
        parent=report,
    )
    agenda_item_add(actor=None, meeting=meeting, title="Opening", duration_minutes=5, position=1)

    nodes, total = selectors.agenda_tree(meeting)

    assert [(n.number, n.item.title, n.total_minutes) for n in nodes] == [
        ("1", "Opening", 5),
        ("2", "Half-year report", 45),
        ("2.1", "Party-building survey", 15),
        ("3", "Key tasks", 20),
    ]
    assert total == 70
    other = make_meeting(world)
    with pytest.raises(ValidationError) as exc:
        agenda_item_add(actor=None, meeting=other, title="Stray", parent=report)
    assert "parent" in exc.value.message_dict


def test_documents_are_checked_for_type(world, council):
    good = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    document = document_add(actor=None, meeting=council.meeting, title="Report", file=good)
    assert document.file.name.endswith(".pdf")
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        document_add(actor=None, meeting=council.meeting, title="Bad", file=bad)
    assert "file" in exc.value.message_dict


def test_a_ballot_in_the_meeting_is_voted_by_its_body(world, council):
    poll = meeting_poll_create(
        actor=None,
        meeting=council.meeting,
        title="Adopt the key tasks",
        kind="yes_no",
        options=["The seven key tasks"],
    )
    assert poll.body == world.council and poll.owner_unit == world.committee
    assert poll.quorum == Fraction(1, 2)  # the meeting's
    assert MeetingPoll.objects.get(poll=poll).meeting == council.meeting
    bodiless = make_meeting(world, body=None)
    with pytest.raises(ValidationError) as exc:
        meeting_poll_create(actor=None, meeting=bodiless, title="x", kind="yes_no", options=["y"])
    assert "body" in exc.value.message_dict


def test_a_ballot_in_the_meeting_may_be_receipt_free(world, council):
    assert (
        meeting_poll_create(
            actor=None, meeting=council.meeting, title="Receipts", kind="yes_no", options=["y"]
        ).verification
        == "individual"
    )
    poll = meeting_poll_create(
        actor=None,
        meeting=council.meeting,
        title="Commend the team",
        kind="yes_no",
        options=["The Worker Pioneer team"],
        verification="receipt_free",
    )
    assert poll.verification == "receipt_free" and poll.receipt_free
    with pytest.raises(ValidationError) as exc:
        meeting_poll_create(
            actor=None,
            meeting=council.meeting,
            title="x",
            kind="yes_no",
            options=["y"],
            verification="secret-ish",
        )
    assert "verification" in exc.value.message_dict
    assert MeetingPoll.objects.filter(poll__title="x").count() == 0


# --- resolutions -----------------------------------------------------------------------


def spec(world, title: str, **extra) -> TaskSpec:
    return TaskSpec(title=title, lead_unit=extra.pop("lead_unit", world.own), **extra)


def test_a_resolution_creates_its_key_tasks(world, council):
    staff = world.users["committee_staff"]
    chain = Chain.objects.create(
        name_en="Leather goods", owner_unit=world.committee, leader_unit=world.own
    )
    meeting_update(actor=staff, meeting=council.meeting, chain=chain)
    due = council.plan.period_end
    tasks = [
        spec(world, "Prepare the 33rd China International Optics Fair", due=due),
        spec(
            world,
            "Run the 5th national vocational skills competition in optometry",
            lead_unit=world.sibling,
            lead_person=world.users["unit_officer"],
            supporting_units=(world.own,),
        ),
    ]

    first = resolution_create(
        actor=staff,
        meeting=council.meeting,
        text="The council adopts the key tasks of the second half-year.",
        adopted_on=timezone.localdate(),
        plan=council.plan,
        tasks=tasks,
    )
    second = resolution_create(
        actor=staff, meeting=council.meeting, text="Thanks.", adopted_on=timezone.localdate()
    )

    assert (first.number, second.number) == (1, 2)
    created = list(Task.objects.filter(resolution=first).order_by("position"))
    assert [t.title for t in created] == [s.title for s in tasks]
    assert all(t.plan == council.plan and t.chain == chain for t in created)
    assert created[0].due == due
    assert list(created[1].supporting_units.all()) == [world.own]


def test_a_bad_task_row_leaves_no_resolution_and_no_task(world, council):
    too_late = council.plan.period_end + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        resolution_create(
            actor=world.users["committee_staff"],
            meeting=council.meeting,
            text="Adopt the tasks.",
            adopted_on=timezone.localdate(),
            plan=council.plan,
            tasks=[spec(world, "Fine"), spec(world, "Too late", due=too_late), spec(world, "")],
        )
    errors = exc.value.message_dict
    assert set(errors) == {"tasks.1.due", "tasks.2.title"}
    assert Resolution.objects.count() == 0
    assert Task.objects.count() == 0
    assert not AuditEntry.objects.filter(action__in=["task.create", "meeting.resolution_create"])


def test_tasks_need_a_plan_the_actor_manages(world, council):
    with pytest.raises(ValidationError) as exc:
        resolution_create(
            actor=None,
            meeting=council.meeting,
            text="x",
            adopted_on=timezone.localdate(),
            tasks=[spec(world, "t")],
        )
    assert "plan" in exc.value.message_dict
    elsewhere = WorkPlanFactory(body__owner_unit=world.other_root)  # a plan the staff may not see
    with pytest.raises(PermissionDenied):
        resolution_create(
            actor=world.users["committee_staff"],
            meeting=council.meeting,
            text="x",
            adopted_on=timezone.localdate(),
            plan=elsewhere,
            tasks=[spec(world, "t")],
        )
    assert Resolution.objects.count() == 0


def test_a_resolution_names_only_a_ballot_of_its_meeting(world, council):
    other = make_meeting(world)
    poll = meeting_poll_create(actor=None, meeting=other, title="x", kind="yes_no", options=["y"])
    with pytest.raises(ValidationError) as exc:
        resolution_create(
            actor=None,
            meeting=council.meeting,
            text="x",
            adopted_on=timezone.localdate(),
            poll=poll,
        )
    assert "poll" in exc.value.message_dict
    assert Poll.objects.count() == 1


def test_final_minutes_lock_the_record(world, council):
    Minutes.objects.create(meeting=council.meeting, text="…", state=MinutesState.FINAL)
    with pytest.raises(ValidationError, match="minutes are final"):
        resolution_create(
            actor=None, meeting=council.meeting, text="Late", adopted_on=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="minutes are final"):
        agenda_item_add(actor=None, meeting=council.meeting, title="Late item")


# --- research visits -------------------------------------------------------------------


def test_research_visit_findings_and_follow_up(world, council):
    visit = make_meeting(
        world,
        kind=MeetingKind.RESEARCH_VISIT,
        title="Research visit to Hunan",
        body=None,
        topics="Resumption of production\nUnion reform",
    )
    with pytest.raises(ValidationError) as exc:
        finding_add(actor=None, meeting=visit, unit=world.own, topic="Union reform", text="x")
    assert "not a visited unit" in exc.value.message_dict["unit"][0]

    visited_units_set(actor=None, meeting=visit, units=[world.own, world.sibling])
    finding = finding_add(
        actor=None,
        meeting=visit,
        unit=world.own,
        topic="Union reform",
        text="Ask for model-worker innovation platforms.",
    )
    task = finding_follow_up(
        actor=world.users["committee_staff"],
        finding=finding,
        plan=council.plan,
        spec=spec(world, "Set up a model-worker innovation platform"),
    )

    assert task.finding == finding and task.plan == council.plan
    with pytest.raises(ValidationError) as exc:
        visited_units_set(actor=None, meeting=visit, units=[world.sibling])
    assert "Own unit" in exc.value.message_dict["visited_units"][0]
    with pytest.raises(PermissionDenied):
        finding_follow_up(
            actor=world.users["unit_officer"],
            finding=finding,
            plan=council.plan,
            spec=spec(world, "Not theirs"),
        )


def test_only_research_visits_have_visited_units(world, council):
    with pytest.raises(ValidationError) as exc:
        visited_units_set(actor=None, meeting=council.meeting, units=[world.own])
    assert "visited_units" in exc.value.message_dict


def test_a_code_of_a_meeting_the_staff_may_not_see_is_not_named(world, council):
    elsewhere = make_meeting(world, title="Secret board", organizer_unit=world.other_root)
    stranger = invitation_add(actor=None, meeting=elsewhere, label="Someone")
    with pytest.raises(ValidationError) as exc:
        check_in(actor=world.users["committee_staff"], meeting=council.meeting, code=stranger.code)
    assert exc.value.message_dict["code"] == ["This code belongs to another meeting."]


# --- review fixes ----------------------------------------------------------------------


def test_a_unit_invited_without_a_person_is_not_invited_again(world, council):
    with pytest.raises(ValidationError) as exc:
        invitation_add(actor=None, meeting=council.meeting, unit=world.sibling, role="guest")
    assert exc.value.message_dict["unit"] == [
        "Sibling unit is already invited (without a named person). To invite someone else "
        "of it, choose the person as well."
    ]
    named = invitation_add(
        actor=None, meeting=council.meeting, unit=world.sibling, user=world.users["viewer"]
    )
    assert named.unit == world.sibling


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_invitations_of_the_body_invite_each_seat_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks are exercised on PostgreSQL; SQLite serializes writers")
    meeting = make_meeting(world)
    day = timezone.localdate() - dt.timedelta(days=10)
    body_member_add(actor=None, body=world.council, user=world.users["council_member"], start=day)
    body_member_add(actor=None, body=world.council, unit=world.sibling, start=day)
    barrier = threading.Barrier(2)
    outcomes: list[int | str] = []

    def click() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(invitations_add_body_members(actor=None, meeting=meeting))
        except Exception as exc:  # the assertion below names it
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=str) == [0, 3]  # the Own unit, the sibling, the councillor
    assert meeting.invitations.count() == 3
    assert AuditEntry.objects.filter(action="meeting.invite_body").count() == 1


def test_the_door_opens_an_hour_before_and_closes_with_the_meetings_last_day(world):
    # A morning start, so that "two hours into the second day" is on the last day
    # whatever the time of day the suite runs at.
    start = (timezone.now() + dt.timedelta(days=2)).replace(hour=9, minute=0)
    later = make_meeting(world, starts_at=start, ends_at=start + dt.timedelta(days=1))
    early = invitation_add(actor=None, meeting=later, label="Early")
    with pytest.raises(ValidationError) as exc:
        check_in(actor=None, meeting=later, code=early.code)
    assert "opens at" in exc.value.message_dict["code"][0]
    assert Invitation.objects.get(pk=early.pk).checked_in_at is None
    # An hour before the start, and on the second day, it is open.
    opened = check_in(
        actor=None, meeting=later, code=early.code, at=start - dt.timedelta(minutes=59)
    )
    assert opened.checked_in_at == start - dt.timedelta(minutes=59)
    second = invitation_add(actor=None, meeting=later, label="Second day")
    at = start + dt.timedelta(days=1, hours=2)
    assert check_in(actor=None, meeting=later, code=second.code, at=at).checked_in_at == at

    past = make_meeting(world, starts_at=timezone.now() - dt.timedelta(days=3), ends_at=None)
    late = invitation_add(actor=None, meeting=past, label="Late")
    with pytest.raises(ValidationError) as exc:
        check_in(actor=None, meeting=past, code=late.code)
    assert "closed with the meeting's last day" in exc.value.message_dict["code"][0]
    # A loader recording a past meeting checks in at the meeting's start.
    recorded = check_in(actor=None, meeting=past, code=late.code, at=past.starts_at)
    assert recorded.checked_in_at == past.starts_at


def test_undoing_a_check_in_is_for_managers_with_a_reason_and_audited(world, council):
    staff, officer = world.users["committee_staff"], world.users["unit_officer"]
    invitation = check_in(actor=staff, meeting=council.meeting, code=council.guest_invitation.code)
    with pytest.raises(ValidationError, match="checked in"):
        invitation_remove(actor=staff, invitation=invitation)
    with pytest.raises(PermissionDenied):
        check_in_undo(actor=officer, invitation=invitation, reason="Not mine")
    with pytest.raises(ValidationError) as exc:
        check_in_undo(actor=staff, invitation=invitation, reason="  ")
    assert "reason" in exc.value.message_dict

    undone = check_in_undo(actor=staff, invitation=invitation, reason="Wrong code scanned")

    assert undone.checked_in_at is None and undone.checked_in_by is None
    assert selectors.attendance(council.meeting).present == 0
    entry = AuditEntry.objects.get(action="meeting.check_in_undo")
    assert entry.changes["reason"] == [None, "Wrong code scanned"]
    assert entry.changes["checked_in_by"] == ["staff", None]
    with pytest.raises(ValidationError, match="has not checked in"):
        check_in_undo(actor=staff, invitation=invitation, reason="Again")
    # The invitation may be used again.
    assert check_in(actor=staff, meeting=council.meeting, code=invitation.code).checked_in_at


def test_no_undo_once_the_minutes_are_final(world, council):
    invitation = check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)
    Minutes.objects.create(meeting=council.meeting, text="…", state=MinutesState.FINAL)
    with pytest.raises(ValidationError, match="minutes are final"):
        check_in_undo(actor=None, invitation=invitation, reason="Too late")
    assert Invitation.objects.get(pk=invitation.pk).checked_in_at is not None


def test_the_state_no_longer_changes_once_the_minutes_are_final(world, council):
    Minutes.objects.create(meeting=council.meeting, text="…", state=MinutesState.FINAL)
    with pytest.raises(ValidationError) as exc:
        meeting_set_state(actor=None, meeting=council.meeting, state=MeetingState.CANCELLED)
    assert exc.value.message_dict["state"] == [
        "The minutes are final; the meeting's state can no longer change."
    ]
