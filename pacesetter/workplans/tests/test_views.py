"""The work plan screens: the plan list, the plan board, the task page and "my work"."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacesetter.meetings.models import Invitation, Meeting
from pacesetter.workplans import services, views
from pacesetter.workplans.models import (
    ProgressMode,
    Reminder,
    Task,
    TaskEvidence,
    TaskUpdate,
    WorkPlan,
)
from pacesetter.workspace import views as workspace_views

from .board_data import (
    END,
    START,
    TODAY,
    add_sibling_project,
    add_tasks,
    make_board,
    make_plan,
)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "_today", lambda: TODAY)
    monkeypatch.setattr(workspace_views, "_today", lambda: TODAY)  # "my work" lives there
    monkeypatch.setattr(services, "_today", lambda: TODAY)


@pytest.fixture
def board(world):
    return make_board(world)


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- the plan list ----------------------------------------------------------------------


def test_plan_list_shows_progress_and_counts_and_searches(client, world, board):
    make_plan(world, name="Year 2022")
    login(client, world, "committee_staff")
    response = client.get(reverse("workplans:plan_list"))
    page = text(response)
    assert "Second half-year 2021" in page and "Year 2022" in page
    # Project: (40 + 100) / 2 = 70; key tasks: (0 + 90) / 2 = 45 with weight 2 → 53.3.
    assert "53.3%" in page
    assert "1 late" in page and "1 at risk" in page and "1 done" in page
    assert reverse("workplans:plan_create") in page

    response = client.get(reverse("workplans:plan_list"), {"q": "2022"})
    assert "Year 2022" in text(response)
    assert "Second half-year 2021" not in text(response)


def test_plan_list_roll_up_agrees_with_the_board(world, board):
    from pacesetter.workplans import selectors

    assert selectors.plans_progress([board.plan.pk])[board.plan.pk] == (
        selectors.plan_rollup(board.plan, TODAY).plan
    )


def test_plan_list_empty_for_someone_without_plans(client, world, board):
    login(client, world, "nobody")
    page = text(client.get(reverse("workplans:plan_list")))
    assert "There are no work plans you may see." in page
    assert reverse("workplans:plan_create") not in page


def test_plan_list_query_count_does_not_grow_with_plans(client, world):
    login(client, world, "committee_staff")
    plan = make_plan(world, name="First")
    add_tasks(world, plan, 2)
    url = reverse("workplans:plan_list")
    few = count_queries(client, url)
    for n in range(6):
        add_tasks(world, make_plan(world, name=f"Plan {n}"), 3)
    assert count_queries(client, url) == few


# --- creating and editing plans ----------------------------------------------------------


def test_staff_create_a_plan_for_a_body_they_run(client, world):
    login(client, world, "committee_staff")
    url = reverse("workplans:plan_create")
    response = client.get(url)
    assert world.council.name in text(response)
    response = client.post(
        url,
        {
            "body": world.council.pk,
            "source_language": "en",
            "name_en": "Year 2024",
            "kind": "year",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "at_risk_margin": "10",
            "remind_days_before": "7",
            "escalate_after_days": "7",
        },
    )
    plan = WorkPlan.objects.get(name_en="Year 2024")
    assert response.status_code == 302
    assert response.url == reverse("workplans:plan_board", args=[plan.pk])
    assert plan.created_by == world.users["committee_staff"]


def test_plan_form_shows_errors_and_saves_nothing(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("workplans:plan_create"),
        {
            "body": world.council.pk,
            "source_language": "en",
            "name_en": "Backwards",
            "kind": "year",
            "period_start": "2024-12-31",
            "period_end": "2024-01-01",
            "at_risk_margin": "10",
            "remind_days_before": "7",
            "escalate_after_days": "7",
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in text(response)
    assert not WorkPlan.objects.filter(name_en="Backwards").exists()


def test_only_staff_over_a_body_create_plans(client, world):
    login(client, world, "unit_officer")
    assert client.get(reverse("workplans:plan_create")).status_code == 403


def test_editing_the_margin_recomputes_the_statuses(client, world, board):
    login(client, world, "committee_staff")
    url = reverse("workplans:plan_edit", args=[board.plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "source_language": "en",
            "name_en": board.plan.name,
            "kind": "half_year",
            "period_start": START.isoformat(),
            "period_end": END.isoformat(),
            "at_risk_margin": "50",
            "remind_days_before": "7",
            "escalate_after_days": "7",
        },
    )
    assert response.status_code == 302
    board.at_risk.refresh_from_db()
    # 0% against an expected 43.2% is within a 50-point margin until later in the year.
    assert board.at_risk.at_risk_from > TODAY
    page = text(client.get(reverse("workplans:plan_board", args=[board.plan.pk])))
    assert "At risk: 0" in page


# --- the board ------------------------------------------------------------------------------


def board_url(board, **params):
    url = reverse("workplans:plan_board", args=[board.plan.pk])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def task_rows(response):
    return [int(pk) for pk in re.findall(r'data-task="(\d+)"', response.content.decode())]


def test_board_shows_progress_projects_and_tasks_with_their_status(client, world, board):
    login(client, world, "committee_staff")
    response = client.get(board_url(board))
    page = text(response)
    assert 'id="plan-progress">53.3%' in page
    assert "Late: 1" in page and "At risk: 1" in page and "On track: 1" in page
    assert "Done: 1" in page
    # Key tasks placed directly in the plan come first, then the project's tasks.
    assert task_rows(response) == [
        board.at_risk.pk,
        board.on_track.pk,
        board.late.pk,
        board.done.pk,
    ]
    assert re.search(rf'data-task="{board.late.pk}">.*?class="status late">Late<', page)
    assert "17 days overdue" in page
    assert "expected 43.2% by today" in page
    assert "Child unit" in page  # a supporting unit
    assert reverse("workplans:task_add", args=[board.plan.pk]) in page


def test_board_status_as_of_another_day(client, world, board):
    login(client, world, "committee_staff")
    # Before any task fell due or behind, and before "Invite exhibitors" was done (on
    # 30 July): all on track.
    early = client.get(board_url(board, as_of="2021-06-02"))
    page = text(early)
    counts = re.search(r'id="status-counts">(.*?)</div>', page).group(1)
    assert "On track: 4" in counts and "Done: 0" in counts and "Late: 0" in counts
    assert re.search(rf'data-task="{board.done.pk}">.*?class="status on_track">On track<', page)
    assert 'value="2021-06-02"' in page  # the filters keep the day
    assert "by today" not in page  # the explanation names the day seen, not today
    late_only = client.get(board_url(board, as_of="2021-06-02", status="late"))
    assert task_rows(late_only) == []
    # A day that is not a date is ignored: the board shows today's statuses.
    assert "Late: 1" in text(client.get(board_url(board, as_of="someday")))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "late"}, ["late"]),
        ({"status": "done"}, ["done"]),
        ({"project": "direct"}, ["at_risk", "on_track"]),
        ({"q": "summer"}, ["on_track"]),
        ({"unit": "sib"}, ["at_risk"]),
        # The child unit leads one task and supports another.
        ({"unit": "CHILD"}, ["at_risk", "on_track"]),
        ({"unit": "OWN"}, ["late", "done"]),
        ({"unit": "OWN", "subtree": "on"}, ["at_risk", "on_track", "late", "done"]),
    ],
)
def test_board_filters(client, world, board, params, expected):
    login(client, world, "committee_staff")
    response = client.get(board_url(board, **params))
    assert task_rows(response) == [getattr(board, name).pk for name in expected]


def test_board_filters_by_chain_directly_or_through_the_project(client, world, board):
    from pacesetter.chains.services import chain_create

    staff = world.users["committee_staff"]
    chain = chain_create(
        actor=staff, owner_unit=world.committee, name="Leather goods", leader_unit=world.own
    )
    services.project_update(actor=staff, project=board.project, chain=chain)
    services.task_update(actor=staff, task=board.at_risk, chain=chain)
    login(client, world, "committee_staff")
    response = client.get(board_url(board, chain=chain.pk))
    assert task_rows(response) == [board.at_risk.pk, board.late.pk, board.done.pk]


def test_board_shows_a_task_without_dates_or_progress(client, world, board):
    bare = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Dual synchronization survey",
        lead_unit=world.own,
        progress_mode=ProgressMode.MILESTONES,
    )
    assert bare.progress is None
    login(client, world, "committee_staff")
    response = client.get(board_url(board, q="survey"))
    assert task_rows(response) == [bare.pk]
    assert re.search(r'class="status on_track">On track</span></td>', text(response))
    assert client.get(reverse("workplans:task_detail", args=[bare.pk])).status_code == 200


def test_board_filter_errors_and_empty_result(client, world, board):
    login(client, world, "committee_staff")
    response = client.get(board_url(board, unit="NO-SUCH-UNIT"))
    assert "No unit has this code." in text(response)
    response = client.get(board_url(board, q="nothing like this"))
    assert task_rows(response) == []
    assert "No key task matches these filters." in text(response)


def test_board_htmx_request_gets_only_the_task_table(client, world, board):
    login(client, world, "committee_staff")
    htmx = {"HX-Request": "true", "HX-Target": "board-tasks"}
    response = client.get(board_url(board, status="late"), headers=htmx)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board-tasks"')
    assert "<html" not in body
    assert task_rows(response) == [board.late.pk]
    restore = {**htmx, "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(board_url(board), headers=restore).content.decode()


def test_board_shows_an_officer_only_their_units_tasks(client, world, board):
    login(client, world, "unit_officer")
    response = client.get(board_url(board))
    # Own unit's tasks and those of the child unit (in the officer's subtree), led or
    # supported; the sibling's task is supported by the child unit, so it shows too.
    assert sorted(task_rows(response)) == sorted(
        [board.late.pk, board.done.pk, board.at_risk.pk, board.on_track.pk]
    )
    sibling_only = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Sibling alone",
        lead_unit=world.sibling,
    )
    assert sibling_only.pk not in task_rows(client.get(board_url(board)))
    assert reverse("workplans:task_add", args=[board.plan.pk]) not in text(
        client.get(board_url(board))
    )


def test_board_is_not_found_for_someone_who_cannot_see_the_plan(client, world, board):
    login(client, world, "nobody")
    assert client.get(board_url(board)).status_code == 404


@pytest.mark.parametrize(("role", "queries"), [("committee_staff", 14), ("unit_officer", 13)])
def test_board_query_count_does_not_grow_with_tasks(client, world, board, role, queries):
    login(client, world, role)
    assert count_queries(client, board_url(board)) == queries
    add_tasks(world, board.plan, 26, project=board.project)
    add_tasks(world, board.plan, 4)
    assert Task.objects.filter(plan=board.plan).count() == 34
    assert count_queries(client, board_url(board)) == queries
    # Filtered: the unit looked up by its code, and the matching tasks counted (unfiltered,
    # the roll-up has counted them).
    filtered = board_url(board, unit="OWN", subtree="on", status="late")
    assert count_queries(client, filtered) == queries + 2


def test_board_pages_by_one_hundred(client, world, board):
    add_tasks(world, board.plan, 100)
    login(client, world, "committee_staff")
    first = client.get(board_url(board))
    assert len(task_rows(first)) == 100
    assert "Page 1 of 2" in text(first)
    second = client.get(board_url(board, page=2))
    assert len(task_rows(second)) == 4


# --- projects and tasks ------------------------------------------------------------------


def test_manager_adds_a_project_and_a_task(client, world, board):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("workplans:project_add", args=[board.plan.pk]),
        {
            "code": "P2",
            "source_language": "en",
            "name_en": "Love Eyes Day",
            "lead_unit": world.sibling.pk,
            "weight": "1",
        },
    )
    assert response.status_code == 302
    project = board.plan.projects.get(name_en="Love Eyes Day")
    assert project.position == 2
    url = reverse("workplans:task_add", args=[board.plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "project": project.pk,
            "source_language": "en",
            "title_en": "Charity in Gejiu",
            "lead_unit": world.sibling.pk,
            "supporting_units": [world.own.pk, world.child.pk],
            "start": "2021-06-01",
            "due": "2021-10-10",
            "weight": "2",
            "progress_mode": "entered",
        },
    )
    task = Task.objects.get(title_en="Charity in Gejiu")
    assert response.status_code == 302
    assert response.url == reverse("workplans:task_detail", args=[task.pk])
    assert set(task.supporting_units.values_list("code", flat=True)) == {"OWN", "CHILD"}


def test_task_dates_outside_the_plan_are_refused_beside_the_field(client, world, board):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("workplans:task_add", args=[board.plan.pk]),
        {
            "source_language": "en",
            "title_en": "Too late",
            "lead_unit": world.own.pk,
            "due": "2022-03-01",
            "weight": "1",
            "progress_mode": "entered",
        },
    )
    assert response.status_code == 200
    assert re.search(r'id_due_error">The date must fall within the plan', text(response))
    assert not Task.objects.filter(title_en="Too late").exists()


def test_only_managers_add_projects_and_tasks(client, world, board):
    login(client, world, "unit_officer")
    assert client.get(reverse("workplans:task_add", args=[board.plan.pk])).status_code == 403
    assert client.get(reverse("workplans:project_add", args=[board.plan.pk])).status_code == 403
    assert client.get(reverse("workplans:plan_edit", args=[board.plan.pk])).status_code == 403


# --- the task page -----------------------------------------------------------------------


def task_url(task, name="task_detail", *args):
    return reverse(f"workplans:{name}", args=[task.pk, *args])


def test_task_page_answers_who_what_how_how_well(client, world, board):
    staff = world.users["committee_staff"]
    services.task_update(
        actor=staff,
        task=board.at_risk,
        scope="The 5th national competition in optometry",
        measures="With the provincial labour federation",
    )
    login(client, world, "viewer")
    response = client.get(task_url(board.at_risk))
    page = text(response)
    assert "Sibling unit" in page and "Child unit" in page
    assert "The 5th national competition in optometry" in page
    assert "With the provincial labour federation" in page
    assert 'class="status at_risk" id="status-label">At risk<' in page
    assert "expected 43.2% by today" in page
    assert "Filled in at review." in page
    # A viewer of the own unit sees the task (the child unit supports it) but may not report.
    assert task_url(board.at_risk, "task_report") not in page


def test_task_page_links_to_plan_chain_and_source_meeting(client, world, board):
    from pacesetter.chains.services import chain_create
    from pacesetter.meetings.models import Resolution

    staff = world.users["committee_staff"]
    chain = chain_create(
        actor=staff, owner_unit=world.committee, name="Leather goods", leader_unit=world.own
    )
    meeting = Meeting.objects.create(
        kind="council",
        title_en="9th standing council",
        organizer_unit=world.committee,
        starts_at=timezone.now(),
    )
    resolution = Resolution.objects.create(
        meeting=meeting, number=1, text_en="Seven key tasks", adopted_on=dt.date(2021, 5, 26)
    )
    task = services.task_create(
        actor=staff,
        plan=board.plan,
        title="Optics fair",
        lead_unit=world.own,
        chain=chain,
        resolution=resolution,
    )
    login(client, world, "committee_staff")
    page = text(client.get(task_url(task)))
    assert reverse("workplans:plan_board", args=[board.plan.pk]) in page
    assert reverse("chains:chain_detail", args=[chain.pk]) in page
    assert "From resolution 1 of" in page and "9th standing council" in page


def test_officer_reports_progress_and_it_enters_the_history(client, world, board):
    login(client, world, "unit_officer")
    task = board.late
    response = client.post(
        task_url(task, "task_report"),
        {"progress": "75", "note": "Hall booked", "done_on": "", "version": task.version},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == D(75)
    page = text(client.get(task_url(task)))
    assert "Hall booked" in page and "75.0%" in page
    assert "progress reported" in page


def test_a_stale_report_is_refused_and_nothing_is_saved(client, world, board):
    task = board.late
    stale = task.version
    services.task_report(
        actor=world.users["committee_staff"], task=task, progress=D(50), version=stale
    )
    login(client, world, "unit_officer")
    response = client.post(
        task_url(task, "task_report"), {"progress": "80", "note": "Mine", "version": stale}
    )
    assert response.status_code == 200
    assert "Someone else saved this task since you opened it." in text(response)
    task.refresh_from_db()
    assert task.progress == D(50)
    assert not TaskUpdate.objects.filter(task=task, note="Mine").exists()


def test_report_form_errors(client, world, board):
    login(client, world, "unit_officer")
    task = board.late
    response = client.post(
        task_url(task, "task_report"), {"progress": "120", "version": task.version}
    )
    assert "Ensure this value is less than or equal to 100." in text(response)
    response = client.post(task_url(task, "task_report"), {"version": task.version})
    assert "Enter a progress value, a note or the day it was done." in text(response)
    assert TaskUpdate.objects.filter(task=task).count() == 1  # only the fixture's report


def test_milestones_drive_progress(client, world, board):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff,
        plan=board.plan,
        title="Standardization committee",
        lead_unit=world.own,
        progress_mode=ProgressMode.MILESTONES,
    )
    login(client, world, "committee_staff")
    for title, weight in (("Proposal", "1"), ("Approval", "3")):
        response = client.post(
            task_url(task, "milestone_add"), {"title": title, "due": "", "weight": weight}
        )
        assert response.status_code == 302
    first = task.milestones.get(title_en="Proposal")
    client.force_login(world.users["unit_officer"])
    page = text(client.get(task_url(task)))
    assert 'name="progress"' not in page  # the progress comes from the milestones
    response = client.post(task_url(task, "milestone_done", first.pk), {"done_on": "2021-08-01"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.progress == D(25)
    client.post(task_url(task, "milestone_done", first.pk), {"undo": "1"})
    task.refresh_from_db()
    assert task.progress == D(0)
    # Adding milestones is the managers' part.
    assert (
        client.post(task_url(task, "milestone_add"), {"title": "X", "weight": "1"}).status_code
        == 403
    )


def test_milestone_form_errors_show_on_the_task_page(client, world, board):
    login(client, world, "committee_staff")
    response = client.post(task_url(board.late, "milestone_add"), {"title": "", "weight": "1"})
    assert response.status_code == 200
    assert 'id="id_title_error"' in text(response)
    assert not board.late.milestones.exists()


def test_evidence_upload_and_permission_checked_download(client, world, board, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, world, "unit_officer")
    task = board.late
    upload = SimpleUploadedFile("hall-contract.pdf", b"%PDF-1.4 contract", "application/pdf")
    response = client.post(task_url(task, "evidence_add"), {"title": "Contract", "file": upload})
    assert response.status_code == 302
    evidence = TaskEvidence.objects.get(task=task)
    assert "Contract" in text(client.get(task_url(task)))
    download = task_url(task, "evidence_download", evidence.pk)
    client.force_login(world.users["viewer"])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 contract"
    client.force_login(world.users["nobody"])
    assert client.get(download).status_code == 404


def test_evidence_of_a_refused_type_is_not_stored(client, world, board, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, world, "unit_officer")
    upload = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(task_url(board.late, "evidence_add"), {"file": upload})
    assert response.status_code == 200
    assert "are not accepted" in text(response)
    assert not TaskEvidence.objects.exists()


def test_manager_reviews_and_reopens(client, world, board):
    login(client, world, "committee_staff")
    task = board.done
    response = client.post(
        task_url(task, "task_review"),
        {"rating": "good", "narrative": "", "version": task.version},
    )
    assert response.status_code == 200
    assert "This field is required." in text(response)
    response = client.post(
        task_url(task, "task_review"),
        {
            "rating": "good",
            "narrative": "Exhibitors came from 20 countries",
            "version": task.version,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.outcome_rating == "good"
    assert "Exhibitors came from 20 countries" in text(client.get(task_url(task)))
    response = client.post(
        task_url(task, "task_reopen"), {"note": "Two exhibitors withdrew", "version": task.version}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on is None


def test_manager_edits_a_task_and_a_stale_edit_is_refused(client, world, board):
    login(client, world, "committee_staff")
    task = board.on_track
    url = task_url(task, "task_edit")
    assert client.get(url).status_code == 200
    data = {
        "source_language": "en",
        "title_en": "Teachers' summer course (6th)",
        "lead_unit": world.child.pk,
        "supporting_units": [world.sibling.pk],
        "start": "2021-06-01",
        "due": "2021-09-30",
        "weight": "1",
        "progress_mode": "entered",
        "version": task.version,
    }
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.title == "Teachers' summer course (6th)"
    assert list(task.supporting_units.values_list("code", flat=True)) == ["SIB"]
    response = client.post(url, {**data, "title_en": "Stale edit"})  # the old version again
    assert response.status_code == 200
    assert "Someone else saved this task since you opened it." in text(response)
    task.refresh_from_db()
    assert task.title == "Teachers' summer course (6th)"


# --- my work -------------------------------------------------------------------------------


def test_my_work_lists_what_is_due_meetings_and_reminders(client, world, board):
    staff = world.users["committee_staff"]
    officer = world.users["unit_officer"]
    far = services.task_create(
        actor=staff, plan=board.plan, title="Far away", lead_unit=world.own, due=END
    )
    mine = services.task_create(
        actor=staff,
        plan=board.plan,
        title="Mine personally",
        lead_unit=world.other,
        lead_person=officer,
        due=dt.date(2021, 9, 20),
    )
    now = timezone.now()
    invited = Meeting.objects.create(
        kind="council",
        title_en="Standing council",
        organizer_unit=world.committee,
        starts_at=now + dt.timedelta(days=5),
    )
    Invitation.objects.create(meeting=invited, unit=world.own)
    later = Meeting.objects.create(
        kind="review",
        title_en="Year-end review",
        organizer_unit=world.committee,
        starts_at=now + dt.timedelta(days=90),
    )
    Invitation.objects.create(meeting=later, user=officer)
    Meeting.objects.create(
        kind="review",
        title_en="Not invited",
        organizer_unit=world.committee,
        starts_at=now + dt.timedelta(days=3),
    )
    Reminder.objects.create(task=board.late, kind="due_soon", due=board.late.due, recipient=officer)

    client.force_login(officer)
    response = client.get(reverse("workplans:my_work"))
    page = text(response)
    # Due by 1 October or late, not done: sorted by due date.
    assert task_rows(response) == [board.late.pk, mine.pk, board.on_track.pk]
    assert far.pk not in task_rows(response) and board.done.pk not in task_rows(response)
    assert board.at_risk.pk not in task_rows(response)  # only supported by the child unit
    assert "Standing council" in page
    assert "Year-end review" not in page and "Not invited" not in page
    assert "Due soon" in page and "Book the exhibition hall" in page


def test_my_work_empty_states(client, world):
    login(client, world, "nobody")
    page = text(client.get(reverse("workplans:my_work")))
    assert "Nothing is due soon and nothing is late." in page
    assert "You are not invited to any meeting soon." in page
    assert "No reminders yet." in page


def test_my_work_query_count_does_not_grow(client, world, board):
    officer = world.users["unit_officer"]
    login(client, world, "unit_officer")
    url = reverse("workplans:my_work")
    few = count_queries(client, url)
    add_tasks(world, board.plan, 12)
    now = timezone.now()
    for n in range(4):
        meeting = Meeting.objects.create(
            kind="council",
            title_en=f"M{n}",
            organizer_unit=world.committee,
            starts_at=now + dt.timedelta(days=n + 1),
        )
        Invitation.objects.create(meeting=meeting, user=officer)
    for task in Task.objects.filter(lead_unit=world.own)[:4]:
        Reminder.objects.create(task=task, kind="due_soon", due=TODAY, recipient=officer)
    assert count_queries(client, url) == few


# --- review fixes ----------------------------------------------------------------------


def test_an_officer_sees_only_the_projects_progress_and_counts_of_their_tasks(client, world, board):
    add_sibling_project(world, board)
    login(client, world, "committee_staff")
    page = text(client.get(board_url(board)))
    assert 'id="plan-progress">60.0%' in page
    assert "Sibling fair" in page and "Sibling chain" in page and "On track: 2" in page

    login(client, world, "unit_officer")
    response = client.get(board_url(board))
    page = text(response)
    # The sibling's project, its chain, its task and its count are not the officer's.
    assert "Sibling fair" not in page and "Sibling chain" not in page
    assert "Sibling's own task" not in page
    counts = re.search(r'id="status-counts">(.*?)</div>', page).group(1)
    assert "On track: 1" in counts and "Late: 1" in counts and "Done: 1" in counts
    assert "4 key tasks" in page
    # Progress over the tasks the officer sees: (70 + 2 * 45) / 3.
    assert 'id="plan-progress">53.3%' in page
    assert re.findall(r'data-project="(\d+)"', page) == [str(board.project.pk)]

    plans = text(client.get(reverse("workplans:plan_list")))
    assert "53.3%" in plans and "60.0%" not in plans
    login(client, world, "committee_staff")
    assert "60.0%" in text(client.get(reverse("workplans:plan_list")))


def test_a_council_member_sees_the_whole_plan(client, world, board):
    add_sibling_project(world, board)
    login(client, world, "council_member")
    page = text(client.get(board_url(board)))
    assert "Sibling fair" in page and 'id="plan-progress">60.0%' in page


def test_the_board_varies_on_the_htmx_headers(client, world, board):
    login(client, world, "committee_staff")
    htmx = {"HX-Request": "true", "HX-Target": "board-tasks"}
    for response in (client.get(board_url(board)), client.get(board_url(board), headers=htmx)):
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"HX-Request", "HX-Target"} <= vary


def test_the_unit_filter_knows_only_the_units_the_user_sees(client, world, board):
    login(client, world, "unit_officer")
    # A unit of another tree answers as a code that does not exist.
    for code in ("OTHER", "NO-SUCH-UNIT"):
        response = client.get(board_url(board, unit=code))
        assert "No unit has this code." in text(response)
        assert task_rows(response) == board_rows_unfiltered(client, board)
    assert task_rows(client.get(board_url(board, unit="CHILD"))) == [
        board.at_risk.pk,
        board.on_track.pk,
    ]


def board_rows_unfiltered(client, board):
    return task_rows(client.get(board_url(board)))


def test_reopen_form_takes_the_progress_now(client, world, board):
    login(client, world, "committee_staff")
    task = board.done
    page = text(client.get(task_url(task)))
    assert 'name="progress"' in page and "Progress now (%)" in page
    response = client.post(
        task_url(task, "task_reopen"),
        {"note": "Withdrawn", "progress": "100", "version": task.version},
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 99.9." in text(response)
    response = client.post(
        task_url(task, "task_reopen"),
        {"note": "Two exhibitors withdrew", "progress": "85", "version": task.version},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.done_on, task.progress) == (None, D(85))
    page = text(client.get(task_url(task)))
    assert 'class="status late" id="status-label">Late<' in page
    in_sql = views.selectors.with_status(Task.objects.filter(pk=task.pk), TODAY).get()
    assert in_sql.status == "late"


def test_report_form_refuses_a_done_date_in_the_future(client, world, board):
    login(client, world, "unit_officer")
    task = board.late
    response = client.post(
        task_url(task, "task_report"), {"done_on": "2021-09-02", "version": task.version}
    )
    assert response.status_code == 200
    assert re.search(
        r'id_done_on_error">The day it was done cannot be in the future', text(response)
    )
    task.refresh_from_db()
    assert task.done_on is None


def test_milestone_done_before_the_task_starts_is_refused(client, world, board):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff,
        plan=board.plan,
        title="Steps",
        lead_unit=world.own,
        start=dt.date(2021, 7, 1),
        progress_mode=ProgressMode.MILESTONES,
    )
    milestone = services.milestone_add(actor=staff, task=task, title="Proposal")
    login(client, world, "unit_officer")
    response = client.post(
        task_url(task, "milestone_done", milestone.pk), {"done_on": "2021-06-15"}, follow=True
    )
    assert "The day it was done cannot be before the task starts" in text(response)
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_task_page_names_the_source_meeting_only_to_who_may_see_it(client, world, board):
    from pacesetter.meetings.models import Finding, Resolution

    staff = world.users["committee_staff"]
    meeting = Meeting.objects.create(
        kind="council",
        title_en="Closed standing council",
        organizer_unit=world.committee,
        starts_at=timezone.now(),
    )
    visit = Meeting.objects.create(
        kind="research",
        title_en="Visit to the tanneries",
        organizer_unit=world.committee,
        starts_at=timezone.now(),
    )
    resolution = Resolution.objects.create(
        meeting=meeting, number=4, text_en="Tanneries", adopted_on=dt.date(2021, 5, 26)
    )
    finding = Finding.objects.create(
        meeting=visit, unit=world.sibling, topic="Waste water", text="Untreated"
    )
    task = services.task_create(
        actor=staff,
        plan=board.plan,
        title="Waste plant",
        lead_unit=world.own,
        resolution=resolution,
        finding=finding,
    )
    login(client, world, "unit_officer")  # sees the task, not the meetings
    page = text(client.get(task_url(task)))
    assert "From a resolution of a meeting" in page
    assert "Follows up a research finding of a meeting" in page
    for secret in ("Closed standing council", "Visit to the tanneries", "Waste water"):
        assert secret not in page
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) not in page
    login(client, world, "committee_staff")
    page = text(client.get(task_url(task)))
    assert "From resolution 4 of" in page and "Closed standing council" in page
    assert "Waste water" in page and "Visit to the tanneries" in page


def test_my_work_lists_only_reminders_of_tasks_still_visible(client, world, board):
    officer = world.users["unit_officer"]
    elsewhere = services.task_create(
        actor=world.users["committee_staff"],
        plan=board.plan,
        title="Moved to the other unit",
        lead_unit=world.other,
    )
    Reminder.objects.create(task=board.late, kind="due_soon", due=TODAY, recipient=officer)
    Reminder.objects.create(task=elsewhere, kind="due_soon", due=TODAY, recipient=officer)
    client.force_login(officer)
    page = text(client.get(reverse("workplans:my_work")))
    assert "Book the exhibition hall" in page
    assert "Moved to the other unit" not in page


def test_the_board_form_and_the_api_build_the_same_filters(world, board):
    from pacesetter.units.policies import unit_policy
    from pacesetter.workplans.api import TaskFilters
    from pacesetter.workplans.forms import BoardFilterForm
    from pacesetter.workplans.selectors import BoardFilters, board_tasks

    staff = world.users["committee_staff"]

    def from_form(data):
        return BoardFilterForm(
            data, projects=[board.project], chains=[], units=unit_policy.visible(staff)
        ).board_filters()

    pk = board.project.pk

    def query(**params):  # as the API parses ``?status=late&q=x``
        return TaskFilters.model_validate(params)

    pairs = [
        ({"status": "late", "q": "x"}, query(status="late", q="x").board_filters(None)),
        ({"project": "direct"}, query(direct=True).board_filters(None)),
        ({"project": str(pk)}, query(project=pk).board_filters(None)),
        (
            {"unit": "own", "subtree": "on"},
            query(unit=world.own.pk, subtree=True).board_filters(world.own),
        ),
    ]
    for data, api in pairs:
        form = from_form(data)
        assert form == api and form.active
        assert list(board_tasks(board.plan.tasks.all(), form, TODAY)) == list(
            board_tasks(board.plan.tasks.all(), api, TODAY)
        )
    assert from_form({}) == BoardFilters() and not BoardFilters().active
    assert from_form({"unit": "NO-SUCH"}) == BoardFilters()  # an invalid form filters nothing


def test_a_negative_weight_is_a_translated_field_error_not_a_constraint_name(client, world, board):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("workplans:task_add", args=[board.plan.pk]),
        {
            "source_language": "en",
            "title_en": "Negative",
            "lead_unit": world.sibling.pk,
            "start": "2021-06-01",
            "due": "2021-10-10",
            "weight": "-1",
            "progress_mode": "entered",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weight"] == ["The weight cannot be negative."]
    assert "Constraint" not in response.content.decode()
    assert not Task.objects.filter(title_en="Negative").exists()


def test_the_check_constraints_carry_translated_messages():
    from pacesetter.workplans.models import Milestone, Project, WorkPlan

    for model in (WorkPlan, Project, Task, Milestone):
        for constraint in model._meta.constraints:
            if constraint.__class__.__name__ == "CheckConstraint" and not (
                constraint.name.endswith("_in_source")  # core.translations, every app
            ):
                message = constraint.get_violation_error_message()
                assert "Constraint" not in message, constraint.name
