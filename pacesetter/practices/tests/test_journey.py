"""Good practice in Debian's Chromium: a unit's officer proposes a practice from its row
of the published ranking, the committee's staff vet, recognize and publish it (in
Vietnamese), another unit's officer adopts it, and the public library shows it."""

from __future__ import annotations

import pytest

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices.models import Adoption, Practice

from .test_from_ranking import publish, scored_review_point

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def log_out(page, name: str = "Log out") -> None:
    page.wait_for_load_state("load")  # app.js (deferred) has folded the menu
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name=name).click()


def choose_language(page, code: str) -> None:
    """Pick a language in the top bar and wait for the page it sends back (the select
    submits from the deferred app.js)."""
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.select_option("#language-select", code)


def test_from_the_ranking_row_to_the_public_library(live_server, page, world):
    from playwright.sync_api import expect

    h1 = scored_review_point(world)
    publish(h1)
    DecisionFactory(owner_unit=world.committee, number="15/QD-TDKT", issuer="Provincial committee")
    adopter = UserFactory(username="officer.sibling")
    role_grant(actor=None, user=adopter, role=Role.UNIT_OFFICER, unit=world.sibling)
    base = live_server.url

    # The officer reads the published ranking and starts a proposal from the own unit's
    # row: the form comes filled in, the standing above it links back.
    log_in(page, base, "officer")
    page.goto(f"{base}/scoring/review/{h1.pk}/ranking/")
    own_row = page.locator(f"#ranking tr[data-unit='{world.own.pk}']")
    expect(page.locator(f"#ranking tr[data-unit='{world.sibling.pk}']")).not_to_contain_text(
        "Propose a practice"
    )
    own_row.get_by_role("link", name="Propose a practice").click()
    expect(page.locator("h1")).to_have_text("Propose a practice")
    expect(page.locator(".intro")).to_contain_text("Own unit: rank 2 in Cluster A, total 13")
    expect(page.locator("#id_owner_unit")).to_have_value(str(world.own.pk))
    expect(page.locator("#id_review_point")).to_have_value(str(h1.pk))
    page.locator("#id_title_en").fill("Revenue drive of the own unit")
    page.locator("#id_kind").select_option(label="Experience or working method")
    page.get_by_role("button", name="Propose").click()
    expect(page.locator(".messages")).to_contain_text("is proposed")
    expect(page.locator("#standings")).to_contain_text("rank 2 in Cluster A")
    practice = Practice.objects.get(title_en="Revenue drive of the own unit")
    assert practice.review_point_id == h1.pk
    detail = page.url
    log_out(page)

    # The committee's staff vet it in Vietnamese: review, recognize by the decision,
    # publish.
    log_in(page, base, "staff")
    page.goto(detail)
    choose_language(page, "vi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#standings")).to_contain_text("hạng 2 trong Cluster A")
    page.get_by_role("link", name="Xem xét", exact=True).click()
    page.locator("#id_assessment").select_option("recommend")
    page.locator("#id_comment").fill("Kinh nghiệm tốt, có thể nhân rộng.")
    page.get_by_role("button", name="Xem xét").click()
    page.get_by_role("link", name="Công nhận", exact=True).click()
    page.locator("#id_decision").select_option(index=1)
    page.get_by_role("button", name="Công nhận").click()
    page.locator("[data-move='publish']").click()
    page.get_by_role("button", name="Công khai").click()
    expect(page.locator(".messages")).to_contain_text("Điển hình đã được công bố.")
    practice.refresh_from_db()
    assert practice.state == "published"
    choose_language(page, "en")
    log_out(page)

    # Another unit's officer adopts it.
    log_in(page, base, "officer.sibling")
    page.goto(detail)
    page.get_by_role("link", name="Adopt it in a unit").click()
    page.locator("#id_unit").select_option(label="Sibling unit (SIB)")
    page.locator("#id_note").fill("Monthly revenue reviews.")
    page.get_by_role("button", name="Adopt").click()
    expect(page.locator(".messages")).to_contain_text("Sibling unit adopts the practice.")
    expect(page.locator("#spread")).to_contain_text("adopted by 1 unit in all")
    assert Adoption.objects.filter(practice=practice, unit=world.sibling).exists()
    log_out(page)

    # Anyone reads it in the public library, with its spread.
    page.goto(f"{base}/practices/public/")
    page.get_by_role("link", name="Revenue drive of the own unit").click()
    expect(page.locator("h1")).to_have_text("Revenue drive of the own unit")
    expect(page.locator("main")).to_contain_text("Experience or working method")
