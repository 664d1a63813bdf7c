"""Meeting screens: the list, the organizer's page and its forms, the door, checking
oneself in, resolutions with their key tasks, research visits."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pacesetter.ballots.models import Poll
from pacesetter.meetings.models import (
    Invitation,
    Meeting,
    MeetingKind,
    Minutes,
    MinutesState,
    Resolution,
)
from pacesetter.meetings.services import (
    TaskSpec,
    agenda_item_add,
    check_in,
    finding_add,
    invitation_add,
    resolution_create,
    visited_units_set,
)
from pacesetter.workplans.models import Task

from .conftest import make_meeting
from .factories import InvitationFactory

pytestmark = pytest.mark.django_db


def login(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def detail_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_only_meetings_one_may_see_and_searches(world, council):
    hidden = make_meeting(world, title="Other province meeting", organizer_unit=world.other_root)
    make_meeting(
        world,
        title="Light-industry demonstration exchange",
        kind=MeetingKind.EXCHANGE,
        place="Danyang",
        starts_at=timezone.now().replace(year=2024, month=6, day=6),
        ends_at=None,
    )
    staff = login(world, "committee_staff")

    page = staff.get(reverse("meetings:meeting_list")).content.decode()
    assert council.meeting.title in page and "Light-industry" in page
    assert hidden.title not in page
    assert "New meeting" in page

    found = staff.get(reverse("meetings:meeting_list"), {"q": "danyang"}).content.decode()
    assert "Light-industry" in found and council.meeting.title not in found
    by_kind = staff.get(reverse("meetings:meeting_list"), {"kind": "exchange"}).content.decode()
    assert "Light-industry" in by_kind and council.meeting.title not in by_kind
    by_year = staff.get(reverse("meetings:meeting_list"), {"year": "2024"}).content.decode()
    assert "Light-industry" in by_year and council.meeting.title not in by_year
    none = staff.get(reverse("meetings:meeting_list"), {"q": "nothing like this"})
    assert "No meetings match your search." in none.content.decode()


def test_the_list_for_an_invitee_and_for_nobody(world, council):
    officer = login(world, "unit_officer").get(reverse("meetings:meeting_list")).content.decode()
    assert council.meeting.title in officer and "New meeting" not in officer
    nobody = login(world, "nobody").get(reverse("meetings:meeting_list")).content.decode()
    assert "There are no meetings you may see." in nobody


def test_the_list_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    staff = login(world, "committee_staff")
    url = reverse("meetings:meeting_list")
    for i in range(3):
        InvitationFactory(meeting=make_meeting(world, title=f"M{i}"))
    staff.get(url)  # warm the session
    with django_assert_num_queries(8) as few:
        assert staff.get(url).status_code == 200
    for i in range(12):
        InvitationFactory(meeting=make_meeting(world, title=f"N{i}"))
    with django_assert_num_queries(len(few.captured_queries)):
        response = staff.get(url)
    assert response.content.decode().count("data-meeting=") == 15


# --- create and edit ---------------------------------------------------------------------


def test_staff_create_a_meeting_where_they_are_staff(world):
    staff = login(world, "committee_staff")
    url = reverse("meetings:meeting_create")
    form = staff.get(url).context["form"]
    assert world.committee in form.fields["organizer_unit"].queryset
    assert world.other not in form.fields["organizer_unit"].queryset

    response = staff.post(
        url,
        {
            "kind": "council",
            "source_language": "en",
            "title_en": "9th standing council",
            "organizer_unit": world.committee.pk,
            "body": world.council.pk,
            "starts_at": "2021-05-26T09:00",
            "ends_at": "2021-05-26T17:00",
            "place_en": "Changsha, Hunan",
            "quorum": "50%",
        },
    )

    meeting = Meeting.objects.get(title_en="9th standing council")
    assert response.status_code == 302 and response["Location"] == detail_url(meeting)
    assert meeting.quorum == Fraction(1, 2) and meeting.created_by == world.users["committee_staff"]


def test_the_create_form_shows_the_service_errors_beside_the_field(world):
    staff = login(world, "committee_staff")
    response = staff.post(
        reverse("meetings:meeting_create"),
        {
            "kind": "council",
            "source_language": "en",
            "title_en": "Backwards",
            "organizer_unit": world.committee.pk,
            "starts_at": "2021-05-26T09:00",
            "ends_at": "2021-05-25T09:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == [
        "The meeting cannot end before it starts."
    ]
    assert not Meeting.objects.exists()


def test_only_staff_create_and_edit(world, council):
    officer = login(world, "unit_officer")
    assert officer.get(reverse("meetings:meeting_create")).status_code == 403
    assert (
        officer.get(reverse("meetings:meeting_edit", args=[council.meeting.pk])).status_code == 403
    )
    staff = login(world, "committee_staff")
    edit = reverse("meetings:meeting_edit", args=[council.meeting.pk])
    data = staff.get(edit).context["form"].initial
    data.update(
        {
            "place_en": "Changsha",
            "chair": "New chair",
            "quorum": "60%",
            "starts_at": timezone.localtime(council.meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(council.meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "registration_open": "on",
        }
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = staff.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    council.meeting.refresh_from_db()
    assert council.meeting.chair == "New chair" and council.meeting.quorum == Fraction(3, 5)


def test_a_two_thirds_quorum_typed_on_the_form_is_met_by_two_of_three(world):
    staff = login(world, "committee_staff")
    meeting = make_meeting(world, body=None)
    edit = reverse("meetings:meeting_edit", args=[meeting.pk])
    form = staff.get(edit).context["form"]
    assert form["quorum"].value() == "50%"  # the meeting's half, shown as people read it
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "quorum": "2/3",
            "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "registration_open": "on",
        }
    )
    response = staff.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.quorum == Fraction(2, 3)
    assert 'value="2/3"' in str(staff.get(edit).context["form"]["quorum"])
    invited = [invitation_add(actor=None, meeting=meeting, label=name) for name in "abc"]
    for invitation in invited[:2]:
        check_in(actor=None, meeting=meeting, code=invitation.code)
    quorum = staff.get(detail_url(meeting)).text.split('id="quorum">')[1].split("</dd>")[0]
    assert "2 voting members needed (2/3)" in quorum and "met" in quorum
    assert "not met" not in quorum


def test_a_quorum_the_form_cannot_read_is_refused_beside_the_field(world):
    staff = login(world, "committee_staff")
    meeting = make_meeting(world, body=None)
    edit = reverse("meetings:meeting_edit", args=[meeting.pk])
    data = {k: v for k, v in staff.get(edit).context["form"].initial.items() if v is not None}
    data.update(
        {
            "quorum": "3/2",
            "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    response = staff.post(edit, data)
    assert response.status_code == 200
    assert response.context["form"].errors["quorum"] == ["A share is between 0 and 1 (0% to 100%)."]
    meeting.refresh_from_db()
    assert meeting.quorum == Fraction(1, 2)


def test_cancelling_a_meeting(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:meeting_state", args=[council.meeting.pk])
    assert login(world, "unit_officer").post(url, {"state": "cancelled"}).status_code == 403
    response = staff.post(url, {"state": "cancelled"}, follow=True)
    assert "The meeting is marked cancelled." in response.content.decode()
    council.meeting.refresh_from_db()
    assert council.meeting.state == "cancelled"


# --- the meeting page -------------------------------------------------------------------


def test_the_organizer_sees_everything_and_the_forms(world, council):
    agenda_item_add(
        actor=None, meeting=council.meeting, title="Half-year report", duration_minutes=40
    )
    page = login(world, "committee_staff").get(detail_url(council.meeting)).content.decode()
    assert council.officer_invitation.code in page
    assert council.guest_invitation.code in page
    for section in ('id="attendance"', 'id="invitations-table"', 'id="agenda-table"'):
        assert section in page
    assert "Half-year report" in page and 'id="agenda-total"><strong>40<' in page
    assert "Invite the members of Council" in page
    assert reverse("meetings:checkin", args=[council.meeting.pk]) in page
    assert reverse("meetings:minutes", args=[council.meeting.pk]) in page
    assert reverse("meetings:invitations_pdf", args=[council.meeting.pk]) in page
    assert f'hx-get="{reverse("meetings:attendance", args=[council.meeting.pk])}"' in page


def test_the_meeting_page_query_count_does_not_grow_with_its_record(
    world, council, django_assert_num_queries, django_assert_max_num_queries
):
    staff = login(world, "committee_staff")
    url = detail_url(council.meeting)

    def grow(n: int) -> None:
        for i in range(n):
            InvitationFactory(meeting=council.meeting, label=f"Guest {n}-{i}")
            agenda_item_add(actor=None, meeting=council.meeting, title=f"Item {n}-{i}")
            resolution_create(
                actor=None,
                meeting=council.meeting,
                text=f"Resolution {n}-{i}",
                adopted_on=timezone.localdate(),
                plan=council.plan,
                tasks=[TaskSpec(title=f"Task {n}-{i}", lead_unit=world.own)],
            )

    grow(1)
    staff.get(url)
    with django_assert_max_num_queries(40) as few:
        assert staff.get(url).status_code == 200
    grow(5)
    with django_assert_num_queries(len(few.captured_queries)):
        page = staff.get(url).content.decode()
    assert page.count('data-invitation="') == 9 and "Task 5-4" in page


def test_an_invitee_sees_a_read_only_page_with_a_check_in_button(world, council):
    page = login(world, "unit_officer").get(detail_url(council.meeting)).content.decode()
    assert 'id="my-invitation"' in page and council.officer_invitation.code in page
    assert council.guest_invitation.code not in page  # nobody else's code
    assert 'id="self-checkin"' in page
    assert 'id="invitations-table"' not in page
    assert reverse("meetings:meeting_edit", args=[council.meeting.pk]) not in page
    assert "Check-in at the door" not in page


def test_no_check_in_button_before_the_meeting_runs(world):
    later = make_meeting(world, starts_at=timezone.now() + dt.timedelta(days=3), ends_at=None)
    InvitationFactory(meeting=later, user=world.users["unit_officer"])
    page = login(world, "unit_officer").get(detail_url(later)).content.decode()
    assert 'id="my-invitation"' in page and 'id="self-checkin"' not in page


def test_the_page_is_hidden_from_those_who_may_not_see_it(world, council):
    assert login(world, "nobody").get(detail_url(council.meeting)).status_code == 404
    # The council's members see their body's meetings.
    assert login(world, "council_member").get(detail_url(council.meeting)).status_code == 200


def test_the_attendance_partial(world, council):
    check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)
    url = reverse("meetings:attendance", args=[council.meeting.pk])
    response = login(world, "unit_officer").get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="count-expected">3<' in html and "<strong>1</strong>" in html
    assert "1 voting members needed (50%)" in html
    assert login(world, "nobody").get(url).status_code == 404


# --- forms on the page -------------------------------------------------------------------


def test_invite_someone_and_see_errors(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:invitation_add", args=[council.meeting.pk])
    response = staff.post(url, {"invite-user": world.users["viewer"].pk, "invite-role": "guest"})
    assert response.status_code == 302 and response["Location"].endswith("#invitations")
    assert (
        Invitation.objects.get(meeting=council.meeting, user=world.users["viewer"]).role == "guest"
    )

    response = staff.post(url, {"invite-role": "member"})
    assert response.status_code == 200
    form = response.context["invitation_form"]
    assert form.errors["label"] == ["Choose a person or a unit, or type the invitee's name."]
    assert login(world, "unit_officer").post(url, {"invite-label": "x"}).status_code == 403


def test_invite_the_bodys_members(world):
    meeting = make_meeting(world)
    response = login(world, "committee_staff").post(
        reverse("meetings:invite_body", args=[meeting.pk]), follow=True
    )
    assert "1 members of Council invited" in response.content.decode()
    assert meeting.invitations.get().unit == world.own


def test_withdraw_an_invitation(world, council):
    url = reverse("meetings:invitation_remove", args=[council.guest_invitation.pk])
    assert login(world, "unit_officer").post(url).status_code == 404
    assert login(world, "committee_staff").post(url).status_code == 302
    assert not Invitation.objects.filter(pk=council.guest_invitation.pk).exists()


def test_the_invitee_registers_and_others_cannot(world, council):
    url = reverse("meetings:registration", args=[council.officer_invitation.pk])
    response = login(world, "unit_officer").post(url, {"registered": "1"}, follow=True)
    assert "is registered to attend" in response.content.decode()
    council.officer_invitation.refresh_from_db()
    assert council.officer_invitation.registered_at is not None
    assert login(world, "council_member").post(url, {"registered": "0"}).status_code == 404
    guest = reverse("meetings:registration", args=[council.guest_invitation.pk])
    assert login(world, "unit_officer").post(guest, {"registered": "1"}).status_code == 404


def test_agenda_items_nest(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:agenda_add", args=[council.meeting.pk])
    staff.post(
        url,
        {
            "agenda-source_language": "en",
            "agenda-title_en": "Reports",
            "agenda-duration_minutes": "30",
        },
    )
    parent = council.meeting.agenda_items.get()
    staff.post(
        url,
        {
            "agenda-source_language": "en",
            "agenda-title_en": "Party-building survey",
            "agenda-duration_minutes": "15",
            "agenda-parent": parent.pk,
            "agenda-speaker": "Secretary-general",
        },
    )
    page = staff.get(detail_url(council.meeting)).content.decode()
    assert ">2.1<" not in page and ">1.1<" in page and "Party-building survey" in page
    assert 'id="agenda-total"><strong>45<' in page
    response = staff.post(
        url,
        {"agenda-source_language": "en", "agenda-title_en": "", "agenda-duration_minutes": "-1"},
    )
    assert response.status_code == 200 and response.context["agenda_form"].errors


def test_documents_upload_and_download_after_the_permission_check(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:document_add", args=[council.meeting.pk])
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 half-year", content_type="application/pdf")
    response = staff.post(
        url,
        {"document-title": "Half-year report", "document-kind": "report", "document-file": upload},
    )
    assert response.status_code == 302
    document = council.meeting.documents.get()
    download = reverse("meetings:document_download", args=[council.meeting.pk, document.pk])
    got = login(world, "unit_officer").get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 half-year"
    assert login(world, "nobody").get(download).status_code == 404

    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = staff.post(
        url, {"document-title": "x", "document-kind": "report", "document-file": bad}
    )
    assert response.status_code == 200
    assert "not accepted" in str(response.context["document_form"].errors["file"])


def test_a_ballot_in_the_meeting(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:poll_create", args=[council.meeting.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        {
            "title": "Adopt the seven key tasks",
            "kind": "yes_no",
            "options": "The seven key tasks\n",
            "quorum": "1/2",
            "majority": "simple",
            "base": "valid",
            "verification": "individual",
        },
    )
    poll = Poll.objects.get()
    assert response["Location"] == reverse("ballots:detail", args=[poll.pk])
    assert poll.body == world.council and poll.verification == "individual"
    assert "Adopt the seven key tasks" in staff.get(detail_url(council.meeting)).content.decode()


def test_a_ballot_in_the_meeting_chooses_receipts_or_none(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:poll_create", args=[council.meeting.pk])
    page = staff.get(url).content.decode()
    assert 'name="verification" value="receipt_free"' in page
    data = {
        "title": "Commend the team",
        "kind": "yes_no",
        "options": "The Worker Pioneer team\n",
        "quorum": "1/2",
        "majority": "simple",
        "base": "valid",
    }
    missing = staff.post(url, data)
    assert missing.status_code == 200
    assert "verification" in missing.context["form"].errors
    assert not Poll.objects.exists()
    assert staff.post(url, {**data, "verification": "receipt_free"}).status_code == 302
    assert Poll.objects.get().verification == "receipt_free"


# --- resolutions -------------------------------------------------------------------------


def resolution_post(world, plan, rows: list[dict[str, Any]], **extra) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source_language": "en",
        "text_en": "The council adopts the key tasks of the second half-year.",
        "adopted_on": timezone.localdate().isoformat(),
        "plan": plan.pk,
        "tasks-TOTAL_FORMS": str(len(rows) + 1),
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "50",
        **extra,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"tasks-{i}-{key}"] = value
    return data


def test_a_resolution_and_its_key_tasks_in_one_step(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:resolution_create", args=[council.meeting.pk])
    form_page = staff.get(url, {"rows": "7"})
    assert form_page.status_code == 200 and len(form_page.context["rows"].forms) == 7

    response = staff.post(
        url,
        resolution_post(
            world,
            council.plan,
            [
                {
                    "title": "Prepare the 33rd China International Optics Fair",
                    "lead_unit": world.own.pk,
                },
                {
                    "title": "Set up the national standardization technical committee",
                    "lead_unit": world.sibling.pk,
                    "lead_person": world.users["unit_officer"].pk,
                    "due": council.plan.period_end.isoformat(),
                },
            ],
        ),
    )

    assert response.status_code == 302, response.context and response.context["form"].errors
    resolution = Resolution.objects.get()
    assert resolution.number == 1
    assert resolution.tasks.count() == 2
    page = staff.get(detail_url(council.meeting)).content.decode()
    task = Task.objects.get(title_en__startswith="Set up")
    assert reverse("workplans:task_detail", args=[task.pk]) in page


def test_a_bad_task_row_is_shown_on_its_row_and_nothing_is_saved(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:resolution_create", args=[council.meeting.pk])
    late = (council.plan.period_end + dt.timedelta(days=10)).isoformat()
    response = staff.post(
        url,
        resolution_post(
            world,
            council.plan,
            [
                {"title": "Fine", "lead_unit": world.own.pk},
                {"title": "Too late", "lead_unit": world.own.pk, "due": late},
            ],
        ),
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert "within the plan's period" in rows.forms[1].errors["due"][0]
    assert not rows.forms[0].errors
    assert not Resolution.objects.exists() and not Task.objects.exists()


def test_tasks_without_a_plan_are_refused_on_the_plan_field(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:resolution_create", args=[council.meeting.pk])
    data = resolution_post(world, council.plan, [{"title": "T", "lead_unit": world.own.pk}])
    data["plan"] = ""
    response = staff.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["plan"] == [
        "Choose the work plan that receives the tasks."
    ]


def test_a_closed_plan_is_not_offered_for_a_resolutions_tasks(world, council):
    from pacesetter.workplans.services import plan_close

    plan_close(actor=world.users["committee_staff"], plan=council.plan)
    staff = login(world, "committee_staff")
    url = reverse("meetings:resolution_create", args=[council.meeting.pk])
    offered = staff.get(url).context["form"].fields["plan"].queryset
    assert council.plan not in offered
    data = resolution_post(world, council.plan, [{"title": "T", "lead_unit": world.own.pk}])
    response = staff.post(url, data)
    assert response.status_code == 200 and "plan" in response.context["form"].errors
    assert not Resolution.objects.exists() and not Task.objects.exists()


# --- the door ----------------------------------------------------------------------------


def test_the_door_page_is_for_staff_of_the_organizer(world, council):
    url = reverse("meetings:checkin", args=[council.meeting.pk])
    page = login(world, "committee_staff").get(url)
    assert page.status_code == 200 and b"autofocus" in page.content
    assert login(world, "unit_officer").get(url).status_code == 403
    assert login(world, "nobody").get(url).status_code == 404


def test_checking_in_at_the_door_with_htmx(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:checkin", args=[council.meeting.pk])
    code = council.guest_invitation.code

    response = staff.post(url, {"code": code.lower()}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="checkin-ok"' in html and "Guest of honour" in html
    assert 'hx-swap-oob="true"' in html and "<strong>1</strong>" in html

    again = staff.post(url, {"code": code}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="checkin-error"' in again and "already checked in" in again
    wrong = staff.post(url, {"code": "NOPE1234"}, headers={"HX-Request": "true"}).content.decode()
    assert "No invitation has the code NOPE1234." in wrong


def test_checking_in_at_the_door_without_javascript(world, council):
    staff = login(world, "committee_staff")
    url = reverse("meetings:checkin", args=[council.meeting.pk])
    other = make_meeting(world, title="Review conference")
    stranger = InvitationFactory(meeting=other)
    response = staff.post(url, {"code": stranger.code})
    html = response.content.decode()
    assert "<html" in html and "another meeting" in html and "Review conference" in html
    response = staff.post(url, {"code": council.officer_invitation.code})
    assert 'id="checkin-ok"' in response.content.decode()


def test_checking_oneself_in(world, council):
    url = reverse("meetings:self_checkin", args=[council.meeting.pk])
    response = login(world, "unit_officer").post(url, follow=True)
    assert "You are checked in" in response.content.decode()
    council.officer_invitation.refresh_from_db()
    assert council.officer_invitation.checked_in_by == world.users["unit_officer"]
    # A council member sees the meeting but holds no invitation.
    assert login(world, "council_member").post(url).status_code == 403
    assert login(world, "nobody").post(url).status_code == 404


# --- research visits ---------------------------------------------------------------------


def test_a_research_visit_from_units_to_follow_up_task(world, council):
    visit = make_meeting(
        world,
        kind=MeetingKind.RESEARCH_VISIT,
        title="Research visit to Hunan",
        body=None,
        topics="Union reform",
    )
    staff = login(world, "committee_staff")
    response = staff.post(
        reverse("meetings:visited_units", args=[visit.pk]), {"visit-units": [world.own.pk]}
    )
    assert response.status_code == 302
    response = staff.post(
        reverse("meetings:finding_add", args=[visit.pk]),
        {
            "finding-unit": world.own.pk,
            "finding-topic": "Union reform",
            "finding-text": "Stronger unions.",
        },
    )
    assert response.status_code == 302
    finding = visit.findings.get()
    page = staff.get(detail_url(visit)).content.decode()
    assert "Stronger unions." in page and 'list="visit-topics"' in page
    follow = reverse("meetings:finding_follow_up", args=[visit.pk, finding.pk])
    assert follow in page

    response = staff.post(
        follow,
        {
            "plan": council.plan.pk,
            "title": "Model-worker innovation platform",
            "lead_unit": world.own.pk,
        },
    )
    assert response.status_code == 302
    assert Task.objects.get().finding == finding
    # The visited unit's officer sees the visit, read-only.
    officer_page = login(world, "unit_officer").get(detail_url(visit))
    assert officer_page.status_code == 200 and follow not in officer_page.content.decode()


def test_a_finding_needs_a_visited_unit(world):
    visit = make_meeting(world, kind=MeetingKind.RESEARCH_VISIT, body=None)
    visited_units_set(actor=None, meeting=visit, units=[world.own])
    finding_add(actor=None, meeting=visit, unit=world.own, topic="t", text="x")
    response = login(world, "committee_staff").post(
        reverse("meetings:finding_add", args=[visit.pk]),
        {"finding-unit": world.sibling.pk, "finding-topic": "t", "finding-text": "x"},
    )
    assert response.status_code == 200 and response.context["finding_form"].errors["unit"]


def test_cancelled_meeting_page_offers_no_forms(world, council):
    staff = login(world, "committee_staff")
    staff.post(reverse("meetings:meeting_state", args=[council.meeting.pk]), {"state": "cancelled"})
    page = staff.get(detail_url(council.meeting)).content.decode()
    assert "Invite someone" not in page and "Add an agenda item" not in page
    assert reverse("meetings:checkin", args=[council.meeting.pk]) not in page


# --- review fixes ----------------------------------------------------------------------


def test_undo_a_check_in_from_the_invitations_table(world, council):
    check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)
    staff = login(world, "committee_staff")
    url = reverse("meetings:check_in_undo", args=[council.guest_invitation.pk])
    page = staff.get(detail_url(council.meeting)).content.decode()
    assert f'action="{url}"' in page
    # Rows not checked in have no such button.
    other = reverse("meetings:check_in_undo", args=[council.unit_invitation.pk])
    assert f'action="{other}"' not in page

    assert login(world, "unit_officer").post(url, {"reason": "x"}).status_code == 404
    response = staff.post(url, {"reason": ""}, follow=True)
    assert "Say why the check-in is taken back." in response.content.decode()
    response = staff.post(url, {"reason": "Wrong\x00person"}, follow=True)
    assert "Null characters are not allowed." in response.content.decode()
    response = staff.get(detail_url(council.meeting), {"who": "Guest\x00"})
    assert response.status_code == 200
    response = staff.post(url, {"reason": "Wrong person"}, follow=True)
    assert "The check-in of Guest of honour is taken back." in response.content.decode()
    council.guest_invitation.refresh_from_db()
    assert council.guest_invitation.checked_in_at is None


def test_the_attendance_polls_only_while_the_meeting_runs(world, council):
    staff = login(world, "committee_staff")
    polling = 'hx-trigger="every 5s"'
    past = make_meeting(
        world,
        starts_at=timezone.now() - dt.timedelta(days=5),
        ends_at=timezone.now() - dt.timedelta(days=5) + dt.timedelta(hours=2),
    )
    future = make_meeting(world, starts_at=timezone.now() + dt.timedelta(days=30), ends_at=None)
    cancelled = make_meeting(world)
    cancelled.state = "cancelled"
    cancelled.save(update_fields=["state"])
    for meeting, polls in (
        (council.meeting, True),
        (past, False),
        (future, False),
        (cancelled, False),
    ):
        page = staff.get(detail_url(meeting)).content.decode()
        assert (polling in page) is polls, meeting
        partial = staff.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
        assert (polling in partial) is polls, meeting
    door = staff.get(reverse("meetings:checkin", args=[past.pk])).content.decode()
    assert polling not in door and 'id="attendance"' in door


def test_inviting_someone_by_hand_proposes_a_guest(world, council):
    page = login(world, "committee_staff").get(detail_url(council.meeting))
    assert page.context["invitation_form"]["role"].value() == "guest"
    assert '<option value="guest" selected>' in page.content.decode()


def test_final_minutes_hide_the_state_buttons(world, council):
    Minutes.objects.create(meeting=council.meeting, text="…", state=MinutesState.FINAL)
    page = login(world, "committee_staff").get(detail_url(council.meeting)).content.decode()
    assert reverse("meetings:meeting_state", args=[council.meeting.pk]) not in page


def test_the_invitations_table_is_searched_and_paged(client, world, council):
    from pacesetter.meetings.views import INVITATIONS_PER_PAGE

    meeting = council.meeting
    for number in range(1, INVITATIONS_PER_PAGE + 6):
        InvitationFactory(meeting=meeting, label=f"Guest {number:03d}", role="guest")
    client.force_login(world.users["committee_staff"])
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    first = client.get(url).content.decode()
    assert first.count("data-invitation=") == INVITATIONS_PER_PAGE
    assert 'rel="next"' in first
    found = client.get(url, {"who": "guest 007"}).content.decode()
    assert found.count("data-invitation=") == 1 and "Guest 007" in found
    code = meeting.invitations.get(label="Guest 042").code
    by_code = client.get(url, {"who": code.lower()}).content.decode()
    assert by_code.count("data-invitation=") == 1 and "Guest 042" in by_code
    nothing = client.get(url, {"who": "nobody"}).content.decode()
    assert "No invitation matches this search." in nothing


def test_more_rows_keeps_what_was_typed_and_saves_nothing(client, world, council):
    client.force_login(world.users["committee_staff"])
    url = reverse("meetings:resolution_create", args=[council.meeting.pk])
    response = client.post(
        url,
        {
            "source_language": "en",
            "text_en": "Typed before asking for more rows",
            "adopted_on": "",
            "tasks-TOTAL_FORMS": "2",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-title": "First typed task",
            "tasks-0-lead_unit": str(world.own.pk),
            "more_rows": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Typed before asking for more rows" in page and 'value="First typed task"' in page
    assert 'name="tasks-TOTAL_FORMS" value="7"' in page
    assert "This field is required" not in page  # not judged yet
    assert not council.meeting.resolutions.exists()
