"""Committee staff finalize several score items at once from their queue, in Debian's
Chromium: one item changed by another session in between is refused, the others go
through, and the published ranking carries the final scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.campaigns.models import CampaignState, ReviewPoint, ReviewPointState
from pacesetter.campaigns.services import campaign_transition, cluster_join, pact_sign
from pacesetter.campaigns.tests.factories import CampaignFactory, ReviewPointFactory
from pacesetter.clusters.services import cluster_member_add
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.scoring.models import ItemState, ScoreItem
from pacesetter.scoring.services import (
    item_finalize,
    item_report,
    item_review,
    item_submit,
    registration_set,
    review_point_open,
    table_adopt,
)
from pacesetter.scoring.tests.factories import CriterionFactory, ScoringTableFactory
from pacesetter.units.models import Unit
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Reviewed:
    review_point: ReviewPoint
    units: dict[str, Unit]
    items: dict[str, ScoreItem]


def build_reviewed() -> Reviewed:
    """One revenue criterion (10 points, in proportion to the target of 100) for three
    units of a cluster, each reported, self-scored and reviewed by the leader: the three
    items wait for the committee's final score."""
    province = UnitFactory(code="PROV", name="Province")
    enterprise = UnitTypeFactory(code="enterprise", name="Enterprise")
    units = {
        key: UnitFactory(code=key.upper(), name=name, parent=province, unit_type=enterprise)
        for key, name in (("alpha", "Alpha Works"), ("beta", "Beta Mills"), ("gamma", "Gamma Yard"))
    }
    cluster = ClusterFactory(code="C1", name="Cluster One", owner_unit=province)
    for unit in units.values():
        cluster_member_add(actor=None, cluster=cluster, unit=unit, start=dt.date(2024, 1, 1))
    table = ScoringTableFactory(owner_unit=province, name="Revenue table")
    revenue = CriterionFactory(
        table=table, code="R1", title="Revenue", max_points=D(10), method="proportional"
    )
    table_adopt(actor=None, table=table)
    draft = CampaignFactory(organizer=province, code="EMU", name="Emulation", scoring_table=table)
    cluster_join(actor=None, campaign=draft, cluster=cluster)
    review_point = ReviewPointFactory(
        campaign=draft, code="y", name="Year-end review", period_end=dt.date(2024, 12, 31)
    )
    campaign = campaign_transition(actor=None, campaign=draft, to_state=CampaignState.REGISTRATION)
    for unit in units.values():
        registration_set(actor=None, campaign=campaign, unit=unit, criterion=revenue, target=D(100))
    pact_sign(
        actor=None,
        campaign=campaign,
        cluster=cluster,
        signed_on=dt.date(2024, 3, 1),
        signer_unit=units["alpha"],
    )
    campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.RUNNING)
    review_point_open(actor=None, review_point=review_point)
    items = {}
    for key, actual in (("alpha", D(100)), ("beta", D(80)), ("gamma", D(50))):
        item = ScoreItem.objects.get(review_point=review_point, unit=units[key])
        item = item_report(actor=None, item=item, version=item.version, actual=actual)
        item = item_submit(actor=None, item=item, version=item.version, self_score=None)
        items[key] = item_review(actor=None, item=item, version=item.version)
    return Reviewed(review_point=review_point, units=units, items=items)


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def test_bulk_finalize_refuses_the_stale_item_and_the_ranking_follows(live_server, page):
    from playwright.sync_api import expect

    data = build_reviewed()
    province = data.review_point.campaign.organizer
    staff, colleague = UserFactory(username="staff"), UserFactory(username="staff.two")
    for user in (staff, colleague):
        role_grant(actor=None, user=user, role=Role.COMMITTEE_STAFF, unit=province)
    base = live_server.url

    log_in(page, base, "staff")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My queue").click()
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Finalize")).to_have_count(3)
    for name in ("Alpha Works", "Beta Mills", "Gamma Yard"):
        page.get_by_role("checkbox", name=f"R1 {name}").check()
    page.locator("#bulk select[name=action]").select_option("finalize")

    # Meanwhile a colleague, in their own session, gives Beta Mills its final score.
    beta = data.items["beta"]
    item_finalize(actor=colleague, item=beta, version=beta.version, score=D(7))

    page.get_by_role("button", name="Apply to the checked items").click()
    expect(page.locator("h1")).to_have_text("Batch result")
    expect(page.locator(".summary")).to_have_text("2 done, 1 refused.")
    results = page.locator("#bulk-results tbody tr")
    expect(results.filter(has_text="Alpha Works")).to_contain_text("Done")
    expect(results.filter(has_text="Gamma Yard")).to_contain_text("Done")
    refused = results.filter(has_text="Beta Mills")
    expect(refused).to_contain_text("Refused")
    expect(refused).to_contain_text("Someone else saved this item since you opened it")
    # The refused item keeps what the colleague gave it; nothing of the batch reached it.
    states = dict(
        ScoreItem.objects.filter(review_point=data.review_point).values_list("unit__code", "state")
    )
    assert states == {"ALPHA": ItemState.FINAL, "BETA": ItemState.FINAL, "GAMMA": ItemState.FINAL}
    beta.refresh_from_db()
    assert beta.final_score == D(7)

    # Nothing waits any more: the ranking can be published, with the final scores.
    page.get_by_role("link", name="Back to the queue").click()
    expect(page.locator("main .empty")).to_have_text("Nothing is waiting for you.")
    page.goto(f"{base}/scoring/review/{data.review_point.pk}/ranking/")
    page.get_by_role("button", name="Publish the ranking").click()
    ranking = page.locator("#ranking tbody tr")
    expect(ranking).to_have_count(3)
    for position, (key, total) in enumerate((("alpha", "10"), ("beta", "7"), ("gamma", "5"))):
        row = ranking.nth(position)
        expect(row).to_have_attribute("data-unit", str(data.units[key].pk))
        expect(row.locator("td").first).to_have_text(str(position + 1))
        expect(row.locator("strong")).to_have_text(total)
    data.review_point.refresh_from_db()
    assert data.review_point.state == ReviewPointState.PUBLISHED
