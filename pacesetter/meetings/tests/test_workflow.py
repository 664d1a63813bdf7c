"""The meeting's and the minutes' transition tables: the services refuse what they do not
have (with a code, beside the field the forms show), the pages offer exactly the allowed
moves, and the API reports the meeting's as ``allowed_actions``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pacesetter.api import rule_code
from pacesetter.meetings.services import (
    meeting_set_state,
    minutes_draft,
    minutes_finalize,
    minutes_update,
)
from pacesetter.meetings.tests.conftest import make_meeting
from pacesetter.meetings.workflows import minutes_workflow
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db

HELD = 'name="state" value="held"'
CANCELLED = 'name="state" value="cancelled"'


def test_the_meeting_service_refuses_a_move_the_table_does_not_have(world, council):
    meeting = meeting_set_state(actor=None, meeting=council.meeting, state="held")
    with pytest.raises(ValidationError) as excinfo:
        meeting_set_state(actor=None, meeting=meeting, state="cancelled")
    assert excinfo.value.message_dict == {"state": ["The meeting is already held."]}
    assert rule_code(excinfo.value) == "invalid_transition"

    later = make_meeting(world, starts_at=timezone.now() + dt.timedelta(days=2), ends_at=None)
    with pytest.raises(ValidationError) as excinfo:
        meeting_set_state(actor=None, meeting=later, state="held")
    assert excinfo.value.message_dict == {"state": ["The meeting has not started yet."]}
    assert rule_code(excinfo.value) == "not_started"


def test_the_meeting_page_shows_exactly_the_allowed_moves(client, world, council):
    url = reverse("meetings:meeting_detail", args=[council.meeting.pk])
    client.force_login(world.users["committee_staff"])
    page = client.get(url).text
    assert HELD in page and CANCELLED in page
    client.force_login(world.users["unit_officer"])
    page = client.get(url).text
    assert HELD not in page and CANCELLED not in page

    meeting_set_state(actor=None, meeting=council.meeting, state="held")
    client.force_login(world.users["committee_staff"])
    page = client.get(url).text
    assert HELD not in page and CANCELLED not in page


def test_the_meeting_api_reports_the_allowed_actions_per_role(world, council):
    staff = ApiClient(world.users["committee_staff"])
    officer = ApiClient(world.users["unit_officer"])
    url = f"/meetings/{council.meeting.pk}"
    assert staff.get(url).json()["allowed_actions"] == ["held", "cancelled"]
    assert officer.get(url).json()["allowed_actions"] == []
    assert staff.post(f"{url}/state", {"state": "held"}).status_code == 200
    assert staff.get(url).json()["allowed_actions"] == []
    refused = staff.post(f"{url}/state", {"state": "cancelled"})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_transition"
    assert refused.json()["detail"] == {"state": ["The meeting is already held."]}

    # Final minutes lock the meeting: its moves are refused with their own code.
    minutes = minutes_draft(actor=None, meeting=council.meeting)
    minutes_finalize(actor=None, minutes=minutes, version=minutes.version)
    refused = staff.post(f"{url}/state", {"state": "cancelled"})
    assert refused.json()["code"] == "minutes_final"


def test_the_minutes_service_refuses_a_move_the_table_does_not_have(world, council):
    meeting_set_state(actor=None, meeting=council.meeting, state="held")
    minutes = minutes_draft(actor=None, meeting=council.meeting)
    final = minutes_finalize(actor=None, minutes=minutes, version=minutes.version)
    for refused in (
        lambda: minutes_update(actor=None, minutes=final, text="x", version=final.version),
        lambda: minutes_finalize(actor=None, minutes=final, version=final.version),
        lambda: minutes_draft(actor=None, meeting=council.meeting),
    ):
        with pytest.raises(ValidationError) as excinfo:
            refused()
        assert excinfo.value.message_dict == {
            "text": ["The minutes are final and can no longer be changed."]
        }
        assert rule_code(excinfo.value) == "invalid_transition"


def test_the_minutes_page_shows_exactly_the_allowed_moves(client, world, council):
    url = reverse("meetings:minutes", args=[council.meeting.pk])
    minutes = minutes_draft(actor=None, meeting=council.meeting)
    staff, officer = world.users["committee_staff"], world.users["unit_officer"]
    assert minutes_workflow.allowed_list(staff, minutes) == ["redraft", "update", "finalize"]
    assert minutes_workflow.allowed_list(officer, minutes) == []

    client.force_login(staff)
    page = client.get(url).text
    for button in ('value="save"', 'value="finalize"', 'id="redraft"'):
        assert button in page
    client.force_login(officer)
    page = client.get(url).text
    for button in ('value="save"', 'value="finalize"', 'id="redraft"', 'value="draft"'):
        assert button not in page

    meeting_set_state(actor=None, meeting=council.meeting, state="held")
    minutes_finalize(actor=staff, minutes=minutes, version=minutes.version)
    client.force_login(staff)
    page = client.get(url).text
    for button in ('value="save"', 'value="finalize"', 'id="redraft"', 'value="draft"'):
        assert button not in page
