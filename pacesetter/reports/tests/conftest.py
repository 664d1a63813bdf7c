"""A small published campaign for the reports: Cluster A (own, sibling) and Cluster C
(x, y), a table with one group of two quantitative criteria (Q1 revenue, higher is
better; Q2 costs, lower is better) and a veto, the 6-month review published, a
predecessor campaign with the same review point, a proposal drafted from the ranking of
Cluster A and one decided for Cluster C, and a meeting held in the period.

Beside the campaign: the council's (the organizer's) work plan for 2024, with key tasks
done (K1), late (K2), on track (K3), at risk (K4) at the period's end and one after it
(K5); the own unit's board's plan with one task done (A1); practices linked to the
review point (one recognized, from the own unit; one proposed, from Unit X) and one that
is not; and the coverage register of Town T, under the committee: o1 covered (party
standalone since 2023-06-01, union joint since 2023-03-01), o2 built joint on
2024-03-01, o3 not built."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest

from pacesetter.awards.services import (
    proposal_accept,
    proposal_decide,
    proposal_from_ranking,
    proposal_send,
)
from pacesetter.awards.tests.factories import AwardFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.campaigns.models import Campaign, CampaignState, ReviewPoint
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    pact_sign,
    participant_add,
    review_point_add,
)
from pacesetter.clusters.services import cluster_member_add
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.coverage.defaults import ensure_kinds
from pacesetter.coverage.models import CoverageKind
from pacesetter.coverage.services import building_record
from pacesetter.coverage.tests.factories import organization
from pacesetter.decisions.services import decision_create
from pacesetter.meetings.services import meeting_create, meeting_set_state
from pacesetter.practices.services import practice_propose, practice_transition
from pacesetter.scoring.models import ScoreItem
from pacesetter.scoring.services import (
    criterion_add,
    item_finalize,
    item_report,
    item_review,
    item_submit,
    registration_set,
    review_point_open,
    review_point_publish,
    table_adopt,
    table_create,
)
from pacesetter.testing.shared import register, shared
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans.services import plan_create, task_create, task_report


@dataclass
class Reporting:
    campaign: Campaign
    h1: ReviewPoint
    previous: ReviewPoint
    cluster_c: Any
    x: Any
    y: Any
    town: Any = None


def _campaign(world: Any, table: Any, code: str, year: int, **fields: Any) -> Campaign:
    return campaign_create(
        actor=None,
        organizer=world.committee,
        code=code,
        name=f"Emulation {year}",
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        scoring_table=table,
        **fields,
    )


def _run(
    campaign: Campaign,
    c: dict[str, Any],
    placing: dict[Any, Any],
    targets: dict[Any, tuple[Any, Any]],
    signers: dict[Any, Any],
) -> ReviewPoint:
    year = campaign.start.year
    for unit, cluster in placing.items():
        participant_add(actor=None, campaign=campaign, unit=unit, cluster=cluster)
    point = review_point_add(
        actor=None,
        campaign=campaign,
        code="h1",
        name="6-month review",
        period_end=dt.date(year, 6, 30),
        due=dt.date(year, 7, 15),
    )
    campaign = campaign_transition(
        actor=None, campaign=campaign, to_state=CampaignState.REGISTRATION
    )
    for unit, pair in targets.items():
        for code, target in zip(("Q1", "Q2"), pair, strict=True):
            registration_set(
                actor=None,
                campaign=campaign,
                unit=unit,
                criterion=c[code],
                target=target,
                not_assigned=target is None,
            )
    for cluster, signer in signers.items():
        pact_sign(
            actor=None,
            campaign=campaign,
            cluster=cluster,
            signed_on=dt.date(year, 3, 30),
            signer_unit=signer,
        )
    campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.RUNNING)
    review_point_open(actor=None, review_point=point)
    point.refresh_from_db()
    return point


def _score(point: ReviewPoint, actuals: dict[tuple[int, str], Any], *, finish: bool) -> None:
    for item in ScoreItem.objects.filter(review_point=point).select_related("criterion"):
        if item.not_assigned:
            continue
        value = actuals.get((item.unit_id, item.criterion.code))
        if item.criterion.kind == "veto":
            item = item_report(actor=None, item=item, version=item.version, passed=bool(value))
        else:
            item = item_report(actor=None, item=item, version=item.version, actual=value)
        if not finish:
            continue
        item = item_submit(
            actor=None,
            item=item,
            version=item.version,
            self_score=None if item.computed is not None else D(0),
        )
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)


def build_reporting(world: Any) -> Reporting:
    x = UnitFactory(code="X", name="Unit X", parent=world.root, unit_type=world.own.unit_type)
    y = UnitFactory(code="Y", name="Unit Y", parent=world.root, unit_type=world.own.unit_type)
    cluster_c = ClusterFactory(code="CC", name="Cluster C", owner_unit=world.committee)
    for unit in (x, y):
        cluster_member_add(actor=None, cluster=cluster_c, unit=unit, start=dt.date(2023, 1, 1))
    table = table_create(actor=None, owner_unit=world.committee, name="Report table", year=2024)
    c = {
        "G1": criterion_add(
            actor=None, table=table, code="G1", title="Production", kind="group", max_points=D(60)
        )
    }
    c["Q1"] = criterion_add(
        actor=None,
        table=table,
        code="Q1",
        title="Revenue",
        kind="quantitative",
        parent=c["G1"],
        max_points=D(30),
        measure="billion VND",
    )
    c["Q2"] = criterion_add(
        actor=None,
        table=table,
        code="Q2",
        title="Costs",
        kind="quantitative",
        parent=c["G1"],
        max_points=D(30),
        direction="lower",
    )
    c["V1"] = criterion_add(
        actor=None, table=table, code="V1", title="Serious violation", kind="veto"
    )
    table = table_adopt(actor=None, table=table)
    own, sib = world.own, world.sibling

    before = _campaign(world, table, "R-2023", 2023)
    previous = _run(
        before,
        c,
        {own: world.cluster, sib: world.cluster},
        {own: (D(100), None), sib: (D(200), None)},
        {world.cluster: own},
    )
    _score(previous, {(own.pk, "Q1"): D(90), (sib.pk, "Q1"): D(210)}, finish=False)

    campaign = _campaign(world, table, "R-2024", 2024, predecessor=before)
    h1 = _run(
        campaign,
        c,
        {own: world.cluster, sib: world.cluster, x: cluster_c, y: cluster_c},
        {
            own: (D(100), D(50)),
            sib: (D(200), D(40)),
            x: (D(80), None),
            y: (D(60), D(30)),
        },
        {world.cluster: own, cluster_c: x},
    )
    _score(
        h1,
        {
            (own.pk, "Q1"): D(120),
            (own.pk, "Q2"): D(45),
            (sib.pk, "Q1"): D(150),
            (sib.pk, "Q2"): D(40),
            (sib.pk, "V1"): True,
            (x.pk, "Q1"): D(80),
            (y.pk, "Q1"): D(70),
            (y.pk, "Q2"): D(35),
        },
        finish=True,
    )
    review_point_publish(actor=None, review_point=h1)
    h1.refresh_from_db()
    proposal_from_ranking(
        actor=None,
        award=AwardFactory(name="Emulation flag", quota_count=1),
        review_point=h1,
        cluster=world.cluster,
        decision_date=dt.date(2024, 12, 15),
        committee_unit=world.committee,
        proposer_unit=own,
    )
    decided = proposal_from_ranking(
        actor=None,
        award=AwardFactory(name="Certificate of merit", quota_count=1),
        review_point=h1,
        cluster=cluster_c,
        decision_date=dt.date(2024, 12, 15),
        committee_unit=world.committee,
        proposer_unit=x,
    )
    decided = proposal_accept(actor=None, proposal=proposal_send(actor=None, proposal=decided))
    proposal_decide(
        actor=None,
        proposal=decided,
        decision=decision_create(
            actor=None,
            owner_unit=world.committee,
            number="7/QD",
            date=dt.date(2024, 12, 15),
            issuer="PPC",
        ),
    )
    for title, day in (("Cluster review conference", 20), ("Outside the period", 90)):
        meeting = meeting_create(
            actor=None,
            kind="review",
            organizer_unit=own,
            title=title,
            starts_at=dt.datetime(2024, 6, 1, 8, tzinfo=dt.UTC) + dt.timedelta(days=day),
        )
        meeting_set_state(actor=None, meeting=meeting, state="held")
    _work(world)
    _practices(world, h1, x)
    town = _register(world)
    return Reporting(
        campaign=campaign, h1=h1, previous=previous, cluster_c=cluster_c, x=x, y=y, town=town
    )


def _work(world: Any) -> None:
    """The organizer's plan (the council's) and the own unit's board's plan."""
    year = {
        "kind": "year",
        "period_start": dt.date(2024, 1, 1),
        "period_end": dt.date(2024, 12, 31),
    }
    plan = plan_create(actor=None, body=world.council, name="Council plan 2024", **year)
    rows: list[tuple[str, Any, Any, Any, Any]] = [
        # code, start, due, progress, done on
        ("K1", None, dt.date(2024, 3, 31), None, dt.date(2024, 3, 20)),
        ("K2", None, dt.date(2024, 5, 31), D(50), None),
        ("K3", dt.date(2024, 1, 1), dt.date(2024, 12, 31), D(80), None),
        ("K4", dt.date(2024, 1, 1), dt.date(2024, 9, 30), D(0), None),
        ("K5", dt.date(2024, 8, 1), dt.date(2024, 10, 31), D(10), None),
    ]
    for code, start, due, progress, done_on in rows:
        task = task_create(
            actor=None,
            plan=plan,
            lead_unit=world.committee,
            code=code,
            title=f"Task {code}",
            start=start,
            due=due,
        )
        task_report(actor=None, task=task, progress=progress, done_on=done_on)
    board = BodyFactory(name="Own board", owner_unit=world.own)
    own_plan = plan_create(actor=None, body=board, name="Own plan 2024", **year)
    task = task_create(
        actor=None,
        plan=own_plan,
        lead_unit=world.own,
        code="A1",
        title="Task A1",
        due=dt.date(2024, 4, 30),
    )
    task_report(actor=None, task=task, done_on=dt.date(2024, 4, 25))


def _practices(world: Any, h1: ReviewPoint, x: Any) -> None:
    recognized = practice_propose(
        actor=None,
        owner_unit=world.committee,
        source_units=[world.own],
        kind="experience",
        year=2024,
        title="Shift rota",
        review_point=h1,
    )
    recognized = practice_transition(
        actor=None, practice=recognized, name="review", assessment="recommend", comment="Sound."
    )
    practice_transition(
        actor=None,
        practice=recognized,
        name="recognize",
        decision=decision_create(
            actor=None,
            owner_unit=world.committee,
            number="9/QD",
            date=dt.date(2024, 7, 10),
            issuer="PPC",
        ),
    )
    practice_propose(
        actor=None,
        owner_unit=world.committee,
        source_units=[x],
        kind="experience",
        year=2024,
        title="Quality circle",
        review_point=h1,
    )
    practice_propose(
        actor=None, owner_unit=world.committee, kind="experience", year=2024, title="Unlinked"
    )


def _register(world: Any) -> Any:
    ensure_kinds()  # the migration's kinds (the suite runs without migrations)
    town = UnitFactory(code="TWN", name="Town T", parent=world.committee)
    party = CoverageKind.objects.get(code="party")
    union = CoverageKind.objects.get(code="union")
    registered = dt.date(2023, 1, 1)
    o1 = organization(town, registered_on=registered)
    building_record(
        actor=None, organization=o1, kind=party, on=dt.date(2023, 6, 1), form="standalone"
    )
    building_record(
        actor=None, organization=o1, kind=union, on=dt.date(2023, 3, 1), form="joint_region"
    )
    o2 = organization(town, registered_on=registered)
    building_record(
        actor=None, organization=o2, kind=party, on=dt.date(2024, 3, 1), form="joint_region"
    )
    organization(town, registered_on=registered)
    return town


register("reporting", build_reporting, needs=("world",))


@pytest.fixture
def reporting(request: pytest.FixtureRequest, world: Any) -> Reporting:
    return shared(request, "reporting", world)
