"""/api/v1/meetings: each endpoint, with its refusals in the one error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.ballots.models import Poll
from pacesetter.bodies.policies import body_policy
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.meetings.models import (
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingPoll,
    Resolution,
)
from pacesetter.meetings.services import (
    agenda_item_add,
    check_in,
    document_add,
    finding_add,
    invitation_add,
    meeting_poll_create,
    meeting_set_state,
    minutes_draft,
    minutes_finalize,
    visited_units_set,
)
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans.models import Task
from pacesetter.workplans.tests.factories import WorkPlanFactory

from .conftest import make_meeting

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def staff(world) -> ApiClient:
    return ApiClient(world.users["committee_staff"])


@pytest.fixture
def officer(world) -> ApiClient:
    return ApiClient(world.users["unit_officer"])


@pytest.fixture
def nobody(world) -> ApiClient:
    return ApiClient(world.users["nobody"])


# --- meetings ------------------------------------------------------------------------


def test_create_read_update_a_meeting(world, staff):
    body = {
        "kind": "council",
        "title": "9th standing council",
        "organizer_unit_id": world.committee.pk,
        "body_id": world.council.pk,
        "starts_at": "2021-05-26T09:00:00+08:00",
        "ends_at": "2021-05-26T17:00:00+08:00",
        "place": "Changsha, Hunan",
        "topics": "Half-year report\nKey tasks",
        "quorum": "0.5",
    }
    created = ok(staff.post("/meetings", body), 201)
    assert created["organizer_unit"]["code"] == "COMM" and created["body"]["name"] == "Council"
    assert created["quorum"] == "1/2"
    assert created["topics"] == ["Half-year report", "Key tasks"]
    assert created["attendance"]["expected"] == 0 and created["may_manage"] is True
    mid = created["id"]

    read = ok(staff.get(f"/meetings/{mid}"))
    assert read["title"] == "9th standing council" and read["state"] == "planned"
    changed = ok(staff.patch(f"/meetings/{mid}", {"chair": "Chair", "body_id": None}))
    assert changed["chair"] == "Chair" and changed["body"] is None
    assert changed["quorum"] == "1/2"  # not sent: kept
    thirds = ok(staff.patch(f"/meetings/{mid}", {"quorum": "2/3"}))
    assert thirds["quorum"] == "2/3" and thirds["attendance"]["quorum"] == "2/3"
    assert ok(staff.get(f"/meetings/{mid}"))["quorum"] == "2/3"
    assert changed["place"] == "Changsha, Hunan"
    held = ok(staff.post(f"/meetings/{mid}/state", {"state": "held"}))
    assert held["state"] == "held"


def test_meeting_refusals(world, staff, officer, nobody, council):
    mid = council.meeting.pk
    assert_error_shape(nobody.get(f"/meetings/{mid}"), 404, "not_found")
    assert_error_shape(officer.patch(f"/meetings/{mid}", {"chair": "x"}), 403, "forbidden")
    assert_error_shape(officer.post(f"/meetings/{mid}/state", {"state": "held"}), 403)
    body = {
        "kind": "council",
        "title": "x",
        "organizer_unit_id": world.other.pk,  # not visible to the staff of the province
        "starts_at": "2021-05-26T09:00:00Z",
    }
    error = assert_error_shape(staff.post("/meetings", body), 422, "invalid")
    assert "organizer_unit_id" in error["detail"]
    body["organizer_unit_id"] = world.own.pk  # visible, but the officer is no staff
    assert_error_shape(officer.post("/meetings", body), 403, "forbidden")
    body.update(organizer_unit_id=world.committee.pk, ends_at="2021-05-25T09:00:00Z")
    error = assert_error_shape(staff.post("/meetings", body), 422, "invalid")
    assert error["detail"]["ends_at"] == ["The meeting cannot end before it starts."]
    error = assert_error_shape(staff.post("/meetings", {**body, "quorum": "2"}), 422)
    assert error["detail"][0]["loc"][-1] == "quorum"
    error = assert_error_shape(staff.patch(f"/meetings/{mid}", {"title": None}), 422)
    assert "title" in error["detail"]


def test_the_list_searches_and_filters(world, staff, officer, nobody, council):
    make_meeting(
        world,
        title="Demonstration exchange",
        kind=MeetingKind.EXCHANGE,
        place="Danyang",
        starts_at=timezone.now().replace(year=2024),
        ends_at=None,
    )
    titles = lambda r: [m["title"] for m in ok(r)["items"]]  # noqa: E731
    assert set(titles(staff.get("/meetings"))) == {council.meeting.title, "Demonstration exchange"}
    assert titles(staff.get("/meetings", q="danyang")) == ["Demonstration exchange"]
    assert titles(staff.get("/meetings", kind="council")) == [council.meeting.title]
    assert titles(staff.get("/meetings", year=2024)) == ["Demonstration exchange"]
    assert titles(officer.get("/meetings")) == [council.meeting.title]
    assert ok(nobody.get("/meetings"))["count"] == 0
    assert_error_shape(staff.get("/meetings", kind="party"), 422, "invalid")


# --- invitations, attendance, check-in ---------------------------------------------------


def test_invitations_list_and_add(world, staff, officer, council):
    mid = council.meeting.pk
    listed = ok(staff.get(f"/meetings/{mid}/invitations"))
    assert listed["count"] == 3 and all(len(i["code"]) == 8 for i in listed["items"])
    mine = ok(officer.get(f"/meetings/{mid}/invitations"))
    assert [i["id"] for i in mine["items"]] == [council.officer_invitation.pk]

    added = ok(
        staff.post(
            f"/meetings/{mid}/invitations", {"user_id": world.users["viewer"].pk, "role": "guest"}
        ),
        201,
    )
    assert added["user"]["username"] == "viewer" and added["role"] == "guest"
    again = assert_error_shape(
        staff.post(f"/meetings/{mid}/invitations", {"user_id": world.users["viewer"].pk}), 422
    )
    assert "user" in again["detail"]
    assert_error_shape(staff.post(f"/meetings/{mid}/invitations", {}), 422, "invalid")
    hidden = assert_error_shape(
        staff.post(f"/meetings/{mid}/invitations", {"unit_id": world.other.pk}), 422
    )
    assert "unit_id" in hidden["detail"]
    assert_error_shape(officer.post(f"/meetings/{mid}/invitations", {"label": "x"}), 403)


def test_invite_the_body_and_register(world, staff, officer):
    meeting = make_meeting(world)
    assert ok(staff.post(f"/meetings/{meeting.pk}/invitations/body-members")) == {"added": 1}
    assert ok(staff.post(f"/meetings/{meeting.pk}/invitations/body-members")) == {"added": 0}
    invitation = meeting.invitations.get()
    url = f"/meetings/{meeting.pk}/invitations/{invitation.pk}/registration"
    registered = ok(officer.post(url, {"registered": True}))  # officer of the invited unit
    assert registered["registered_at"] is not None
    assert_error_shape(ApiClient(world.users["viewer"]).post(url, {"registered": True}), 404)
    bodiless = make_meeting(world, body=None)
    error = assert_error_shape(staff.post(f"/meetings/{bodiless.pk}/invitations/body-members"), 422)
    assert "body" in error["detail"]


def test_check_in_and_attendance(world, staff, officer, council):
    mid = council.meeting.pk
    code = council.officer_invitation.code
    result = ok(staff.post(f"/meetings/{mid}/check-in", {"code": f"{code[:4]}-{code[4:]}".lower()}))
    assert result["invitation"]["id"] == council.officer_invitation.pk
    assert result["invitation"]["checked_in_by"] == "staff"
    assert result["attendance"]["present"] == 1 and result["attendance"]["quorum_met"] is True

    # Each refusal answers its own code, beside the message on the code field.
    again = staff.post(f"/meetings/{mid}/check-in", {"code": code})
    used = assert_error_shape(again, 422, "already_checked_in")
    assert "already checked in" in used["detail"]["code"][0]
    unknown = staff.post(f"/meetings/{mid}/check-in", {"code": "AAAA2222"})
    wrong = assert_error_shape(unknown, 422, "unknown_code")
    assert wrong["detail"]["code"] == ["No invitation has the code AAAA2222."]
    other = make_meeting(world, title="Another meeting")
    stranger = staff.post(f"/meetings/{other.pk}/check-in", {"code": council.guest_invitation.code})
    detail = assert_error_shape(stranger, 422, "other_meeting")["detail"]
    assert council.meeting.title in detail["code"][0]
    assert_error_shape(officer.post(f"/meetings/{mid}/check-in", {"code": code}), 403)
    assert_error_shape(staff.post(f"/meetings/{mid}/check-in", {}), 422, "invalid")

    counts = ok(officer.get(f"/meetings/{mid}/attendance"))
    assert counts == {
        "expected": 3,
        "registered": 0,
        "present": 1,
        "voting_expected": 2,
        "voting_present": 1,
        "quorum": "1/2",
        "quorum_needed": 1,
        "quorum_met": True,
        "delegations_expected": 0,
        "delegations_present": 0,
    }
    assert_error_shape(ApiClient(world.users["nobody"]).get(f"/meetings/{mid}/attendance"), 404)


def test_the_door_refuses_before_it_opens_with_its_code(world, staff):
    start = timezone.now() + dt.timedelta(days=2)
    later = make_meeting(world, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    early = invitation_add(actor=None, meeting=later, label="Early")
    response = staff.post(f"/meetings/{later.pk}/check-in", {"code": early.code})
    assert "opens at" in assert_error_shape(response, 422, "not_open")["detail"]["code"][0]


def test_self_check_in(world, officer, council):
    mid = council.meeting.pk
    result = ok(officer.post(f"/meetings/{mid}/self-check-in"))
    assert result["invitation"]["checked_in_by"] == "officer"
    assert_error_shape(officer.post(f"/meetings/{mid}/self-check-in"), 422)
    councillor = ApiClient(world.users["council_member"])
    assert_error_shape(councillor.post(f"/meetings/{mid}/self-check-in"), 403, "forbidden")
    detail = ok(officer.get(f"/meetings/{mid}"))
    assert detail["my_invitation"]["checked_in_at"] is not None and detail["running"] is True


# --- agenda --------------------------------------------------------------------------


def test_agenda_list_and_add(world, staff, officer, council):
    mid = council.meeting.pk
    report = ok(
        staff.post(f"/meetings/{mid}/agenda", {"title": "Reports", "duration_minutes": 30}), 201
    )
    sub = ok(
        staff.post(
            f"/meetings/{mid}/agenda",
            {
                "title": "Party-building survey",
                "duration_minutes": 15,
                "parent_id": report["id"],
                "speaker_unit_id": world.own.pk,
            },
        ),
        201,
    )
    assert sub["number"] == "1.1" and sub["speaker_unit"]["code"] == "OWN"
    agenda = ok(officer.get(f"/meetings/{mid}/agenda"))
    assert [(i["number"], i["total_minutes"]) for i in agenda["items"]] == [("1", 45), ("1.1", 15)]
    assert agenda["total_minutes"] == 45

    other = make_meeting(world)
    foreign = {"title": "x", "parent_id": report["id"]}
    assert (
        "parent_id"
        in assert_error_shape(staff.post(f"/meetings/{other.pk}/agenda", foreign), 422)["detail"]
    )
    assert_error_shape(
        staff.post(f"/meetings/{mid}/agenda", {"title": "x", "duration_minutes": -5}), 422
    )
    assert_error_shape(officer.post(f"/meetings/{mid}/agenda", {"title": "x"}), 403)


# --- resolutions ---------------------------------------------------------------------


def test_a_resolution_with_its_tasks(world, staff, officer, council):
    mid = council.meeting.pk
    poll = meeting_poll_create(
        actor=None, meeting=council.meeting, title="Adopt", kind="yes_no", options=["Tasks"]
    )
    body = {
        "text": "The council adopts the 7 key tasks.",
        "adopted_on": timezone.localdate().isoformat(),
        "poll_id": poll.pk,
        "plan_id": council.plan.pk,
        "tasks": [
            {"title": "Prepare the optics fair", "lead_unit_id": world.own.pk},
            {
                "title": "Run the optometry skills competition",
                "lead_unit_id": world.sibling.pk,
                "lead_person_id": world.users["unit_officer"].pk,
                "supporting_unit_ids": [world.own.pk],
                "due": council.plan.period_end.isoformat(),
            },
        ],
    }
    created = ok(staff.post(f"/meetings/{mid}/resolutions", body), 201)
    assert created["number"] == 1 and created["poll_id"] == poll.pk
    assert [t["title"] for t in created["tasks"]] == [
        "Prepare the optics fair",
        "Run the optometry skills competition",
    ]
    listed = ok(officer.get(f"/meetings/{mid}/resolutions"))
    assert len(listed) == 1 and len(listed[0]["tasks"]) == 2


def test_resolution_refusals_leave_nothing(world, staff, officer, council):
    mid = council.meeting.pk
    late = (council.plan.period_end + dt.timedelta(days=1)).isoformat()
    body = {
        "text": "Adopt.",
        "adopted_on": timezone.localdate().isoformat(),
        "plan_id": council.plan.pk,
        "tasks": [
            {"title": "Fine", "lead_unit_id": world.own.pk},
            {"title": "Late", "lead_unit_id": world.own.pk, "due": late},
        ],
    }
    error = assert_error_shape(staff.post(f"/meetings/{mid}/resolutions", body), 422)
    assert list(error["detail"]) == ["tasks.1.due"]
    assert not Resolution.objects.exists() and not Task.objects.exists()

    hidden_unit = {**body, "tasks": [{"title": "x", "lead_unit_id": world.other.pk}]}
    error = assert_error_shape(staff.post(f"/meetings/{mid}/resolutions", hidden_unit), 422)
    assert "tasks.0.lead_unit_id" in error["detail"]
    no_plan = {**body, "plan_id": None, "tasks": [{"title": "x", "lead_unit_id": world.own.pk}]}
    assert (
        "plan"
        in assert_error_shape(staff.post(f"/meetings/{mid}/resolutions", no_plan), 422)["detail"]
    )
    other_plan = WorkPlanFactory(body__owner_unit=world.other_root)  # a plan the staff may not see
    invisible = {**body, "plan_id": other_plan.pk, "tasks": []}
    assert (
        "plan_id"
        in assert_error_shape(staff.post(f"/meetings/{mid}/resolutions", invisible), 422)["detail"]
    )
    foreign_poll = meeting_poll_create(
        actor=None, meeting=make_meeting(world), title="x", kind="yes_no", options=["y"]
    )
    wrong_poll = {**body, "tasks": [], "poll_id": foreign_poll.pk}
    assert (
        "poll_id"
        in assert_error_shape(staff.post(f"/meetings/{mid}/resolutions", wrong_poll), 422)["detail"]
    )
    assert_error_shape(officer.post(f"/meetings/{mid}/resolutions", {**body, "tasks": []}), 403)
    assert not Resolution.objects.exists()


def test_a_plan_seen_but_not_managed_is_forbidden(world, council):
    # The council member sees the council's plan but does not manage it; staff of the
    # organizer without rights on the plan get the same 403.
    organizer = UserFactory(username="organizer")
    role_grant(actor=None, user=organizer, role=Role.COMMITTEE_STAFF, unit=world.sibling)
    role_grant(actor=None, user=organizer, role=Role.COUNCIL_MEMBER, body=world.council)
    meeting = make_meeting(world, organizer_unit=world.sibling)
    body = {
        "text": "Adopt.",
        "adopted_on": timezone.localdate().isoformat(),
        "plan_id": council.plan.pk,
        "tasks": [{"title": "t", "lead_unit_id": world.sibling.pk}],
    }
    response = ApiClient(organizer).post(f"/meetings/{meeting.pk}/resolutions", body)
    assert_error_shape(response, 403, "forbidden")


# --- research visits -----------------------------------------------------------------


def test_visited_units_findings_and_follow_up(world, staff, officer, council):
    visit = make_meeting(world, kind=MeetingKind.RESEARCH_VISIT, body=None, title="Hunan visit")
    vid = visit.pk
    units = ok(staff.put(f"/meetings/{vid}/visited-units", {"unit_ids": [world.own.pk]}))
    assert [u["code"] for u in units] == ["OWN"]
    finding = ok(
        staff.post(
            f"/meetings/{vid}/findings",
            {
                "unit_id": world.own.pk,
                "topic": "Union reform",
                "text": "Stronger grassroots unions.",
            },
        ),
        201,
    )
    assert finding["unit"]["code"] == "OWN" and finding["tasks"] == []
    error = assert_error_shape(
        staff.post(
            f"/meetings/{vid}/findings", {"unit_id": world.sibling.pk, "topic": "t", "text": "x"}
        ),
        422,
    )
    assert "unit" in error["detail"]
    task = ok(
        staff.post(
            f"/meetings/{vid}/findings/{finding['id']}/follow-up",
            {
                "plan_id": council.plan.pk,
                "title": "Innovation platform",
                "lead_unit_id": world.own.pk,
            },
        ),
        201,
    )
    assert task["title"] == "Innovation platform"
    listed = ok(officer.get(f"/meetings/{vid}/findings"))
    assert listed[0]["tasks"][0]["id"] == task["id"]
    assert_error_shape(
        staff.post(
            f"/meetings/{vid}/findings/999999/follow-up",
            {"plan_id": council.plan.pk, "title": "x", "lead_unit_id": world.own.pk},
        ),
        404,
    )
    assert_error_shape(officer.put(f"/meetings/{vid}/visited-units", {"unit_ids": []}), 403)
    not_a_visit = staff.put(
        f"/meetings/{council.meeting.pk}/visited-units", {"unit_ids": [world.own.pk]}
    )
    assert_error_shape(not_a_visit, 422)


def test_the_openapi_document_lists_the_meeting_endpoints():
    paths = ApiClient().get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/meetings/{meeting_id}/invitations",
        "/api/v1/meetings/{meeting_id}/check-in",
        "/api/v1/meetings/{meeting_id}/attendance",
        "/api/v1/meetings/{meeting_id}/agenda",
        "/api/v1/meetings/{meeting_id}/resolutions",
        "/api/v1/meetings/{meeting_id}/findings",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/meetings/{meeting_id}"]) == {"get", "patch"}


def test_the_detail_shows_what_the_services_recorded(world, council):
    check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)
    visit = make_meeting(world, kind=MeetingKind.RESEARCH_VISIT, body=None)
    visited_units_set(actor=None, meeting=visit, units=[world.own])
    finding_add(actor=None, meeting=visit, unit=world.own, topic="t", text="x")
    staff = ApiClient(world.users["committee_staff"])
    assert ok(staff.get(f"/meetings/{council.meeting.pk}"))["attendance"]["present"] == 1
    assert [u["code"] for u in ok(staff.get(f"/meetings/{visit.pk}"))["visited_units"]] == ["OWN"]
    assert Meeting.objects.count() == 2


# --- review fixes ----------------------------------------------------------------------


def test_a_meeting_of_a_body_the_staff_merely_sit_on_is_refused(world, staff):
    """The Own unit (under the staff's province) holds a seat on another root's council:
    the staff see that council but do not run it, so they may not hold its meetings."""
    elsewhere = BodyFactory(name="Other council", owner_unit=world.other_root)
    body_member_add(actor=None, body=elsewhere, unit=world.own, start=dt.date(2024, 1, 1))
    assert body_policy.allows(world.users["committee_staff"], "view", elsewhere)
    body = {
        "kind": "council",
        "title": "Not ours",
        "organizer_unit_id": world.committee.pk,
        "body_id": elsewhere.pk,
        "starts_at": "2021-05-26T09:00:00+08:00",
    }
    assert_error_shape(staff.post("/meetings", body), 403, "forbidden")
    assert not Meeting.objects.filter(title_en="Not ours").exists()

    meeting = make_meeting(world)  # of the Council, which the staff run
    assert_error_shape(staff.patch(f"/meetings/{meeting.pk}", {"body_id": elsewhere.pk}), 403)
    kept = ok(staff.patch(f"/meetings/{meeting.pk}", {"body_id": world.council.pk}))
    assert kept["body"]["name"] == "Council"


def test_a_meetings_current_body_stays_choosable_by_its_editors(world):
    """A meeting keeps its body when edited by someone who runs the meeting but not
    the body (the web form does the same)."""
    elsewhere = BodyFactory(name="Other council", owner_unit=world.other_root)
    meeting = make_meeting(world, body=elsewhere)
    staff = ApiClient(world.users["committee_staff"])
    changed = ok(staff.patch(f"/meetings/{meeting.pk}", {"body_id": elsewhere.pk, "chair": "C"}))
    assert changed["chair"] == "C" and changed["body"]["name"] == "Other council"


def test_officers_of_a_unit_do_not_see_nor_register_a_personal_invitation(
    world, staff, officer, council
):
    mid = council.meeting.pk
    personal = ok(
        staff.post(
            f"/meetings/{mid}/invitations",
            {"user_id": world.users["council_member"].pk, "unit_id": world.own.pk},
        ),
        201,
    )
    listed = [i["id"] for i in ok(officer.get(f"/meetings/{mid}/invitations"))["items"]]
    assert listed == [council.officer_invitation.pk]
    url = f"/meetings/{mid}/invitations/{personal['id']}/registration"
    assert_error_shape(officer.post(url, {"registered": True}), 404)
    person = ApiClient(world.users["council_member"])
    assert [i["id"] for i in ok(person.get(f"/meetings/{mid}/invitations"))["items"]] == [
        personal["id"]
    ]
    assert ok(person.post(url, {"registered": True}))["registered_at"] is not None


def test_manual_invitations_default_to_guests(world, staff, council):
    mid = council.meeting.pk
    added = ok(staff.post(f"/meetings/{mid}/invitations", {"label": "Journalist"}), 201)
    assert added["role"] == "guest"
    member = ok(
        staff.post(f"/meetings/{mid}/invitations", {"label": "Delegate", "role": "member"}), 201
    )
    assert member["role"] == "member"


def test_undo_a_check_in(world, staff, officer, council):
    mid = council.meeting.pk
    invitation = council.guest_invitation
    check_in(actor=None, meeting=council.meeting, code=invitation.code)
    url = f"/meetings/{mid}/invitations/{invitation.pk}/undo-check-in"
    assert_error_shape(officer.post(url, {"reason": "x"}), 404)  # not theirs to see
    mine = f"/meetings/{mid}/invitations/{council.officer_invitation.pk}/undo-check-in"
    assert_error_shape(officer.post(mine, {"reason": "x"}), 403)  # theirs, but not to undo
    error = assert_error_shape(staff.post(url, {"reason": " "}), 422)
    assert "reason" in error["detail"]
    undone = ok(staff.post(url, {"reason": "Scanned the wrong invitation"}))
    assert undone["checked_in_at"] is None and undone["checked_in_by"] is None
    error = assert_error_shape(staff.post(url, {"reason": "again"}), 422)
    assert "has not checked in" in error["message"] + str(error["detail"])
    other = make_meeting(world)
    wrong = f"/meetings/{other.pk}/invitations/{invitation.pk}/undo-check-in"
    assert "invitation_id" in assert_error_shape(staff.post(wrong, {"reason": "x"}), 422)["detail"]


# --- withdrawing an invitation ---------------------------------------------------------


def test_withdraw_an_invitation(world, staff, officer, nobody, council):
    mid = council.meeting.pk

    def url(invitation: Invitation) -> str:
        return f"/meetings/{mid}/invitations/{invitation.pk}"

    assert staff.delete(url(council.unit_invitation)).status_code == 204
    assert not Invitation.objects.filter(pk=council.unit_invitation.pk).exists()
    entry = AuditEntry.objects.filter(action="meeting.uninvite").get()
    assert entry.actor == world.users["committee_staff"]
    assert entry.changes == {"invitation": ["Sibling unit", None]}

    # The officer sees their own invitation but does not withdraw it; nobody sees none.
    assert_error_shape(officer.delete(url(council.officer_invitation)), 403, "forbidden")
    assert_error_shape(nobody.delete(url(council.guest_invitation)), 404, "not_found")
    other = make_meeting(world, title="Another meeting")
    wrong = staff.delete(f"/meetings/{other.pk}/invitations/{council.guest_invitation.pk}")
    assert "invitation_id" in assert_error_shape(wrong, 422, "invalid")["detail"]

    check_in(actor=None, meeting=council.meeting, code=council.guest_invitation.code)
    used = assert_error_shape(staff.delete(url(council.guest_invitation)), 422, "checked_in")
    assert used["detail"] == {"__all__": ["This invitee has checked in; the invitation stays."]}
    assert Invitation.objects.filter(meeting=council.meeting).count() == 2


def test_nothing_is_withdrawn_from_a_cancelled_meeting(world, staff, council):
    meeting_set_state(actor=None, meeting=council.meeting, state="cancelled")
    response = staff.delete(
        f"/meetings/{council.meeting.pk}/invitations/{council.guest_invitation.pk}"
    )
    assert_error_shape(response, 422, "cancelled")
    assert Invitation.objects.filter(pk=council.guest_invitation.pk).exists()


# --- documents -------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "report.pdf", content: bytes = b"%PDF-1.4 half-year") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_attach_list_and_download_a_document(world, staff, officer, nobody, council, media):
    mid = council.meeting.pk
    item = agenda_item_add(actor=None, meeting=council.meeting, title="Reports")
    created = ok(
        staff.upload(
            f"/meetings/{mid}/documents",
            {
                "file": pdf(),
                "title": "Half-year report",
                "kind": "speech",
                "agenda_item_id": item.pk,
            },
        ),
        201,
    )
    assert created["title"] == "Half-year report" and created["kind"] == "speech"
    assert created["agenda_item_id"] == item.pk and created["uploaded_by"] == "staff"
    assert created["file_name"].endswith(".pdf")
    untitled = ok(staff.upload(f"/meetings/{mid}/documents", {"file": pdf("speech.pdf")}), 201)
    assert untitled["title"] == "speech.pdf" and untitled["kind"] == "report"

    listed = ok(officer.get(f"/meetings/{mid}/documents"))
    assert [d["id"] for d in listed] == [created["id"], untitled["id"]]
    download = officer.get(f"/meetings/{mid}/documents/{created['id']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 half-year"
    assert_error_shape(nobody.get(f"/meetings/{mid}/documents/{created['id']}/file"), 404)
    assert_error_shape(staff.get(f"/meetings/{mid}/documents/999999/file"), 404)


def test_a_document_whose_write_fails_leaves_no_row_and_no_file(
    council, tmp_path, media, monkeypatch
):
    monkeypatch.setattr("pacesetter.audit.services.audit_record", _audit_unavailable)
    with pytest.raises(RuntimeError):
        document_add(actor=None, meeting=council.meeting, title="Report", file=pdf())
    assert not MeetingDocument.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def _audit_unavailable(**kwargs: Any) -> None:
    raise RuntimeError("the audit chain is unavailable")


def test_document_refusals(world, staff, officer, council, media, settings):
    mid = council.meeting.pk
    url = f"/meetings/{mid}/documents"
    assert_error_shape(officer.upload(url, {"file": pdf()}), 403, "forbidden")
    wrong_type = assert_error_shape(
        staff.upload(url, {"file": SimpleUploadedFile("run.exe", b"MZ")}), 422, "file_type"
    )
    assert "not accepted" in wrong_type["detail"]["file"][0]
    settings.UPLOAD_MAX_BYTES = 10
    too_large = staff.upload(url, {"file": pdf(content=b"%PDF-1.4 " + b"x" * 20)})
    assert "file" in assert_error_shape(too_large, 422, "file_too_large")["detail"]
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    missing = assert_error_shape(staff.upload(url, {"title": "No file"}), 422, "invalid")
    assert missing["detail"][0]["loc"][-1] == "file"
    foreign = agenda_item_add(actor=None, meeting=make_meeting(world), title="Elsewhere")
    error = assert_error_shape(
        staff.upload(url, {"file": pdf(), "agenda_item_id": foreign.pk}), 422, "invalid"
    )
    assert "agenda_item_id" in error["detail"]
    assert_error_shape(staff.upload(url, {"file": pdf(), "kind": "poster"}), 422, "invalid")
    assert not MeetingDocument.objects.exists()

    meeting_set_state(actor=None, meeting=council.meeting, state="held")
    minutes = minutes_draft(actor=None, meeting=council.meeting)
    minutes_finalize(actor=None, minutes=minutes, version=minutes.version)
    assert_error_shape(staff.upload(url, {"file": pdf()}), 422, "minutes_final")


# --- ballots held in the meeting ----------------------------------------------------


def test_a_ballot_held_in_the_meeting(world, staff, council):
    mid = council.meeting.pk
    item = agenda_item_add(actor=None, meeting=council.meeting, title="Elections")
    created = ok(
        staff.post(
            f"/meetings/{mid}/polls",
            {
                "title": "Elect the deputy chair",
                "kind": "approval",
                "options": ["Lam Son", " ", "Bac Song Ma"],
                "agenda_item_id": item.pk,
            },
        ),
        201,
    )
    assert created["state"] == "draft" and created["kind"] == "approval"
    assert created["body"]["name"] == "Council" and created["owner_unit"]["code"] == "COMM"
    assert [o["label"] for o in created["options"]] == ["Lam Son", "Bac Song Ma"]
    assert created["quorum"] == "1/2"  # the meeting's
    assert created["allowed_actions"] == ["update", "open"]  # update: its verification
    link = MeetingPoll.objects.get(poll_id=created["id"])
    assert (link.meeting_id, link.agenda_item_id) == (mid, item.pk)
    # The managers then run it as any poll.
    assert ok(staff.post(f"/polls/{created['id']}/open"))["state"] == "open"

    own_quorum = {"title": "Adopt", "options": ["Tasks"], "quorum": "0.75"}
    assert ok(staff.post(f"/meetings/{mid}/polls", own_quorum), 201)["quorum"] == "3/4"
    thirds = {"title": "Adopt", "options": ["Tasks"], "quorum": "2/3"}
    assert ok(staff.post(f"/meetings/{mid}/polls", thirds), 201)["quorum"] == "2/3"


def test_a_ballot_held_in_the_meeting_chooses_its_verification(world, staff, council):
    mid = council.meeting.pk
    body = {"title": "Commend the team", "options": ["The Worker Pioneer team"]}
    assert ok(staff.post(f"/meetings/{mid}/polls", body), 201)["verification"] == "individual"
    created = ok(
        staff.post(f"/meetings/{mid}/polls", {**body, "verification": "receipt_free"}), 201
    )
    assert created["verification"] == "receipt_free"
    assert Poll.objects.get(pk=created["id"]).receipt_free
    error = assert_error_shape(
        staff.post(f"/meetings/{mid}/polls", {**body, "verification": "maybe"}), 422, "invalid"
    )
    assert error["detail"][0]["loc"][-1] == "verification"
    assert MeetingPoll.objects.count() == 2


def test_ballot_refusals(world, staff, officer, council):
    mid = council.meeting.pk
    body = {"title": "Adopt", "options": ["Tasks"]}
    assert_error_shape(officer.post(f"/meetings/{mid}/polls", body), 403, "forbidden")
    bodiless = make_meeting(world, body=None)
    error = assert_error_shape(staff.post(f"/meetings/{bodiless.pk}/polls", body), 422, "invalid")
    assert "body" in error["detail"]
    error = assert_error_shape(
        staff.post(f"/meetings/{mid}/polls", {**body, "quorum": "2"}), 422, "invalid"
    )
    assert error["detail"][0]["loc"][-1] == "quorum"
    foreign = agenda_item_add(actor=None, meeting=bodiless, title="Elsewhere")
    error = assert_error_shape(
        staff.post(f"/meetings/{mid}/polls", {**body, "agenda_item_id": foreign.pk}), 422
    )
    assert "agenda_item_id" in error["detail"]
    assert not MeetingPoll.objects.exists()
    meeting_set_state(actor=None, meeting=council.meeting, state="cancelled")
    assert_error_shape(staff.post(f"/meetings/{mid}/polls", body), 422, "cancelled")
