"""The library through /api/v1/practices, and the record behind a practice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.awards.tests.factories import AwardGrantFactory
from pacesetter.campaigns.tests.factories import ReviewPointFactory
from pacesetter.chains.tests.factories import ChainFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.meetings.tests.factories import MeetingFactory
from pacesetter.practices.models import Practice
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans.tests.factories import TaskFactory

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db
BASE = "/practices"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_an_officer_proposes_and_staff_vet_through_the_api(world, work_fields):
    officer = ApiClient(world.users["unit_officer"])
    staff = ApiClient(world.users["committee_staff"])
    created = ok(
        officer.post(
            BASE,
            {
                "owner_unit_id": world.own.pk,
                "source_language": "zh-hans",
                "title": {"zh-hans": "劳模创新工作室", "en": "Model-worker innovation studio"},
                "body": {"zh-hans": "<p>师带徒<script>x()</script></p>"},
                "kind": "studio",
                "year": 2020,
                "lead_person": "Lead (demo)",
                "studio_level": "provincial",
                "team_size": 8,
                "funding_amount": "80000.00",
                "funding_currency": "CNY",
                "work_fields": ["mentoring", "innovation"],
                "source_unit_ids": [world.own.pk, world.child.pk],
            },
        ),
        201,
    )
    assert created["state"] == "proposed" and created["languages"] == ["en", "zh-hans"]
    assert created["translations"]["body"] == {"zh-hans": "<p>师带徒</p>"}
    assert sorted(created["work_fields"]) == ["innovation", "mentoring"]
    assert created["allowed_actions"] == ["edit", "comment"]
    assert [s["name"] for s in created["steps"]] == ["propose"]
    pk = created["id"]
    changed = ok(
        officer.patch(f"{BASE}/{pk}", {"team_size": 10, "title": {"vi": "Xưởng sáng tạo"}})
    )
    assert changed["team_size"] == 10 and changed["languages"] == ["en", "vi", "zh-hans"]
    # The officer may not vet.
    body = assert_error_shape(
        officer.post(f"{BASE}/{pk}/transition", {"name": "review", "comment": "x"}), 403
    )
    assert body["code"] == "forbidden"
    detail = ok(staff.get(f"{BASE}/{pk}"))
    assert detail["allowed_actions"] == ["edit", "comment", "review", "retire"]
    bad = assert_error_shape(staff.post(f"{BASE}/{pk}/transition", {"name": "publish"}), 422)
    assert bad["code"] == "invalid_transition"
    reviewed = ok(
        staff.post(
            f"{BASE}/{pk}/transition",
            {"name": "review", "assessment": "recommend", "comment": "Meets the 七有 criteria."},
        )
    )
    assert reviewed["state"] == "reviewed"
    missing = assert_error_shape(staff.post(f"{BASE}/{pk}/transition", {"name": "recognize"}), 422)
    assert missing["code"] == "decision_required"
    decision = DecisionFactory(owner_unit=world.root)
    recognized = ok(
        staff.post(f"{BASE}/{pk}/transition", {"name": "recognize", "decision_id": decision.pk})
    )
    assert recognized["decision_id"] == decision.pk
    ok(staff.post(f"{BASE}/{pk}/transition", {"name": "publish"}))
    nobody = ApiClient(world.users["nobody"])
    seen = ok(nobody.get(BASE, q="工作室"))
    assert [p["id"] for p in seen["items"]] == [pk]
    assert ok(nobody.get(f"{BASE}/{pk}"))["allowed_actions"] == []
    assert_error_shape(nobody.patch(f"{BASE}/{pk}", {"team_size": 1}), 403)


def test_an_officer_may_not_propose_for_another_unit(world):
    officer = ApiClient(world.users["unit_officer"])
    data = {"owner_unit_id": world.own.pk, "title": "X", "kind": "experience", "year": 2024}
    # A viewer sees the unit but does not propose for it; a unit not seen is no option.
    assert_error_shape(ApiClient(world.users["viewer"]).post(BASE, data), 403)
    body = assert_error_shape(officer.post(BASE, {**data, "owner_unit_id": world.sibling.pk}), 422)
    assert "owner_unit_id" in str(body["detail"])
    data = {**data, "source_unit_ids": [world.sibling.pk]}
    body = assert_error_shape(officer.post(BASE, data), 422)
    assert "source_unit_ids" in str(body["detail"])
    data = {**data, "source_unit_ids": [world.other.pk]}
    body = assert_error_shape(officer.post(BASE, data), 422)
    assert "source_unit_ids" in str(body["detail"])
    assert not Practice.objects.exists()
    assert_error_shape(ApiClient().get(BASE), 401)


def test_filters_and_fields(world, work_fields):
    PracticeFactory(owner_unit=world.own, title="Chuyển đổi số", kind="experience", year=2023)
    model = PracticeFactory(
        owner_unit=world.own,
        title="Advanced collective",
        kind="model",
        subject="collective",
        work_fields=[work_fields["safety"]],
    )
    staff = ApiClient(world.users["committee_staff"])
    assert [p["id"] for p in ok(staff.get(BASE, kind="model"))["items"]] == [model.pk]
    assert [p["id"] for p in ok(staff.get(BASE, field="safety"))["items"]] == [model.pk]
    assert ok(staff.get(BASE, q="chuyen doi so"))["count"] == 1
    assert ok(staff.get(BASE, year=2023))["count"] == 1
    codes = [f["code"] for f in ok(staff.get(f"{BASE}/fields"))]
    assert codes[0] == "production" and "mentoring" in codes


def test_the_record_behind_a_practice_is_linked_and_shown_to_who_may_see_it(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    review_point = ReviewPointFactory()
    meeting = MeetingFactory(organizer_unit=world.committee)
    chain = ChainFactory(owner_unit=world.committee)
    task = TaskFactory()
    grant = AwardGrantFactory(unit=world.own)
    staff = ApiClient(world.users["superuser"])
    created = ok(
        staff.post(
            BASE,
            {
                "owner_unit_id": world.own.pk,
                "title": "Rotating shift experience",
                "kind": "experience",
                "year": 2024,
                "review_point_id": review_point.pk,
                "meeting_id": meeting.pk,
                "chain_id": chain.pk,
                "task_ids": [task.pk],
                "award_grant_ids": [grant.pk],
            },
        ),
        201,
    )
    assert (created["review_point_id"], created["meeting_id"], created["chain_id"]) == (
        review_point.pk,
        meeting.pk,
        chain.pk,
    )
    assert created["task_ids"] == [task.pk] and created["award_grant_ids"] == [grant.pk]
    pk = created["id"]
    upload = staff.upload(
        f"{BASE}/{pk}/evidence",
        {"file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 m"), "title": "Minutes"},
    )
    evidence = ok(upload, 201)
    assert evidence["name"] == "minutes.pdf"
    wrong = staff.upload(
        f"{BASE}/{pk}/evidence", {"file": SimpleUploadedFile("x.pdf", b"plain text")}
    )
    assert assert_error_shape(wrong, 422)["code"] == "file_type"
    officer = ApiClient(world.users["unit_officer"])
    got = officer.get(f"{BASE}/{pk}/evidence/{evidence['id']}/file")
    assert b"".join(got.streaming_content) == b"%PDF-1.4 m"
    client.force_login(world.users["superuser"])
    html = client.get(f"/practices/{pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/" in html and f"/chains/{chain.pk}/" in html
    assert f"/workplans/tasks/{task.pk}/" in html
    # The officer reads the practice but only the linked records its roles show it.
    client.force_login(world.users["unit_officer"])
    page = client.get(f"/practices/{pk}/")
    assert page.context["chain"] is None and page.context["tasks"] == []
    assert page.context["grants"] == [grant]
    # A record the user may not see cannot be linked.
    body = assert_error_shape(officer.patch(f"{BASE}/{pk}", {"task_ids": [task.pk]}), 422)
    assert "task_ids" in str(body["detail"])


def test_a_patch_with_a_stale_version_is_a_409_and_changes_nothing(world):
    practice = PracticeFactory(owner_unit=world.own, year=2024)
    staff = ApiClient(world.users["committee_staff"])
    read = ok(staff.get(f"{BASE}/{practice.pk}"))["version"]
    changed = ok(staff.patch(f"{BASE}/{practice.pk}", {"year": 2023, "version": read}))
    assert changed["version"] == read + 1
    body = assert_error_shape(
        staff.patch(
            f"{BASE}/{practice.pk}", {"year": 2022, "title": {"en": "Lost"}, "version": read}
        ),
        409,
    )
    assert body["code"] == "stale_version" and "Someone else saved this practice" in body["message"]
    practice.refresh_from_db()
    assert (practice.year, practice.version) == (2023, read + 1)
    assert "Lost" not in (practice.title_en, practice.title)
    # Without a version the change is made (as before versions).
    assert ok(staff.patch(f"{BASE}/{practice.pk}", {"year": 2021}))["version"] == read + 2


def test_a_models_level_through_the_api(world):
    officer = ApiClient(world.users["unit_officer"])
    data = {
        "owner_unit_id": world.own.pk,
        "title": "Lam Son's collective",
        "kind": "model",
        "subject": "collective",
        "level": "national",
        "year": 2024,
    }
    created = ok(officer.post(BASE, data), 201)
    assert created["level"] == "national"
    changed = ok(officer.patch(f"{BASE}/{created['id']}", {"level": "local"}))
    assert changed["level"] == "local"
    bad = assert_error_shape(officer.patch(f"{BASE}/{created['id']}", {"level": "cosmic"}), 422)
    assert "level" in bad["detail"]
    studio = assert_error_shape(
        officer.post(
            BASE,
            {
                **data,
                "kind": "studio",
                "subject": "",
                "lead_person": "X",
                "studio_level": "provincial",
            },
        ),
        422,
    )
    assert "level" in studio["detail"]
