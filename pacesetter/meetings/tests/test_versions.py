"""Two edits of a meeting, its visited units or an agenda item from the same version:
the second is refused, nothing saved. (The minutes have their own version:
test_minutes.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pacesetter.meetings.models import MeetingKind
from pacesetter.meetings.services import agenda_item_add, visited_units_set
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def staff(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["committee_staff"])
    return client


def test_the_second_edit_of_a_meeting_from_one_page_is_refused(world):
    meeting = make_meeting(world, body=None)
    client = staff(world)
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "version"}
    data.update(
        {
            "quorum": "50%",
            "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    opened = two_screen_edits(
        client, url, {**data, "chair": "First chair"}, {**data, "chair": "Second chair"}
    )
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.version) == ("First chair", opened + 1)


def test_the_second_patch_of_a_meeting_from_one_read_is_a_409(world: Any) -> None:
    meeting = make_meeting(world, body=None)
    api = ApiClient(world.users["committee_staff"])
    read = two_api_edits(
        api, f"/meetings/{meeting.pk}", {"chair": "First chair"}, {"chair": "Second", "place": "X"}
    )
    meeting.refresh_from_db()
    assert (meeting.chair, meeting.place, meeting.version) == ("First chair", "Changsha", read + 1)


def test_the_second_edit_of_an_agenda_item_from_one_page_is_refused(world):
    meeting = make_meeting(world, body=None)
    item = agenda_item_add(actor=None, meeting=meeting, title="Report")
    client = staff(world)
    url = reverse("meetings:agenda_edit", args=[meeting.pk, item.pk])

    def edit(minutes: str) -> dict[str, Any]:
        return {
            "agenda-source_language": "en",
            "agenda-title_en": "Report",
            "agenda-duration_minutes": minutes,
        }

    opened = two_screen_edits(client, url, edit("25"), edit("40"))
    item.refresh_from_db()
    assert (item.duration_minutes, item.version) == (25, opened + 1)


def test_the_second_patch_of_an_agenda_item_from_one_read_is_a_409(world: Any) -> None:
    meeting = make_meeting(world, body=None)
    item = agenda_item_add(actor=None, meeting=meeting, title="Report")
    api = ApiClient(world.users["committee_staff"])
    url = f"/meetings/{meeting.pk}/agenda/{item.pk}"
    read = api.get(f"/meetings/{meeting.pk}/agenda").json()["items"][0]["version"]
    saved = api.patch(url, {"duration_minutes": 25, "version": read})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == read + 1
    refused = api.patch(url, {"duration_minutes": 40, "speaker": "Someone", "version": read})
    assert refused.status_code == 409 and refused.json()["code"] == "stale_version"
    item.refresh_from_db()
    assert (item.duration_minutes, item.speaker, item.version) == (25, "", read + 1)


def visited(meeting: Any) -> list[str]:
    return list(meeting.visited_units.order_by("code").values_list("code", flat=True))


def test_the_second_save_of_the_visited_units_from_one_page_is_refused(world):
    visit = make_meeting(world, kind=MeetingKind.RESEARCH_VISIT, body=None)
    opened = two_screen_edits(
        staff(world),
        reverse("meetings:meeting_detail", args=[visit.pk]),
        {"visit-units": [world.own.pk]},
        {"visit-units": [world.sibling.pk]},
        post_url=reverse("meetings:visited_units", args=[visit.pk]),
        form_name="visited_form",
    )
    visit.refresh_from_db()
    assert (visited(visit), visit.version) == (["OWN"], opened + 1)


def test_the_second_put_of_the_visited_units_from_one_read_is_a_409(world: Any) -> None:
    visit = make_meeting(world, kind=MeetingKind.RESEARCH_VISIT, body=None)
    visited_units_set(actor=None, meeting=visit, units=[world.own])
    read = two_api_edits(
        ApiClient(world.users["committee_staff"]),
        f"/meetings/{visit.pk}/visited-units",
        {"unit_ids": [world.own.pk, world.sibling.pk]},
        {"unit_ids": []},
        method="put",
        read_url=f"/meetings/{visit.pk}",
    )
    visit.refresh_from_db()
    assert (visited(visit), visit.version) == (["OWN", "SIB"], read + 1)
