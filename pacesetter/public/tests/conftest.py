"""The public pages' data: what is published beside what is not, so that each test can
show the one and look for the other.

``publicized`` (a shared layer on ``ranked``): the 2024 emulation campaign made public
(its 6-month ranking published, its year-end review not); a private campaign; the
committee's award registry opted in, with a standing grant, a revoked one and a proposal
still in the flow; a decision of a body that did not opt in; and the own unit's coverage
register opted in with two organizations (their names must never show)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from pacesetter.awards.models import Award, AwardGrant, Proposal
from pacesetter.awards.services import grant_record, grant_revoke
from pacesetter.awards.tests.conftest import ranked, scoring  # noqa: F401
from pacesetter.awards.tests.factories import PersonFactory, ProposalFactory
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.services import campaign_create, campaign_publicity_set
from pacesetter.coverage.defaults import ensure_kinds
from pacesetter.coverage.models import CoverageKind, Organization
from pacesetter.coverage.services import building_record
from pacesetter.coverage.tests.factories import organization
from pacesetter.decisions.models import Decision
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.testing.shared import register, shared
from pacesetter.units.services import unit_publicity_set


@dataclass
class Publicized:
    ranked: Any
    campaign: Campaign
    private_campaign: Campaign
    decision: Decision
    grant: AwardGrant
    person_grant: AwardGrant
    revoked: AwardGrant
    hidden_decision: Decision
    hidden_grant: AwardGrant
    in_flow: Proposal
    in_flow_award: Award
    organizations: list[Organization]
    #: Names and texts that no public page may show.
    secrets: list[str]


def build_publicized(world: Any, scoring: Any, ranked: Any) -> Publicized:  # noqa: F811
    campaign = campaign_publicity_set(actor=None, campaign=ranked.scoring.campaign, public=True)
    private_campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="SECRET-2024",
        name="Private drive 2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
    )
    unit_publicity_set(actor=None, unit=world.committee, awards=True)
    decision = DecisionFactory(
        owner_unit=world.committee,
        number="77/QD-KT",
        title="On awarding the 2024 emulation flag",
        signer_name="Nguyen Van A",
    )
    grant = grant_record(
        actor=None, award=ranked.flag, decision=decision, year=2024, unit=world.own
    )
    person = PersonFactory(unit=world.sibling, full_name="Tran Thi Merit")
    person_grant = grant_record(
        actor=None, award=ranked.merit, decision=decision, year=2024, person=person
    )
    revoked = grant_record(
        actor=None, award=ranked.flag, decision=decision, year=2024, unit=ranked.scoring.third
    )
    revoked = grant_revoke(actor=None, grant=revoked, reason="Revoked for a false report")
    hidden_decision = DecisionFactory(owner_unit=world.other_root, number="99/QD-HIDDEN")
    hidden_grant = grant_record(
        actor=None, award=ranked.flag, decision=hidden_decision, year=2024, unit=world.other
    )
    in_flow_award = Award.objects.create(
        code="test-in-flow",
        name_en="Award still in the flow",
        level="provincial",
        recipient_kind="unit",
        issuer_en="Committee",
    )
    in_flow = ProposalFactory(
        award=in_flow_award,
        committee_unit=world.committee,
        proposer_unit=world.child,
        units=[world.child],
    )
    ensure_kinds()
    unit_publicity_set(actor=None, unit=world.own, coverage=True)
    party = CoverageKind.objects.get(code="party")
    first = organization(world.own, name="Hidden Leather Works Ltd", staff_count=40)
    building_record(
        actor=None, organization=first, kind=party, on=dt.date(2023, 6, 1), form="standalone"
    )
    second = organization(world.child, name="Secret Optics Co", kind="social_group")
    return Publicized(
        ranked=ranked,
        campaign=campaign,
        private_campaign=private_campaign,
        decision=decision,
        grant=grant,
        person_grant=person_grant,
        revoked=revoked,
        hidden_decision=hidden_decision,
        hidden_grant=hidden_grant,
        in_flow=in_flow,
        in_flow_award=in_flow_award,
        organizations=[first, second],
        secrets=[
            "Private drive 2024",
            "99/QD-HIDDEN",
            "Other unit",
            "Award still in the flow",
            "Revoked for a false report",
            "Hidden Leather Works Ltd",
            "Secret Optics Co",
            first.credit_code,
            second.credit_code,
        ],
    )


register("publicized", build_publicized, needs=("world", "scoring", "ranked"))


@pytest.fixture
def publicized(
    request: pytest.FixtureRequest,
    world: Any,
    scoring: Any,  # noqa: F811
    ranked: Any,  # noqa: F811
) -> Publicized:
    return shared(request, "publicized", world, scoring, ranked)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> None:
    """Each test counts its own requests (the limits are counted in the shared cache)."""
    from django.core.cache import cache

    cache.clear()
