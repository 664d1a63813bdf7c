"""The plan board's print view (every key task, not one page) and its .xlsx (the board's
filters and what the user may see, in the user's language; text stays text)."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from pacesetter.testing.exports import xlsx_cell_types, xlsx_rows
from pacesetter.workplans import services, views
from pacesetter.workspace import views as workspace_views

from .board_data import TODAY, add_tasks, make_board


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(workspace_views, "_today", lambda: TODAY)
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def board(world):
    return make_board(world)


def url(name, board, **params):
    address = reverse(name, args=[board.plan.pk])
    return address + ("?" + urlencode(params) if params else "")


def task_rows(response):
    return [int(pk) for pk in re.findall(r'data-task="(\d+)"', response.content.decode())]


@pytest.mark.django_db
def test_the_boards_print_view_holds_every_task(client, world, board):
    add_tasks(world, board.plan, 100)
    client.force_login(world.users["committee_staff"])
    screen = client.get(url("workplans:plan_board", board))
    assert len(task_rows(screen)) == 100
    assert "print=1" in screen.content.decode()  # the Print link
    printed = client.get(url("workplans:plan_board", board, print="1"))
    assert len(task_rows(printed)) == 104
    assert 'rel="next"' not in printed.content.decode()
    late = client.get(url("workplans:plan_board", board, print="1", status="late"))
    assert task_rows(late) == [board.late.pk]


@pytest.mark.django_db
def test_the_boards_print_view_says_when_the_cap_cuts_it(client, world, board, settings):
    settings.PRINT_MAX_ROWS = 3
    client.force_login(world.users["committee_staff"])
    printed = client.get(url("workplans:plan_board", board, print="1"))
    assert len(task_rows(printed)) == 3
    assert "Only the first 3 of 4 rows are printed" in printed.content.decode()


@pytest.mark.django_db
def test_the_boards_export_holds_the_filtered_tasks(client, world, board):
    client.force_login(world.users["committee_staff"])
    rows = xlsx_rows(client.get(url("workplans:plan_board_xlsx", board)))
    assert rows[0][:4] == ["Project", "Code", "Key task", "Status"]
    titles = [row[2] for row in rows[1:]]
    assert titles == [t.title for t in (board.at_risk, board.on_track, board.late, board.done)]
    assert rows[1 + titles.index(board.late.title)][3] == "Late"
    late = xlsx_rows(client.get(url("workplans:plan_board_xlsx", board, status="late")))
    assert [row[2] for row in late[1:]] == [board.late.title]


@pytest.mark.django_db
def test_the_boards_export_keeps_a_formula_as_text(client, world, board):
    services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="=1+2",
        lead_unit=world.own,
    )
    client.force_login(world.users["committee_staff"])
    response = client.get(url("workplans:plan_board_xlsx", board))
    assert xlsx_cell_types(response)["=1+2"] == "s"


@pytest.mark.django_db
def test_the_boards_export_shows_an_officer_only_their_units_tasks(client, world, board):
    sibling_only = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Sibling alone",
        lead_unit=world.sibling,
    )
    client.force_login(world.users["unit_officer"])
    titles = [row[2] for row in xlsx_rows(client.get(url("workplans:plan_board_xlsx", board)))]
    assert sibling_only.title not in titles and board.late.title in titles
    client.force_login(world.users["nobody"])
    assert client.get(url("workplans:plan_board_xlsx", board)).status_code == 404


@pytest.mark.django_db
def test_the_boards_export_is_in_the_users_language(client, world, board):
    client.force_login(world.users["committee_staff"])
    client.cookies["django_language"] = "zh-hans"
    header = xlsx_rows(client.get(url("workplans:plan_board_xlsx", board)))[0]
    assert "Key task" not in header
