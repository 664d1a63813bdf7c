"""A meeting's times are entered, shown and compared on the clocks of its place (its
``time_zone``), whatever the server's zone: the pages, the door, the minutes, the
invitation, the forms and the API, the check-in windows, the seats invited and the
default date of resolutions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pacesetter.bodies.models import Body
from pacesetter.bodies.services import body_member_add
from pacesetter.chains.models import Chain
from pacesetter.meetings import selectors
from pacesetter.meetings.forms import MeetingForm, time_zone_choices
from pacesetter.meetings.minutes import minutes_text_from_record
from pacesetter.meetings.models import Meeting
from pacesetter.meetings.services import (
    check_in,
    invitations_add_body_members,
    meeting_create,
    meeting_update,
    resolution_create,
    self_check_in,
)
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.models import Unit
from pacesetter.units.services import unit_update

from .conftest import make_meeting
from .factories import InvitationFactory
from .test_invitations_pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def server_in_utc(settings: Any) -> None:
    settings.TIME_ZONE = "UTC"


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def shanghai_meeting(world: Any, **extra: Any) -> Meeting:
    fields: dict[str, Any] = {
        "time_zone": "Asia/Shanghai",
        "starts_at": shanghai(2021, 5, 26, 9, 0),
        "ends_at": shanghai(2021, 5, 26, 11, 30),
        **extra,
    }
    return make_meeting(world, **fields)


def login(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


# --- shown ---------------------------------------------------------------------------


def test_the_minutes_show_the_local_time_of_the_meeting(world):
    meeting = shanghai_meeting(world)  # 01:00 UTC
    with translation.override("zh-hans"):
        text = minutes_text_from_record(meeting)
    assert "2021年5月26日 09:00" in text and "01:00" not in text
    assert "(Asia/Shanghai)" in text
    with translation.override("en"):
        text = minutes_text_from_record(meeting)
    assert "26 May 2021, 09:00 – 11:30 (Asia/Shanghai)" in text


def test_the_meeting_page_the_list_and_the_door_show_the_local_time(world):
    meeting = shanghai_meeting(world)
    staff = login(world, "committee_staff")
    detail = staff.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "26 May 2021, 09:00 – 26 May 2021, 11:30" in detail and "01:00" not in detail
    assert 'id="meeting-zone">(Asia/Shanghai)' in detail
    listing = staff.get(reverse("meetings:meeting_list")).content.decode()
    assert "26 May 2021, 09:00" in listing and "Asia/Shanghai" in listing
    door = staff.get(reverse("meetings:checkin", args=[meeting.pk])).content.decode()
    assert "26 May 2021, 09:00 (Asia/Shanghai)" in door


def test_the_invitation_shows_the_local_time(world, tmp_path):
    meeting = shanghai_meeting(world)
    invitation = InvitationFactory(meeting=meeting)
    response = login(world, "committee_staff").get(
        reverse("meetings:invitation_pdf", args=[invitation.pk])
    )
    text = pdf_text(response.content, tmp_path)
    assert "26 May 2021, 09:00 – 11:30 (Asia/Shanghai)" in text


# --- entered -------------------------------------------------------------------------


def test_the_form_reads_and_shows_times_in_the_meetings_zone(world):
    staff = login(world, "committee_staff")
    response = staff.post(
        reverse("meetings:meeting_create"),
        {
            "kind": "council",
            "source_language": "en",
            "title_en": "Shanghai council",
            "organizer_unit": world.committee.pk,
            "time_zone": "Asia/Shanghai",
            "starts_at": "2021-05-26T09:00",
            "ends_at": "2021-05-26T11:30",
            "quorum": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get(title_en="Shanghai council")
    assert meeting.time_zone == "Asia/Shanghai"
    assert meeting.starts_at == dt.datetime(2021, 5, 26, 1, 0, tzinfo=dt.UTC)

    edit = staff.get(reverse("meetings:meeting_edit", args=[meeting.pk])).content.decode()
    assert 'value="2021-05-26T09:00"' in edit and 'value="2021-05-26T11:30"' in edit
    assert '<option value="Asia/Shanghai" selected>' in edit


def test_the_form_offers_common_zones_and_the_servers(world, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    names = [name for name, _label in time_zone_choices()]
    assert {"UTC", "Asia/Ho_Chi_Minh", "Asia/Shanghai"} <= set(names)
    settings.TIME_ZONE = "Africa/Nairobi"
    form = MeetingForm(
        organizers=Unit.objects.none(), bodies=Body.objects.none(), chains=Chain.objects.none()
    )
    assert "Africa/Nairobi" in dict(form.fields["time_zone"].choices)
    # a new meeting takes its organizer's zone unless another is chosen
    assert form.fields["time_zone"].initial == ""
    assert "" in dict(form.fields["time_zone"].choices)


def test_the_api_reads_times_without_an_offset_in_the_meetings_zone(world):
    staff = ApiClient(world.users["committee_staff"])
    body = {
        "kind": "council",
        "title": "Shanghai council",
        "organizer_unit_id": world.committee.pk,
        "time_zone": "Asia/Shanghai",
        "starts_at": "2021-05-26T09:00:00",
    }
    response = staff.post("/meetings", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["time_zone"] == "Asia/Shanghai"
    assert created["starts_at"] == "2021-05-26T09:00:00+08:00"
    meeting = Meeting.objects.get(pk=created["id"])
    assert meeting.starts_at == dt.datetime(2021, 5, 26, 1, 0, tzinfo=dt.UTC)

    patched = staff.patch(f"/meetings/{meeting.pk}", {"ends_at": "2021-05-26T11:30:00"}).json()
    assert patched["ends_at"] == "2021-05-26T11:30:00+08:00"
    error = assert_error_shape(staff.post("/meetings", {**body, "time_zone": "Mars/Olympus"}), 422)
    assert "time_zone" in error["detail"]
    error = assert_error_shape(staff.patch(f"/meetings/{meeting.pk}", {"time_zone": None}), 422)
    assert "time_zone" in error["detail"]


def test_an_unknown_zone_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        shanghai_meeting(world, time_zone="Asia/Atlantis")
    assert "time_zone" in exc.value.message_dict
    meeting = shanghai_meeting(world)
    with pytest.raises(ValidationError) as exc:
        meeting_update(actor=None, meeting=meeting, time_zone="nowhere")
    assert "time_zone" in exc.value.message_dict


# --- compared ------------------------------------------------------------------------


def test_self_check_in_without_an_end_runs_to_the_end_of_the_local_day(world, monkeypatch):
    # 07:30 in Shanghai is 23:30 UTC the day before: the day that counts is Shanghai's.
    meeting = shanghai_meeting(world, starts_at=shanghai(2021, 5, 26, 7, 30), ends_at=None)
    InvitationFactory(meeting=meeting, user=world.users["unit_officer"])
    opens, closes = selectors.checkin_window(meeting)
    assert opens == shanghai(2021, 5, 26, 6, 30)
    assert closes == shanghai(2021, 5, 27, 0, 0)
    assert selectors.is_running(meeting, now=shanghai(2021, 5, 26, 12, 0))
    assert not selectors.is_running(meeting, now=shanghai(2021, 5, 27, 0, 30))

    monkeypatch.setattr(timezone, "now", lambda: shanghai(2021, 5, 26, 8, 0))
    invitation = self_check_in(user=world.users["unit_officer"], meeting=meeting)
    assert invitation.checked_in_at == shanghai(2021, 5, 26, 8, 0)


def test_the_door_is_open_on_the_meetings_local_day(world):
    meeting = shanghai_meeting(world, starts_at=shanghai(2021, 5, 26, 7, 30), ends_at=None)
    late = InvitationFactory(meeting=meeting)
    # 00:30 on the 27th in Shanghai is still the 26th in UTC, but the day is over there.
    with pytest.raises(ValidationError) as exc:
        check_in(actor=None, meeting=meeting, code=late.code, at=shanghai(2021, 5, 27, 0, 30))
    assert exc.value.error_dict["code"][0].code == "closed"
    assert "26 May 2021" in exc.value.message_dict["code"][0]
    done = check_in(actor=None, meeting=meeting, code=late.code, at=shanghai(2021, 5, 26, 23, 30))
    assert done.checked_in_at == shanghai(2021, 5, 26, 23, 30)


def test_the_seats_current_on_the_local_day_are_invited(world):
    # The meeting starts on 26 May in Shanghai (25 May in UTC); a seat from 26 May is on.
    meeting = shanghai_meeting(world, starts_at=shanghai(2021, 5, 26, 7, 30), ends_at=None)
    body_member_add(
        actor=None, body=world.council, user=world.users["viewer"], start=dt.date(2021, 5, 26)
    )
    body_member_add(
        actor=None,
        body=world.council,
        user=world.users["nobody"],
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 5, 25),
    )
    # (the Own unit's seat of the test world starts in 2024)
    assert invitations_add_body_members(actor=None, meeting=meeting) == 1
    invited = set(meeting.invitations.exclude(user=None).values_list("user__username", flat=True))
    assert invited == {"viewer"}


def test_a_resolution_is_adopted_on_the_local_day_by_default(world):
    meeting = shanghai_meeting(world, starts_at=shanghai(2021, 5, 26, 7, 30), ends_at=None)
    resolution = resolution_create(actor=None, meeting=meeting, text="Adopted.")
    assert resolution.adopted_on == dt.date(2021, 5, 26)
    page = login(world, "committee_staff").get(
        reverse("meetings:resolution_create", args=[meeting.pk])
    )
    assert page.context["form"].initial["adopted_on"] == dt.date(2021, 5, 26)


def test_times_typed_on_a_new_meeting_are_read_in_the_organizers_zone(world):
    unit_update(actor=None, unit=world.root, time_zone="Asia/Shanghai")
    organizers = Unit.objects.filter(pk=world.committee.pk)
    form = MeetingForm(
        {
            "kind": "council",
            "source_language": "en",
            "title_en": "Standing council",
            "organizer_unit": world.committee.pk,
            "starts_at": "2021-05-26 09:00",
            "ends_at": "2021-05-26 11:30",
            "time_zone": "",
            "quorum": "50%",
        },
        organizers=organizers,
        bodies=Body.objects.none(),
        chains=Chain.objects.none(),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == shanghai(2021, 5, 26, 9, 0)
    meeting = meeting_create(actor=None, **form.service_fields())
    assert meeting.time_zone == "Asia/Shanghai"
