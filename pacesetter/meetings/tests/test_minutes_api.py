"""/api/v1/meetings/{id}/minutes: drafted from the record, edited on a version, finalized
and locked, through the services and the workflow the minutes page uses."""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.meetings.models import Minutes, MinutesState
from pacesetter.meetings.services import meeting_set_state, minutes_draft, minutes_finalize
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def staff(world) -> ApiClient:
    return ApiClient(world.users["committee_staff"])


@pytest.fixture
def url(council) -> str:
    return f"/meetings/{council.meeting.pk}/minutes"


def test_draft_edit_and_finalize_the_minutes(world, staff, council, url):
    assert_error_shape(staff.get(url), 404, "not_found")
    drafted = ok(staff.post(f"{url}/draft", {}), 201)
    assert drafted["state"] == "draft" and drafted["version"] == 1
    assert drafted["text"].startswith("# Minutes: 9th standing council, 3rd session\n")
    assert drafted["allowed_actions"] == ["redraft", "update", "finalize"]
    assert [(v["version"], v["step"], v["saved_by"]) for v in drafted["versions"]] == [
        (1, "draft", "staff")
    ]
    # Those who see the meeting read the minutes; they may do nothing to them.
    read = ok(ApiClient(world.users["unit_officer"]).get(url))
    assert read["text"] == drafted["text"] and read["allowed_actions"] == []

    edited = ok(staff.put(url, {"text": drafted["text"] + "Closing words.\r\n", "version": 1}))
    assert edited["version"] == 2 and edited["text"].endswith("Closing words.\n")  # LF only
    redrafted = ok(staff.post(f"{url}/draft", {"version": 2}))
    assert redrafted["version"] == 3 and "Closing words." not in redrafted["text"]

    refused = assert_error_shape(staff.post(f"{url}/finalize", {"version": 3}), 422, "not_held")
    assert refused["detail"] == {
        "__all__": ["Mark the meeting as held before finalizing its minutes."]
    }
    meeting_set_state(actor=None, meeting=council.meeting, state="held")
    final = ok(staff.post(f"{url}/finalize", {"version": 3, "text": "# Minutes\nSigned.\n"}))
    assert (final["state"], final["version"], final["text"]) == ("final", 5, "# Minutes\nSigned.\n")
    assert final["finalized_by"]["username"] == "staff" and final["finalized_at"] is not None
    assert final["allowed_actions"] == []
    assert [(v["version"], v["step"]) for v in final["versions"]] == [
        (1, "draft"),
        (2, "update"),
        (3, "redraft"),
        (4, "update"),
        (5, "finalize"),
    ]
    # The meeting's record is locked with them.
    assert ok(staff.get(f"/meetings/{council.meeting.pk}"))["allowed_actions"] == []


def test_final_minutes_are_not_edited_again(staff, council, url):
    meeting_set_state(actor=None, meeting=council.meeting, state="held")
    minutes = minutes_draft(actor=None, meeting=council.meeting)
    final = minutes_finalize(actor=None, minutes=minutes, version=minutes.version)
    for response in (
        staff.put(url, {"text": "Changed afterwards.\n", "version": final.version}),
        staff.post(f"{url}/finalize", {"version": final.version}),
        staff.post(f"{url}/draft", {"version": final.version}),
    ):
        error = assert_error_shape(response, 422, "invalid_transition")
        assert error["detail"] == {"text": ["The minutes are final and can no longer be changed."]}
    stored = Minutes.objects.get(pk=minutes.pk)
    assert (stored.state, stored.version, stored.text) == (MinutesState.FINAL, 2, minutes.text)
    # Finalized by the system: nobody is named.
    read = ok(staff.get(url))
    assert read["finalized_by"] is None and read["versions"][-1]["saved_by"] is None


def test_a_stale_version_saves_nothing(staff, council, url):
    minutes = minutes_draft(actor=None, meeting=council.meeting)
    ok(staff.put(url, {"text": "# Ours\n", "version": 1}))
    for response in (
        staff.put(url, {"text": "# Theirs\n", "version": 1}),
        staff.post(f"{url}/draft", {"version": 1}),
        staff.post(f"{url}/draft", {}),  # read no minutes, yet someone drafted them
        staff.post(f"{url}/finalize", {"version": 1, "text": "# Theirs\n"}),
    ):
        error = assert_error_shape(response, 409, "stale_version")
        assert error["message"].startswith("Someone else saved these minutes")
    stored = Minutes.objects.get(pk=minutes.pk)
    assert (stored.text, stored.version, stored.state) == ("# Ours\n", 2, MinutesState.DRAFT)


def test_who_may_not_write_the_minutes_and_bad_input(world, staff, council, url):
    officer = ApiClient(world.users["unit_officer"])
    nobody = ApiClient(world.users["nobody"])
    assert_error_shape(officer.post(f"{url}/draft", {}), 403, "forbidden")
    assert_error_shape(nobody.post(f"{url}/draft", {}), 404, "not_found")
    minutes_draft(actor=None, meeting=council.meeting)
    assert_error_shape(nobody.get(url), 404, "not_found")
    assert_error_shape(officer.put(url, {"text": "x", "version": 1}), 403, "forbidden")
    assert_error_shape(officer.post(f"{url}/finalize", {"version": 1}), 403, "forbidden")

    # The service's own code on the field, not Django's generic "invalid".
    empty = assert_error_shape(staff.put(url, {"text": " \n", "version": 1}), 422, "required")
    assert empty["detail"] == {"text": ["The minutes cannot be empty."]}
    no_version = assert_error_shape(staff.put(url, {"text": "x"}), 422, "invalid")
    assert no_version["detail"][0]["loc"][-1] == "version"
    assert Minutes.objects.get(meeting=council.meeting).version == 1


def test_a_cancelled_meeting_has_no_minutes(staff, council, url):
    meeting_set_state(actor=None, meeting=council.meeting, state="cancelled")
    assert_error_shape(staff.post(f"{url}/draft", {}), 422, "cancelled")
    assert not Minutes.objects.exists()
