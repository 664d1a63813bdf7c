"""The chain screens: list, page (organizations, open problems, plans, meetings) and the
managers' forms."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacesetter.chains.models import Chain
from pacesetter.chains.services import chain_create, chain_member_add
from pacesetter.chains.tests.factories import ChainFactory
from pacesetter.meetings.models import Meeting
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans import services as plan_services
from pacesetter.workplans import views as workplan_views
from pacesetter.workplans.tests.board_data import START, TODAY, make_plan


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    from pacesetter.workspace import views  # the chain page lives there

    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(workplan_views, "_today", lambda: TODAY)


@pytest.fixture
def chain(world):
    """The leather goods chain kept by the committee: own (leader) → child → sibling."""
    return chain_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        name="Leather goods",
        leader_unit=world.own,
        description="Tanneries, makers and shops",
        members=[world.own, world.child, world.sibling],
    )


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def member_order(response):
    return [int(pk) for pk in re.findall(r'<li data-unit="(\d+)"', response.content.decode())]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_chain_list_search_and_empty_state(client, world, chain):
    ChainFactory(owner_unit=world.other_root, name="Optics", leader_unit=world.other)
    client.force_login(world.users["unit_officer"])
    page = text(client.get(reverse("chains:chain_list")))
    assert "Leather goods" in page and "Optics" not in page
    assert reverse("chains:chain_create") not in page
    client.force_login(world.users["committee_staff"])
    page = text(client.get(reverse("chains:chain_list"), {"q": "leather"}))
    assert "Leather goods" in page and reverse("chains:chain_create") in page
    page = text(client.get(reverse("chains:chain_list"), {"q": "nothing"}))
    assert "No chain matches" in page
    client.force_login(world.users["nobody"])
    assert "There are no chains you may see." in text(client.get(reverse("chains:chain_list")))


def test_chain_page_groups_members_problems_plans_and_meetings(client, world, chain):
    staff = world.users["committee_staff"]
    plan = make_plan(world)
    late = plan_services.task_create(
        actor=staff,
        plan=plan,
        title="Shared tannery waste plant",
        lead_unit=world.child,
        chain=chain,
        start=START,
        due=dt.date(2021, 8, 1),
    )
    finished = plan_services.task_create(
        actor=staff, plan=plan, title="Finished", lead_unit=world.own, chain=chain
    )
    plan_services.task_report(actor=staff, task=finished, done_on=START, version=finished.version)
    Meeting.objects.create(
        kind="exchange",
        title_en="Leather chain exchange",
        organizer_unit=world.committee,
        chain=chain,
        starts_at=timezone.now(),
    )
    client.force_login(world.users["viewer"])
    response = client.get(reverse("chains:chain_detail", args=[chain.pk]))
    page = text(response)
    assert member_order(response) == [world.own.pk, world.child.pk, world.sibling.pk]
    assert re.search(r"Own unit.*?chain leader", page)
    assert "Shared tannery waste plant" in page and "31 days overdue" in page
    assert "Finished" not in page
    assert plan.name in page
    # The viewer of the own unit may not see the committee's meeting.
    assert "Leather chain exchange" not in page
    assert reverse("chains:chain_edit", args=[chain.pk]) not in page
    client.force_login(staff)
    page = text(client.get(reverse("chains:chain_detail", args=[chain.pk])))
    assert "Leather chain exchange" in page
    assert late.title in page


def test_chain_page_query_count_does_not_grow(client, world, chain):
    staff = world.users["committee_staff"]
    client.force_login(staff)
    url = reverse("chains:chain_detail", args=[chain.pk])
    first = make_plan(world, name="First")
    plan_services.task_create(actor=staff, plan=first, title="T", lead_unit=world.own, chain=chain)
    few = count_queries(client, url)
    for n in range(5):
        plan = make_plan(world, name=f"Plan {n}")
        for m in range(3):
            plan_services.task_create(
                actor=staff, plan=plan, title=f"T{n}.{m}", lead_unit=world.own, chain=chain
            )
        Meeting.objects.create(
            kind="council",
            title_en=f"M{n}",
            organizer_unit=world.committee,
            chain=chain,
            starts_at=timezone.now(),
        )
        chain_member_add(actor=staff, chain=chain, unit=UnitFactory(parent=world.root))
    assert count_queries(client, url) == few


def test_managers_create_edit_and_order_the_chain(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("chains:chain_create"),
        {
            "owner_unit": world.committee.pk,
            "source_language": "en",
            "name_en": "Airport logistics",
            "leader_unit": world.sibling.pk,
            "description_en": "",
            # One first member: several come in the choices' (tree) order, whatever the
            # order posted, and tree order follows ids as text (34 after 100).
            "members": [world.own.pk],
        },
    )
    chain = Chain.objects.get(name_en="Airport logistics")
    assert response.status_code == 302
    url = reverse("chains:chain_detail", args=[chain.pk])
    assert response.url == url

    response = client.post(
        reverse("chains:member_add", args=[chain.pk]), {"unit": world.sibling.pk, "link": "Gate"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("chains:member_add", args=[chain.pk]), {"unit": world.child.pk, "link": "Shops"}
    )
    assert response.status_code == 302
    assert member_order(client.get(url)) == [world.own.pk, world.sibling.pk, world.child.pk]

    child = chain.members.get(unit=world.child)
    client.post(reverse("chains:member_move", args=[chain.pk, child.pk]), {"direction": "up"})
    assert member_order(client.get(url)) == [world.own.pk, world.child.pk, world.sibling.pk]
    own = chain.members.get(unit=world.own)
    client.post(reverse("chains:member_move", args=[chain.pk, own.pk]), {"direction": "down"})
    assert member_order(client.get(url)) == [world.child.pk, world.own.pk, world.sibling.pk]
    # Moving the most upstream up changes nothing.
    client.post(reverse("chains:member_move", args=[chain.pk, child.pk]), {"direction": "up"})
    assert member_order(client.get(url)) == [world.child.pk, world.own.pk, world.sibling.pk]

    client.post(reverse("chains:member_remove", args=[chain.pk, own.pk]))
    assert member_order(client.get(url)) == [world.child.pk, world.sibling.pk]
    assert list(chain.members.values_list("position", flat=True)) == [1, 2]

    response = client.post(
        reverse("chains:chain_edit", args=[chain.pk]),
        {
            "source_language": "en",
            "name_en": "Airport logistics chain",
            "leader_unit": world.child.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    chain.refresh_from_db()
    assert chain.name == "Airport logistics chain" and chain.leader_unit == world.child


def test_chain_form_errors(client, world, chain):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        reverse("chains:chain_create"),
        {
            "owner_unit": world.committee.pk,
            "source_language": "en",
            "name_en": "Leather goods",
            "leader_unit": world.own.pk,
        },
    )
    assert response.status_code == 200
    assert "already used here in English" in text(response)
    assert Chain.objects.filter(name_en="Leather goods").count() == 1
    response = client.post(reverse("chains:member_add", args=[chain.pk]), {"unit": world.own.pk})
    assert response.status_code == 200  # already on the chain: not a choice
    assert "Select a valid choice" in text(response)


@pytest.mark.parametrize(
    ("role", "view", "manage"),
    [
        ("committee_staff", 200, 200),
        ("unit_officer", 200, 403),  # own unit is on the chain
        ("viewer", 200, 403),
        ("council_member", 404, 404),
        ("nobody", 404, 404),
    ],
)
def test_chain_permissions(client, world, chain, role, view, manage):
    client.force_login(world.users[role])
    assert client.get(reverse("chains:chain_detail", args=[chain.pk])).status_code == view
    assert client.get(reverse("chains:chain_edit", args=[chain.pk])).status_code == manage
    assert client.get(reverse("chains:member_add", args=[chain.pk])).status_code == manage
    member = chain.members.first()
    remove = client.post(reverse("chains:member_remove", args=[chain.pk, member.pk]))
    assert remove.status_code == (302 if manage == 200 else manage)


def test_only_staff_create_chains(client, world):
    client.force_login(world.users["unit_officer"])
    assert client.get(reverse("chains:chain_create")).status_code == 403


def test_chain_page_lists_the_tasks_of_projects_on_the_chain(client, world, chain):
    staff = world.users["committee_staff"]
    plan = make_plan(world)
    project = plan_services.project_create(
        actor=staff, plan=plan, name="Tannery cluster", chain=chain
    )
    through_project = plan_services.task_create(
        actor=staff, plan=plan, project=project, title="Dye works audit", lead_unit=world.own
    )
    other_plan = make_plan(world, name="Another plan")
    elsewhere = plan_services.project_create(actor=staff, plan=other_plan, name="Elsewhere")
    plan_services.task_create(
        actor=staff, plan=other_plan, project=elsewhere, title="Not on it", lead_unit=world.own
    )
    client.force_login(world.users["viewer"])
    page = text(client.get(reverse("chains:chain_detail", args=[chain.pk])))
    assert "Dye works audit" in page and "Not on it" not in page
    assert re.search(rf'data-task="{through_project.pk}"', page)
    assert plan.name in page and "Another plan" not in page
