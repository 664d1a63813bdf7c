"""The scoring journey in Debian's Chromium: a unit officer reports an actual with
evidence and self-scores, the cluster leader reviews, the ranking updates."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_report_with_evidence_self_score_review_and_the_ranking_updates(
    live_server, page, world, scoring, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path
    item = scoring.item(world.own, "Q1")  # revenue: target 100, 30 points

    log_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/scoring/items/{item.pk}/")
    page.locator(f"#id_item-{item.pk}-actual").fill("80")
    page.locator(f"#id_item-{item.pk}-explanation").fill("Revenue of the first half-year.")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    expect(page.locator("#item-result")).to_contain_text("80")

    page.locator("#evidence input[type=file]").set_input_files(
        files=[
            {
                "name": "h1-revenue.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n% first-half revenue report\n",
            }
        ]
    )
    page.locator("#evidence").get_by_role("button", name="Upload").click()
    expect(page.locator("#evidence-list")).to_contain_text("h1-revenue.pdf")

    page.get_by_role("button", name=re.compile("Submit for review")).first.click()
    expect(page.locator("#item-state")).to_have_text("Self-scored")
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/scoring/queue/")
    page.get_by_role("link", name=re.compile("Revenue")).first.click()
    expect(page.locator("h1")).to_contain_text("Revenue")
    page.locator("#review-h ~ form input[name$=score]").fill("22")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("#item-state")).to_have_text("Reviewed by the leader")

    page.goto(f"{live_server.url}/scoring/review/{scoring.h1.pk}/ranking/")
    own_row = page.locator(f"#ranking tr[data-unit='{world.own.pk}']")
    expect(own_row).to_contain_text("22")
    expect(page.locator("svg.chart-wide[role=img]")).to_be_visible()
