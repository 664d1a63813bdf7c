"""The cast is the hot path (docs/performance.md): its SQL statements are pinned.

Counted inside the test's transaction, so each count includes the SAVEPOINT and RELEASE
of the cast's own transaction (in production it is the outermost one: BEGIN and COMMIT
are not statements Django records). PostgreSQL: read the poll, its options and the
voter's entitlement under the locks; re-write the roll with the flag; fill a ballot
drawn at random and its marks (one statement of three CTEs). SQLite fills the ballot and
its marks in two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots.models import Ballot, BallotChoice, Entitlement
from pacesetter.ballots.services import ballot_cast, poll_create, poll_open
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db

SAVEPOINT = 2  # SAVEPOINT and RELEASE SAVEPOINT of the cast's transaction in the test's


def _statements() -> int:
    """The cast's own statements: 3 on PostgreSQL, 4 on SQLite."""
    return 3 if connection.vendor == "postgresql" else 4


@pytest.fixture
def open_poll(world: Any) -> tuple[Any, list[Any], list[int]]:
    council = BodyFactory(owner_unit=world.committee)
    people = [UserFactory() for _ in range(4)]
    for person in people:
        body_member_add(actor=None, body=council, user=person, start=dt.date(2024, 1, 1))
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Two motions",
        kind="yes_no",
        options=["First", "Second"],
        body=council,
    )
    poll = poll_open(actor=None, poll=poll)
    return poll, people, list(poll.options.order_by("position").values_list("pk", flat=True))


def test_a_cast_through_the_service_takes_three_statements_on_postgresql(
    open_poll, django_assert_num_queries
):
    poll, people, (first, second) = open_poll
    with django_assert_num_queries(_statements() + SAVEPOINT):
        receipt = ballot_cast(voter=people[0], poll=poll, choices={first: "yes", second: "no"})
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.receipt == receipt
    assert set(BallotChoice.objects.filter(ballot=ballot).values_list("option_id", "vote")) == {
        (first, "yes"),
        (second, "no"),
    }
    assert Entitlement.objects.get(poll=poll, voter=people[0]).voted


def test_a_cast_over_http_adds_only_the_token(open_poll, django_assert_num_queries):
    poll, people, (first, _second) = open_poll
    api = ApiClient(people[1])
    # The token (its last use is not recorded on a cast), then the cast, which checks the
    # roll itself: the poll's access is read only for a refusal.
    with django_assert_num_queries(1 + _statements() + SAVEPOINT):
        response = api.post(f"/polls/{poll.pk}/vote", {"choices": {str(first): "abstain"}})
    assert response.status_code == 201, response.content
    assert Ballot.objects.get(poll=poll).receipt == response.json()["receipt"]


def test_the_refusals_keep_their_answers(open_poll, world):
    poll, people, (first, _second) = open_poll
    vote = f"/polls/{poll.pk}/vote"
    api = ApiClient(people[2])
    assert api.post(vote, {"choices": {str(first): "yes"}}).status_code == 201
    again = api.post(vote, {"choices": {str(first): "no"}})
    assert again.status_code == 422 and again.json()["code"] == "already_voted"
    foreign = ApiClient(people[3]).post(vote, {"choices": {"999999": "yes"}})
    assert foreign.status_code == 422 and "another poll" in foreign.content.decode()
    staff = ApiClient(world.users["committee_staff"])  # sees the poll, is not on the roll
    assert staff.post(vote, {"choices": {str(first): "yes"}}).status_code == 403
    stranger = ApiClient(UserFactory())  # may not see it
    assert stranger.post(vote, {"choices": {str(first): "yes"}}).status_code == 404
    assert stranger.post("/polls/999999/vote", {"choices": {}}).status_code == 404
    assert Ballot.objects.filter(poll=poll).count() == 1
