"""The key task's transition table: the service refuses what it does not have, the task
page offers exactly the allowed moves, and the API reports them as ``allowed_actions``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.workplans import services, views
from pacesetter.workplans.tests.board_data import TODAY, make_board

MOVES = ("report", "review", "reopen")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def board(world):
    return make_board(world)


def offered(client, task):
    page = client.get(reverse("workplans:task_detail", args=[task.pk])).content.decode()
    return {m for m in MOVES if reverse(f"workplans:task_{m}", args=[task.pk]) in page}


def test_the_service_refuses_a_move_the_table_does_not_have(world, board):
    task = board.late
    with pytest.raises(ValidationError) as excinfo:
        services.task_reopen(
            actor=world.users["committee_staff"], task=task, note="Why", version=task.version
        )
    assert excinfo.value.code == "invalid_transition"
    assert excinfo.value.messages == ["This task is not marked as done."]


def test_the_task_page_shows_exactly_the_allowed_moves(client, world, board):
    client.force_login(world.users["committee_staff"])
    assert offered(client, board.done) == {"report", "review", "reopen"}
    assert offered(client, board.late) == {"report", "review"}
    client.force_login(world.users["unit_officer"])
    assert offered(client, board.done) == {"report"}
    assert offered(client, board.late) == {"report"}


def test_the_api_reports_the_allowed_actions_per_role(world, board):
    staff = ApiClient(world.users["committee_staff"])
    officer = ApiClient(world.users["unit_officer"])
    assert staff.get(f"/tasks/{board.done.pk}").json()["allowed_actions"] == [
        "report",
        "review",
        "reopen",
    ]
    assert staff.get(f"/tasks/{board.late.pk}").json()["allowed_actions"] == ["report", "review"]
    assert officer.get(f"/tasks/{board.done.pk}").json()["allowed_actions"] == ["report"]
    refused = staff.post(
        f"/tasks/{board.late.pk}/reopen", {"note": "Why", "version": board.late.version}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_transition"
