"""Journeys a person makes, in Debian's Chromium driven by Playwright."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=io.StringIO())


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def choose_language(page, code: str) -> None:
    """Pick a language in the top bar and wait for the page it sends back.

    The select submits its form from the deferred app.js: until the page's load event that
    script may still be in flight (a loaded CI machine), and a change then sends nothing.
    """
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.select_option("#language-select", code)


def test_staff_finds_cluster_18_and_reads_it_in_vietnamese(live_server, page, demo):
    from playwright.sync_api import expect

    log_in(page, live_server.url, "staff.thanhhoa")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clusters").click()
    # The list's own search box, not the one in the top bar (docs/search.md).
    page.get_by_role("main").get_by_role("searchbox").fill("18")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("Cluster No. 18")).click()

    expect(page.locator("h1")).to_contain_text("Cluster No. 18")
    expect(page.locator("#members tbody tr")).to_have_count(7)
    expect(page.locator("#members")).to_contain_text("MEDLATEC Thanh Hoa")
    expect(page.locator("#leaders")).to_contain_text("Lam Son")
    expect(page.locator("#leaders")).to_contain_text("Bac Song Ma")

    choose_language(page, "vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    # The cluster's own language is Vietnamese: its name as the decision wrote it.
    expect(page.locator("h1")).to_contain_text("Cụm thi đua số 18")
    expect(page.locator("#leaders")).to_contain_text("Lam Sơn")
    nav = page.get_by_role("navigation")
    expect(nav.first).to_contain_text("Đơn vị")
    expect(nav.first).to_contain_text("Cụm thi đua")
    expect(page.locator("#members tbody tr")).to_have_count(7)
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_staff_browses_the_tree_and_adds_a_unit_in_chinese(live_server, page, demo):
    from playwright.sync_api import expect

    log_in(page, live_server.url, "staff.thanhhoa")
    choose_language(page, "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("navigation").first.get_by_role("link", name="单位", exact=True).click()

    # Opening a tree node loads its children with HTMX. Thanh Hoa's units have no Chinese
    # names: a Chinese screen shows them in their own language, Vietnamese.
    province = page.locator("#unit-tree details").filter(has_text="Tỉnh Thanh Hóa").first
    province.locator("summary").click()
    lam_son = province.get_by_role("link", name="Công ty TNHH Lam Sơn", exact=True)
    expect(lam_son).to_be_visible()
    lam_son.click()
    expect(page.locator("h1")).to_contain_text("Công ty TNHH Lam Sơn")

    page.locator("a[href$='/new-child/']").first.click()
    page.locator("#id_code").fill("TH-LAMSON")  # already taken by Lam Son itself
    # A new unit's texts are in the screen's language, with translations beside.
    expect(page.locator("#id_source_language")).to_have_value("zh-hans")
    page.locator("#id_name_zh_hans").fill("蓝山糖业第二车间")
    page.locator("#id_name_en").fill("Lam Son sugar workshop No. 2")
    page.locator("#id_unit_type").select_option(index=1)
    page.locator("#id_employees").fill("120")
    page.locator("main form button[type=submit]").first.click()
    # Bad input stays on the form, with the error beside the field, nothing saved.
    expect(page.locator(".field.has-error #id_code")).to_be_visible()
    page.locator("#id_code").fill("TH-LAMSON-WS2")
    page.locator("main form button[type=submit]").first.click()

    expect(page.locator("h1")).to_contain_text("蓝山糖业第二车间")
    expect(page.locator("main")).to_contain_text("Công ty TNHH Lam Sơn")
    expect(page.locator(".messages")).to_be_visible()
    # The same page in English shows the English translation.
    page.goto(page.url.split("?")[0] + "?lang=en")
    expect(page.locator("h1")).to_contain_text("Lam Son sugar workshop No. 2")
