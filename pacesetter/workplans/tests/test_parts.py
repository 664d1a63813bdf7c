"""A supporting unit reports its own part of a task (progress, note, evidence); the lead's
report stays the lead's. The board's ``at_risk`` task is led by the sibling unit and
supported by the child unit, which the unit officer (over the own unit) answers for."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.workplans import services, views
from pacesetter.workplans.models import Task, TaskPart
from pacesetter.workplans.policies import part_units, task_policy

from .board_data import TODAY, make_board


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def board(world):
    return make_board(world)


def part_url(task: Task) -> str:
    return reverse("workplans:task_part_report", args=[task.pk])


def test_the_supporting_units_officer_reports_its_part_and_not_the_leads(client, world, board):
    task = board.at_risk
    client.force_login(world.users["unit_officer"])
    page = client.get(reverse("workplans:task_detail", args=[task.pk])).content.decode()
    assert part_url(task) in page
    assert reverse("workplans:task_report", args=[task.pk]) not in page

    pdf = SimpleUploadedFile("count.pdf", b"%PDF-1.4 part", content_type="application/pdf")
    response = client.post(
        part_url(task),
        {"unit": world.child.pk, "progress": "60", "note": "Stands booked", "file": pdf},
    )
    assert response.status_code == 302
    part = TaskPart.objects.get(task=task)
    assert (part.unit, part.progress, part.note) == (world.child, D(60), "Stands booked")
    assert task.evidence.get().unit == world.child
    assert AuditEntry.objects.filter(action="task.part_report").count() == 1
    # The lead's progress and history are untouched, and the lead's report is not theirs.
    task.refresh_from_db()
    assert task.progress == D(0) and not task.updates.exists()
    assert (
        client.post(reverse("workplans:task_report", args=[task.pk]), {"progress": "90"})
    ).status_code == 403
    page = client.get(reverse("workplans:task_detail", args=[task.pk])).content.decode()
    assert "Stands booked" in page and "Child unit" in page

    # A second report replaces the unit's part (one part per unit).
    client.post(part_url(task), {"unit": world.child.pk, "note": "Half the stands set up"})
    part.refresh_from_db()
    assert (part.progress, part.note) == (D(60), "Half the stands set up")


def test_only_a_supporting_units_officers_report_a_part(client, world, board):
    task = board.at_risk
    # The lead unit's officer reports the task itself, not a part.
    lead = UserFactory(username="sibling.officer")
    role_grant(actor=None, user=lead, role=Role.UNIT_OFFICER, unit=world.sibling)
    assert task_policy.allows(lead, "report", task)
    assert not task_policy.allows(lead, "report_part", task)
    assert not part_units(lead, task).exists()
    client.force_login(lead)
    assert client.post(part_url(task), {"unit": world.child.pk, "note": "x"}).status_code == 403
    # A viewer of the supporting unit sees the task but reports nothing.
    client.force_login(world.users["viewer"])
    assert client.post(part_url(task), {"unit": world.child.pk, "note": "x"}).status_code == 403
    # Someone who cannot see the task gets a 404.
    client.force_login(world.users["nobody"])
    assert client.post(part_url(task), {"unit": world.child.pk, "note": "x"}).status_code == 404
    # The supporting unit's officer may only name a unit it answers for.
    client.force_login(world.users["unit_officer"])
    response = client.post(part_url(task), {"unit": world.sibling.pk, "note": "x"})
    assert response.status_code == 200 and not TaskPart.objects.exists()
    assert task_policy.allows(world.users["unit_officer"], "report_part", task)
    assert not task_policy.allows(world.users["unit_officer"], "report_part", board.on_track)


def test_the_service_refuses_a_unit_that_does_not_support_the_task(world, board):
    with pytest.raises(ValidationError) as info:
        services.task_part_report(
            actor=None, task=board.at_risk, unit=world.sibling, note="I lead it"
        )
    assert info.value.error_dict["unit"][0].code == "not_supporting"
    with pytest.raises(ValidationError):
        services.task_part_report(actor=None, task=board.at_risk, unit=world.child)


def test_the_api_reports_and_lists_the_parts(world, board):
    from pacesetter.testing.api import ApiClient, assert_error_shape

    task = board.at_risk
    officer = ApiClient(world.users["unit_officer"])
    answer = officer.post(
        f"/tasks/{task.pk}/parts", {"unit_id": world.child.pk, "progress": "40", "note": "Half"}
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["unit"]["id"], answer.json()["progress"]) == (world.child.pk, "40.0")
    assert [p["note"] for p in officer.get(f"/tasks/{task.pk}/parts").json()] == ["Half"]
    task.refresh_from_db()
    assert task.progress == D(0)  # the lead's own progress is not the part's

    # The lead unit is not a supporting unit; a viewer may not report.
    assert_error_shape(
        officer.post(f"/tasks/{task.pk}/parts", {"unit_id": task.lead_unit_id}),
        422,
        "not_supporting",
    )
    viewer = ApiClient(world.users["viewer"])
    assert viewer.post(f"/tasks/{task.pk}/parts", {"unit_id": world.child.pk}).status_code in (
        403,
        404,
    )
    assert TaskPart.objects.filter(task=task).count() == 1
