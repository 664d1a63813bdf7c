"""The review report: its figures equal the record, the narrative goes draft → final
with every version kept, the three files open, who may see it, and the page's queries."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal as D
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from openpyxl import load_workbook

from pacesetter.audit.models import AuditEntry
from pacesetter.core.errors import ConflictError
from pacesetter.coverage.tests.factories import organization
from pacesetter.meetings.services import meeting_create, meeting_set_state
from pacesetter.practices.services import practice_propose
from pacesetter.reports.documents import render_docx, review_contents, state_line, tables
from pacesetter.reports.models import Report, ReportState
from pacesetter.reports.selectors import review_figures
from pacesetter.reports.services import report_create, report_finalize, report_update
from pacesetter.reports.tests.factories import ReportFactory
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans.models import WorkPlan
from pacesetter.workplans.services import task_create

pytestmark = pytest.mark.django_db


def _criteria(figures: Any) -> dict[str, Any]:
    return {c.code: c for group in figures.groups for c in group.criteria}


def test_figures_of_the_campaign_equal_the_record(world: Any, reporting: Any) -> None:
    figures = review_figures(world.users["committee_staff"], reporting.h1, None)
    assert (figures.period_start.isoformat(), figures.period_end.isoformat()) == (
        "2024-01-01",
        "2024-06-30",
    )
    assert figures.participants == 4
    assert [(c.name, c.participants) for c in figures.by_cluster] == [
        ("Cluster A", 2),
        ("Cluster C", 2),
    ]
    q1, q2 = _criteria(figures)["Q1"], _criteria(figures)["Q2"]
    # Q1 (higher is better): own 120/100, sibling 150/200, x 80/80, y 70/60.
    assert (q1.assigned, q1.met, q1.target, q1.actual) == (4, 3, D(440), D(420))
    assert q1.achieved == D("95.5")
    # Q2 (lower is better), not assigned to x: own 45/50, sibling 40/40, y 35/30.
    assert (q2.assigned, q2.met, q2.target, q2.actual) == (3, 2, D(120), D(120))
    # The predecessor's same review point: own 90, sibling 210 on Q1; Q2 not assigned.
    assert q1.previous_actual == D(300)
    assert q2.previous_actual is None
    assert figures.comparison is not None
    assert (figures.comparison.participants, figures.comparison.met_plan) == (2, 1)
    plans = {u.name: (u.assigned, u.met) for u in figures.units}
    assert plans == {
        "Own unit": (2, 2),
        "Sibling unit": (2, 1),
        "Unit X": (1, 1),
        "Unit Y": (2, 1),
    }
    assert sorted(u.name for u in figures.met_plan) == ["Own unit", "Unit X"]
    ranking = {r["unit_name"]: r for r in figures.ranking.rows}
    assert figures.ranking.published and len(ranking) == 4
    assert ranking["Sibling unit"]["veto"] == 1
    assert ranking["Sibling unit"]["rank_in_cluster"] == 2
    assert {(a.award, a.cluster, a.state, a.candidates, a.granted) for a in figures.awards} == {
        ("Emulation flag", "Cluster A", "Draft", 1, 0),
        ("Certificate of merit", "Cluster C", "Decided", 1, 1),
    }
    assert [m.title for m in figures.meetings] == ["Cluster review conference"]


def test_a_meeting_is_of_the_day_where_it_is_held(world: Any, reporting: Any) -> None:
    # 06:00 in Thanh Hoa (UTC+7) is still the day before in UTC, the server's zone.
    for title, local in (
        ("New year's exchange", dt.datetime(2024, 1, 1, 6)),
        ("Second half's first meeting", dt.datetime(2024, 7, 1, 6)),
    ):
        meeting = meeting_create(
            actor=None,
            kind="review",
            organizer_unit=world.own,
            title=title,
            starts_at=local.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
            time_zone="Asia/Ho_Chi_Minh",
        )
        meeting_set_state(actor=None, meeting=meeting, state="held")
    figures = review_figures(world.users["committee_staff"], reporting.h1, None)
    assert [(m.title, m.date) for m in figures.meetings] == [
        ("New year's exchange", dt.date(2024, 1, 1)),
        ("Cluster review conference", dt.date(2024, 6, 21)),
    ]


def test_figures_of_a_cluster(world: Any, reporting: Any) -> None:
    figures = review_figures(world.users["cluster_leader"], reporting.h1, world.cluster)
    assert figures.participants == 2
    q1 = _criteria(figures)["Q1"]
    assert (q1.assigned, q1.met, q1.target, q1.actual, q1.previous_actual) == (
        2,
        1,
        D(300),
        D(270),
        D(300),
    )
    assert [u.name for u in figures.met_plan] == ["Own unit"]
    assert {r["unit_name"] for r in figures.ranking.rows} == {"Own unit", "Sibling unit"}
    # Meetings as meeting_policy shows them: the leader of the cluster is not invited to
    # the own unit's meeting; the committee's staff see it.
    assert figures.meetings == []
    staff = review_figures(world.users["committee_staff"], reporting.h1, world.cluster)
    assert [m.title for m in staff.meetings] == ["Cluster review conference"]
    assert [a.award for a in figures.awards] == ["Emulation flag"]
    other = review_figures(world.users["committee_staff"], reporting.h1, reporting.cluster_c)
    assert [u.name for u in other.met_plan] == ["Unit X"]
    assert [(a.award, a.granted) for a in other.awards] == [("Certificate of merit", 1)]
    assert other.meetings == []


def test_key_tasks_of_the_period_with_their_status(world: Any, reporting: Any) -> None:
    staff = world.users["committee_staff"]
    figures = review_figures(staff, reporting.h1, None)
    # The council's (the organizer's) plan: K5 starts after the period; A1 is the own
    # unit's board's. Status at 2024-06-30, in due order.
    assert [(t.code, t.status) for t in figures.tasks] == [
        ("K1", "done"),
        ("K2", "late"),
        ("K4", "at_risk"),
        ("K3", "on_track"),
    ]
    assert figures.task_counts == {"late": 1, "at_risk": 1, "on_track": 1, "done": 1}
    assert figures.tasks[2].progress == D(0) and figures.tasks[0].plan == "Council plan 2024"
    cluster = review_figures(staff, reporting.h1, world.cluster)
    assert [(t.code, t.status, t.lead_unit) for t in cluster.tasks] == [("A1", "done", "Own unit")]
    assert review_figures(staff, reporting.h1, reporting.cluster_c).tasks == []
    # As task_policy lets the reader see them: the cluster's leader sees no task of the
    # own unit's board.
    assert review_figures(world.users["cluster_leader"], reporting.h1, world.cluster).tasks == []


def test_practices_found_recognized_first(world: Any, reporting: Any) -> None:
    staff = world.users["committee_staff"]
    figures = review_figures(staff, reporting.h1, None)
    assert [(p.title, p.state, p.recognized) for p in figures.practices] == [
        ("Shift rota", "Recognized", True),
        ("Quality circle", "Proposed", False),
    ]
    assert figures.practices[0].kind == "Experience or working method"
    assert [p.title for p in review_figures(staff, reporting.h1, world.cluster).practices] == [
        "Shift rota"
    ]
    other = review_figures(staff, reporting.h1, reporting.cluster_c)
    assert [p.title for p in other.practices] == ["Quality circle"]
    # practice_policy: neither is published, and the leader holds no role over a unit.
    leader = review_figures(world.users["cluster_leader"], reporting.h1, world.cluster)
    assert leader.practices == []


def test_coverage_and_its_change_in_the_organizers_towns(world: Any, reporting: Any) -> None:
    figures = review_figures(world.users["committee_staff"], reporting.h1, None)
    coverage = figures.coverage
    assert coverage is not None
    assert (coverage.start.isoformat(), coverage.end.isoformat()) == ("2024-01-01", "2024-06-30")
    (town,) = coverage.towns
    # o1 covered since 2023, o2 built on 2024-03-01, o3 not built; o1's union only.
    assert (town.town, town.operating, town.newly_built) == ("Town T", 3, 1)
    assert (town.organized_before, town.organized) == (D("0.3333"), D("0.6667"))
    assert town.organized_change == D("0.3334")
    assert (town.union_before, town.union) == (D("0.3333"), D("0.3333"))
    assert coverage.total.operating == 3
    # organization_policy: the cluster's leader sees none of the register.
    leader = review_figures(world.users["cluster_leader"], reporting.h1, world.cluster)
    assert leader.coverage is not None and leader.coverage.towns == []


def test_no_coverage_section_without_a_register(db: Any) -> None:
    report = ReportFactory()
    figures = review_figures(None, report.review_point, None)
    assert figures.coverage is None
    assert "coverage" not in {table.key for table in tables(figures)}
    contents = review_contents(figures)
    document = Document(io.BytesIO(render_docx(report, report.versions.get(), contents)))
    assert "Key tasks of the period" in {p.text for p in document.paragraphs}
    assert not any(p.text.startswith("Coverage of new") for p in document.paragraphs)


def test_draft_edit_finalize_then_locked(world: Any, reporting: Any) -> None:
    staff = world.users["committee_staff"]
    report = report_create(actor=staff, review_point=reporting.h1, language="vi")
    assert (report.version, report.state, report.language) == (1, ReportState.DRAFT, "vi")
    report = report_update(actor=staff, report=report, version=1, achievements="All met.")
    assert report.version == 2
    with pytest.raises(ConflictError):
        report_update(actor=staff, report=report, version=1, lessons="Stale")
    with pytest.raises(ConflictError):
        report_finalize(actor=staff, report=report, version=1, lessons="Stale")
    assert report.versions.count() == 2
    report = report_finalize(
        actor=staff, report=report, version=2, achievements="All met.", lessons="Plan early."
    )
    assert report.state == ReportState.FINAL and report.finalized_by == staff
    assert report.version == 3
    texts = [(v.number, v.achievements, v.lessons) for v in report.versions.order_by("number")]
    assert texts == [(1, "", ""), (2, "All met.", ""), (3, "All met.", "Plan early.")]
    with pytest.raises(ValidationError) as refused:
        report_update(actor=staff, report=report, version=3, achievements="Changed")
    assert "final" in str(refused.value)
    assert report.versions.count() == 3
    actions = set(
        AuditEntry.objects.filter(action__startswith="report.").values_list("action", flat=True)
    )
    assert actions == {"report.create", "report.version", "report.update", "report.finalize"}


def test_finalize_waits_for_the_published_ranking(db: Any) -> None:
    report = Report.objects.get(pk=ReportFactory().pk)
    report = report_update(actor=None, report=report, version=1, directions="More")
    with pytest.raises(ValidationError) as refused:
        report_finalize(actor=None, report=report, version=2)
    assert "Publish the review point's ranking" in str(refused.value)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_one_report_per_review_point_and_cluster(world: Any, reporting: Any) -> None:
    report_create(actor=None, review_point=reporting.h1, cluster=world.cluster)
    report_create(actor=None, review_point=reporting.h1)
    with pytest.raises(ValidationError):
        report_create(actor=None, review_point=reporting.h1, cluster=world.cluster)
    assert Report.objects.count() == 2


def _page(rp: Any, cluster: Any = None) -> str:
    url = reverse("reports:review_report", args=[rp.pk])
    return f"{url}?cluster={cluster.pk}" if cluster is not None else url


@pytest.mark.parametrize(
    ("user", "target", "status"),
    [
        ("committee_staff", "campaign", 200),
        ("committee_staff", "A", 200),
        ("committee_staff", "C", 200),
        ("cluster_leader", "campaign", 403),
        ("cluster_leader", "A", 200),
        ("cluster_leader", "C", 403),
        ("unit_officer", "campaign", 403),
        ("unit_officer", "A", 403),
        ("viewer", "A", 403),
        ("nobody", "campaign", 404),
        ("nobody", "A", 404),
    ],
)
def test_who_sees_the_report(
    client: Any, world: Any, reporting: Any, user: str, target: str, status: int
) -> None:
    cluster = {"campaign": None, "A": world.cluster, "C": reporting.cluster_c}[target]
    report = report_create(actor=None, review_point=reporting.h1, cluster=cluster)
    client.force_login(world.users[user])
    assert client.get(_page(reporting.h1, cluster)).status_code == status
    file_url = reverse("reports:file", args=[report.pk, "pdf"])
    assert client.get(file_url).status_code == (200 if status == 200 else 404)
    save = client.post(
        reverse("reports:save", args=[report.pk]), {"version": 1, "achievements": "x"}
    )
    assert save.status_code == (302 if status == 200 else 404)


def test_a_cluster_that_takes_no_part_is_not_found(client: Any, world: Any, reporting: Any) -> None:
    client.force_login(world.users["committee_staff"])
    assert client.get(_page(reporting.h1, world.other_cluster)).status_code == 404


def test_the_page_starts_edits_and_finalizes(client: Any, world: Any, reporting: Any) -> None:
    client.force_login(world.users["cluster_leader"])
    page = client.get(_page(reporting.h1, world.cluster))
    assert b"Start the report" in page.content and b"Own unit" in page.content
    assert b"Unit X" not in page.content  # Cluster C's
    client.post(
        reverse("reports:start", args=[reporting.h1.pk]),
        {"cluster": world.cluster.pk, "language": "en"},
    )
    report = Report.objects.get(cluster=world.cluster)
    save = reverse("reports:save", args=[report.pk])
    client.post(save, {"version": 1, "achievements": "Both units registered."})
    stale = client.post(save, {"version": 1, "achievements": "Mine"})
    assert "Someone else saved this report" in stale.content.decode()
    client.post(save, {"version": 2, "action": "finalize", "achievements": "Done.", "lessons": "L"})
    report.refresh_from_db()
    assert report.state == ReportState.FINAL and report.version == 3
    assert report.language == "en"
    after = client.get(_page(reporting.h1, world.cluster)).content.decode()
    assert 'id="report-form"' not in after and "Done." in after
    assert "Final, version 3, finalized on" in after
    refused = client.post(save, {"version": 3, "achievements": "Later"}, follow=True)
    assert "final and can no longer be changed" in refused.content.decode()
    assert report.versions.count() == 3


def test_the_ranking_page_links_to_the_reports(client: Any, world: Any, reporting: Any) -> None:
    client.force_login(world.users["cluster_leader"])
    page = client.get(reverse("scoring:ranking", args=[reporting.h1.pk])).content.decode()
    assert f"?cluster={world.cluster.pk}" in page
    assert f"?cluster={reporting.cluster_c.pk}" not in page


NEW_SECTIONS = (
    "Key tasks of the period",
    "Key tasks by status",
    "Advanced models and good practices found",
)
COVERAGE_HEADING = (
    "Coverage of new economic and social organizations (1 January 2024 – 30 June 2024)"
)


def _files(client: Any, report: Report, lang: str = "en") -> dict[str, bytes]:
    return {
        fmt: client.get(reverse("reports:file", args=[report.pk, fmt]), {"lang": lang}).content
        for fmt in ("docx", "pdf", "xlsx")
    }


def test_the_three_files_open_and_hold_the_figures(client: Any, world: Any, reporting: Any) -> None:
    staff = world.users["committee_staff"]
    report = report_create(actor=staff, review_point=reporting.h1)
    report_update(actor=staff, report=report, version=1, directions="- Keep the pace")
    report.refresh_from_db()
    client.force_login(staff)
    files = _files(client, report)

    document = Document(io.BytesIO(files["docx"]))
    assert len(document.tables) == 10
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Unit X", "Q1 Revenue", "440", "420", "Emulation flag"} <= cells
    assert len(document.inline_shapes) == 1  # the ranking's chart
    assert "Keep the pace" in "\n".join(p.text for p in document.paragraphs)
    headings = {p.text for p in document.paragraphs if p.style.name == "Heading 1"}
    assert set(NEW_SECTIONS) <= headings
    assert COVERAGE_HEADING in headings
    assert {"Task K1", "Late", "Shift rota", "Recognized", "Town T", "33.3", "66.7"} <= cells

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    values = {c.value for row in workbook.active.iter_rows() for c in row if c.value is not None}
    assert {"Unit X", "Q1 Revenue", D(440), "Emulation flag"} <= {
        D(str(v)) if isinstance(v, (int, float)) else v for v in values
    }
    assert {*NEW_SECTIONS, COVERAGE_HEADING, "Task K1", "Shift rota", "Town T"} <= values
    with zipfile.ZipFile(io.BytesIO(files["xlsx"])) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert charts and b"<barChart>" in archive.read(charts[0])

    assert files["pdf"].startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=files["pdf"], capture_output=True, check=True
        ).stdout.decode()
        assert "Review report: Emulation 2024, 6-month review" in text
        assert "Unit X" in text
        for heading in NEW_SECTIONS:
            assert heading in text
        assert "Coverage of new economic and social organizations" in text


@pytest.mark.parametrize(("lang", "heading"), [("vi", "Thành tích"), ("zh-hans", "成绩")])
def test_the_files_in_the_language_chosen(
    client: Any, world: Any, reporting: Any, lang: str, heading: str
) -> None:
    report = report_create(actor=None, review_point=reporting.h1)
    client.force_login(world.users["committee_staff"])
    files = _files(client, report, lang)
    document = Document(io.BytesIO(files["docx"]))
    assert heading in {p.text for p in document.paragraphs}
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=files["pdf"], capture_output=True, check=True
        ).stdout.decode()
        assert heading in text


def test_the_page_costs_the_same_queries_with_more_records(
    client: Any, world: Any, reporting: Any
) -> None:
    staff = world.users["committee_staff"]
    report_create(actor=staff, review_point=reporting.h1)
    client.force_login(staff)
    url = _page(reporting.h1)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200

    for day in (2, 3, 4):
        meeting = meeting_create(
            actor=None,
            kind="review",
            organizer_unit=reporting.x,
            title=f"Exchange {day}",
            starts_at=dt.datetime(2024, 3, day, 8, tzinfo=dt.UTC),
        )
        meeting_set_state(actor=None, meeting=meeting, state="held")
    report = Report.objects.get()
    for version in (1, 2):
        report_update(actor=staff, report=report, version=version, lessons=f"v{version}")
    plan = WorkPlan.objects.get(name_en="Council plan 2024")
    for code in ("K6", "K7"):
        task_create(
            actor=None,
            plan=plan,
            lead_unit=world.committee,
            code=code,
            title=f"Task {code}",
            due=dt.date(2024, 6, 15),
        )
        practice_propose(
            actor=None,
            owner_unit=world.committee,
            kind="experience",
            year=2024,
            title=f"Practice {code}",
            review_point=reporting.h1,
        )
    second_town = UnitFactory(code="TWN2", name="Town U", parent=world.committee)
    organization(second_town, registered_on=dt.date(2023, 1, 1))
    with CaptureQueriesContext(connection) as second:
        page = client.get(url)
    content = page.content.decode()
    for word in ("Exchange 4", "Task K7", "Practice K7", "Town U"):
        assert word in content
    assert len(second) == len(first)
    # measured: 33 on both databases (24 before the key tasks (1), the practices (1),
    # coverage (6: whether the organizer keeps a register, then coverage_rates at the two
    # dates with the newly built and the towns' names) and the bell's unread count (1))
    assert len(first) <= 33


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("vi", ["Chỉ tiêu đăng ký so với thực hiện", "Thành tích", "Nhiệm vụ trọng tâm trong kỳ"]),
        ("zh-hans", ["登记指标与实际完成对比", "成绩", "本期重点任务", "期末组织覆盖率（%）"]),
    ],
)
def test_the_page_in_vietnamese_and_chinese(
    client: Any, world: Any, reporting: Any, lang: str, words: list[str]
) -> None:
    report_create(actor=None, review_point=reporting.h1)
    client.force_login(world.users["committee_staff"])
    page = client.get(_page(reporting.h1), {"lang": lang}).content.decode()
    for word in words:
        assert word in page


def test_a_final_report_keeps_its_figures_when_the_record_changes(
    client: Any, world: Any, reporting: Any
) -> None:
    """Finalizing freezes the figures in every language: an actual corrected afterwards
    changes the draft (the cluster's) but neither the final report's page nor its files."""
    from pacesetter.scoring.models import ScoreItem

    staff = world.users["committee_staff"]
    final = report_create(actor=staff, review_point=reporting.h1)
    final = report_finalize(actor=staff, report=final, version=1, achievements="All met.")
    assert set(final.figures) == {"en", "vi", "zh-hans"}
    draft = report_create(actor=staff, review_point=reporting.h1, cluster=world.cluster)
    # The own unit's revenue corrected from 120 to 130 after the report was finalized.
    ScoreItem.objects.filter(
        review_point=reporting.h1, unit=world.own, criterion__code="Q1"
    ).update(actual=D(130))
    client.force_login(staff)

    page = client.get(_page(reporting.h1)).content.decode()
    assert 'id="report-frozen"' in page
    targets = page.split('id="table-targets"')[1].split("</table>")[0]
    assert "<td>420</td>" in targets and "<td>430</td>" not in targets
    files = _files(client, final)
    cells = {
        c.text for t in Document(io.BytesIO(files["docx"])).tables for r in t.rows for c in r.cells
    }
    assert "420" in cells and "430" not in cells
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    numbers = {
        D(str(c.value)) for row in sheet.iter_rows() for c in row if type(c.value) in (int, float)
    }
    assert D(420) in numbers and D(430) not in numbers
    vi = _files(client, final, "vi")
    assert "Thành tích" in {p.text for p in Document(io.BytesIO(vi["docx"])).paragraphs}

    # The draft follows the record: Cluster A's revenue is now 130 + 150.
    live = review_figures(staff, reporting.h1, world.cluster)
    assert _criteria(live)["Q1"].actual == D(280)
    cluster_cells = {
        c.text
        for t in Document(io.BytesIO(_files(client, draft)["docx"])).tables
        for r in t.rows
        for c in r.cells
    }
    assert "280" in cluster_cells


def test_the_day_a_report_was_finalized_is_the_sites_day() -> None:
    # 18:00 UTC on 1 July is already 2 July in Thanh Hoa.
    report = Report(
        state=ReportState.FINAL,
        version=3,
        finalized_at=dt.datetime(2024, 7, 1, 18, tzinfo=dt.UTC),
    )
    with timezone.override(ZoneInfo("Asia/Ho_Chi_Minh")), translation.override("en"):
        assert "finalized on 2 July 2024" in state_line(report)
