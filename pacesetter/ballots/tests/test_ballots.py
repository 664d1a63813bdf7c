import datetime as dt
import threading
from decimal import Decimal as D
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections, models

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots import tally
from pacesetter.ballots.models import Ballot, BallotChoice, Majority, Poll, PollState
from pacesetter.ballots.services import (
    ballot_cast,
    paper_tally_enter,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
)
from pacesetter.bodies.services import body_member_add
from pacesetter.clusters.services import cluster_member_add
from pacesetter.units.tests.factories import UnitFactory

# --- quorum and majority truth tables ---------------------------------------------------


@pytest.mark.parametrize(
    ("majority", "yes", "no", "base", "expected"),
    [
        ("simple", 3, 2, 5, True),
        ("simple", 2, 2, 4, False),  # a tie fails
        ("simple", 0, 0, 0, False),  # zero valid votes
        ("absolute", 3, 0, 6, False),  # exactly half is not more than half
        ("absolute", 4, 0, 6, True),
        ("absolute", 0, 0, 0, False),
        ("two_thirds", 4, 2, 6, True),  # exactly two-thirds is enough
        ("two_thirds", 3, 2, 5, False),
        ("three_quarters", 3, 1, 4, True),
        ("three_quarters", 5, 2, 7, False),
        ("three_quarters", 0, 0, 0, False),
    ],
)
def test_majority_truth_table(majority, yes, no, base, expected):
    assert tally.passes(majority=majority, yes=D(yes), no=D(no), base=D(base)) is expected


@pytest.mark.parametrize(
    ("voted", "entitled", "quorum", "expected"),
    [
        (5, 10, "0.5", True),
        (4, 10, "0.5", False),
        (7, 10, "2/3", True),
        (6, 10, "2/3", False),
        (2, 3, "2/3", True),  # two-thirds exactly: met
        (1, 3, "1/3", True),
        ("1.99", 3, "2/3", False),  # weights: short of two-thirds by a hundredth
        ("2.50", "3.75", "2/3", True),
        (0, 0, "0", False),
        (0, 10, "0", True),
        (10, 10, "1", True),
    ],
)
def test_quorum_truth_table(voted, entitled, quorum, expected):
    met = tally.quorum_met(voted=D(voted), entitled=D(entitled), quorum=Fraction(quorum))
    assert met is expected


# --- a cluster vote ---------------------------------------------------------------------


@pytest.fixture
def cluster_poll(world):
    """Cluster A votes on two candidates; each member unit votes through its officer."""
    third = UnitFactory(code="THIRD", parent=world.root)
    cluster_member_add(actor=None, cluster=world.cluster, unit=third, start=dt.date(2024, 1, 1))
    voters = {"own": world.users["unit_officer"]}
    for key, unit in (("sibling", world.sibling), ("third", third)):
        voters[key] = UserFactory(username=f"officer.{key}")
        role_grant(actor=None, user=voters[key], role=Role.UNIT_OFFICER, unit=unit)
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Provincial Emulation Flag 2024",
        kind="yes_no",
        options=["Own unit", "Sibling unit"],
        cluster=world.cluster,
        quorum=Fraction(2, 3),
        majority=Majority.ABSOLUTE,
        base="cast",
    )
    poll = poll_open(actor=None, poll=poll)
    return poll, voters


def test_two_of_three_voters_meet_a_two_thirds_quorum(world, cluster_poll):
    poll, voters = cluster_poll
    assert (poll.quorum_numerator, poll.quorum_denominator) == (2, 3)  # stored exactly
    own, sibling = options(poll)
    for key in ("own", "sibling"):
        ballot_cast(voter=voters[key], poll=poll, choices={own: "yes", sibling: "no"})
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert result["entitled"] == "3.00" and result["voted"] == "2.00"
    assert result["quorum_met"] is True and result["valid"] is True
    assert result["options"][0]["passed"]


def test_a_quorum_outside_zero_to_one_is_refused_on_its_field(world):
    with pytest.raises(ValidationError) as refused:
        poll_create(
            actor=None,
            owner_unit=world.committee,
            title="Too many",
            kind="yes_no",
            options=["A"],
            cluster=world.cluster,
            quorum=Fraction(3, 2),
        )
    assert "between 0 and 1" in refused.value.message_dict["quorum"][0]


def options(poll):
    return list(poll.options.order_by("position").values_list("pk", flat=True))


def test_a_cluster_vote_from_open_to_published(world, cluster_poll):
    poll, voters = cluster_poll
    own, sibling = options(poll)
    receipts = {
        "own": ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes", sibling: "no"}),
        "sibling": ballot_cast(
            voter=voters["sibling"], poll=poll, choices={own: "yes", sibling: "yes"}
        ),
        "third": ballot_cast(
            voter=voters["third"], poll=poll, choices={own: "abstain", sibling: "no"}
        ),
    }
    with pytest.raises(ValidationError, match="already voted"):
        ballot_cast(voter=voters["own"], poll=poll, choices={own: "no"})
    with pytest.raises(ValidationError, match="not entitled"):
        ballot_cast(voter=world.users["viewer"], poll=poll, choices={own: "yes"})
    poll_close(actor=None, poll=poll)
    poll = poll_publish(actor=None, poll=poll)
    result = poll.result
    assert result["valid"] and result["voted"] == "3.00"
    by_label = {o["label"]: o for o in result["options"]}
    assert by_label["Own unit"]["yes"] == "2.00" and by_label["Own unit"]["passed"]  # 2 of 3 cast
    assert not by_label["Sibling unit"]["passed"]  # 1 of 3
    pairs = dict(tally.receipts(poll))
    assert pairs[receipts["own"]] == {str(own): "yes", str(sibling): "no"}  # a voter checks
    assert poll.digest == tally.digest(sorted(pairs.items()))
    call_command("ballot_recount", poll.pk)


def test_below_quorum_the_poll_is_invalid(world, cluster_poll):
    poll, voters = cluster_poll
    own, _sibling = options(poll)
    ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes"})
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert result["quorum_met"] is False and result["valid"] is False
    assert not any(o["passed"] for o in result["options"])


def test_paper_ballots_count_toward_quorum_and_votes(world, cluster_poll):
    poll, voters = cluster_poll
    own, sibling = options(poll)
    ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes", sibling: "no"})
    paper_tally_enter(
        actor=world.users["committee_staff"],
        poll=poll,
        ballots=2,
        totals={own: (2, 0, 0), sibling: (0, 2, 0)},
    )
    with pytest.raises(ValidationError):
        paper_tally_enter(actor=None, poll=poll, ballots=1, totals={own: (2, 0, 0)})
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert result["voted"] == "3.00" and result["quorum_met"]
    assert result["options"][0]["yes"] == "3.00"


def test_a_tampered_ballot_fails_the_recount(world, cluster_poll):
    poll, voters = cluster_poll
    own, _sibling = options(poll)
    ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes"})
    ballot_cast(voter=voters["sibling"], poll=poll, choices={own: "no"})
    poll_close(actor=None, poll=poll)
    poll_publish(actor=None, poll=poll)
    BallotChoice.objects.filter(ballot__poll=poll, vote="no").update(vote="yes")
    with pytest.raises(CommandError, match="digest"):
        call_command("ballot_recount", poll.pk)


def test_nothing_changes_after_opening_but_casting(world, cluster_poll):
    poll, _voters = cluster_poll
    with pytest.raises(ValidationError):
        poll_open(actor=None, poll=poll)
    with pytest.raises(ValidationError):
        poll_publish(actor=None, poll=poll)  # must close first
    assert poll.state == PollState.OPEN


# --- approval and councils --------------------------------------------------------------


def test_approval_elects_the_top_k_and_flags_a_tie(world):
    council = world.council
    people = [UserFactory(username=f"councillor{i}") for i in range(4)]
    for i, person in enumerate(people):
        body_member_add(
            actor=None,
            body=council,
            user=person,
            start=dt.date(2024, 1, 1),
            weight=D(2) if i == 0 else D(1),
        )
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Two of four",
        kind="approval",
        options=["A", "B", "C", "D"],
        body=council,
        max_choices=2,
        majority="simple",
    )
    poll = poll_open(actor=None, poll=poll)
    a, b, c, d = options(poll)
    with pytest.raises(ValidationError, match="at most 2"):
        ballot_cast(voter=people[0], poll=poll, choices={a: "yes", b: "yes", c: "yes"})
    ballot_cast(voter=people[0], poll=poll, choices={a: "yes", b: "yes"})  # weight 2
    ballot_cast(voter=people[1], poll=poll, choices={a: "yes", c: "yes"})
    ballot_cast(voter=people[2], poll=poll, choices={b: "yes", c: "yes"})
    ballot_cast(voter=people[3], poll=poll, choices={c: "yes", d: "yes"})
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    yes = {o["label"]: o["yes"] for o in result["options"]}
    assert yes == {"A": "3.00", "B": "3.00", "C": "3.00", "D": "1.00"}
    assert result["voted"] == "5.00"
    passed = {o["label"] for o in result["options"] if o["passed"]}
    assert passed == {"A", "B", "C"}  # 3 of 5 each, more yes than no
    # Three carry for two seats with equal votes: the tie is flagged, not broken silently.
    assert result["tie_at_the_last_seat"] is True
    assert len(result["elected"]) == 2


def test_a_blank_ballot_counts_as_cast(world):
    person = UserFactory(username="councillor.blank")
    body_member_add(actor=None, body=world.council, user=person, start=dt.date(2024, 1, 1))
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Blank",
        kind="approval",
        options=["A", "B"],
        body=world.council,
        max_choices=1,
        base="cast",
        majority="absolute",
    )
    poll = poll_open(actor=None, poll=poll)
    receipt = ballot_cast(voter=person, poll=poll, choices={})
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert result["voted"] == "1.00" and result["elected"] == []
    assert dict(tally.receipts(poll))[receipt] == {}


# --- secrecy ------------------------------------------------------------------------------


def test_the_ballot_tables_hold_no_voter_and_no_time():
    for model in (Ballot, BallotChoice):
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related is None or related.__name__ not in {"User", "Entitlement"}, field
            assert not isinstance(field, (models.DateTimeField, models.DateField)), field
        assert isinstance(model._meta.pk, models.UUIDField)


def test_closing_rewrites_the_ballots(world, cluster_poll):
    poll, voters = cluster_poll
    own, _sibling = options(poll)
    for key in ("own", "sibling", "third"):
        ballot_cast(voter=voters[key], poll=poll, choices={own: "yes"})
    before = set(Ballot.objects.filter(poll=poll).values_list("id", "receipt"))
    poll_close(actor=None, poll=poll)
    assert set(Ballot.objects.filter(poll=poll).values_list("id", "receipt")) == before


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_submissions_of_one_voter_leave_one_ballot(world, cluster_poll):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL")
    poll, voters = cluster_poll
    own, _sibling = options(poll)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes"})
            outcomes.append("cast")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["cast"] + ["refused"] * 7
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_poll_needs_one_voting_body(world):
    with pytest.raises(ValidationError):
        poll_create(
            actor=None,
            owner_unit=world.committee,
            title="x",
            kind="yes_no",
            options=["a"],
            cluster=world.cluster,
            body=world.council,
        )
    assert not Poll.objects.exists()


def test_unequal_weights_keep_the_receipt_list_private(world):
    people = [UserFactory(username=f"weighted{i}") for i in range(3)]
    for i, person in enumerate(people):
        body_member_add(
            actor=None,
            body=world.council,
            user=person,
            start=dt.date(2024, 1, 1),
            weight=D(3) if i == 0 else D(1),
        )
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Weighted",
        kind="yes_no",
        options=["A"],
        body=world.council,
    )
    poll = poll_open(actor=None, poll=poll)
    assert tally.receipts_public(poll) is False  # the weight-3 ballot would stand out


def test_paper_ballots_cannot_exceed_the_places_left_on_the_roll(world, cluster_poll):
    poll, voters = cluster_poll
    own, _sibling = options(poll)
    ballot_cast(voter=voters["own"], poll=poll, choices={own: "yes"})
    with pytest.raises(ValidationError, match="At most 2"):
        paper_tally_enter(actor=None, poll=poll, ballots=3, totals={own: (3, 0, 0)})
