"""Work plans and key tasks through /api/v1/work-plans and /api/v1/tasks."""

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans import api as workplans_api
from pacesetter.workplans import services
from pacesetter.workplans.models import Task, TaskEvidence, TaskUpdate, WorkPlan

from .board_data import TODAY, add_sibling_project, make_board

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(workplans_api, "_today", lambda: TODAY)
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def board(world):
    return make_board(world)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def api(world, role):
    return ApiClient(world.users[role])


# --- plans -------------------------------------------------------------------------------


def test_plan_list_and_detail_with_roll_up(world, board):
    staff = api(world, "committee_staff")
    page = ok(staff.get("/work-plans"))
    assert page["count"] == 1
    [plan] = page["items"]
    assert plan["name"] == "Second half-year 2021"
    assert D(plan["progress"]) == D("53.3")
    assert plan["counts"] == {"late": 1, "at_risk": 1, "on_track": 1, "done": 1}
    assert plan["body"] == {"id": world.council.pk, "name": "Council", "source_language": "en"}

    detail = ok(staff.get(f"/work-plans/{board.plan.pk}"))
    assert detail["may_manage"] is True
    [project] = detail["projects"]
    assert project["name"] == "Optics fair"
    assert D(project["progress"]) == D(70)
    assert project["counts"]["late"] == 1 and project["counts"]["done"] == 1
    assert detail["direct_counts"] == {"late": 0, "at_risk": 1, "on_track": 1, "done": 0}

    assert ok(staff.get("/work-plans", q="nothing"))["count"] == 0


def test_plan_create_update_and_refusals(world):
    staff = api(world, "committee_staff")
    body = {
        "body_id": world.council.pk,
        "name": "Year 2024",
        "kind": "year",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
    }
    plan = ok(staff.post("/work-plans", body), 201)
    assert plan["projects"] == [] and plan["progress"] is None
    updated = ok(staff.patch(f"/work-plans/{plan['id']}", {"name": "Year 2024 (council)"}))
    assert updated["name"] == "Year 2024 (council)"
    assert_error_shape(staff.patch(f"/work-plans/{plan['id']}", {"name": None}), 422)
    body["name"] = "Year 2024 (council)"

    # The same name again for the body: the database keeps one.
    assert_error_shape(staff.post("/work-plans", body), 422, "invalid")
    backwards = {**body, "name": "Backwards", "period_end": "2023-01-01"}
    assert_error_shape(staff.post("/work-plans", backwards), 422, "invalid")
    # The officer sees the council (their unit sits on it) but does not run it; to
    # someone who cannot see it, its id is not a valid choice.
    officer = api(world, "unit_officer")
    assert_error_shape(officer.post("/work-plans", {**body, "name": "X"}), 403, "forbidden")
    error = assert_error_shape(api(world, "nobody").post("/work-plans", {**body, "name": "X"}), 422)
    assert "body_id" in error["detail"]
    assert not WorkPlan.objects.filter(name_en="X").exists()


def test_a_new_margin_recomputes_the_statuses(world, board):
    staff = api(world, "committee_staff")
    url = f"/work-plans/{board.plan.pk}"
    assert ok(staff.get(url))["counts"]["at_risk"] == 1
    updated = ok(staff.patch(url, {"at_risk_margin": "50"}))
    assert D(updated["at_risk_margin"]) == D(50)
    assert updated["counts"]["at_risk"] == 0


def test_plan_permissions(world, board):
    url = f"/work-plans/{board.plan.pk}"
    assert_error_shape(api(world, "nobody").get(url), 404, "not_found")
    assert_error_shape(ApiClient().get(url), 401, "unauthenticated")
    officer = api(world, "unit_officer")
    assert ok(officer.get(url))["may_manage"] is False
    assert_error_shape(officer.patch(url, {"name": "Mine"}), 403, "forbidden")
    assert_error_shape(officer.post(f"{url}/projects", {"name": "P"}), 403, "forbidden")
    assert_error_shape(
        officer.post(f"{url}/tasks", {"title": "T", "lead_unit_id": world.own.pk}), 403
    )


def test_projects_list_and_create(world, board):
    staff = api(world, "committee_staff")
    url = f"/work-plans/{board.plan.pk}/projects"
    project = ok(
        staff.post(url, {"name": "Love Eyes Day", "code": "P2", "lead_unit_id": world.sibling.pk}),
        201,
    )
    assert project["lead_unit"]["code"] == "SIB" and project["position"] == 2
    assert [p["name"] for p in ok(staff.get(url))] == ["Optics fair", "Love Eyes Day"]
    error = assert_error_shape(staff.post(url, {"name": "Bad", "lead_unit_id": 999999}), 422)
    assert "lead_unit_id" in error["detail"]


# --- tasks of a plan ---------------------------------------------------------------------------


def ids(page):
    return [t["id"] for t in page["items"]]


def test_plan_tasks_in_board_order_with_filters(world, board):
    staff = api(world, "committee_staff")
    url = f"/work-plans/{board.plan.pk}/tasks"
    page = ok(staff.get(url))
    assert page["count"] == 4
    assert ids(page) == [board.at_risk.pk, board.on_track.pk, board.late.pk, board.done.pk]
    late = next(t for t in page["items"] if t["id"] == board.late.pk)
    assert late["status"] == "late" and late["days_overdue"] == 17
    at_risk = next(t for t in page["items"] if t["id"] == board.at_risk.pk)
    assert at_risk["status"] == "at_risk" and D(at_risk["expected"]) == D("43.2")
    assert [u["code"] for u in at_risk["supporting_units"]] == ["CHILD"]

    assert ids(ok(staff.get(url, status="late"))) == [board.late.pk]
    assert ids(ok(staff.get(url, direct="true"))) == [board.at_risk.pk, board.on_track.pk]
    assert ids(ok(staff.get(url, project=board.project.pk))) == [board.late.pk, board.done.pk]
    assert ids(ok(staff.get(url, unit=world.child.pk))) == [board.at_risk.pk, board.on_track.pk]
    assert ok(staff.get(url, unit=world.own.pk, subtree="true"))["count"] == 4
    assert ids(ok(staff.get(url, q="summer"))) == [board.on_track.pk]
    assert ok(staff.get(url, page_size=2, page=2))["count"] == 4
    assert ids(ok(staff.get(url, page_size=2, page=2))) == [board.late.pk, board.done.pk]
    assert_error_shape(staff.get(url, status="whatever"), 422, "invalid")


def test_plan_tasks_show_an_officer_only_what_they_may_see(world, board):
    sibling_only = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Sibling alone",
        lead_unit=world.sibling,
    )
    page = ok(api(world, "unit_officer").get(f"/work-plans/{board.plan.pk}/tasks"))
    assert sibling_only.pk not in ids(page)
    assert page["count"] == 4


def test_task_create_through_the_plan(world, board):
    staff = api(world, "committee_staff")
    url = f"/work-plans/{board.plan.pk}/tasks"
    task = ok(
        staff.post(
            url,
            {
                "title": "Re-evaluate the Wenzhou cluster",
                "lead_unit_id": world.sibling.pk,
                "project_id": board.project.pk,
                "lead_person_id": world.users["unit_officer"].pk,
                "supporting_unit_ids": [world.own.pk],
                "start": "2021-07-01",
                "due": "2021-11-30",
                "weight": "2",
            },
        ),
        201,
    )
    assert task["project"]["id"] == board.project.pk
    assert task["lead_person"]["username"] == "officer"
    assert [u["code"] for u in task["supporting_units"]] == ["OWN"]
    assert task["status"] == "at_risk"  # 0% against an expected 40.8% on 1 September
    error = assert_error_shape(
        staff.post(url, {"title": "Late", "lead_unit_id": world.own.pk, "due": "2022-02-01"}),
        422,
    )
    assert "due" in error["detail"]
    error = assert_error_shape(
        staff.post(url, {"title": "X", "lead_unit_id": world.own.pk, "project_id": 999999}), 422
    )
    assert "project_id" in error["detail"]
    assert_error_shape(staff.post(url, {"lead_unit_id": world.own.pk}), 422, "invalid")


# --- a task -----------------------------------------------------------------------------------


def test_task_detail_explains_its_status(world, board):
    viewer = api(world, "viewer")
    task = ok(viewer.get(f"/tasks/{board.late.pk}"))
    assert task["status"] == "late" and task["days_overdue"] == 17
    assert task["lead_unit"]["code"] == "OWN" and task["version"] == board.late.version
    assert_error_shape(api(world, "nobody").get(f"/tasks/{board.late.pk}"), 404)
    assert_error_shape(api(world, "viewer").get("/tasks/999999"), 404)


def test_report_and_the_stale_version(world, board):
    officer = api(world, "unit_officer")
    task = board.late
    url = f"/tasks/{task.pk}/report"
    done = ok(officer.post(url, {"version": task.version, "progress": "100", "note": "Booked"}))
    assert done["status"] == "done" and done["done_on"] is not None
    assert done["version"] == task.version + 1
    stale = assert_error_shape(
        officer.post(url, {"version": task.version, "note": "Again"}), 409, "stale_version"
    )
    assert "Someone else saved this task" in stale["message"]
    assert not TaskUpdate.objects.filter(note="Again").exists()
    assert_error_shape(officer.post(url, {"version": done["version"], "progress": "101"}), 422)
    assert_error_shape(officer.post(url, {"version": done["version"]}), 422, "invalid")
    assert_error_shape(officer.post(url, {"progress": "10"}), 422)  # the version is required


def test_who_may_report(world, board):
    body = {"version": board.at_risk.version, "note": "x"}
    # The sibling's task: the officer of the own unit sees it (the child unit supports
    # it) but does not lead it.
    assert_error_shape(
        api(world, "unit_officer").post(f"/tasks/{board.at_risk.pk}/report", body), 403
    )
    assert_error_shape(api(world, "viewer").post(f"/tasks/{board.late.pk}/report", body), 403)
    assert_error_shape(api(world, "nobody").post(f"/tasks/{board.late.pk}/report", body), 404)


def test_manager_updates_and_reviews(world, board):
    staff = api(world, "committee_staff")
    task = board.on_track
    url = f"/tasks/{task.pk}"
    updated = ok(
        staff.patch(
            url,
            {
                "version": task.version,
                "title": "Teachers' summer course (5th)",
                "supporting_unit_ids": [world.sibling.pk],
                "chain_id": None,
            },
        )
    )
    assert updated["title"] == "Teachers' summer course (5th)"
    assert [u["code"] for u in updated["supporting_units"]] == ["SIB"]
    assert_error_shape(staff.patch(url, {"version": task.version, "title": "Old"}), 409)
    assert_error_shape(staff.patch(url, {"lead_unit_id": None}), 422)
    assert_error_shape(staff.patch(url, {"due": "2030-01-01"}), 422)
    reviewed = ok(
        staff.post(
            f"{url}/review",
            {"version": updated["version"], "rating": "excellent", "narrative": "120 teachers"},
        )
    )
    assert reviewed["outcome_rating"] == "excellent"
    assert_error_shape(
        staff.post(f"{url}/review", {"version": reviewed["version"], "rating": "great"}), 422
    )
    officer = api(world, "unit_officer")
    assert_error_shape(officer.patch(url, {"title": "Mine"}), 403, "forbidden")
    assert_error_shape(
        officer.post(
            f"{url}/review", {"version": reviewed["version"], "rating": "good", "narrative": "x"}
        ),
        403,
    )


def test_milestones(world, board):
    staff = api(world, "committee_staff")
    task = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Standardization committee",
        lead_unit=world.own,
        progress_mode="milestones",
    )
    url = f"/tasks/{task.pk}/milestones"
    first = ok(staff.post(url, {"title": "Proposal", "due": "2021-08-01"}), 201)
    ok(staff.post(url, {"title": "Approval", "weight": "3"}), 201)
    assert [m["title"] for m in ok(staff.get(url))] == ["Proposal", "Approval"]
    officer = api(world, "unit_officer")
    assert_error_shape(officer.post(url, {"title": "Mine"}), 403)
    done = ok(officer.post(f"/tasks/milestones/{first['id']}/done", {"done_on": "2021-08-02"}))
    assert done["done_on"] == "2021-08-02"
    assert Task.objects.get(pk=task.pk).progress == D(25)
    ok(officer.post(f"/tasks/milestones/{first['id']}/done", {"done": False}))
    assert Task.objects.get(pk=task.pk).progress == D(0)
    assert_error_shape(api(world, "viewer").post(f"/tasks/milestones/{first['id']}/done"), 403)
    assert_error_shape(api(world, "nobody").post(f"/tasks/milestones/{first['id']}/done"), 404)
    assert_error_shape(officer.post("/tasks/milestones/999999/done"), 404)


# --- evidence ----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name="hall-contract.pdf", content=b"%PDF-1.4 contract"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_evidence_is_uploaded_listed_and_downloaded(world, board, media):
    url = f"/tasks/{board.late.pk}/evidence"
    added = ok(api(world, "unit_officer").upload(url, {"file": pdf(), "title": "Contract"}), 201)
    assert (added["title"], added["name"], added["task_id"]) == (
        "Contract",
        "hall-contract.pdf",
        board.late.pk,
    )
    assert stored_files(media) == ["hall-contract.pdf"]
    # Whoever sees the task lists and downloads it.
    viewer = api(world, "viewer")
    assert [e["id"] for e in ok(viewer.get(url))] == [added["id"]]
    download = viewer.get(f"{url}/{added['id']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 contract"
    assert_error_shape(viewer.get(f"{url}/999999/file"), 404)


def test_evidence_is_added_by_whoever_reports_on_the_task(world, board, media):
    url = f"/tasks/{board.late.pk}/evidence"
    assert_error_shape(api(world, "viewer").upload(url, {"file": pdf()}), 403, "forbidden")
    assert_error_shape(api(world, "nobody").upload(url, {"file": pdf()}), 404, "not_found")
    assert_error_shape(api(world, "nobody").get(url), 404, "not_found")
    # The sibling's task: the own unit's officer sees it (the child unit supports it)
    # but does not lead it.
    at_risk = f"/tasks/{board.at_risk.pk}/evidence"
    assert_error_shape(api(world, "unit_officer").upload(at_risk, {"file": pdf()}), 403)
    assert ok(api(world, "committee_staff").upload(at_risk, {"file": pdf()}), 201)
    assert stored_files(media) == ["hall-contract.pdf"]


def test_evidence_of_a_refused_type_or_size_is_not_stored(world, board, media, settings):
    officer = api(world, "unit_officer")
    url = f"/tasks/{board.late.pk}/evidence"
    tool = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    refused = assert_error_shape(officer.upload(url, {"file": tool}), 422, "file_type")
    assert "exe" in refused["detail"]["file"][0]
    settings.UPLOAD_MAX_BYTES = 10
    big = officer.upload(url, {"file": pdf("big.pdf", b"x" * 11)})
    assert "file" in assert_error_shape(big, 422, "file_too_large")["detail"]
    assert_error_shape(officer.upload(url, {"title": "No file"}), 422, "invalid")
    assert not TaskEvidence.objects.exists() and stored_files(media) == []


def test_evidence_whose_write_fails_leaves_no_row_and_no_file(world, board, media, monkeypatch):
    # The file is stored when the row is saved; the audit entry after it fails.
    monkeypatch.setattr("pacesetter.audit.services.audit_record", _audit_unavailable)
    with pytest.raises(RuntimeError):
        services.evidence_add(actor=world.users["unit_officer"], task=board.late, file=pdf())
    assert not TaskEvidence.objects.exists() and stored_files(media) == []


def _audit_unavailable(**kwargs: Any) -> None:
    raise RuntimeError("the audit chain is unavailable")


# --- review fixes ----------------------------------------------------------------------


def test_an_officer_gets_only_the_projects_and_counts_of_their_tasks(world, board):
    add_sibling_project(world, board)
    url = f"/work-plans/{board.plan.pk}"
    staff = api(world, "committee_staff")
    whole = ok(staff.get(url))
    assert [p["name"] for p in whole["projects"]] == ["Optics fair", "Sibling fair"]
    assert D(whole["progress"]) == D(60) and whole["counts"]["on_track"] == 2
    assert ok(staff.get("/work-plans"))["items"][0]["counts"]["on_track"] == 2

    officer = api(world, "unit_officer")
    mine = ok(officer.get(url))
    assert [p["name"] for p in mine["projects"]] == ["Optics fair"]
    assert D(mine["progress"]) == D("53.3")
    assert mine["counts"] == {"late": 1, "at_risk": 1, "on_track": 1, "done": 1}
    assert [p["name"] for p in ok(officer.get(f"{url}/projects"))] == ["Optics fair"]
    [listed] = ok(officer.get("/work-plans"))["items"]
    assert D(listed["progress"]) == D("53.3")
    assert listed["counts"] == {"late": 1, "at_risk": 1, "on_track": 1, "done": 1}


def test_the_unit_filter_knows_only_the_units_the_user_sees(world, board):
    officer = api(world, "unit_officer")
    url = f"/work-plans/{board.plan.pk}/tasks"
    for unit in (world.other.pk, 999999):
        error = assert_error_shape(officer.get(url, unit=unit), 422)
        assert "unit" in error["detail"]
    assert ids(ok(officer.get(url, unit=world.child.pk))) == [board.at_risk.pk, board.on_track.pk]


def test_report_progress_has_one_decimal_and_the_done_date_is_checked(world, board):
    officer = api(world, "unit_officer")
    task = board.late
    url = f"/tasks/{task.pk}/report"
    assert_error_shape(officer.post(url, {"version": task.version, "progress": "99.96"}), 422)
    error = assert_error_shape(
        officer.post(url, {"version": task.version, "done_on": "2021-09-02"}), 422
    )
    assert "done_on" in error["detail"]
    error = assert_error_shape(
        officer.post(url, {"version": task.version, "done_on": "2021-05-31"}), 422
    )
    assert "done_on" in error["detail"]
    assert Task.objects.get(pk=task.pk).version == task.version  # nothing saved
    reported = ok(officer.post(url, {"version": task.version, "progress": "99.9"}))
    assert D(reported["progress"]) == D("99.9") and reported["status"] == "late"


def test_milestone_done_dates_are_checked(world, board):
    staff = api(world, "committee_staff")
    task = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Steps",
        lead_unit=world.own,
        progress_mode="milestones",
    )
    milestone = ok(staff.post(f"/tasks/{task.pk}/milestones", {"title": "Proposal"}), 201)
    url = f"/tasks/milestones/{milestone['id']}/done"
    error = assert_error_shape(staff.post(url, {"done_on": "2021-09-02"}), 422)
    assert "done_on" in error["detail"]
    assert ok(staff.post(url, {}))["done_on"] == TODAY.isoformat()


def test_reopen(world, board):
    staff = api(world, "committee_staff")
    task = board.done
    url = f"/tasks/{task.pk}/reopen"
    assert_error_shape(
        staff.post(url, {"version": task.version, "note": "x", "progress": "100"}), 422
    )
    assert_error_shape(
        api(world, "unit_officer").post(url, {"version": task.version, "note": "x"}), 403
    )
    reopened = ok(staff.post(url, {"version": task.version, "note": "Two withdrew"}))
    # No report below 100 before it was done: back to 0, and late (due 1 August).
    assert reopened["done_on"] is None and D(reopened["progress"]) == D(0)
    assert reopened["status"] == "late" and reopened["days_overdue"] == 31
    assert_error_shape(staff.post(url, {"version": task.version, "note": "again"}), 409)
    detail = ok(staff.get(f"/work-plans/{board.plan.pk}"))
    assert detail["counts"]["done"] == 0 and detail["counts"]["late"] == 2
