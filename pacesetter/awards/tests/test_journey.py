"""From a published ranking to a proposal, a secret cluster vote and a certificate, in
Debian's Chromium."""

import re

import pytest

from pacesetter.awards.models import Proposal, ProposalState
from pacesetter.ballots.services import ballot_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def log_out(page):
    page.wait_for_load_state("domcontentloaded")  # app.js (deferred) has folded the menu
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone the top bar's tools fold behind "Menu"
        menu.click()
    page.get_by_role("button", name="Log out").click()


def test_ranking_to_proposal_to_vote_to_certificate(live_server, page, world, ranked):
    from playwright.sync_api import expect

    base = live_server.url
    # The cluster leader drafts a proposal from the published ranking.
    log_in(page, base, "leader")
    page.goto(f"{base}/awards/proposals/")
    page.locator("a[href*='from-ranking'], a[href*='ranking']").first.click()
    page.locator("#id_award").select_option(str(ranked.flag.pk))
    page.locator("#id_review_point").select_option(str(ranked.scoring.h1.pk))
    page.locator("#id_cluster").select_option(str(world.cluster.pk))
    page.locator("#id_decision_date").fill("2024-12-15")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("Ranked 2 or better in the cluster")
    proposal = Proposal.objects.get()

    # ... and puts it to the cluster's secret vote.
    page.get_by_role("link", name="Put to the cluster's vote").click()
    page.locator("#id_quorum").fill("0.5")
    page.locator("#id_majority").select_option("simple")
    page.locator("#id_base").select_option("valid")
    page.locator("main form button[type=submit]").last.click()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CLUSTER_VOTE
    poll = proposal.cluster_poll
    log_out(page)

    # The own unit's officer votes on a phone-sized page and keeps the receipt.
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, base, "officer")
    page.goto(f"{base}/ballots/{poll.pk}/vote/")
    for fieldset in page.locator("#ballot-form fieldset").all():
        fieldset.locator("input[value=yes]").check()
    page.get_by_role("button", name="Cast my ballot").click()
    receipt = page.locator(".receipt").inner_text().strip()
    assert len(receipt) >= 12
    log_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    for key in ("sibling", "third"):
        options = list(poll.options.order_by("position"))
        ballot_cast(voter=ranked.officers[key], poll=poll, choices={o.pk: "yes" for o in options})

    # The committee closes and publishes the vote; the receipt is in the published list.
    log_in(page, base, "staff")
    page.goto(f"{base}/ballots/{poll.pk}/")
    page.get_by_role("button", name="Close the poll").click()
    page.get_by_role("button", name="Count and publish the result").click()
    expect(page.locator("main")).to_contain_text(receipt)
    log_out(page)

    # The leader sends the carried candidates; the committee accepts and decides.
    log_in(page, base, "leader")
    page.goto(f"{base}/awards/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Send to the committee").click()
    log_out(page)
    log_in(page, base, "staff")
    page.goto(f"{base}/awards/proposals/{proposal.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("link", name="Record the decision").click()
    page.locator("#id_number").fill("77/QD-UBND")
    page.locator("#id_date").fill("2024-12-20")
    page.locator("#id_issuer").fill("Chairman of the Provincial People's Committee")
    page.locator("#id_signer_title").fill("Chairman")
    page.locator("main form button[type=submit]").last.click()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DECIDED

    link = page.get_by_role("link", name=re.compile("certificates"))
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
