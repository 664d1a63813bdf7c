"""Chains through /api/v1/chains."""

import datetime as dt
from typing import Any

import pytest

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.chains.models import Chain
from pacesetter.chains.services import chain_create
from pacesetter.chains.tests.factories import ChainFactory
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans import services as plan_services
from pacesetter.workplans.tests.board_data import START, make_plan
from pacesetter.workplans.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def api(world, role):
    return ApiClient(world.users[role])


@pytest.fixture
def chain(world):
    return chain_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        name="Leather goods",
        leader_unit=world.own,
        members=[world.own, world.child],
    )


def units(detail):
    return [m["unit"]["code"] for m in detail["members"]]


def test_create_add_reorder_and_remove(world):
    staff = api(world, "committee_staff")
    detail = ok(
        staff.post(
            "/chains",
            {
                "owner_unit_id": world.committee.pk,
                "name": "Airport logistics",
                "leader_unit_id": world.sibling.pk,
                "member_unit_ids": [world.sibling.pk, world.own.pk],
            },
        ),
        201,
    )
    assert units(detail) == ["SIB", "OWN"]
    assert [m["is_leader"] for m in detail["members"]] == [True, False]
    assert detail["member_count"] == 2 and detail["may_manage"] is True
    cid = detail["id"]

    detail = ok(
        staff.post(f"/chains/{cid}/members", {"unit_id": world.child.pk, "link": "Shops"}), 201
    )
    assert units(detail) == ["SIB", "OWN", "CHILD"]
    assert detail["members"][2]["position"] == 3 and detail["members"][2]["link"] == "Shops"
    assert_error_shape(staff.post(f"/chains/{cid}/members", {"unit_id": world.child.pk}), 422)

    order = [world.child.pk, world.sibling.pk, world.own.pk]
    assert units(ok(staff.post(f"/chains/{cid}/reorder", {"unit_ids": order}))) == [
        "CHILD",
        "SIB",
        "OWN",
    ]
    assert_error_shape(staff.post(f"/chains/{cid}/reorder", {"unit_ids": order[:2]}), 422)

    member = next(m for m in detail["members"] if m["unit"]["code"] == "SIB")
    assert (
        staff.client.delete(
            f"/api/v1/chains/{cid}/members/{member['id']}", headers=staff.headers
        ).status_code
        == 204
    )
    assert units(ok(staff.get(f"/chains/{cid}"))) == ["CHILD", "OWN"]


def test_create_refusals(world, chain):
    staff = api(world, "committee_staff")
    body = {
        "owner_unit_id": world.committee.pk,
        "name": "Leather goods",
        "leader_unit_id": world.own.pk,
    }
    assert_error_shape(staff.post("/chains", body), 422)  # the same name for the same keeper
    officer = api(world, "unit_officer")
    # The officer sees the own unit but does not run it.
    assert_error_shape(officer.post("/chains", {**body, "owner_unit_id": world.own.pk}), 403)
    error = assert_error_shape(
        staff.post("/chains", {**body, "name": "New", "leader_unit_id": 999999}), 422
    )
    assert "leader_unit_id" in error["detail"]
    assert_error_shape(staff.post("/chains", {"name": "No keeper"}), 422, "invalid")
    assert Chain.objects.count() == 1


def test_list_and_detail_with_open_tasks_and_plans(world, chain):
    ChainFactory(owner_unit=world.other_root, name="Optics", leader_unit=world.other)
    staff = world.users["committee_staff"]
    plan = make_plan(world)
    late = plan_services.task_create(
        actor=staff,
        plan=plan,
        title="Waste plant",
        lead_unit=world.child,
        chain=chain,
        start=START,
        due=dt.date(2021, 8, 1),
    )
    done = TaskFactory(actor=staff, plan=plan, lead_unit=world.own, chain=chain)
    plan_services.task_report(actor=staff, task=done, done_on=START, version=done.version)
    officer = api(world, "unit_officer")
    page = ok(officer.get("/chains"))
    assert [c["name"] for c in page["items"]] == ["Leather goods"]
    assert page["items"][0]["member_count"] == 2
    detail = ok(officer.get(f"/chains/{chain.pk}"))
    assert [t["id"] for t in detail["open_tasks"]] == [late.pk]
    assert detail["open_tasks"][0]["status"] == "late"
    assert detail["plans"] == [{"id": plan.pk, "name": plan.name, "source_language": "en"}]
    assert detail["may_manage"] is False
    assert ok(officer.get("/chains", q="optics"))["count"] == 0


def test_permissions(world, chain):
    assert_error_shape(api(world, "nobody").get(f"/chains/{chain.pk}"), 404, "not_found")
    assert_error_shape(api(world, "council_member").get(f"/chains/{chain.pk}"), 404)
    assert_error_shape(ApiClient().get("/chains"), 401)
    viewer = api(world, "viewer")
    assert_error_shape(viewer.post(f"/chains/{chain.pk}/members", {"unit_id": world.own.pk}), 403)
    assert_error_shape(
        viewer.post(f"/chains/{chain.pk}/reorder", {"unit_ids": [world.child.pk, world.own.pk]}),
        403,
        "forbidden",
    )
    assert_error_shape(
        api(world, "nobody").post(f"/chains/{chain.pk}/reorder", {"unit_ids": []}), 404
    )


def test_detail_lists_the_tasks_of_projects_on_the_chain(world, chain):
    staff = world.users["committee_staff"]
    plan = make_plan(world)
    project = plan_services.project_create(
        actor=staff, plan=plan, name="Tannery cluster", chain=chain
    )
    through_project = plan_services.task_create(
        actor=staff, plan=plan, project=project, title="Dye works audit", lead_unit=world.own
    )
    other_plan = make_plan(world, name="Another plan")
    TaskFactory(actor=staff, plan=other_plan, lead_unit=world.own)  # not on the chain
    detail = ok(api(world, "unit_officer").get(f"/chains/{chain.pk}"))
    assert [t["id"] for t in detail["open_tasks"]] == [through_project.pk]
    assert detail["plans"] == [{"id": plan.pk, "name": plan.name, "source_language": "en"}]


def test_change_a_chains_details(world, chain):
    staff = api(world, "committee_staff")
    changed = ok(
        staff.patch(
            f"/chains/{chain.pk}",
            {"name": " Leather goods of Shiling ", "leader_unit_id": world.child.pk},
        )
    )
    assert changed["name"] == "Leather goods of Shiling"
    assert changed["leader_unit"]["code"] == "CHILD"
    assert [m["is_leader"] for m in changed["members"]] == [False, True]
    assert changed["description"] == "" and changed["is_active"] is True  # not sent, kept
    changed = ok(staff.patch(f"/chains/{chain.pk}", {"is_active": False, "description": "Old"}))
    assert (changed["is_active"], changed["description"]) == (False, "Old")
    assert changed["owner_unit"]["code"] == "COMM"
    entry = AuditEntry.objects.filter(action="chain.update").order_by("pk").first()
    assert entry.changes["name_en"] == ["Leather goods", "Leather goods of Shiling"]
    assert entry.actor == world.users["committee_staff"]


def test_a_chain_keeps_a_leader_its_editor_cannot_choose(world, chain):
    # Staff of the committee's subtree only: they do not see the Own unit, the leader.
    editor = UserFactory(username="editor")
    role_grant(actor=None, user=editor, role=Role.COMMITTEE_STAFF, unit=world.committee)
    client = ApiClient(editor)
    kept = ok(
        client.patch(f"/chains/{chain.pk}", {"name": "Renamed", "leader_unit_id": world.own.pk})
    )
    assert kept["name"] == "Renamed" and kept["leader_unit"]["code"] == "OWN"
    error = assert_error_shape(
        client.patch(f"/chains/{chain.pk}", {"leader_unit_id": world.sibling.pk}), 422, "invalid"
    )
    assert "leader_unit_id" in error["detail"]


def test_chain_change_refusals(world, chain):
    url = f"/chains/{chain.pk}"
    # The officer sees the chain (their unit is on it) but does not run it.
    assert_error_shape(api(world, "unit_officer").patch(url, {"name": "x"}), 403, "forbidden")
    assert_error_shape(api(world, "nobody").patch(url, {"name": "x"}), 404, "not_found")
    staff = api(world, "committee_staff")
    ChainFactory(owner_unit=world.committee, name="Optics", leader_unit=world.own)
    taken = assert_error_shape(staff.patch(url, {"name": "Optics"}), 422, "invalid")
    assert list(taken["detail"]) == ["name_en"]  # unique per language: on the column
    blank = assert_error_shape(staff.patch(url, {"name": "  "}), 422, "invalid")
    assert "name_en" in blank["detail"]
    null = assert_error_shape(staff.patch(url, {"is_active": None}), 422, "invalid")
    assert null["detail"] == {"is_active": ["This field cannot be null."]}
    hidden = assert_error_shape(staff.patch(url, {"leader_unit_id": world.other.pk}), 422)
    assert "leader_unit_id" in hidden["detail"]
    chain.refresh_from_db()
    assert (chain.name, chain.leader_unit_id, chain.is_active) == (
        "Leather goods",
        world.own.pk,
        True,
    )
