"""The secret ballot against whoever holds a copy of the database (docs/ballots.md).

Six councillors vote through the API and the ballot page in a known order (not the
roll's); then, with nothing but raw SQL over every table, the test tries what a holder of
the copy would: rows written during the casts that name a voter (a token's last use, an
audit entry, an event, a session), the storage order of the roll (which PostgreSQL
changes on every update), and weights.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots import selectors
from pacesetter.ballots.models import Ballot, BallotChoice, Entitlement, Poll
from pacesetter.ballots.services import (
    ballot_cast,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
)
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db

BALLOT_TABLES = {Ballot._meta.db_table, BallotChoice._meta.db_table}


def _rows() -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table, as raw SQL returns it."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = {tuple(map(str, row)) for row in cursor.fetchall()}
    return rows


def _storage_order(table: str, where: str, params: list[Any]) -> list[int]:
    """The ids of ``table`` in the order they are stored (what a dump lists)."""
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE {where} ORDER BY {position}",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def _council(world: Any, weights: list[D]) -> tuple[Poll, list[Any]]:
    council = BodyFactory(owner_unit=world.committee)
    people = [UserFactory() for i in range(len(weights))]
    for person, weight in zip(people, weights, strict=True):
        body_member_add(
            actor=None, body=council, user=person, start=dt.date(2024, 1, 1), weight=weight
        )
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Motion",
        kind="yes_no",
        options=["Motion"],
        body=council,
    )
    return poll, people


def test_a_copy_of_the_database_mid_vote_links_no_voter_to_a_ballot(world):
    poll, people = _council(world, [D(1)] * 6)
    clients = [ApiClient(person) for person in people]  # tokens made before the vote
    poll = poll_open(actor=None, poll=poll)
    option = str(poll.options.get().pk)
    roll = _storage_order(Entitlement._meta.db_table, "poll_id = %s", [poll.pk])
    entitlement_of = dict(poll.entitlements.values_list("voter_id", "pk"))
    # They vote in an order that is not the roll's: last on the roll first.
    order = sorted(range(len(people)), key=lambda i: -entitlement_of[people[i].pk])
    browser = Client()
    browser.force_login(people[order[-1]])  # the last votes on the ballot page
    browser.get(f"/ballots/{poll.pk}/vote/")
    before = _rows()
    for n, i in enumerate(order[:-1]):
        vote = "yes" if n % 2 else "no"
        response = clients[i].post(f"/polls/{poll.pk}/vote", {"choices": {option: vote}})
        assert response.status_code == 201, response.content
    response = browser.post(f"/ballots/{poll.pk}/vote/", {f"option_{option}": "yes"})
    assert response.status_code == 200
    assert Ballot.objects.filter(poll=poll).count() == len(people)
    after = _rows()

    # The copy, mid-vote. Only the roll's flag and the ballots themselves were written:
    # no token's last use, no audit entry, no event, no session names a voter at the
    # time of voting.
    written = {table for table in after if after[table] - before.get(table, set())}
    leaks = written - BALLOT_TABLES - {Entitlement._meta.db_table}
    assert not leaks, f"rows written during the casts outside the ballots and the roll: {leaks}"
    # The roll is still stored in its own order: the flagged entitlements do not line up
    # in the order of voting beside ballots stored in the order they were cast.
    voted_in_order = [entitlement_of[people[i].pk] for i in order]
    stored = _storage_order(Entitlement._meta.db_table, "poll_id = %s", [poll.pk])
    assert stored == roll, "the roll's storage order follows the order of voting"
    assert stored != voted_in_order
    # No weight tells one ballot from another.
    assert Ballot.objects.filter(poll=poll).values("weight").distinct().count() == 1

    # The copy after publication: the same, and the ballots are stored anew.
    poll_close(actor=None, poll=poll)
    poll_publish(actor=None, poll=poll)
    stored = _storage_order(Entitlement._meta.db_table, "poll_id = %s", [poll.pk])
    assert stored == roll
    assert not Entitlement.objects.filter(poll=poll, voted=False).exists()


def test_the_organizer_is_warned_of_a_roll_too_small_or_a_lone_weight(world):
    poll, _ = _council(world, [D(1), D(2)])
    warnings = selectors.secrecy_warnings(poll)
    assert len(warnings) == 2
    assert "Only 2 on the roll" in warnings[0]
    assert "(1, 2)" in warnings[1]  # each weight is held by one voter only
    poll_open(actor=None, poll=poll)
    assert len(selectors.secrecy_warnings(poll)) == 2

    poll, _ = _council(world, [D(1), D(1), D(2)])
    (warning,) = selectors.secrecy_warnings(poll)
    assert "one voter only (2)" in warning


def test_a_unanimous_vote_is_flagged_before_publication(world):
    poll, people = _council(world, [D(1)] * 3)
    assert selectors.secrecy_warnings(poll) == []
    poll = poll_open(actor=None, poll=poll)
    option = poll.options.get().pk
    for person in people:
        ballot_cast(voter=person, poll=poll, choices={option: "yes"})
    poll = poll_close(actor=None, poll=poll)
    (warning,) = selectors.secrecy_warnings(poll)
    assert "Every ballot is the same" in warning


def test_the_poll_page_shows_the_warnings_to_its_managers(world, client):
    poll, _ = _council(world, [D(1)])
    client.force_login(world.users["committee_staff"])
    page = client.get(f"/ballots/{poll.pk}/").content.decode()
    assert 'id="secrecy-warnings"' in page and "Only 1 on the roll" in page
