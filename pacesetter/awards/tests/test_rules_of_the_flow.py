"""Rules the proposal flow keeps whatever the screen or API: only eligible candidates go
on, a proposal goes up to a committee above the proposer, votes are matched by ballot
line, and the decision date's rules are checked again."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from pacesetter.awards import services
from pacesetter.awards.models import Award, AwardGrant, EligibilityRule
from pacesetter.awards.workflows import proposal_workflow
from pacesetter.decisions.services import decision_create
from pacesetter.units.services import unit_update


@pytest.fixture
def award(db):
    award = Award.objects.create(
        code="flag", name_en="Flag", level="provincial", recipient_kind="unit", issuer_en="PPC"
    )
    EligibilityRule.objects.create(
        award=award,
        valid_from=dt.date(2020, 1, 1),
        rule={"unit_type_in": {"codes": ["enterprise"]}},
    )
    return award


def nominate(world, award, units, **extra):
    return services.proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=dt.date(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.root if extra.get("up") else world.own,
        units=units,
    )


def decision(world, number="1/QD", day=dt.date(2024, 12, 1)):
    return decision_create(
        actor=None, owner_unit=world.committee, number=number, date=day, issuer="PPC"
    )


def test_without_a_vote_only_eligible_candidates_go_on(world, award):
    proposal = nominate(world, award, [world.own, world.committee])  # committee: wrong type
    proposal = services.proposal_send(actor=None, proposal=proposal)
    assert dict(proposal.candidates.values_list("unit__code", "selected")) == {
        "OWN": True,
        "COMM": False,
    }
    proposal = services.proposal_accept(actor=None, proposal=proposal)
    grants = services.proposal_decide(actor=None, proposal=proposal, decision=decision(world))
    assert [g.unit.code for g in grants] == ["OWN"]


def test_a_unit_cannot_be_its_own_committee(world, award):
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_nominate(
            actor=None,
            award=award,
            year=2024,
            decision_date=dt.date(2024, 12, 1),
            committee_unit=world.child,
            proposer_unit=world.own,
            units=[world.own],
        )
    assert "committee_unit" in excinfo.value.message_dict


def test_votes_are_matched_by_ballot_line_even_after_a_rename(world, award):
    from pacesetter.ballots.services import ballot_cast, poll_close, poll_publish

    proposal = nominate(world, award, [world.own])
    proposal = services.proposal_send(actor=None, proposal=proposal)
    proposal = services.proposal_accept(actor=None, proposal=proposal)
    proposal = services.proposal_council_vote(
        actor=None, proposal=proposal, body=world.council, quorum=0, majority="simple", base="valid"
    )
    poll = proposal.council_poll
    option = poll.options.get()
    ballot_cast(voter=world.users["unit_officer"], poll=poll, choices={option.pk: "yes"})
    poll_close(actor=None, poll=poll)
    poll_publish(actor=None, poll=poll)
    unit_update(actor=None, unit=world.own, name="Own unit, renamed")
    grants = services.proposal_decide(actor=None, proposal=proposal, decision=decision(world))
    assert [g.unit_id for g in grants] == [world.own.pk]


def test_the_decision_dates_rule_is_checked_again(world, award):
    proposal = nominate(world, award, [world.own])
    proposal = services.proposal_send(actor=None, proposal=proposal)
    proposal = services.proposal_accept(actor=None, proposal=proposal)
    # A stricter rule comes into force before the decision is signed.
    EligibilityRule.objects.filter(award=award).update(valid_to=dt.date(2024, 12, 31))
    EligibilityRule.objects.create(
        award=award, valid_from=dt.date(2025, 1, 1), rule={"rank_at_most": {"rank": 1}}
    )
    with pytest.raises(ValidationError, match="decision date"):
        services.proposal_decide(
            actor=None, proposal=proposal, decision=decision(world, day=dt.date(2025, 1, 20))
        )
    assert not AwardGrant.objects.exists()


def test_no_decision_while_the_list_is_open_for_comment(world, award):
    proposal = nominate(world, award, [world.own])
    proposal = services.proposal_send(actor=None, proposal=proposal)
    proposal = services.proposal_accept(actor=None, proposal=proposal)
    proposal = services.proposal_publish_for_comment(actor=None, proposal=proposal, days=5)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_decide(actor=None, proposal=proposal, decision=decision(world, day=today))
    assert excinfo.value.code == "comment_window_open"
    assert "decide" not in proposal_workflow.allowed(world.users["committee_staff"], proposal)
    assert proposal.public_until is not None
    after = proposal.public_until + dt.timedelta(days=1)
    with time_machine.travel(after, tick=False):
        # Once the window is closed, a decision dated within it is refused all the same ...
        with pytest.raises(ValidationError) as excinfo:
            services.proposal_decide(
                actor=None, proposal=proposal, decision=decision(world, "2/QD", today)
            )
        assert excinfo.value.code == "comment_window_open"
        assert "decide" in proposal_workflow.allowed(world.users["committee_staff"], proposal)
        # ... and one dated after it grants the award.
        grants = services.proposal_decide(
            actor=None, proposal=proposal, decision=decision(world, "3/QD", after)
        )
    assert [g.unit.code for g in grants] == ["OWN"]
