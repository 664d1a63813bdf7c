"""A small running campaign on top of the ``world`` fixture: Cluster A (own, sibling,
third) with a table of every kind of criterion, registered and signed, review point H1 open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest

from pacesetter.campaigns.models import Campaign, CampaignState, ReviewPoint
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    cluster_join,
    pact_sign,
    participant_add,
    review_point_add,
)
from pacesetter.clusters.services import cluster_member_add
from pacesetter.scoring.models import Criterion, Registration, ScoreItem, ScoringTable
from pacesetter.scoring.services import (
    criterion_add,
    registration_set,
    review_point_open,
    table_adopt,
    table_create,
)
from pacesetter.testing.shared import register, shared
from pacesetter.units.tests.factories import UnitFactory


@dataclass
class Scoring:
    campaign: Campaign
    table: ScoringTable
    h1: ReviewPoint
    year_end: ReviewPoint
    c: dict[str, Criterion]
    third: Any

    def item(self, unit: Any, code: str, review_point: ReviewPoint | None = None) -> ScoreItem:
        return ScoreItem.objects.get(
            review_point=review_point or self.h1, unit=unit, criterion=self.c[code]
        )


def build_table(owner: Any, year: int = 2024) -> tuple[ScoringTable, dict[str, Criterion]]:
    table = table_create(actor=None, owner_unit=owner, name="Cluster table", year=year)
    c: dict[str, Criterion] = {}
    c["G1"] = criterion_add(
        actor=None,
        table=table,
        code="G1",
        title="Production and business",
        kind="group",
        max_points=D(60),
    )
    c["Q1"] = criterion_add(
        actor=None,
        table=table,
        code="Q1",
        title="Revenue",
        kind="quantitative",
        parent=c["G1"],
        max_points=D(30),
        method="proportional",
        measure="billion VND",
    )
    c["Q2"] = criterion_add(
        actor=None,
        table=table,
        code="Q2",
        title="Budget contribution",
        kind="quantitative",
        parent=c["G1"],
        max_points=D(30),
        method="target_half_best_full",
    )
    c["G2"] = criterion_add(
        actor=None,
        table=table,
        code="G2",
        title="Union and emulation work",
        kind="group",
        max_points=D(40),
    )
    c["P1"] = criterion_add(
        actor=None,
        table=table,
        code="P1",
        title="No labour accident",
        kind="pass_fail",
        parent=c["G2"],
        max_points=D(20),
    )
    c["C1"] = criterion_add(
        actor=None,
        table=table,
        code="C1",
        title="Initiatives",
        kind="count",
        parent=c["G2"],
        max_points=D(20),
        points_per_item=D(5),
    )
    c["B1"] = criterion_add(
        actor=None,
        table=table,
        code="B1",
        title="Awards received",
        kind="bonus",
        max_points=D(5),
        points_per_item=D(1),
    )
    c["N1"] = criterion_add(
        actor=None,
        table=table,
        code="N1",
        title="Violations",
        kind="penalty",
        max_points=D(10),
        points_per_item=D(2),
    )
    c["V1"] = criterion_add(
        actor=None, table=table, code="V1", title="Serious violation of law", kind="veto"
    )
    table = table_adopt(actor=None, table=table)
    return table, c


def build_scoring(world: Any) -> Scoring:
    third = UnitFactory(
        code="THIRD", name="Third unit", parent=world.root, unit_type=world.own.unit_type
    )
    cluster_member_add(actor=None, cluster=world.cluster, unit=third, start=dt.date(2024, 1, 1))
    table, c = build_table(world.committee)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="EMU-2024",
        name="Emulation 2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        scoring_table=table,
    )
    cluster_join(actor=None, campaign=campaign, cluster=world.cluster)
    h1 = review_point_add(
        actor=None,
        campaign=campaign,
        code="h1",
        name="6-month review",
        period_end=dt.date(2024, 6, 30),
        due=dt.date(2024, 7, 15),
    )
    year_end = review_point_add(
        actor=None,
        campaign=campaign,
        code="y",
        name="Year-end review",
        period_end=dt.date(2024, 12, 31),
        due=dt.date(2025, 1, 15),
    )
    campaign = campaign_transition(
        actor=None, campaign=campaign, to_state=CampaignState.REGISTRATION
    )
    targets = {world.own: (D(100), D(50)), world.sibling: (D(200), D(40)), third: (D(80), D(20))}
    for unit, (revenue, budget) in targets.items():
        registration_set(
            actor=None, campaign=campaign, unit=unit, criterion=c["Q1"], target=revenue
        )
        registration_set(actor=None, campaign=campaign, unit=unit, criterion=c["Q2"], target=budget)
    pact_sign(
        actor=None,
        campaign=campaign,
        cluster=world.cluster,
        signed_on=dt.date(2024, 3, 30),
        signer_unit=world.own,
    )
    campaign = campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.RUNNING)
    review_point_open(actor=None, review_point=h1)
    h1.refresh_from_db()
    return Scoring(campaign=campaign, table=table, h1=h1, year_end=year_end, c=c, third=third)


register("scoring", build_scoring, needs=("world",))


@pytest.fixture
def scoring(request: pytest.FixtureRequest, world: Any) -> Scoring:
    return shared(request, "scoring", world)


@dataclass
class Arena:
    """One campaign per target of the permission matrices, each with one participant,
    its registration, a review point and a score item:

    - ``own``: the own unit in Cluster A, in a campaign of the committee;
    - ``child``: the own unit's child, in no cluster, in a campaign of the committee;
    - ``other_unit``: the sibling unit in Cluster A, in a campaign of the committee;
    - ``other_cluster``: the other unit in Cluster B, in a campaign of the other root.
    """

    campaigns: dict[str, Campaign]
    participants: dict[str, Any]
    review_points: dict[str, ReviewPoint]
    registrations: dict[str, Any]
    items: dict[str, ScoreItem]
    tables: dict[str, ScoringTable]


TARGETS = ("own", "child", "other_unit", "other_cluster")


def build_arena(world: Any) -> Arena:
    table, c = build_table(world.committee)
    placing = {
        "own": (world.committee, world.own, world.cluster),
        "child": (world.committee, world.child, None),
        "other_unit": (world.committee, world.sibling, world.cluster),
        "other_cluster": (world.other_root, world.other, world.other_cluster),
    }
    arena = Arena({}, {}, {}, {}, {}, {})
    for key, (organizer, unit, cluster) in placing.items():
        campaign = campaign_create(
            actor=None,
            organizer=organizer,
            code=f"M-{key}",
            name=f"Matrix {key}",
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 12, 31),
            scoring_table=table,
        )
        arena.campaigns[key] = campaign
        arena.participants[key] = participant_add(
            actor=None, campaign=campaign, unit=unit, cluster=cluster
        )
        point = review_point_add(
            actor=None,
            campaign=campaign,
            code="h1",
            name="6-month review",
            period_end=dt.date(2024, 6, 30),
            due=dt.date(2024, 7, 15),
        )
        arena.review_points[key] = point
        arena.registrations[key] = Registration.objects.create(
            campaign=campaign, unit=unit, criterion=c["Q1"], target=D(100)
        )
        # Items are made by opening the review point; made directly here, as drafts.
        arena.items[key] = ScoreItem.objects.create(
            review_point=point, unit=unit, criterion=c["Q1"]
        )
    owners = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    for key, owner in owners.items():
        arena.tables[key] = table_create(actor=None, owner_unit=owner, name=f"T {key}", year=2024)
    return arena


register("arena", build_arena, needs=("world",))


@pytest.fixture
def arena(request: pytest.FixtureRequest, world: Any) -> Arena:
    return shared(request, "arena", world)
