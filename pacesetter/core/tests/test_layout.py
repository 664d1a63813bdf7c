"""Every main screen works on a phone (390 px) and on a desktop (1440 px), in Debian's
Chromium: the document is never wider than the window, and every form control and button
of the page can be reached (docs/architecture.md, "Screens": the layout rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pacesetter.awards.people_services import person_create
from pacesetter.awards.services import award_create, proposal_nominate
from pacesetter.coverage.defaults import ensure_kinds
from pacesetter.coverage.tests.factories import organization as coverage_organization
from pacesetter.meetings.tests.conftest import make_meeting
from pacesetter.practices.tests.factories import PracticeFactory
from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESKTOP = 390, 1440

#: Finds what a person cannot use at this width. A control is out of sight when it lies
#: beyond the window's left or right edge and no horizontally scrollable box around it
#: brings it back, or is cut by a box that hides its overflow; on the desktop
#: (``strict``) it must be in sight without scrolling a table sideways. Hidden controls
#: (a closed menu) are left out.
PROBLEMS = """
(strict) => {
  const width = window.innerWidth;
  const found = [];
  const describe = (node) => node.tagName.toLowerCase() + (node.id ? "#" + node.id : "") +
    (typeof node.className === "string" && node.className
      ? "." + node.className.split(" ")[0] : "");
  const doc = document.documentElement;
  if (doc.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")].find(
      (node) => node.getBoundingClientRect().right > width + 1 && !clipper(node)
    );
    found.push(`the page is ${doc.scrollWidth} px wide (${wide ? describe(wide) : "?"})`);
  }
  function clipper(node) {
    for (let box = node.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return box;
    }
    return null;
  }
  const controls = document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, summary, .button"
  );
  for (const control of controls) {
    if (!control.getClientRects().length) continue;
    if (getComputedStyle(control).visibility === "hidden") continue;
    const box = control.getBoundingClientRect();
    if (box.width < 2 && box.height < 2) continue;  // visually hidden on purpose
    let left = 0, right = width, scrolls = false;
    for (let node = clipper(control); node; node = clipper(node)) {
      const edge = node.getBoundingClientRect();
      if (box.left >= edge.left - 1 && box.right <= edge.right + 1) continue;
      const overflow = getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") scrolls = true;
      else { scrolls = false; left = Infinity; break; }  // clipped for good
    }
    if (box.left >= left - 1 && box.right <= right + 1 && !scrolls) continue;
    if (!strict && scrolls) continue;
    const name = (control.innerText || control.name || control.id || "").trim().slice(0, 40);
    found.push(`${describe(control)} "${name}" at ${Math.round(box.left)}` +
      `–${Math.round(box.right)} px` + (scrolls ? " (only by scrolling sideways)" : ""));
  }
  return found;
}
"""


@pytest.fixture
def screens(world: Any, scoring: Any) -> dict[str, list[tuple[str, str]]]:  # noqa: F811
    """Small data for every main screen, and the screens each role opens."""
    today = timezone.localdate()
    plan = WorkPlanFactory(
        body=world.council,
        name="Key tasks of the second half-year",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=150),
    )
    task = TaskFactory(plan=plan, title="Open the one-stop service desk in every commune")
    meeting = make_meeting(world)
    proposal = proposal_nominate(
        actor=None,
        award=award_create(
            actor=None,
            code="layout-flag",
            name="Provincial Emulation Flag",
            level="provincial",
            recipient_kind="unit",
            issuer="Provincial People's Committee",
        ),
        year=2024,
        decision_date=dt.date(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        units=[world.own],
    )
    practice = PracticeFactory(
        owner_unit=world.own,
        source_language="vi",
        title="Kinh nghiệm tổ chức sản xuất theo ca luân phiên của Công ty",
        body="<p>Kết quả:</p><table><tr>"
        + "".join(f"<th>Chỉ tiêu sản lượng năm {y}</th>" for y in range(2019, 2025))
        + "</tr></table>",
    )
    person = person_create(
        actor=None,
        unit=world.own,
        full_name="Nguyễn Thị Hương",
        title="Head of the quality assurance and customer service team",
    )
    ensure_kinds()  # made by a migration, and the suite runs without them
    organization = coverage_organization(
        world.own,
        source_language="vi",
        name={"vi": "Công ty TNHH Sản xuất Hàng tiêu dùng và Xuất nhập khẩu Lam Sơn"},
        registered_on=dt.date(2023, 1, 1),
        staff_count=120,
        party_members_full=4,
    )
    h1 = scoring.h1.pk
    return {
        "officer": [
            ("home", reverse("core:home")),
            ("score sheet", reverse("scoring:sheet", args=[h1, world.own.pk])),
            ("my work", reverse("workplans:my_work")),
            ("people register", reverse("awards:unit_people", args=[world.own.pk])),
            ("person page", reverse("awards:person", args=[person.pk])),
        ],
        "leader": [
            ("ranking", reverse("scoring:ranking", args=[h1])),
            ("queue", reverse("scoring:queue")),
            ("campaign list", reverse("campaigns:list")),
        ],
        "staff": [
            ("home", reverse("core:home")),
            ("plan board", reverse("workplans:plan_board", args=[plan.pk])),
            ("task page", reverse("workplans:task_detail", args=[task.pk])),
            ("meeting page", reverse("meetings:meeting_detail", args=[meeting.pk])),
            ("proposal page", reverse("awards:proposal", args=[proposal.pk])),
            ("unit search", reverse("units:list")),
            ("cluster list", reverse("clusters:list")),
            ("body list", reverse("bodies:list")),
            ("proposal list", reverse("awards:proposal_list")),
            ("poll list", reverse("ballots:list")),
            ("plan list", reverse("workplans:plan_list")),
            ("meeting list", reverse("meetings:meeting_list")),
            ("chain list", "/chains/"),
            ("practice list", reverse("practices:list")),
            ("practice page", reverse("practices:detail", args=[practice.pk])),
            ("people and roles", reverse("accounts:people")),
            ("coverage register", reverse("coverage:register")),
            ("coverage rates", reverse("coverage:rates")),
            ("blind spots", reverse("coverage:blind_spots")),
            ("organization page", reverse("coverage:organization", args=[organization.pk])),
        ],
    }


def log_in(page: Any, base_url: str, username: str, language: str = "en") -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def problems_at(
    page: Any, live_server: Any, screens: dict[str, Any], width: int, language: str = "en"
) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    found = []
    for username, pages in screens.items():
        log_in(page, live_server.url, username, language)
        for name, path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, name, response.status)
            found += [
                f"{name} ({username}): {problem}"
                for problem in page.evaluate(PROBLEMS, width >= DESKTOP)
            ]
    return found


@pytest.mark.parametrize("language", ["en", "vi"])  # Vietnamese: the longer words
def test_every_main_screen_fits_a_phone(live_server, page, screens, language):
    assert problems_at(page, live_server, screens, PHONE, language) == []


def test_every_main_screen_fits_a_desktop(live_server, page, screens):
    assert problems_at(page, live_server, screens, DESKTOP) == []


def test_on_a_phone_the_menu_opens_and_the_ranking_chart_stays_readable(
    live_server,
    page,
    world,
    scoring,  # noqa: F811
):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": PHONE, "height": 900})
    log_in(page, live_server.url, "leader")
    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] < 80  # one line, not three
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(menu.get_by_role("link", name="Campaigns")).to_be_visible()

    page.goto(f"{live_server.url}{reverse('scoring:ranking', args=[scoring.h1.pk])}")
    label = page.locator("svg.chart:visible text").first
    # The chart's labels are drawn at 13 px: at least 12 px on the screen.
    assert label.bounding_box()["height"] >= 12
    export = page.get_by_role("link", name="Excel workbook (.xlsx)")
    expect(export).to_have_attribute("href", reverse("scoring:ranking_xlsx", args=[scoring.h1.pk]))

    page.emulate_media(media="print")  # paper: the content without the menu and buttons
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(export).to_be_hidden()
    expect(page.locator("#ranking")).to_be_visible()
