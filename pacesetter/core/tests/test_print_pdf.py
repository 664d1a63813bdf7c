"""The five print views that matter most on paper render in Debian's Chromium to A4
PDF with no column cut: the ranking, a score sheet, the plan board, a meeting's
attendance list and the coverage register (docs/print-and-export.md).

In print media at the width of an A4 sheet's content, no table is wider than the box
that holds it (every column is on the sheet, long text wraps), no table reaches past the
right edge, and the PDF has pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pacesetter.coverage.defaults import ensure_kinds
from pacesetter.coverage.tests.factories import organization as coverage_organization
from pacesetter.meetings.tests.conftest import make_meeting
from pacesetter.meetings.tests.factories import InvitationFactory
from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

from .test_layout import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: A4 is 210 mm wide; app.css's @page leaves 10 mm each side: 190 mm at 96 px per inch.
A4_CONTENT_PX = round(190 / 25.4 * 96)

#: Every table that is cut: wider than its box, or reaching past the sheet's right edge.
CUT_TABLES = """
(width) => [...document.querySelectorAll("main table")]
  .filter((table) => table.getClientRects().length)
  .map((table) => {
    const box = table.parentElement;
    const right = table.getBoundingClientRect().right;
    return {id: table.id || table.className, scroll: table.scrollWidth,
            room: box.clientWidth, right: Math.round(right)};
  })
  .filter((t) => t.scroll > t.room + 1 || t.right > width + 1)
"""

LONG = "Kinh nghiệm tổ chức sản xuất theo ca luân phiên của Công ty TNHH Lam Sơn "


@pytest.fixture
def paper(world: Any, scoring: Any) -> list[tuple[str, str]]:  # noqa: F811
    """The five print views, with long texts in their widest columns."""
    today = timezone.localdate()
    plan = WorkPlanFactory(
        body=world.council,
        name="Key tasks of the second half-year",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=150),
    )
    for n in range(3):
        TaskFactory(plan=plan, title=f"{LONG * 2}{n}", lead_unit=world.own)
    meeting = make_meeting(world)
    for n in range(40):
        InvitationFactory(meeting=meeting, label=f"{LONG}{n}", role="guest")
    ensure_kinds()
    coverage_organization(
        world.own,
        source_language="vi",
        name={"vi": "Công ty TNHH Sản xuất Hàng tiêu dùng và Xuất nhập khẩu Lam Sơn"},
        registered_on=dt.date(2023, 1, 1),
        staff_count=120,
        party_members_full=4,
    )
    h1 = scoring.h1.pk
    return [
        ("ranking", reverse("scoring:ranking", args=[h1]) + "?print=1"),
        ("score sheet", reverse("scoring:sheet", args=[h1, world.own.pk]) + "?print=1"),
        ("plan board", reverse("workplans:plan_board", args=[plan.pk]) + "?print=1"),
        ("attendance list", reverse("meetings:attendance_list", args=[meeting.pk])),
        ("coverage register", reverse("coverage:register") + "?print=1"),
    ]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("language", ["en", "vi"])  # Vietnamese: the longer words
def test_the_print_views_fit_an_a4_sheet(live_server, page, paper, language):
    log_in(page, live_server.url, "staff", language)
    cut = []
    for name, path in paper:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, response.status)
        assert page.locator("main table").count() > 0, name
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1100})
        assert page.locator("header.topbar").is_hidden(), name
        cut += [f"{name}: {table}" for table in page.evaluate(CUT_TABLES, A4_CONTENT_PX)]
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF"), name
        assert pdf_pages(pdf) >= 1, name
    assert cut == []


def test_the_attendance_list_prints_on_several_sheets_with_its_header_on_each(
    live_server, page, paper
):
    log_in(page, live_server.url, "staff")
    path = dict(paper)["attendance list"]
    page.goto(f"{live_server.url}{path}")
    page.emulate_media(media="print")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#attendance-list thead')).display")
        == "table-header-group"
    )
    assert pdf_pages(page.pdf(format="A4")) >= 2  # 43 invitees do not fit one sheet
