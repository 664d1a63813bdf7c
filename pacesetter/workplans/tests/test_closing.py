"""Closing a work plan: its tasks are neither reminded nor escalated, and nothing of it
changes until it is reopened (services, the scan, the board, the API)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacesetter.audit.models import AuditEntry
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans import api as workplans_api
from pacesetter.workplans import reminders, services, views
from pacesetter.workplans.models import PlanState, Reminder, ReminderKind, WorkPlan

from .board_data import TODAY, make_board

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(workplans_api, "_today", lambda: TODAY)
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def board(world):
    return make_board(world)


def close(world, board):
    return services.plan_close(actor=world.users["committee_staff"], plan=board.plan)


# --- services ------------------------------------------------------------------------


def test_close_and_reopen_are_audited_and_refused_twice(world, board):
    staff = world.users["committee_staff"]
    plan = close(world, board)
    assert plan.state == PlanState.CLOSED
    entry = AuditEntry.objects.get(action="workplan.close")
    assert entry.changes == {"state": ["open", "closed"]}
    assert entry.actor == staff
    with pytest.raises(ValidationError) as refused:
        services.plan_close(actor=staff, plan=plan)
    assert refused.value.code == "invalid_transition"

    plan = services.plan_reopen(actor=staff, plan=plan)
    assert WorkPlan.objects.get(pk=plan.pk).state == PlanState.OPEN
    assert AuditEntry.objects.get(action="workplan.reopen").changes == {"state": ["closed", "open"]}
    with pytest.raises(ValidationError) as refused:
        services.plan_reopen(actor=staff, plan=plan)
    assert refused.value.code == "invalid_transition"


def test_every_write_to_a_closed_plan_is_refused_with_plan_closed(world, board):
    staff = world.users["committee_staff"]
    milestone = services.milestone_add(actor=staff, task=board.late, title="Hall booked")
    close(world, board)
    # The objects held from before the close are stale: the services read the state afresh.
    late, done, plan = board.late, board.done, board.plan
    writes = {
        "plan_update": lambda: services.plan_update(actor=staff, plan=plan, name="Renamed"),
        "project_create": lambda: services.project_create(actor=staff, plan=plan, name="New"),
        "project_update": lambda: services.project_update(
            actor=staff, project=board.project, name="Renamed"
        ),
        "task_create": lambda: services.task_create(
            actor=staff, plan=plan, title="New", lead_unit=world.own
        ),
        "task_update": lambda: services.task_update(actor=staff, task=late, title="Renamed"),
        "task_report": lambda: services.task_report(
            actor=staff, task=late, progress=D(50), version=late.version
        ),
        "task_review": lambda: services.task_review(
            actor=staff, task=done, rating="good", narrative="Went well."
        ),
        "task_reopen": lambda: services.task_reopen(actor=staff, task=done, note="Not done"),
        "milestone_add": lambda: services.milestone_add(actor=staff, task=late, title="More"),
        "milestone_set_done": lambda: services.milestone_set_done(
            actor=staff, milestone=milestone, done_on=TODAY
        ),
        "evidence_add": lambda: services.evidence_add(
            actor=staff, task=late, file=SimpleUploadedFile("photo.pdf", b"%PDF-1.4")
        ),
    }
    entries = AuditEntry.objects.count()
    for name, write in writes.items():
        with pytest.raises(ValidationError) as refused:
            write()
        assert refused.value.code == "plan_closed", name
    assert AuditEntry.objects.count() == entries
    late.refresh_from_db()
    assert (late.title, late.progress) == ("Book the exhibition hall", D(40))

    services.plan_reopen(actor=staff, plan=plan)
    report = services.task_report(actor=staff, task=late, progress=D(50), version=late.version)
    assert report.progress == D(50)


# --- the reminder scan ---------------------------------------------------------------------


@pytest.fixture
def mailable(world):
    for key in ("committee_staff", "unit_officer"):
        user = world.users[key]
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


def test_the_scan_skips_a_closed_plans_tasks(world, board, mailable):
    # The late task (due 15 August) is overdue by more than the plan's 7 days on TODAY,
    # the on-track one (due 30 September) not yet due soon; a day before it, it is.
    late_day = TODAY
    soon_day = dt.date(2021, 9, 25)
    close(world, board)
    assert reminders.scan(late_day) == []
    assert reminders.scan(soon_day) == []
    assert not Reminder.objects.exists()

    services.plan_reopen(actor=world.users["committee_staff"], plan=board.plan)
    reminders.scan(late_day)
    assert Reminder.objects.filter(task=board.late, kind=ReminderKind.ESCALATION).exists()


def test_a_row_written_before_the_close_is_dropped_unsent(world, board, mailable):
    waiting = reminders.scan(TODAY)
    assert Reminder.objects.filter(pk__in=waiting, kind=ReminderKind.ESCALATION).exists()
    close(world, board)
    outcomes = {reminders.deliver(pk, TODAY) for pk in waiting}
    assert outcomes == {reminders.OUTCOME_DROPPED}
    assert mail.outbox == []
    assert not Reminder.objects.exists()


# --- screens -------------------------------------------------------------------------------


def board_page(client, board):
    return client.get(reverse("workplans:plan_board", args=[board.plan.pk])).content.decode()


def test_managers_close_and_reopen_on_the_board(client, world, board):
    client.force_login(world.users["committee_staff"])
    close_url = reverse("workplans:plan_close", args=[board.plan.pk])
    reopen_url = reverse("workplans:plan_reopen", args=[board.plan.pk])
    page = board_page(client, board)
    assert close_url in page and reopen_url not in page
    assert reverse("workplans:task_add", args=[board.plan.pk]) in page

    assert client.post(close_url).status_code == 302
    assert WorkPlan.objects.get(pk=board.plan.pk).state == PlanState.CLOSED
    page = board_page(client, board)
    assert reopen_url in page and close_url not in page
    assert 'id="plan-closed-note"' in page
    # Nothing is offered that the closed plan would refuse.
    assert reverse("workplans:task_add", args=[board.plan.pk]) not in page
    assert reverse("workplans:plan_edit", args=[board.plan.pk]) not in page
    task_page = client.get(reverse("workplans:task_detail", args=[board.late.pk])).content
    for name in ("task_report", "task_edit", "milestone_add", "evidence_add"):
        assert reverse(f"workplans:{name}", args=[board.late.pk]).encode() not in task_page
    done_page = client.get(reverse("workplans:task_detail", args=[board.done.pk])).content
    for name in ("task_review", "task_reopen"):
        assert reverse(f"workplans:{name}", args=[board.done.pk]).encode() not in done_page

    # A form posted from a page opened before the close is refused with the reason.
    response = client.post(
        reverse("workplans:task_report", args=[board.late.pk]),
        {"progress": "60", "note": "", "version": board.late.version},
        follow=True,
    )
    assert "This work plan is closed" in response.content.decode()
    board.late.refresh_from_db()
    assert board.late.progress == D(40)
    assert client.post(close_url, follow=True).status_code == 200  # refused: a message

    assert client.post(reopen_url).status_code == 302
    assert WorkPlan.objects.get(pk=board.plan.pk).state == PlanState.OPEN


def test_the_plan_list_marks_a_closed_plan(client, world, board):
    close(world, board)
    client.force_login(world.users["viewer"])
    page = client.get(reverse("workplans:plan_list")).content.decode()
    assert "· Closed" in page


# --- API -----------------------------------------------------------------------------------


def test_api_close_reopen_state_and_allowed_actions(world, board):
    staff = ApiClient(world.users["committee_staff"])
    viewer = ApiClient(world.users["viewer"])
    path = f"/work-plans/{board.plan.pk}"
    detail = staff.get(path).json()
    assert (detail["state"], detail["allowed_actions"]) == ("open", ["close"])
    assert viewer.get(path).json()["allowed_actions"] == []
    assert_error_shape(viewer.post(f"{path}/close"), 403, "forbidden")

    closed = staff.post(f"{path}/close")
    assert closed.status_code == 200, closed.content
    assert (closed.json()["state"], closed.json()["allowed_actions"]) == ("closed", ["reopen"])
    assert staff.get("/work-plans").json()["items"][0]["state"] == "closed"
    assert_error_shape(staff.post(f"{path}/close"), 422, "invalid_transition")
    assert staff.get(f"/tasks/{board.late.pk}").json()["allowed_actions"] == []
    report = staff.post(f"/tasks/{board.late.pk}/report", {"version": 1, "progress": "50"})
    assert_error_shape(report, 422, "plan_closed")
    assert_error_shape(staff.patch(path, {"name": "Renamed"}), 422, "plan_closed")

    reopened = staff.post(f"{path}/reopen")
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["state"] == "open"
    assert "report" in staff.get(f"/tasks/{board.late.pk}").json()["allowed_actions"]


def test_my_work_leaves_out_a_closed_plans_tasks(client, world, board, monkeypatch):
    from pacesetter.workspace import views as workspace_views

    monkeypatch.setattr(workspace_views, "_today", lambda: TODAY)
    client.force_login(world.users["unit_officer"])
    url = reverse("workplans:my_work")
    assert board.late.title in client.get(url).content.decode()
    close(world, board)
    assert board.late.title not in client.get(url).content.decode()
