"""A practice proposed from a unit's row of a ranking, and the unit's score and rank on
the practice's page and in the API, only from a ranking the reader may see.

The league: Cluster A (own, sibling; led by the cluster leader) and Cluster B (other) in
a campaign of the committee; at the 6-month review own totals 13 (rank 2 in Cluster A),
sibling 27 (rank 1), other 21 (rank 1 in Cluster B).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    pact_sign,
    participant_add,
    review_point_add,
)
from pacesetter.practices.models import Practice
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
from pacesetter.scoring.tests.conftest import build_table
from pacesetter.testing.api import ApiClient

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db
START = dt.date(2024, 1, 1)


@pytest.fixture
def h1(world: Any) -> Any:
    return scored_review_point(world)


def scored_review_point(world: Any) -> Any:
    """The 6-month review point, scored, not published."""
    table, c = build_table(world.committee)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="RANK",
        name="Emulation 2024",
        start=START,
        end=dt.date(2024, 12, 31),
        scoring_table=table,
    )
    members = {world.cluster: [world.own, world.sibling], world.other_cluster: [world.other]}
    for cluster, units in members.items():
        for unit in units:
            participant_add(actor=None, campaign=campaign, unit=unit, cluster=cluster)
    point = review_point_add(
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
    review_point_open(actor=None, review_point=point)
    for unit, actual in ((world.own, 50), (world.sibling, 90), (world.other, 70)):
        item = ScoreItem.objects.get(review_point=point, unit=unit, criterion=c["Q1"])
        item_report(actor=None, item=item, version=item.version, actual=D(actual))
    item = ScoreItem.objects.get(review_point=point, unit=world.own, criterion=c["N1"])
    item_report(actor=None, item=item, version=item.version, count=1)
    point.refresh_from_db()
    return point


def publish(point: Any) -> None:
    for item in point.items.filter(not_assigned=False):
        score = None if item.computed is not None else D(0)
        item = item_submit(actor=None, item=item, version=item.version, self_score=score)
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)
    review_point_publish(actor=None, review_point=point)
    point.refresh_from_db()


def propose_links(user: Any, point: Any) -> dict[int, str]:
    """The "Propose a practice" links of the ranking page, by the row's unit id."""
    client = Client()
    client.force_login(user)
    response = client.get(reverse("scoring:ranking", args=[point.pk]))
    assert response.status_code == 200
    links = {}
    for unit_id, cells in re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', response.text, re.S):
        found = re.findall(r'<a href="([^"]+)">Propose a practice</a>', cells)
        if found:
            links[int(unit_id)] = found[0].replace("&amp;", "&")
    return links


def test_the_rows_of_the_units_one_may_propose_for_carry_the_link(world, h1):
    own, sibling = world.own.pk, world.sibling.pk
    # Before publication: the organizer's staff follow every row live, and may propose
    # for the units under them (not for the other root's unit).
    staff = propose_links(world.users["committee_staff"], h1)
    assert set(staff) == {own, sibling}
    assert staff[own] == f"/practices/new/?unit={own}&review_point={h1.pk}"
    # The leader follows Cluster A live but proposes for no unit: no link.
    assert propose_links(world.users["cluster_leader"], h1) == {}
    # The officer sees no row yet.
    assert propose_links(world.users["unit_officer"], h1) == {}
    publish(h1)
    assert set(propose_links(world.users["unit_officer"], h1)) == {own}
    assert propose_links(world.users["viewer"], h1) == {}


def test_the_form_opens_filled_in_with_the_unit_the_review_point_and_its_score(client, world, h1):
    publish(h1)
    client.force_login(world.users["unit_officer"])
    url = propose_links(world.users["unit_officer"], h1)[world.own.pk]
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["owner_unit"] == world.own.pk
    assert form.initial["source_units"] == [world.own.pk]
    assert form.initial["review_point"] == h1.pk
    assert form.initial["year"] == 2024
    page = response.content.decode()
    assert "Own unit: rank 2 in Cluster A, total 13" in page
    ranking = reverse("scoring:ranking", args=[h1.pk])
    assert f'<a href="{ranking}?cluster={world.cluster.pk}">See the ranking</a>' in page

    response = client.post(
        url,
        {
            "source_language": "en",
            "title_en": "Own unit's revenue drive",
            "kind": "experience",
            "year": 2024,
            "owner_unit": world.own.pk,
            "source_units": [world.own.pk],
            "review_point": h1.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    practice = Practice.objects.get(title_en="Own unit's revenue drive")
    assert practice.review_point == h1
    assert practice.owner_unit == world.own


def test_a_unit_or_review_point_not_ones_own_fills_in_nothing(client, world, h1):
    client.force_login(world.users["unit_officer"])
    response = client.get(
        reverse("practices:create"), {"unit": world.sibling.pk, "review_point": h1.pk}
    )
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert "owner_unit" not in initial and "source_units" not in initial
    # The officer sees the review point (their unit takes part) but not its unpublished
    # ranking: the form names the review point, no score is told.
    assert initial["review_point"] == h1.pk
    assert "rank" not in (response.context.get("intro") or "")
    response = client.get(reverse("practices:create"), {"unit": "x", "review_point": "99999"})
    assert response.status_code == 200
    assert "review_point" not in response.context["form"].initial


def standings_on_page(user: Any, practice: Any) -> str:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("practices:detail", args=[practice.pk])).content.decode()
    found = re.search(r'<dd id="standings">(.*?)</dd>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def standings_in_api(user: Any, practice: Any) -> list[tuple[int, int, int | None, D]]:
    body = ApiClient(user).get(f"/practices/{practice.pk}").json()
    return [
        (s["unit_id"], s["rank_in_cluster"], s["rank_in_type"], D(s["total"]))
        for s in body["standings"]
    ]


def test_the_practice_shows_its_units_score_and_rank_to_who_may_see_the_ranking(world, h1):
    practice = PracticeFactory(owner_unit=world.own, source_units=[world.own], review_point=h1)
    staff = world.users["committee_staff"]
    officer = world.users["unit_officer"]
    # Before publication: staff follow it live; the officer sees the practice, not yet
    # the ranking.
    assert "Own unit: rank 2 in Cluster A, rank 3 in its unit type; total 13" in (
        standings_on_page(staff, practice)
    )
    assert "live: the ranking is not published yet" in standings_on_page(staff, practice)
    assert standings_in_api(staff, practice) == [(world.own.pk, 2, 3, D(13))]
    assert standings_on_page(officer, practice) == ""
    assert standings_in_api(officer, practice) == []
    publish(h1)
    assert "Own unit: rank 2 in Cluster A, rank 3 in its unit type; total 13" in (
        standings_on_page(officer, practice)
    )
    assert "live" not in standings_on_page(officer, practice)
    assert standings_in_api(officer, practice) == [(world.own.pk, 2, 3, D(13))]


def test_a_practice_without_a_review_point_shows_no_score(world, h1):
    practice = PracticeFactory(owner_unit=world.own)
    assert standings_on_page(world.users["committee_staff"], practice) == ""
    assert standings_in_api(world.users["committee_staff"], practice) == []


def test_a_published_practice_does_not_reveal_an_unpublished_ranking(world, h1):
    """Every signed-in user reads a published practice; the live ranking behind it stays
    the organizer's staff's, and a cluster leader's for the rows of their clusters
    (without the rank by unit type)."""
    from .factories import published

    practice = published(
        PracticeFactory(owner_unit=world.own, source_units=[world.own], review_point=h1)
    )
    assert standings_in_api(world.users["cluster_leader"], practice) == [
        (world.own.pk, 2, None, D(13))
    ]
    assert "rank 2 in Cluster A; total 13" in standings_on_page(
        world.users["cluster_leader"], practice
    )
    for role in ("unit_officer", "viewer", "nobody"):
        assert standings_in_api(world.users[role], practice) == [], role
        assert standings_on_page(world.users[role], practice) == "", role
