"""From the home page to the records that need the user, in Debian's Chromium: the unit
officer follows "to report" to its score sheet, the committee staff follow a unit's late
tasks to "my work" filtered to them."""

import datetime as dt
import re

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_officer_goes_from_the_home_page_to_its_score_sheet(live_server, page, world, scoring):
    from playwright.sync_api import expect

    log_in(page, live_server.url, "officer")
    section = page.locator("#dash-officer")
    expect(section).to_contain_text("score items to report")
    section.locator("#officer-report a").first.click()
    page.wait_for_url(re.compile(rf"/scoring/review/{scoring.h1.pk}/units/{world.own.pk}/$"))
    expect(page.locator("h1")).to_be_visible()


def test_staff_go_from_a_units_late_tasks_to_them(live_server, page, world):
    from playwright.sync_api import expect

    from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory

    plan = WorkPlanFactory(body=world.council)
    late = timezone.localdate() - dt.timedelta(days=3)
    TaskFactory(plan=plan, lead_unit=world.own, due=late, title="Repair the canal")
    TaskFactory(plan=plan, lead_unit=world.sibling, due=late, title="Audit the accounts")
    log_in(page, live_server.url, "staff")
    table = page.locator("#staff-late-units")
    expect(table).to_contain_text(str(world.own))
    table.get_by_role("link", name=str(world.own)).click()
    page.wait_for_url(re.compile(r"/workplans/my-work/\?"))
    tasks = page.locator("#tasks")
    expect(tasks).to_contain_text("Repair the canal")
    expect(tasks).not_to_contain_text("Audit the accounts")
