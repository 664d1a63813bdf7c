"""The ranking page, its .xlsx export and the API show the same rows to the same user.

Cluster A (own, sibling; led by the cluster leader) and Cluster B (other) take part in
a campaign of the committee. Before publication the organizer's staff follow every row
live, the leader the rows of Cluster A without the ranks by unit type, everyone else
nothing; after publication everyone who sees the campaign sees every row.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    pact_sign,
    participant_add,
    review_point_add,
)
from pacesetter.scoring.models import ScoreItem
from pacesetter.scoring.services import (
    item_finalize,
    item_report,
    item_review,
    item_submit,
    registration_set,
    review_point_open,
    review_point_publish,
)
from pacesetter.testing.api import ApiClient
from pacesetter.units.models import Unit

from .conftest import build_table

START = dt.date(2024, 1, 1)
ROLES = ["committee_staff", "cluster_leader", "unit_officer", "other_officer", "viewer", None]


@pytest.fixture
def league(world: Any) -> dict[str, Any]:
    table, c = build_table(world.committee)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="SURF",
        name="Surfaces",
        start=START,
        end=dt.date(2024, 12, 31),
        scoring_table=table,
    )
    members = {world.cluster: [world.own, world.sibling], world.other_cluster: [world.other]}
    for cluster, units in members.items():
        for unit in units:
            participant_add(actor=None, campaign=campaign, unit=unit, cluster=cluster)
    h1 = review_point_add(
        actor=None,
        campaign=campaign,
        code="h1",
        name="6-month review",
        period_end=dt.date(2024, 6, 30),
        due=dt.date(2024, 7, 15),
    )
    campaign = campaign_transition(actor=None, campaign=campaign, to_state="registration")
    for cluster, units in members.items():
        for unit in units:
            for code, target in (("Q1", D(100)), ("Q2", D(50))):
                registration_set(
                    actor=None, campaign=campaign, unit=unit, criterion=c[code], target=target
                )
        pact_sign(
            actor=None, campaign=campaign, cluster=cluster, signed_on=START, signer_unit=units[0]
        )
    campaign_transition(actor=None, campaign=campaign, to_state="running")
    review_point_open(actor=None, review_point=h1)
    for unit, actual in ((world.own, 50), (world.sibling, 90), (world.other, 70)):
        item = ScoreItem.objects.get(review_point=h1, unit=unit, criterion=c["Q1"])
        item_report(actor=None, item=item, version=item.version, actual=D(actual))
    item = ScoreItem.objects.get(review_point=h1, unit=world.own, criterion=c["N1"])
    item_report(actor=None, item=item, version=item.version, count=1)
    other_officer = UserFactory(username="other-officer")
    role_grant(actor=None, user=other_officer, role=Role.UNIT_OFFICER, unit=world.other)
    world.users["other_officer"] = other_officer
    h1.refresh_from_db()
    return {"campaign": campaign, "h1": h1}


def publish(h1: Any) -> None:
    for item in h1.items.filter(not_assigned=False):
        score = None if item.computed is not None else D(0)
        item = item_submit(actor=None, item=item, version=item.version, self_score=score)
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)
    review_point_publish(actor=None, review_point=h1)


Row = tuple[str, int, int | None, D]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def page_rows(user: Any, h1: Any, params: dict[str, Any]) -> list[Row] | None:
    """The ranking page's rows, or None when it answers no page."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("scoring:ranking", args=[h1.pk]), params)
    if response.status_code != 200:
        return None
    codes = dict(Unit.objects.values_list("pk", "code"))
    rows = []
    for unit_id, cells in re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', response.text, re.S):
        numbers = [_text(td) for td in re.findall(r'<td class="num">(.*?)</td>', cells, re.S)]
        in_cluster, in_type, total = numbers[0], numbers[1], numbers[5]
        rank_in_type = None if in_type == "—" else int(in_type)
        rows.append((codes[int(unit_id)], int(in_cluster), rank_in_type, D(total)))
    if not rows:
        assert 'id="not-published"' in response.text
    return rows


def export_rows(user: Any, h1: Any, params: dict[str, Any]) -> list[Row] | None:
    """The .xlsx export's rows read back, or None when there is no file."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("scoring:ranking_xlsx", args=[h1.pk]), params)
    if response.status_code == 404:
        return []  # the ranking is not shown (yet)
    if response.status_code != 200:
        return None
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [
        (r[2], r[0], r[1], D(str(r[10])))
        for r in sheet.iter_rows(min_row=6, values_only=True)
        if r[2] is not None
    ]


def api_rows(user: Any, campaign: Any, h1: Any, params: dict[str, Any]) -> list[Row] | None:
    response = ApiClient(user).get(
        f"/campaigns/{campaign.pk}/ranking", review_point=h1.pk, **params
    )
    if response.status_code != 200:
        return None
    body = response.json()
    assert body["live"] == (bool(body["rows"]) and not body["published"])
    return [
        (r["unit_code"], r["rank_in_cluster"], r["rank_in_type"], D(r["total"]))
        for r in body["rows"]
    ]


#: role → (before publication, after): the units shown, in order, and whether the ranks
#: by unit type are hidden. The totals: own 15 - 2 = 13, sibling 27, other 21.
LIVE = ["SIB", "OWN", "OTHER"]
EXPECTED: dict[str | None, tuple[list[str], list[str]]] = {
    "committee_staff": (LIVE, LIVE),
    "cluster_leader": (["SIB", "OWN"], LIVE),
    "unit_officer": ([], LIVE),
    "other_officer": ([], LIVE),
    "viewer": ([], LIVE),
    None: ([], []),
}
TOTALS = {"SIB": D(27), "OTHER": D(21), "OWN": D(13)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "cluster-a"])
def test_the_three_surfaces_show_the_same_ranking(world, league, role, filtered):
    user = world.users[role] if role else None
    campaign, h1 = league["campaign"], league["h1"]
    params = {"cluster": world.cluster.pk} if filtered else {}
    for stage, published in (("before", False), ("after", True)):
        if published:
            publish(h1)
            h1.refresh_from_db()
        page = page_rows(user, h1, params)
        export = export_rows(user, h1, params)
        api = api_rows(user, campaign, h1, params)
        if role is None:
            # Anonymous: the page and the file send to the login, the API refuses.
            assert (page, export, api) == (None, None, None)
            continue
        assert page == export == api, (stage, page, export, api)
        expected = EXPECTED[role][published]
        if filtered:
            expected = [code for code in expected if code in ("SIB", "OWN")]
        assert [row[0] for row in page or []] == expected, stage
        assert all(row[3] == TOTALS[row[0]] for row in page or [])
        masked = role == "cluster_leader" and not published
        assert all((row[2] is None) == masked for row in page or []), stage


def test_the_sheets_totals_from_its_rows_equal_the_rankings_formula(world, scoring):
    """``sheet_totals`` adds up the rows the sheet already read; the ranking sums the same
    items in SQL: every kind counts as the ranking counts it, a criterion not assigned
    not at all."""
    from pacesetter.scoring.selectors import ranking, score_sheet, sheet_totals

    scores = {"Q1": "12.50", "Q2": "7.25", "P1": "10", "C1": "3", "B1": "2", "N1": "1.50"}
    for code, score in scores.items():
        ScoreItem.objects.filter(pk=scoring.item(world.own, code).pk).update(score=D(score))
    ScoreItem.objects.filter(pk=scoring.item(world.own, "Q2").pk).update(not_assigned=True)
    ScoreItem.objects.filter(pk=scoring.item(world.own, "V1").pk).update(passed=True)

    totals = sheet_totals(list(score_sheet(scoring.h1, world.own.pk)))
    (row,) = [r for r in ranking(scoring.h1) if r["unit_id"] == world.own.pk]
    assert totals["base_earned"] == row["base_earned"] == D("25.50")  # Q2 not assigned
    assert totals["bonus"] == row["bonus"] == D("2")
    assert totals["penalty"] == row["penalty"] == D("1.50")
    assert totals["total"] == row["total"] == D("26.00")
    assert totals["base_assigned"] == row["base_assigned"]
    assert totals["veto"] == row["veto"] == 1
    assert round(totals["percentage"], 4) == row["percentage"]
