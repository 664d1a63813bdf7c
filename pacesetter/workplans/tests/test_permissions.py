"""Who may see, report on and manage key tasks and plans, through the screens.

Roles by actions by tasks led by the own unit, its child, the sibling unit (nobody of the
own unit involved) and a unit under another root. The plan belongs to the council
(kept by the committee, under the province).
"""

import pytest
from django.urls import reverse

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.workplans import services

from .board_data import START, make_plan

VIEW, REPORT, MANAGE = "view", "report", "manage"
EVERYTHING = {VIEW, REPORT, MANAGE}

#: role → task → what the role may do (no entry: the task is not found for them).
MATRIX = {
    "superuser": {
        "own": EVERYTHING,
        "child": EVERYTHING,
        "sibling": EVERYTHING,
        "other": EVERYTHING,
    },
    "committee_staff": {
        "own": EVERYTHING,
        "child": EVERYTHING,
        "sibling": EVERYTHING,
        "other": EVERYTHING,
    },
    "unit_officer": {"own": {VIEW, REPORT}, "child": {VIEW, REPORT}},
    "viewer": {"own": {VIEW}, "child": {VIEW}},
    "council_member": {"own": {VIEW}, "child": {VIEW}, "sibling": {VIEW}, "other": {VIEW}},
    "cluster_leader": {},
    "nobody": {},
    "lead_person": {"sibling": {VIEW, REPORT}},
}


@pytest.fixture
def tasks(world):
    staff = world.users["committee_staff"]
    plan = make_plan(world)
    world.users["lead_person"] = UserFactory(username="lead.person")
    units = {"own": world.own, "child": world.child, "sibling": world.sibling, "other": world.other}
    return {
        key: services.task_create(
            actor=staff,
            plan=plan,
            title=f"Task of {key}",
            lead_unit=unit,
            lead_person=world.users["lead_person"] if key == "sibling" else None,
            start=START,
        )
        for key, unit in units.items()
    }


CASES = [(role, key) for role in MATRIX for key in ("own", "child", "sibling", "other")]


@pytest.mark.parametrize(("role", "key"), CASES)
def test_task_matrix(client, world, tasks, role, key):
    client.force_login(world.users[role])
    task = tasks[key]
    allowed = MATRIX[role].get(key)
    view = client.get(reverse("workplans:task_detail", args=[task.pk]))
    report = client.post(
        reverse("workplans:task_report", args=[task.pk]),
        {"progress": "10", "note": "", "version": task.version},
    )
    manage = client.get(reverse("workplans:task_edit", args=[task.pk]))
    if allowed is None:
        assert (view.status_code, report.status_code, manage.status_code) == (404, 404, 404)
        return
    assert view.status_code == 200
    assert report.status_code == (302 if REPORT in allowed else 403)
    assert manage.status_code == (200 if MANAGE in allowed else 403)
    # The page offers only what the role may do.
    page = view.content.decode()
    assert (reverse("workplans:task_report", args=[task.pk]) in page) == (REPORT in allowed)
    assert (reverse("workplans:task_edit", args=[task.pk]) in page) == (MANAGE in allowed)


@pytest.mark.parametrize(
    ("role", "board", "manage"),
    [
        ("committee_staff", 200, 200),
        ("unit_officer", 200, 403),
        ("viewer", 200, 403),
        ("council_member", 200, 403),
        ("lead_person", 200, 403),
        ("cluster_leader", 404, 404),
        ("nobody", 404, 404),
    ],
)
def test_plan_matrix(client, world, tasks, role, board, manage):
    client.force_login(world.users[role])
    plan = tasks["own"].plan
    assert client.get(reverse("workplans:plan_board", args=[plan.pk])).status_code == board
    for name in ("plan_edit", "project_add", "task_add"):
        assert client.get(reverse(f"workplans:{name}", args=[plan.pk])).status_code == manage
    # Closing (and reopening) is managing: the button only for managers, the others
    # refused as for editing.
    close_url = reverse("workplans:plan_close", args=[plan.pk])
    if board == 200:
        page = client.get(reverse("workplans:plan_board", args=[plan.pk])).content.decode()
        assert (close_url in page) == (manage == 200)
    assert client.post(close_url).status_code == (302 if manage == 200 else manage)
    reopen = client.post(reverse("workplans:plan_reopen", args=[plan.pk]))
    assert reopen.status_code == (302 if manage == 200 else manage)


def test_evidence_and_milestones_follow_the_task(client, world, tasks):
    """Uploading evidence and marking milestones done is reporting; adding milestones is
    managing."""
    staff = world.users["committee_staff"]
    own, sibling = tasks["own"], tasks["sibling"]
    milestone = services.milestone_add(actor=staff, task=own, title="Step")
    client.force_login(world.users["viewer"])
    done_url = reverse("workplans:milestone_done", args=[own.pk, milestone.pk])
    assert client.post(done_url, {"done_on": "2021-07-01"}).status_code == 403
    assert client.post(reverse("workplans:evidence_add", args=[own.pk])).status_code == 403
    client.force_login(world.users["unit_officer"])
    assert client.post(done_url, {"done_on": "2021-07-01"}).status_code == 302
    add = reverse("workplans:milestone_add", args=[own.pk])
    assert client.post(add, {"title": "More", "weight": "1"}).status_code == 403
    # A milestone reached through another task's address is not found.
    wrong = reverse("workplans:milestone_done", args=[sibling.pk, milestone.pk])
    client.force_login(staff)
    assert client.post(wrong, {"done_on": "2021-07-01"}).status_code == 404
