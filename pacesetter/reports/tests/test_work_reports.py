"""The work report of a work plan as of a day: its figures equal the record (worked
examples), draft → finalize with the figures frozen, the three files, who may see it,
the page's queries, and the API."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from pacesetter.core import clock
from pacesetter.reports.models import Report, ReportKind, ReportState
from pacesetter.reports.services import report_finalize, report_update, work_report_create
from pacesetter.reports.work import work_figures
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans.models import Task, WorkPlan
from pacesetter.workplans.services import (
    evidence_add,
    milestone_add,
    milestone_set_done,
    plan_create,
    project_create,
    task_create,
    task_report,
    task_review,
)

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 6, 30)


def _at(day: dt.date) -> Any:
    """Record what follows on ``day`` (core.clock), as the demo loader replays the past."""
    return clock.fixed(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), "application/pdf")


@dataclass
class Association:
    plan: WorkPlan
    fair: Task
    forum: Task
    skills: Task
    charity: Task
    late_comer: Task


@pytest.fixture
def association(world: Any) -> Association:
    """The association's plan for 2024 (the China Optical Association's case): the
    optics fair done on time with its contract uploaded; the optometry forum overdue at
    40% ("The venue is not confirmed"), reported at 80% only in July; the skills
    competition with a milestone met, one missed and one not due; the charity in the
    second half; a task created on 10 July, after the report's day."""
    staff = world.users["committee_staff"]
    with _at(dt.date(2024, 1, 5)):
        plan = plan_create(
            actor=staff,
            body=world.council,
            name="Key work 2024",
            kind="year",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
        )
        project = project_create(
            actor=staff, plan=plan, code="P1", name="Industry events", lead_unit=world.committee
        )
        fair = task_create(
            actor=staff,
            plan=plan,
            project=project,
            code="T1",
            title="Prepare the 33rd optics fair",
            lead_unit=world.committee,
            lead_person=staff,
            scope="The fair in Beijing",
            measures="Book the hall, invite exhibitors",
            start=dt.date(2024, 1, 10),
            due=dt.date(2024, 5, 31),
        )
        fair.supporting_units.add(world.sibling)
        forum = task_create(
            actor=staff,
            plan=plan,
            project=project,
            code="T2",
            title="Run the 9th optometry forum",
            lead_unit=world.committee,
            start=dt.date(2024, 2, 1),
            due=dt.date(2024, 6, 15),
        )
        skills = task_create(
            actor=staff,
            plan=plan,
            code="T3",
            title="National skills competition",
            lead_unit=world.committee,
            progress_mode="milestones",
            start=dt.date(2024, 1, 1),
            due=dt.date(2024, 11, 30),
        )
        rules = milestone_add(
            actor=staff, task=skills, title="Rules issued", due=dt.date(2024, 4, 30)
        )
        venues = milestone_add(
            actor=staff, task=skills, title="Venues chosen", due=dt.date(2024, 6, 1)
        )
        milestone_add(actor=staff, task=skills, title="Finals held", due=dt.date(2024, 11, 30))
        charity = task_create(
            actor=staff,
            plan=plan,
            code="T4",
            title="Love Eyes Day charity in Gejiu",
            lead_unit=world.committee,
            start=dt.date(2024, 7, 1),
            due=dt.date(2024, 10, 31),
        )
    with _at(dt.date(2024, 4, 28)):
        milestone_set_done(actor=staff, milestone=rules, done_on=dt.date(2024, 4, 28))
    with _at(dt.date(2024, 5, 20)):
        fair = task_report(actor=staff, task=fair, progress=D(100), done_on=dt.date(2024, 5, 20))
    with _at(dt.date(2024, 5, 21)):
        evidence_add(actor=staff, task=fair, file=_pdf("hall-contract.pdf"), title="Contract")
    with _at(dt.date(2024, 6, 10)):
        forum = task_report(
            actor=staff, task=forum, progress=D(40), note="The venue is not confirmed."
        )
    with _at(dt.date(2024, 7, 2)):
        task_review(actor=staff, task=fair, rating="excellent", narrative="Record attendance.")
        evidence_add(actor=staff, task=forum, file=_pdf("july-programme.pdf"))
    with _at(dt.date(2024, 7, 5)):
        forum = task_report(actor=staff, task=forum, progress=D(80), note="Venue booked.")
        milestone_set_done(actor=staff, milestone=venues, done_on=dt.date(2024, 7, 5))
    with _at(dt.date(2024, 7, 10)):
        late_comer = task_create(
            actor=staff,
            plan=plan,
            code="T5",
            title="Re-evaluate the Wenzhou cluster",
            lead_unit=world.own,
            due=dt.date(2024, 12, 15),
        )
    return Association(plan, fair, forum, skills, charity, late_comer)


def _stored_name(task: Task) -> str:
    """The evidence's file name as stored (the storage adds a suffix to a name taken)."""
    return posixpath.basename(task.evidence.get().file.name or "")


def _by_code(figures: Any) -> dict[str, Any]:
    return {task.code: task for task in figures.tasks}


def test_figures_as_of_the_day_equal_the_record(world: Any, association: Association) -> None:
    figures = work_figures(world.users["committee_staff"], association.plan, AS_OF)
    tasks = _by_code(figures)
    # T5 was created on 10 July, after the report's day.
    assert list(tasks) == ["T3", "T4", "T1", "T2"]
    fair = tasks["T1"]
    assert (fair.status, fair.done_on, fair.effective_progress) == (
        "done",
        dt.date(2024, 5, 20),
        D(100),
    )
    assert (fair.lead_unit, fair.lead_person, fair.supporting) == (
        "Committee",
        world.users["committee_staff"].get_username(),
        "Sibling unit",
    )
    assert (fair.scope, fair.measures) == (
        "The fair in Beijing",
        "Book the hall, invite exhibitors",
    )
    # The review came on 2 July: the record's "how well" is shown as it stands.
    assert (fair.rating, fair.narrative) == ("Excellent", "Record attendance.")
    assert [(e.file_name, e.title) for e in fair.evidence] == [
        (_stored_name(association.fair), "Contract")
    ]
    assert fair.evidence[0].file_name.startswith("hall-contract")
    assert fair.evidence[0].url == reverse(
        "workplans:evidence_download",
        args=[association.fair.pk, association.fair.evidence.get().pk],
    )
    forum = tasks["T2"]
    # The 40% of 10 June, not the 80% of 5 July; overdue since 15 June.
    assert (forum.status, forum.progress, forum.done_on) == ("late", D(40), None)
    assert forum.reason == "15 days overdue"
    assert forum.note == "The venue is not confirmed."
    assert forum.evidence == []  # the programme came in July
    skills = tasks["T3"]
    assert [(m.title, m.state) for m in skills.milestones] == [
        ("Rules issued", "met"),
        ("Venues chosen", "missed"),  # done only on 5 July
        ("Finals held", "pending"),
    ]
    assert skills.progress == D("33.3")
    assert figures.milestone_counts == {"met": 1, "late": 0, "missed": 1, "pending": 1}
    assert tasks["T4"].status == "on_track" and tasks["T4"].progress is None
    assert figures.counts == {"late": 1, "at_risk": 1, "on_track": 1, "done": 1}
    assert skills.status == "at_risk"
    assert [t.code for t in figures.next_tasks] == ["T3", "T4"]
    (project,) = figures.projects
    # P1: T1 done (100) and T2 at 40, equal weights.
    assert (project.code, project.tasks, project.progress) == ("P1", 2, D(70))
    assert project.counts == {"late": 1, "at_risk": 0, "on_track": 0, "done": 1}


def test_the_same_day_later_gives_the_same_figures(world: Any, association: Association) -> None:
    staff = world.users["committee_staff"]
    before = work_figures(staff, association.plan, AS_OF)
    task_report(actor=staff, task=Task.objects.get(pk=association.charity.pk), progress=D(10))
    after = work_figures(staff, association.plan, AS_OF)
    assert [(t.code, t.progress, t.status) for t in after.tasks] == [
        (t.code, t.progress, t.status) for t in before.tasks
    ]
    today = work_figures(staff, association.plan, dt.date(2024, 7, 31))
    assert "T5" in _by_code(today) and _by_code(today)["T2"].progress == D(80)


def _files(client: Any, report: Report, lang: str = "en") -> dict[str, bytes]:
    return {
        fmt: client.get(reverse("reports:file", args=[report.pk, fmt]), {"lang": lang}).content
        for fmt in ("docx", "pdf", "xlsx")
    }


def _pdf_text(data: bytes) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _xlsx_values(data: bytes) -> set[Any]:
    workbook = load_workbook(io.BytesIO(data))
    return {c.value for row in workbook.active.iter_rows() for c in row if c.value is not None}


def test_the_three_files_hold_the_tables(client: Any, world: Any, association: Association) -> None:
    staff = world.users["committee_staff"]
    report = work_report_create(actor=staff, plan=association.plan, as_of=AS_OF)
    client.force_login(staff)
    files = _files(client, report)

    document = Document(io.BytesIO(files["docx"]))
    assert len(document.tables) == 6
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {
        "Prepare the 33rd optics fair",
        _stored_name(association.fair),
        "Venues chosen",
        "Missed",
        "15 days overdue",
        "The venue is not confirmed.",
        "40",
    } <= cells
    assert "Re-evaluate the Wenzhou cluster" not in cells
    headings = {p.text for p in document.paragraphs if p.style.name == "Heading 1"}
    assert {"Key tasks: who, what, how and how well", "Milestones met and missed"} <= headings

    values = _xlsx_values(files["xlsx"])
    assert {_stored_name(association.fair), "Venues chosen", "15 days overdue", "Late"} <= values

    text = _pdf_text(files["pdf"])
    if text is not None:
        assert "Work report: Key work 2024, as of 30 June 2024" in text
        assert _stored_name(association.fair) in text and "Venues chosen" in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("vi", ["Chậm tiến độ", "Thành tích", "Mốc tiến độ đạt và không đạt", "Không đạt"]),
        ("zh-hans", ["逾期", "成绩", "里程碑完成与未完成", "截至2024年6月30日"]),
    ],
)
def test_the_files_in_vietnamese_and_chinese(
    client: Any, world: Any, association: Association, lang: str, words: list[str]
) -> None:
    staff = world.users["committee_staff"]
    report = work_report_create(actor=staff, plan=association.plan, as_of=AS_OF)
    client.force_login(staff)
    files = _files(client, report, lang)
    paragraphs = {p.text for p in Document(io.BytesIO(files["docx"])).paragraphs}
    cells = {
        cell.text
        for table in Document(io.BytesIO(files["docx"])).tables
        for row in table.rows
        for cell in row.cells
    }
    written = "\n".join(paragraphs | cells)
    for word in words:
        assert word in written
    text = _pdf_text(files["pdf"])
    if text is not None:
        for word in words:
            assert word in text


def test_finalize_freezes_the_figures_and_a_draft_follows_the_record(
    client: Any, world: Any, association: Association
) -> None:
    staff = world.users["committee_staff"]
    final = work_report_create(actor=staff, plan=association.plan, as_of=AS_OF)
    final = report_finalize(actor=staff, report=final, version=1, achievements="The fair was held.")
    assert final.state == ReportState.FINAL
    assert set(final.figures) == {"en", "vi", "zh-hans"}
    draft = work_report_create(actor=staff, plan=association.plan, as_of=dt.date(2024, 6, 29))
    # A correction recorded later, dated before the report's day: the forum was in fact
    # done on 28 June.
    forum = Task.objects.get(pk=association.forum.pk)
    task_report(actor=staff, task=forum, done_on=dt.date(2024, 6, 28), note="Held after all.")
    client.force_login(staff)

    frozen = client.get(
        reverse("reports:work_report", args=[association.plan.pk]), {"as_of": AS_OF}
    )
    page = frozen.content.decode()
    assert "15 days overdue" in page
    assert 'id="report-frozen"' in page
    files = _files(client, final)
    assert "15 days overdue" in _xlsx_values(files["xlsx"])
    cells = {
        c.text for t in Document(io.BytesIO(files["docx"])).tables for r in t.rows for c in r.cells
    }
    assert "15 days overdue" in cells

    # The draft of 29 June reads the record again: the forum is done by then.
    live = _xlsx_values(_files(client, draft)["xlsx"])
    assert not any("overdue" in str(value) for value in live)


def test_draft_edit_finalize_and_the_days_rules(world: Any, association: Association) -> None:
    staff = world.users["committee_staff"]
    with pytest.raises(ValidationError) as early:
        work_report_create(actor=staff, plan=association.plan, as_of=dt.date(2023, 12, 31))
    assert "as_of" in early.value.message_dict
    report = work_report_create(actor=staff, plan=association.plan, as_of=AS_OF, language="zh-hans")
    assert (report.kind, report.version, report.language) == (ReportKind.WORK, 1, "zh-hans")
    with pytest.raises(ValidationError):
        work_report_create(actor=staff, plan=association.plan, as_of=AS_OF)
    report = report_update(actor=staff, report=report, version=1, directions="- Hold the forum")
    future = work_report_create(actor=staff, plan=association.plan, as_of=dt.date(2026, 12, 31))
    future = report_update(actor=staff, report=future, version=1, achievements="Planned")
    with pytest.raises(ValidationError) as not_yet:
        report_finalize(actor=staff, report=future, version=2)
    assert "from its day on" in str(not_yet.value)
    report = report_finalize(actor=staff, report=report, version=2)
    assert report.state == ReportState.FINAL and report.versions.count() == 2
    with pytest.raises(ValidationError):
        report_update(actor=staff, report=report, version=2, lessons="Later")


@pytest.mark.parametrize(
    ("user", "page", "write"),
    [
        ("committee_staff", 200, True),  # manages the council's plans
        ("council_member", 200, False),  # sees the plan whole, through the body
        ("superuser", 200, True),
        ("cluster_leader", 404, False),
        ("nobody", 404, False),
    ],
)
def test_who_reads_and_writes_the_work_report(
    client: Any, world: Any, association: Association, user: str, page: int, write: bool
) -> None:
    report = work_report_create(actor=None, plan=association.plan, as_of=AS_OF)
    client.force_login(world.users[user])
    url = reverse("reports:work_report", args=[association.plan.pk])
    response = client.get(url, {"as_of": AS_OF})
    assert response.status_code == page
    if page == 200:
        assert ('id="report-form"' in response.content.decode()) is write
    file_status = client.get(reverse("reports:file", args=[report.pk, "xlsx"])).status_code
    assert file_status == (200 if page == 200 else 404)
    save = client.post(reverse("reports:save", args=[report.pk]), {"version": 1, "lessons": "x"})
    assert save.status_code == (302 if write else 403 if page == 200 else 404)
    start = client.post(
        reverse("reports:work_start", args=[association.plan.pk]),
        {"as_of": "2024-06-30", "language": "en"},
    )
    assert start.status_code == (302 if write else 403 if page == 200 else 404)


def test_a_unit_that_sees_one_task_does_not_read_the_plans_report(
    client: Any, world: Any, association: Association
) -> None:
    # The own unit's officer sees T5 (which the own unit leads) on the board, not the
    # plan: the report, whose frozen figures hold every task, is refused.
    client.force_login(world.users["unit_officer"])
    board = client.get(reverse("workplans:plan_board", args=[association.plan.pk]))
    assert board.status_code == 200 and "Re-evaluate the Wenzhou cluster" in board.content.decode()
    assert "Prepare the 33rd optics fair" not in board.content.decode()
    url = reverse("reports:work_report", args=[association.plan.pk])
    assert client.get(url).status_code == 403
    assert_error_shape(
        ApiClient(world.users["unit_officer"]).post(
            "/reports/work", {"plan_id": association.plan.pk, "as_of": "2024-06-30"}
        ),
        403,
        "forbidden",
    )


def test_the_plan_page_links_to_the_work_report(
    client: Any, world: Any, association: Association
) -> None:
    client.force_login(world.users["committee_staff"])
    board = client.get(reverse("workplans:plan_board", args=[association.plan.pk]))
    assert reverse("reports:work_report", args=[association.plan.pk]) in board.content.decode()


def test_the_page_starts_the_report_of_the_day_chosen(
    client: Any, world: Any, association: Association
) -> None:
    client.force_login(world.users["committee_staff"])
    url = reverse("reports:work_report", args=[association.plan.pk])
    page = client.get(url, {"as_of": "2024-06-30"}).content.decode()
    name = _stored_name(association.fair)
    assert "Start the report" in page and name in page
    assert "Re-evaluate the Wenzhou cluster" not in page
    evidence = association.fair.evidence.get()
    link = reverse("workplans:evidence_download", args=[association.fair.pk, evidence.pk])
    assert f'<a href="{link}">{name}</a>' in page
    start = reverse("reports:work_start", args=[association.plan.pk])
    refused = client.post(start, {"as_of": "2023-05-01", "language": "en"})
    assert "before the plan" in refused.content.decode()
    response = client.post(start, {"as_of": "2024-06-30", "language": "vi"})
    report = Report.objects.get(kind=ReportKind.WORK)
    assert response.status_code == 302 and response["Location"].endswith("?as_of=2024-06-30")
    assert (report.as_of, report.language) == (AS_OF, "vi")


def test_a_day_past_the_calendars_end_is_refused_on_the_day(
    client: Any, world: Any, association: Association
) -> None:
    client.force_login(world.users["committee_staff"])
    url = reverse("reports:work_report", args=[association.plan.pk])
    page = client.get(url, {"as_of": "9999-12-31"})
    assert page.status_code == 200
    assert "as_of" in page.context["day_form"].errors
    assert page.context["as_of"] == association.plan.period_end  # the default day shown
    start = reverse("reports:work_start", args=[association.plan.pk])
    refused = client.post(start, {"as_of": "9999-12-31", "language": "en"})
    assert refused.status_code == 200 and "as_of" in refused.context["day_form"].errors
    api = ApiClient(world.users["committee_staff"])
    body = {"plan_id": association.plan.pk, "as_of": "9999-12-31", "language": "en"}
    assert_error_shape(api.post("/reports/work", body), 422, "max_value")
    assert not Report.objects.filter(kind=ReportKind.WORK).exists()


def test_the_language_menu_alone_asks_for_no_day(
    client: Any, world: Any, association: Association
) -> None:
    client.force_login(world.users["committee_staff"])
    url = reverse("reports:work_report", args=[association.plan.pk])
    page = client.get(url, {"lang": "vi"})
    assert page.status_code == 200
    assert not page.context["day_form"].errors
    assert page.context["as_of"] == association.plan.period_end


def test_the_page_costs_the_same_queries_with_more_records(
    client: Any, world: Any, association: Association
) -> None:
    staff = world.users["committee_staff"]
    work_report_create(actor=staff, plan=association.plan, as_of=AS_OF)
    client.force_login(staff)
    url = reverse("reports:work_report", args=[association.plan.pk])
    client.get(url, {"as_of": AS_OF})
    with CaptureQueriesContext(connection) as first:
        assert client.get(url, {"as_of": AS_OF}).status_code == 200
    with _at(dt.date(2024, 3, 1)):
        for code in ("T6", "T7"):
            task = task_create(
                actor=staff,
                plan=association.plan,
                code=code,
                title=f"Task {code}",
                lead_unit=world.committee,
                due=dt.date(2024, 6, 1),
            )
            task.supporting_units.add(world.sibling, world.own)
            milestone_add(actor=staff, task=task, title=f"Step {code}", due=dt.date(2024, 5, 1))
            evidence_add(actor=staff, task=task, file=_pdf(f"{code}.pdf"))
            task_report(actor=staff, task=task, progress=D(20), note=f"Note {code}")
        project_create(actor=staff, plan=association.plan, code="P2", name="Standards")
    with CaptureQueriesContext(connection) as second:
        page = client.get(url, {"as_of": AS_OF}).content.decode()
    for word in ("Task T7", "Step T7", "Note T7", "Standards"):
        assert word in page
    assert len(second) == len(first)
    # measured: 17 on both databases: the session, the user, their roles, the bell's
    # unread count; the plan, its body and unit, whether they manage it; the report, its
    # versions, its moves; the tasks (their last report and note by the day in
    # subqueries), supporting units, milestones, evidence by the day; the projects; the
    # plan's reports.
    assert len(first) <= 17


def test_the_api_starts_finalizes_and_downloads(world: Any, association: Association) -> None:
    staff = ApiClient(world.users["committee_staff"])
    body = {"plan_id": association.plan.pk, "as_of": "2024-06-30", "language": "vi"}
    response = staff.post("/reports/work", body)
    assert response.status_code == 201, response.content
    started = response.json()
    assert (started["kind"], started["plan_id"], started["as_of"]) == (
        "work",
        association.plan.pk,
        "2024-06-30",
    )
    assert started["review_point_id"] is None and started["frozen"] is False
    assert_error_shape(staff.post("/reports/work", body), 422, "report_exists")
    assert_error_shape(
        staff.post("/reports/work", {**body, "as_of": "2023-01-01"}), 422, "before_plan"
    )
    url = f"/reports/{started['id']}"
    final = staff.post(f"{url}/finalize", {"version": 1, "achievements": "Fair held."})
    assert final.status_code == 200, final.content
    assert final.json()["state"] == "final" and final.json()["frozen"] is True
    workbook = staff.get(f"{url}/file/xlsx", lang="zh-hans")
    assert "逾期" in _xlsx_values(workbook.content)
    councillor = ApiClient(world.users["council_member"])
    assert councillor.get(url).status_code == 200
    assert_error_shape(councillor.post("/reports/work", body), 403, "forbidden")
    assert_error_shape(
        ApiClient(world.users["nobody"]).post("/reports/work", body), 404, "not_found"
    )


def test_text_that_looks_like_a_formula_is_written_as_text(
    client: Any, world: Any, association: Association
) -> None:
    staff = world.users["committee_staff"]
    with _at(dt.date(2024, 6, 1)):
        task_create(
            actor=staff,
            plan=association.plan,
            code="=1+1",
            title='=HYPERLINK("http://example.com","Fair")',
            lead_unit=world.committee,
        )
    report = work_report_create(actor=staff, plan=association.plan, as_of=AS_OF)
    client.force_login(staff)
    sheet = load_workbook(io.BytesIO(_files(client, report)["xlsx"])).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
    titles = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPER")]
    assert titles and all(c.data_type == "s" for c in titles)
