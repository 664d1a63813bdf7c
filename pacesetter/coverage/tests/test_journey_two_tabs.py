"""Two tabs of one unit officer, in Debian's Chromium, open the same organization's edit
page; the first saves, then the second: the second is refused with the stale-version
message on its form, and the organization keeps the first tab's values."""

from __future__ import annotations

import datetime as dt

import pytest

from pacesetter.coverage.models import Organization

from .factories import organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_the_second_tab_to_save_is_refused_and_the_first_ones_values_stay(live_server, page, world):
    from playwright.sync_api import expect

    org = organization(world.own, name="Own Leather Works", registered_on=dt.date(2023, 1, 1))
    base = live_server.url
    log_in(page, base, world.users["unit_officer"].username)
    edit = f"{base}/coverage/{org.pk}/edit/"
    first = page
    second = page.context.new_page()  # a second tab of the same session
    first.goto(edit)
    second.goto(edit)

    first.get_by_label("Staff headcount").fill("40")
    first.get_by_role("button", name="Save").click()
    first.wait_for_url(f"{base}/coverage/{org.pk}/")
    expect(first.locator("main")).to_contain_text("40")

    second.get_by_label("Staff headcount").fill("55")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("alert")).to_contain_text(
        "Someone else saved this organization since you opened it."
    )
    expect(second).to_have_url(edit)

    second.goto(f"{base}/coverage/{org.pk}/")
    expect(second.locator("main")).to_contain_text("Own Leather Works")
    stored = Organization.objects.get(pk=org.pk)
    assert (stored.staff_count, stored.version) == (40, 2)
    second.close()
