"""Blind spots: the page (as of a date, in order, with the rules' sentences, a fixed
number of queries), its export, the follow-up tasks made from it in one step, and the
same through the API; each role sees and does what it may."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from pacesetter.coverage.follow_ups import follow_ups_create
from pacesetter.coverage.models import CoverageKind, FollowUp
from pacesetter.coverage.services import building_record, status_record
from pacesetter.testing.api import ApiClient
from pacesetter.units.models import Unit
from pacesetter.workplans.models import Task
from pacesetter.workplans.tests.factories import ProjectFactory, WorkPlanFactory

from .factories import organization
from .test_rules import make_rule

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def spots(world):
    make_rule("dual", "build_within_days", {"days": 90, "min_full_members": 1}, name="Dual sync")
    make_rule("three", "standalone_if_members", {"min_full_members": 3}, name="Three members")
    party = CoverageKind.objects.get(code="party")
    found = {
        "late": organization(
            world.own, name="Late Leather", registered_on=days(-200), party_members_full=4
        ),
        "big": organization(
            world.own,
            name="Big Bags",
            registered_on=days(-30),
            party_members_full=1,
            staff_count=200,
        ),
        "small": organization(
            world.sibling,
            name="Small Shoes",
            registered_on=days(-30),
            party_members_full=1,
            staff_count=20,
        ),
        "built": organization(
            world.own, name="Built Belts", registered_on=days(-100), party_members_full=5
        ),
        "closed": organization(
            world.own, name="Closed Clasps", registered_on=days(-100), party_members_full=5
        ),
    }
    building_record(
        actor=None, organization=found["built"], kind=party, on=days(-50), form="standalone"
    )
    status_record(actor=None, organization=found["closed"], on=days(-10), status="deregistered")
    return found


def names(response):
    return [row.organization.name for row in response.context["rows"]]


def test_the_staff_see_the_blind_spots_by_deadline_then_size(client, world, spots):
    client.force_login(world.users["committee_staff"])
    response = client.get("/coverage/blind-spots/")
    assert names(response) == ["Late Leather", "Big Bags", "Small Shoes"]
    page = response.content.decode()
    assert (
        "4 full party members: a standalone Party organization should be built; it is not built."
        in page
    )
    late = days(-200) + dt.timedelta(days=91)
    assert f"overdue since {late.day} {late.strftime('%B')} {late.year}" in page
    assert 'name="organizations"' not in page  # no work plan to add tasks to


def test_as_of_a_past_date(client, world, spots):
    client.force_login(world.users["committee_staff"])
    response = client.get(f"/coverage/blind-spots/?at={days(-150).isoformat()}")
    assert names(response) == ["Late Leather"]
    (row,) = response.context["rows"]
    assert [c.rule.code for c in row.checks] == ["dual", "three"]
    assert row.checks[0].state == "due"


def test_an_officer_sees_its_own_town_only_and_a_viewer_cannot_follow_up(client, world, spots):
    client.force_login(world.users["unit_officer"])
    assert names(client.get("/coverage/blind-spots/")) == ["Late Leather", "Big Bags"]
    client.force_login(world.users["viewer"])
    response = client.get("/coverage/blind-spots/")
    assert names(response) == ["Late Leather", "Big Bags"]
    assert 'name="organizations"' not in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries(client, world, spots, django_assert_num_queries):
    client.force_login(world.users["committee_staff"])
    client.get("/coverage/blind-spots/")
    with django_assert_num_queries(11) as first:  # 10, and whether the stored list answers
        client.get("/coverage/blind-spots/")
    for n in range(6):
        organization(world.own, name=f"More {n}", registered_on=days(-20), party_members_full=3)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/coverage/blind-spots/")
    assert response.context["page_obj"].paginator.count == 9


def test_the_register_links_to_the_blind_spots(client, world, spots):
    client.force_login(world.users["unit_officer"])
    assert 'href="/coverage/blind-spots/?' in client.get("/coverage/").content.decode()


def test_the_export_is_formula_safe(client, world, spots):
    organization(world.own, name='=HYPERLINK("x")', registered_on=days(-20), party_members_full=1)
    client.force_login(world.users["committee_staff"])
    response = client.get("/coverage/blind-spots/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Name")
    body = rows[header + 1 :]
    assert [r[0] for r in body] == ["Late Leather", "Big Bags", "Small Shoes", '=HYPERLINK("x")']
    formula = sheet.cell(row=header + 5, column=1)
    assert formula.data_type == "s"
    assert "should be built" in body[0][9]


@pytest.fixture
def plan(world):
    return WorkPlanFactory(body=world.council, name="Coverage plan")


def test_staff_create_follow_up_tasks_in_one_step(client, world, spots, plan):
    client.force_login(world.users["committee_staff"])
    assert 'name="organizations"' in client.get("/coverage/blind-spots/").content.decode()
    chosen = [spots["late"].pk, spots["small"].pk]
    response = client.post(
        "/coverage/blind-spots/follow-up/",
        {"plan": plan.pk, "organizations": chosen, "at": days(0).isoformat()},
        follow=True,
    )
    assert "2 follow-up tasks created in “Coverage plan”." in response.content.decode()
    tasks = {f.organization_id: f.task for f in FollowUp.objects.select_related("task")}
    assert set(tasks) == set(chosen)
    late = tasks[spots["late"].pk]
    assert (late.plan, late.lead_unit) == (plan, world.own)
    assert late.title == "Cover the blind spot: Late Leather"
    assert f"/coverage/{spots['late'].pk}/" in late.scope and "should be built" in late.scope
    assert tasks[spots["small"].pk].lead_unit == world.sibling
    # The list says they are followed up; doing it again creates nothing at all.
    assert "followed up" in client.get("/coverage/blind-spots/").content.decode()
    again = client.post(
        "/coverage/blind-spots/follow-up/",
        {"plan": plan.pk, "organizations": [spots["big"].pk, spots["late"].pk]},
        follow=True,
    )
    assert "Already followed up in this work plan: Late Leather." in again.content.decode()
    assert Task.objects.filter(plan=plan).count() == 2


def test_one_follow_up_task_per_town_names_each_of_its_organizations(client, world, spots, plan):
    client.force_login(world.users["committee_staff"])
    html = client.get("/coverage/blind-spots/").content.decode()
    assert '<select name="per_town" id="id_per_town">' in html
    chosen = [spots["late"].pk, spots["small"].pk, spots["big"].pk]
    response = client.post(
        "/coverage/blind-spots/follow-up/",
        {"plan": plan.pk, "organizations": chosen, "per_town": "1"},
        follow=True,
    )
    assert "2 follow-up tasks created in “Coverage plan”." in response.content.decode()
    own, sibling = (
        Task.objects.get(plan=plan, lead_unit=unit) for unit in (world.own, world.sibling)
    )
    assert own.title == f"Cover the blind spots in {world.own.name}: 2 organizations"
    assert sibling.title == f"Cover the blind spots in {world.sibling.name}: 1 organization"
    # One paragraph per organization, in the order chosen, each with its rules and address.
    late, big = own.scope.split("\n\n")
    assert late.startswith("Organization: Late Leather") and "should be built" in late
    assert big.startswith("Organization: Big Bags") and f"/coverage/{spots['big'].pk}/" in big
    links = dict(FollowUp.objects.values_list("organization_id", "task_id"))
    assert links == {
        spots["late"].pk: own.pk,
        spots["big"].pk: own.pk,
        spots["small"].pk: sibling.pk,
    }
    # In the plan's other languages too.
    with translation.override("vi"):
        name = str(Unit.objects.get(pk=world.own.pk).name)
        assert Task.objects.get(pk=own.pk).title == f"Xóa điểm trắng tại {name}: 2 tổ chức"
    # One of them again, by town: refused, nothing made.
    with pytest.raises(ValidationError, match="Already followed up"):
        follow_ups_create(
            actor=world.users["committee_staff"],
            plan=plan,
            organizations=[spots["big"]],
            per_town=True,
        )
    assert Task.objects.filter(plan=plan).count() == 2


def test_the_api_makes_one_task_per_town_and_answers_each_organizations_task(world, spots, plan):
    staff = ApiClient(world.users["committee_staff"])
    chosen = [spots["late"].pk, spots["small"].pk, spots["big"].pk]
    response = staff.post(
        "/coverage/follow-ups",
        {"plan_id": plan.pk, "organization_ids": chosen, "per_town": True},
    )
    assert response.status_code == 201, response.content
    rows = response.json()
    assert [r["organization_id"] for r in rows] == chosen
    task_of = {r["organization_id"]: r["task_id"] for r in rows}
    assert task_of[spots["late"].pk] == task_of[spots["big"].pk] != task_of[spots["small"].pk]
    assert Task.objects.filter(plan=plan).count() == 2


def test_follow_up_tasks_go_into_a_project_of_the_plan_when_given(world, spots, plan):
    staff = world.users["committee_staff"]
    project = ProjectFactory(plan=plan, name="Blind-spot survey")
    [task] = follow_ups_create(
        actor=staff, plan=plan, organizations=[spots["late"]], project=project
    )
    assert (task.plan, task.project) == (plan, project)
    assert FollowUp.objects.get(task=task).organization == spots["late"]
    other = ProjectFactory(plan=WorkPlanFactory(body=world.council, name="Another plan"))
    with pytest.raises(ValidationError):
        follow_ups_create(actor=staff, plan=plan, organizations=[spots["big"]], project=other)
    assert not FollowUp.objects.filter(organization=spots["big"]).exists()
    assert Task.objects.filter(plan=plan).count() == 1


def test_a_viewer_and_an_officer_cannot_create_follow_up_tasks(client, world, spots, plan):
    for role in ("viewer", "unit_officer"):
        client.force_login(world.users[role])
        client.post(
            "/coverage/blind-spots/follow-up/",
            {"plan": plan.pk, "organizations": [spots["late"].pk]},
        )
        api = ApiClient(world.users[role])
        response = api.post(
            "/coverage/follow-ups", {"plan_id": plan.pk, "organization_ids": [spots["late"].pk]}
        )
        assert response.status_code in (403, 422)
    assert not Task.objects.filter(plan=plan).exists()


# --- the API ---------------------------------------------------------------------------


def test_the_api_lists_rules_blind_spots_and_deadlines(world, spots):
    officer = ApiClient(world.users["unit_officer"])
    rules = officer.get("/coverage/rules").json()
    assert [r["code"] for r in rules] == ["dual", "three"]
    page = officer.get("/coverage/blind-spots").json()
    assert page["count"] == 2
    first = page["items"][0]
    assert first["name"] == "Late Leather"
    assert [c["rule"] for c in first["checks"]] == ["dual", "three"]
    assert first["checks"][0]["state"] == "overdue"
    assert first["first_due"] == (days(-200) + dt.timedelta(days=90)).isoformat()
    deadlines = officer.get(f"/coverage/organizations/{spots['big'].pk}/deadlines").json()
    assert [(d["rule"], d["due_on"]) for d in deadlines["deadlines"]] == [
        ("dual", days(60).isoformat())
    ]
    assert {c["rule"]: c["state"] for c in deadlines["checks"]} == {
        "dual": "due",
        "three": "not_applicable",
    }
    other = officer.get(f"/coverage/organizations/{spots['small'].pk}/deadlines")
    assert other.status_code == 404


def test_the_api_creates_follow_up_tasks(world, spots, plan):
    staff = ApiClient(world.users["committee_staff"])
    response = staff.post(
        "/coverage/follow-ups",
        {"plan_id": plan.pk, "organization_ids": [spots["big"].pk], "due": days(10).isoformat()},
    )
    assert response.status_code == 201, response.content
    (created,) = response.json()
    task = Task.objects.get(pk=created["task_id"])
    assert (created["organization_id"], task.lead_unit, task.due) == (
        spots["big"].pk,
        world.own,
        days(10),
    )


def test_the_organization_page_links_to_its_rules_and_deadlines(client, world, spots):
    client.force_login(world.users["viewer"])
    big = spots["big"]
    assert f"/coverage/{big.pk}/deadlines/" in client.get(f"/coverage/{big.pk}/").content.decode()
    page = client.get(f"/coverage/{big.pk}/deadlines/").content.decode()
    assert "Dual sync" in page and "should be built within 90 days" in page
    assert client.get(f"/coverage/{spots['small'].pk}/deadlines/").status_code == 404


def test_the_api_refuses_a_second_follow_up_in_the_same_plan_with_its_code(world, spots, plan):
    staff = ApiClient(world.users["committee_staff"])
    body = {"plan_id": plan.pk, "organization_ids": [spots["big"].pk]}
    assert staff.post("/coverage/follow-ups", body).status_code == 201
    again = staff.post("/coverage/follow-ups", body)
    assert again.status_code == 422
    assert again.json()["code"] == "follow_up_exists"
    assert Task.objects.filter(plan=plan).count() == 1
