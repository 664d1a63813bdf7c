"""Meetings, agenda items and resolutions in several languages (slice 6 of
docs/translations.md): a Vietnamese meeting with an English translation, merged patches,
the API's ``?lang=``, the accent-blind list search, a resolution's tasks with every
language their rows give, the minutes in the request's language, and the iCal feed in
the language its address or the calendar program asks for."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from pacesetter.audit.models import AuditEntry
from pacesetter.core.translations import search_key, values
from pacesetter.meetings.minutes import minutes_text_from_record
from pacesetter.meetings.models import Meeting, Resolution
from pacesetter.meetings.services import (
    TaskSpec,
    agenda_item_add,
    agenda_item_update,
    meeting_create,
    meeting_update,
    resolution_create,
)
from pacesetter.testing.api import ApiClient
from pacesetter.workplans.services import calendar_feed_reset

from .conftest import make_meeting
from .test_minutes import pdf_text

pytestmark = pytest.mark.django_db

TITLE_VI = "Hội nghị thi đua cụm số 18"
TITLE_EN = "Emulation cluster No. 18 conference"
ITEM_VI = "Báo cáo tổng kết"
TITLE_ZH = "第十八竞赛集群会议"
RESOLUTION_VI = "Thông qua kế hoạch năm"
TASK_VI, TASK_EN = "Tổ chức Hội thi tay nghề", "Run the skills contest"
RESOLUTION_EN = "Adopt the plan of the year"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def vi_meeting(world: Any, **extra: Any) -> Meeting:
    return make_meeting(
        world,
        source_language="vi",
        title={"vi": TITLE_VI, "en": TITLE_EN},
        place="Thanh Hóa",
        **extra,
    )


# --- services -------------------------------------------------------------------------


def test_a_vietnamese_meeting_with_an_english_translation(world):
    meeting = vi_meeting(world)
    assert meeting.source_language == "vi"
    assert values(meeting, "title") == {"vi": TITLE_VI, "en": TITLE_EN}
    assert values(meeting, "place") == {"vi": "Thanh Hóa"}
    with translation.override("en"):
        assert meeting.title == TITLE_EN and meeting.place == "Thanh Hóa"  # fallback
    with translation.override("zh-hans"):
        assert meeting.title == TITLE_VI
    assert meeting.search_key == search_key(meeting)
    entry = AuditEntry.objects.filter(action="meeting.create").latest("pk")
    assert entry.changes["title_vi"] == [None, TITLE_VI]


def test_a_new_meeting_takes_the_requests_language(world):
    with translation.override("vi"):
        meeting = meeting_create(
            actor=None,
            kind="council",
            title=TITLE_VI,
            organizer_unit=world.committee,
            starts_at=make_meeting(world).starts_at,
        )
    assert meeting.source_language == "vi" and meeting.title_vi == TITLE_VI


def test_a_patch_merges_and_the_source_cannot_be_cleared(world):
    meeting = vi_meeting(world)
    meeting = meeting_update(actor=None, meeting=meeting, title={"zh-hans": TITLE_ZH})
    assert values(meeting, "title") == {
        "vi": TITLE_VI,
        "en": TITLE_EN,
        "zh-hans": TITLE_ZH,
    }
    meeting = meeting_update(actor=None, meeting=meeting, title={"en": ""})
    assert "en" not in values(meeting, "title")
    with pytest.raises(ValidationError) as caught:
        meeting_update(actor=None, meeting=meeting, title={"vi": ""})
    assert "title_vi" in caught.value.message_dict


def test_agenda_items_and_resolutions_take_the_meetings_source(world):
    meeting = vi_meeting(world)
    item = agenda_item_add(actor=None, meeting=meeting, title=ITEM_VI)
    resolution = resolution_create(actor=None, meeting=meeting, text=RESOLUTION_VI)
    assert item.source_language == "vi" and item.title_vi == ITEM_VI
    assert resolution.source_language == "vi" and resolution.text_vi == RESOLUTION_VI
    english = resolution_create(
        actor=None, meeting=meeting, source_language="en", text=RESOLUTION_EN
    )
    assert english.source_language == "en" and english.text_en == RESOLUTION_EN


def test_a_resolutions_tasks_get_every_language_given(world, council):
    meeting = vi_meeting(world)
    resolution = resolution_create(
        actor=None,
        meeting=meeting,
        text={"vi": RESOLUTION_VI, "en": RESOLUTION_EN},
        plan=council.plan,
        tasks=[
            TaskSpec(
                title={"vi": TASK_VI, "en": TASK_EN},
                scope={"vi": "Các đơn vị trong cụm"},
                lead_unit=world.own,
            ),
            TaskSpec(title="Khen thưởng", lead_unit=world.own),
        ],
    )
    first, second = resolution.tasks.order_by("pk")
    assert first.source_language == "vi" == second.source_language
    assert values(first, "title") == {
        "vi": "Tổ chức Hội thi tay nghề",
        "en": "Run the skills contest",
    }
    assert values(first, "scope") == {"vi": "Các đơn vị trong cụm"}
    assert values(second, "title") == {"vi": "Khen thưởng"}


# --- screens --------------------------------------------------------------------------


ITEM_EN = "Summary report"


def test_the_agenda_form_stores_every_language_and_the_page_reads_the_readers(world):
    meeting = vi_meeting(world)
    staff = Client()
    staff.force_login(world.users["committee_staff"])
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    form = staff.get(detail).context["agenda_form"]
    assert form["source_language"].initial == "vi"  # the meeting's
    assert list(form.fields)[:2] == ["source_language", "title_vi"]
    assert form.fields["title_vi"].label == "Title (Vietnamese, source)"
    assert form.fields["title_en"].label == "Title (English)"

    response = staff.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {
            "agenda-source_language": "vi",
            "agenda-title_vi": ITEM_VI,
            "agenda-title_en": ITEM_EN,
            "agenda-duration_minutes": "20",
        },
        follow=True,
    )
    assert response.redirect_chain
    item = meeting.agenda_items.get()
    assert item.source_language == "vi"
    assert values(item, "title") == {"vi": ITEM_VI, "en": ITEM_EN}
    in_vi = staff.get(detail, {"lang": "vi"}).content.decode()
    in_en = staff.get(detail, {"lang": "en"}).content.decode()
    assert ITEM_VI in in_vi and ITEM_EN not in in_vi
    assert ITEM_EN in in_en and ITEM_VI not in in_en
    in_zh = staff.get(detail, {"lang": "zh-hans"}).content.decode()
    assert ITEM_VI in in_zh  # no Chinese title: the source's


def test_an_agenda_item_without_its_source_title_is_refused_on_that_field(world):
    meeting = vi_meeting(world)
    staff = Client()
    staff.force_login(world.users["committee_staff"])
    response = staff.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {
            "agenda-source_language": "vi",
            "agenda-title_en": ITEM_EN,
            "agenda-duration_minutes": "20",
        },
    )
    assert response.status_code == 200
    errors = response.context["agenda_form"].errors
    assert list(errors) == ["title_vi"]
    assert errors.as_data()["title_vi"][0].code == "required"
    assert not meeting.agenda_items.exists()
    # Another source chosen on the form: its title is the one required.
    response = staff.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {
            "agenda-source_language": "en",
            "agenda-title_vi": ITEM_VI,
            "agenda-duration_minutes": "20",
        },
    )
    assert list(response.context["agenda_form"].errors) == ["title_en"]


def test_an_items_edit_page_shows_its_values_per_language_and_saves_them(world):
    meeting = vi_meeting(world)
    item = agenda_item_add(actor=None, meeting=meeting, title={"vi": ITEM_VI, "en": ITEM_EN})
    staff = Client()
    staff.force_login(world.users["committee_staff"])
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    url = reverse("meetings:agenda_edit", args=[meeting.pk, item.pk])
    assert url in staff.get(detail).content.decode()
    form = staff.get(url).context["form"]
    assert form["title_vi"].value() == ITEM_VI and form["title_en"].value() == ITEM_EN
    assert form["title_zh_hans"].value() == "" and form["source_language"].value() == "vi"
    assert "parent" not in form.fields  # where it stands is kept

    data = {
        "agenda-source_language": "vi",
        "agenda-title_vi": ITEM_VI,
        "agenda-title_en": "",
        "agenda-title_zh_hans": "总结报告",
        "agenda-duration_minutes": "25",
    }
    assert staff.post(url, data).status_code == 302
    item.refresh_from_db()
    assert values(item, "title") == {"vi": ITEM_VI, "zh-hans": "总结报告"}
    assert item.duration_minutes == 25
    entry = AuditEntry.objects.filter(action="meeting.agenda_update").latest("pk")
    assert entry.changes["title_en"] == [ITEM_EN, ""]
    refused = staff.post(url, {**data, "agenda-title_vi": ""})
    assert list(refused.context["form"].errors) == ["title_vi"]
    item.refresh_from_db()
    assert item.title_vi == ITEM_VI
    other = make_meeting(world)
    assert staff.get(reverse("meetings:agenda_edit", args=[other.pk, item.pk])).status_code == 404
    assert Client().get(url).status_code == 302  # to the login
    outsider = Client()
    outsider.force_login(world.users["nobody"])
    assert outsider.post(url, data).status_code == 404


def test_an_item_update_merges_languages_and_keeps_the_source(world):
    meeting = vi_meeting(world)
    item = agenda_item_add(actor=None, meeting=meeting, title=ITEM_VI)
    item = agenda_item_update(actor=None, item=item, title={"en": ITEM_EN})
    assert values(item, "title") == {"vi": ITEM_VI, "en": ITEM_EN}
    with pytest.raises(ValidationError) as caught:
        agenda_item_update(actor=None, item=item, title={"vi": ""})
    assert "title_vi" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        agenda_item_update(actor=None, item=item, source_language="zh-hans")
    assert "title_zh_hans" in caught.value.message_dict
    item = agenda_item_update(actor=None, item=item, source_language="en")
    with translation.override("zh-hans"):
        assert item.title == ITEM_EN  # the new source's


def test_the_resolution_form_takes_its_text_by_language_and_makes_its_tasks(world, council):
    meeting = vi_meeting(world)
    staff = Client()
    staff.force_login(world.users["committee_staff"])
    url = reverse("meetings:resolution_create", args=[meeting.pk])
    form = staff.get(url).context["form"]
    assert form["source_language"].initial == "vi"
    assert form.fields["text_vi"].label == "Text (Vietnamese, source)"

    data = {
        "source_language": "vi",
        "text_en": RESOLUTION_EN,
        "adopted_on": "2021-05-26",
        "plan": council.plan.pk,
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-title": TASK_VI,
        "tasks-0-lead_unit": world.own.pk,
    }
    refused = staff.post(url, data)
    assert refused.status_code == 200 and list(refused.context["form"].errors) == ["text_vi"]
    assert not Resolution.objects.exists()

    response = staff.post(url, {**data, "text_vi": RESOLUTION_VI})
    assert response.status_code == 302, response.context and response.context["form"].errors
    resolution = Resolution.objects.get()
    assert resolution.source_language == "vi"
    assert values(resolution, "text") == {"vi": RESOLUTION_VI, "en": RESOLUTION_EN}
    task = resolution.tasks.get()
    assert task.source_language == "vi" and values(task, "title") == {"vi": TASK_VI}
    detail = reverse("meetings:meeting_detail", args=[meeting.pk])
    in_en = staff.get(detail, {"lang": "en"}).content.decode()
    assert RESOLUTION_EN in in_en and RESOLUTION_VI not in in_en
    assert TASK_VI in in_en  # the task's title in its source language
    assert RESOLUTION_VI in staff.get(detail, {"lang": "vi"}).content.decode()


# --- API ------------------------------------------------------------------------------


def test_the_api_writes_and_reads_by_language(world):
    staff = ApiClient(world.users["committee_staff"])
    created = ok(
        staff.post(
            "/meetings",
            {
                "kind": "council",
                "source_language": "vi",
                "title": {"vi": TITLE_VI, "en": TITLE_EN},
                "organizer_unit_id": world.committee.pk,
                "starts_at": "2021-05-26T09:00:00+07:00",
            },
        ),
        201,
    )
    assert created["source_language"] == "vi"
    assert created["translations"]["title"] == {"vi": TITLE_VI, "en": TITLE_EN}
    path = f"/meetings/{created['id']}"
    ok(staff.patch(path, {"title": {"zh-hans": TITLE_ZH}}))
    assert ok(staff.get(path, lang="vi"))["title"] == TITLE_VI
    assert ok(staff.get(path, lang="zh-hans"))["title"] == TITLE_ZH
    read = ok(staff.get(path, lang="en"))
    assert read["title"] == TITLE_EN and len(read["translations"]["title"]) == 3
    item = ok(staff.post(f"{path}/agenda", {"title": ITEM_VI}), 201)
    assert item["source_language"] == "vi" and item["translations"]["title"] == {"vi": ITEM_VI}
    patched = ok(staff.patch(f"{path}/agenda/{item['id']}?lang=en", {"title": {"en": ITEM_EN}}))
    assert patched["title"] == ITEM_EN
    assert patched["translations"]["title"] == {"vi": ITEM_VI, "en": ITEM_EN}
    cleared = staff.patch(f"{path}/agenda/{item['id']}", {"title": {"vi": ""}})
    assert cleared.status_code == 422
    assert staff.patch(f"{path}/agenda/{item['id']}", {"title": None}).status_code == 422
    resolution = ok(
        staff.post(f"{path}/resolutions", {"text": {"vi": RESOLUTION_VI, "en": RESOLUTION_EN}}),
        201,
    )
    assert resolution["source_language"] == "vi"
    assert resolution["translations"]["text"] == {"vi": RESOLUTION_VI, "en": RESOLUTION_EN}
    refused = staff.post(f"{path}/resolutions", {"text": {"fr": "Adopter"}})
    assert refused.status_code == 422


def test_the_list_is_searched_without_accents(world):
    meeting = vi_meeting(world)
    make_meeting(world, title="Demonstration exchange")
    staff = ApiClient(world.users["committee_staff"])
    for q in ("hoi nghi thi dua", "HỘI NGHỊ", "emulation cluster", "thanh hoa"):
        found = ok(staff.get("/meetings", q=q))["items"]
        assert [m["id"] for m in found] == [meeting.pk], q


# --- documents and the calendar -------------------------------------------------------


def test_the_minutes_are_drafted_in_the_active_language_with_fallbacks(world):
    meeting = vi_meeting(world)
    agenda_item_add(actor=None, meeting=meeting, title={"vi": ITEM_VI, "en": "Summary report"})
    agenda_item_add(actor=None, meeting=meeting, title="Khai mạc")
    with translation.override("en"):
        text = minutes_text_from_record(meeting)
    assert TITLE_EN in text and "Summary report" in text and "Khai mạc" in text
    with translation.override("vi"):
        text = minutes_text_from_record(meeting)
    assert TITLE_VI in text and ITEM_VI in text and "Summary report" not in text


def test_the_invitation_pdf_follows_lang_and_falls_back_to_the_source(
    client, world, council, tmp_path
):
    meeting_update(actor=None, meeting=council.meeting, title={"vi": TITLE_VI})
    client.force_login(world.users["committee_staff"])
    url = reverse("meetings:invitations_pdf", args=[council.meeting.pk])
    response = client.get(url, {"lang": "vi"})
    assert response.status_code == 200 and response["Content-Language"] == "vi"
    assert TITLE_VI in pdf_text(response.content, tmp_path)
    chinese = client.get(url, {"lang": "zh-hans"})
    assert council.meeting.title_en in pdf_text(chinese.content, tmp_path)


def _summaries(response: Any) -> set[str]:
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


def test_the_ical_feed_speaks_the_language_asked_for(client, world, council):
    meeting_update(actor=None, meeting=council.meeting, title={"vi": TITLE_VI})
    officer = world.users["unit_officer"]
    _, token = calendar_feed_reset(actor=officer, user=officer)
    url = reverse("calendar:feed", args=[token])
    english = council.meeting.title_en
    assert english in _summaries(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert TITLE_VI in _summaries(client.get(url, HTTP_ACCEPT_LANGUAGE="vi"))
    # ?lang= beats the calendar program's Accept-Language.
    assert TITLE_VI in _summaries(client.get(url, {"lang": "vi"}, HTTP_ACCEPT_LANGUAGE="en"))
    # No Chinese title: the source (English) is shown.
    assert english in _summaries(client.get(url, {"lang": "zh-hans"}))


def test_the_ical_feed_speaks_the_accounts_language_unless_its_address_asks(client, world, council):
    meeting_update(actor=None, meeting=council.meeting, title={"vi": TITLE_VI})
    officer = world.users["unit_officer"]
    officer.language = "vi"
    officer.save(update_fields=["language"])
    _, token = calendar_feed_reset(actor=officer, user=officer)
    url = reverse("calendar:feed", args=[token])
    # The profile's language beats the calendar program's Accept-Language ...
    assert TITLE_VI in _summaries(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    # ... and the address's ?lang= beats the profile.
    assert council.meeting.title_en in _summaries(client.get(url, {"lang": "en"}))
