"""Who may view, manage and check people in: every role of the test world against
meetings organized in their subtree, outside it, with their unit invited or visited, of
their body, and with them invited by name."""

from __future__ import annotations

import pytest

from pacesetter.bodies.services import body_member_add
from pacesetter.meetings.models import MeetingKind
from pacesetter.meetings.policies import invitation_policy, meeting_policy
from pacesetter.meetings.services import invitation_add, visited_units_set

from .conftest import make_meeting

pytestmark = pytest.mark.django_db

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
    invitation_add(actor=None, meeting=own_invited, unit=world.own)
    visit = make_meeting(world, title="visit", kind=MeetingKind.RESEARCH_VISIT, **elsewhere)
    visited_units_set(actor=None, meeting=visit, units=[world.child])
    by_name = make_meeting(world, title="by name", **elsewhere)
    invitation_add(actor=None, meeting=by_name, user=world.users["nobody"])
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
    visible = set(meeting_policy.visible(user, action).values_list("title", flat=True))
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
    own_unit = invitation_add(actor=None, meeting=council.meeting, unit=world.child)
    assert invitation_policy.allows(officer, "register", own_unit)  # officer over the child
    assert not invitation_policy.allows(officer, "manage", own_unit)
