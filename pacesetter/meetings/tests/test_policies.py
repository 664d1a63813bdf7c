"""Who may view, manage and check people in: every role of the test world against
meetings organized in their subtree, outside it, with their unit invited or visited, of
their body, and with them invited by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.bodies.services import body_member_add
from pacesetter.meetings.models import MeetingKind
from pacesetter.meetings.policies import invitation_policy, meeting_policy
from pacesetter.meetings.services import visited_units_set

from .conftest import make_meeting
from .factories import InvitationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ROLES = (
    "superuser",
    "committee_staff",
    "cluster_leader",
    "unit_officer",
    "council_member",
    "viewer",
    "nobody",
)

# meeting → role → actions allowed ("v" view, "m" manage, "c" checkin)
EXPECTED = {
    "committee_council": {  # organized by the committee, the council meets
        "superuser": "vmc",
        "committee_staff": "vmc",
        "council_member": "v",
    },
    "organized_by_own": {
        "superuser": "vmc",
        "committee_staff": "vmc",
        "unit_officer": "v",
        "viewer": "v",
    },
    "own_invited": {  # another province's meeting that invites the own unit
        "superuser": "vmc",
        "committee_staff": "v",
        "unit_officer": "v",
        "viewer": "v",
    },
    "child_visited": {  # another province's research visit to the own unit's child
        "superuser": "vmc",
        "committee_staff": "v",
        "unit_officer": "v",
        "viewer": "v",
    },
    "nobody_invited": {"superuser": "vmc", "nobody": "v"},
    "unrelated": {"superuser": "vmc"},
}


@pytest.fixture
def meetings(world):
    elsewhere = {"organizer_unit": world.other_root, "body": None}
    own_invited = make_meeting(world, title="own invited", **elsewhere)
    InvitationFactory(meeting=own_invited, unit=world.own)
    visit = make_meeting(world, title="visit", kind=MeetingKind.RESEARCH_VISIT, **elsewhere)
    visited_units_set(actor=None, meeting=visit, units=[world.child])
    by_name = make_meeting(world, title="by name", **elsewhere)
    InvitationFactory(meeting=by_name, user=world.users["nobody"])
    return {
        "committee_council": make_meeting(world, title="council"),
        "organized_by_own": make_meeting(world, title="own", organizer_unit=world.own, body=None),
        "own_invited": own_invited,
        "child_visited": visit,
        "nobody_invited": by_name,
        "unrelated": make_meeting(world, title="unrelated", **elsewhere),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["view", "manage", "checkin"])
def test_meeting_permission_matrix(world, meetings, role, action):
    user = world.users[role]
    allowed = {
        name for name, meeting in meetings.items() if action[0] in EXPECTED[name].get(role, "")
    }
    visible = set(meeting_policy.visible(user, action).values_list("title_en", flat=True))
    assert visible == {meetings[name].title for name in allowed}
    for name, meeting in meetings.items():
        assert meeting_policy.allows(user, action, meeting) == (name in allowed), name


def test_a_council_seat_held_by_a_person_shows_the_bodys_meetings(world):
    meeting = make_meeting(world, organizer_unit=world.other_root)
    seated = world.users["cluster_leader"]
    assert not meeting_policy.allows(seated, "view", meeting)
    body_member_add(actor=None, body=world.council, user=seated, start=meeting.starts_at.date())
    assert meeting_policy.allows(seated, "view", meeting)


def test_invitations_are_seen_by_the_invitee_their_units_officers_and_the_managers(world, council):
    staff, officer, viewer = (world.users[r] for r in ("committee_staff", "unit_officer", "viewer"))
    sibling_officer_sees = invitation_policy.visible(officer).filter(meeting=council.meeting)
    assert list(sibling_officer_sees) == [council.officer_invitation]
    assert invitation_policy.visible(staff, "manage").filter(meeting=council.meeting).count() == 3
    assert not invitation_policy.visible(viewer, "register").exists()
    own_unit = InvitationFactory(meeting=council.meeting, unit=world.child)
    assert invitation_policy.allows(officer, "register", own_unit)  # officer over the child
    assert not invitation_policy.allows(officer, "manage", own_unit)


def test_only_a_current_seat_shows_the_bodys_meetings(world):
    """A person seat shows the body's meetings while it is held (started, not ended
    before today): a former member, or one whose seat starts later, no longer sees
    them, those of their own time included."""
    meeting = make_meeting(world, organizer_unit=world.other_root)
    former, future, current = (world.users[r] for r in ("cluster_leader", "viewer", "nobody"))
    today = timezone.localdate()
    body_member_add(
        actor=None,
        body=world.council,
        user=former,
        start=today - dt.timedelta(days=400),
        end=today - dt.timedelta(days=1),
    )
    body_member_add(actor=None, body=world.council, user=future, start=today + dt.timedelta(days=1))
    body_member_add(actor=None, body=world.council, user=current, start=today, end=today)
    assert not meeting_policy.allows(former, "view", meeting)
    assert not meeting_policy.allows(future, "view", meeting)
    assert meeting_policy.allows(current, "view", meeting)
    assert meeting not in meeting_policy.visible(former)


def test_a_personal_invitation_is_not_the_officers_of_its_unit(world, council):
    """An invitation addressed to a person (with their unit) is seen, downloaded and
    registered by that person and the managers only, not by the unit's officers."""
    officer, councillor = world.users["unit_officer"], world.users["council_member"]
    personal = InvitationFactory(meeting=council.meeting, user=councillor, unit=world.child)
    for_the_unit = InvitationFactory(meeting=council.meeting, unit=world.child)
    for action in ("view", "register"):
        assert not invitation_policy.allows(officer, action, personal)
        assert invitation_policy.allows(officer, action, for_the_unit)
        assert invitation_policy.allows(councillor, action, personal)
        assert invitation_policy.allows(world.users["committee_staff"], action, personal)
    assert not invitation_policy.allows(councillor, "manage", personal)
