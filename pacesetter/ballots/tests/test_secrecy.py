"""The secret ballot against whoever holds a copy of the database (docs/ballots.md).

Six councillors vote through the API and the ballot page in a known order (not the
roll's); then, with nothing but raw SQL over every table, the test tries what a holder of
the copy would: rows written during the casts that name a voter (a token's last use, an
audit entry, an event, a session), the storage order of the roll (which PostgreSQL
changes on every update), and weights.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
import uuid
from decimal import Decimal as D
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots import selectors, tally
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
from pacesetter.testing.tables import readable_tables

pytestmark = pytest.mark.django_db

BALLOT_TABLES = {Ballot._meta.db_table, BallotChoice._meta.db_table}


def _rows() -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table, as raw SQL returns it."""
    rows = {}
    with connection.cursor() as cursor:
        for table in readable_tables(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = {tuple(map(str, row)) for row in cursor.fetchall()}
    return rows


def _storage_order(table: str, where: str, params: list[Any]) -> list[Any]:
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


# --- empty ballots made at opening, filled at random -------------------------------------


def _ballot_rows(poll: Poll) -> tuple[list[Any], list[Any]]:
    """The ids of every ballot row and every mark row of ``poll``, in storage order."""
    ballots = _storage_order(Ballot._meta.db_table, "poll_id = %s", [poll.pk])
    marks = _storage_order(
        BallotChoice._meta.db_table,
        f"ballot_id IN (SELECT id FROM {Ballot._meta.db_table} WHERE poll_id = %s)",
        [poll.pk],
    )
    return [uuid.UUID(str(b)) for b in ballots], [uuid.UUID(str(m)) for m in marks]


def _transaction_ids(table: str, where: str, params: list[Any]) -> int:
    """How many transactions last wrote the rows (PostgreSQL's ``xmin``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT xmin::text) FROM {table} WHERE {where}", params)
        return cursor.fetchone()[0]


def test_a_cast_fills_a_ballot_made_at_opening_and_adds_no_row(world):
    poll, people = _council(world, [D(1)] * 6)
    poll = poll_create(
        actor=None,
        owner_unit=world.committee,
        title="Two motions",
        kind="yes_no",
        options=["First", "Second"],
        body=poll.body,
    )
    poll = poll_open(actor=None, poll=poll)
    first, second = poll.options.order_by("position").values_list("pk", flat=True)
    # Opening made one empty ballot per voter, with a blank row per option.
    assert Ballot.rows.filter(poll=poll, filled=False).count() == len(people)
    assert BallotChoice.rows.filter(ballot__poll=poll, vote="").count() == 2 * len(people)
    assert not Ballot.objects.filter(poll=poll).exists()
    ballots, marks = _ballot_rows(poll)

    receipts = []
    for n, person in enumerate(people[:5]):
        vote = ("yes", "no", "abstain")[n % 3]
        marks_of = {first: vote, second: "yes"} if n == 0 else {first: vote}
        receipts.append(ballot_cast(voter=person, poll=poll, choices=marks_of))
        # Every row was there before: same ids, same storage order, nothing added.
        assert _ballot_rows(poll) == (ballots, marks)
    filled = {b.receipt: b.pk for b in Ballot.objects.filter(poll=poll)}
    assert set(filled) == set(receipts) and set(filled.values()) <= set(ballots)
    assert Ballot.rows.filter(poll=poll, filled=False).count() == 1
    assert BallotChoice.objects.filter(ballot__poll=poll).count() == 6  # the marks made
    if connection.vendor == "postgresql":
        # The rows are re-written together: all carry the last cast's transaction id,
        # none the one of the cast that filled it.
        where = "poll_id = %s"
        assert _transaction_ids(Ballot._meta.db_table, where, [poll.pk]) == 1
        where = f"ballot_id IN (SELECT id FROM {Ballot._meta.db_table} WHERE poll_id = %s)"
        assert _transaction_ids(BallotChoice._meta.db_table, where, [poll.pk]) == 1

    # Closing drops the empty ballot and the blank rows; the count is as before.
    poll_close(actor=None, poll=poll)
    assert not Ballot.rows.filter(poll=poll, filled=False).exists()
    assert not BallotChoice.rows.filter(ballot__poll=poll, vote="").exists()
    assert set(Ballot.rows.filter(poll=poll).values_list("pk", flat=True)) == set(filled.values())
    poll = poll_publish(actor=None, poll=poll)
    by_label = {o["label"]: o for o in poll.result["options"]}
    assert (by_label["First"]["yes"], by_label["First"]["no"]) == ("2.00", "2.00")
    assert by_label["First"]["abstain"] == "1.00"
    assert (by_label["Second"]["yes"], by_label["Second"]["no"]) == ("1.00", "0.00")
    assert poll.result["electronic_ballots"] == 5 and poll.result["voted"] == "5.00"
    assert dict(tally.receipts(poll))[receipts[0]] == {str(first): "yes", str(second): "yes"}
    assert dict(tally.receipts(poll))[receipts[1]] == {str(first): "no"}
    call_command("ballot_recount", poll.pk)


def test_the_ballot_filled_is_drawn_at_random_not_taken_in_order(world, monkeypatch):
    poll, people = _council(world, [D(1)] * 4)
    poll = poll_open(actor=None, poll=poll)
    option = poll.options.get().pk
    empty = sorted(Ballot.rows.filter(poll=poll).values_list("pk", flat=True))
    # The draw picks the n-th empty ballot in id order, n modulo how many are left.
    draws = iter([3, 4, 5])  # of 4: the 4th; of 3: the 2nd; of 2: the 2nd
    monkeypatch.setattr("pacesetter.ballots.services.secrets.randbits", lambda bits: next(draws))
    receipts = [ballot_cast(voter=p, poll=poll, choices={option: "yes"}) for p in people[:3]]
    filled = [Ballot.objects.get(receipt=r).pk for r in receipts]
    assert filled == [empty[3], empty[1], empty[2]]


def test_a_ballot_carries_the_weight_of_its_voter(world):
    poll, people = _council(world, [D(1), D(1), D(2), D(2)])
    poll = poll_open(actor=None, poll=poll)
    option = poll.options.get().pk
    weights = sorted(Ballot.rows.filter(poll=poll).values_list("weight", flat=True))
    assert weights == [D(1), D(1), D(2), D(2)]
    ballot_cast(voter=people[2], poll=poll, choices={option: "no"})
    ballot_cast(voter=people[0], poll=poll, choices={option: "yes"})
    assert sorted(Ballot.objects.filter(poll=poll).values_list("weight", flat=True)) == [D(1), D(2)]
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert (result["options"][0]["yes"], result["options"][0]["no"]) == ("1.00", "2.00")


def test_the_migration_gives_a_poll_open_before_it_its_empty_ballots(world):
    migration = importlib.import_module(
        "pacesetter.ballots.migrations.0005_empty_ballots_at_opening"
    )
    poll, people = _council(world, [D(1), D(1), D(2)])
    poll = poll_open(actor=None, poll=poll)
    option = poll.options.get().pk
    ballot_cast(voter=people[0], poll=poll, choices={option: "yes"})
    # As the poll was before: its cast ballot, and no empty ones.
    BallotChoice.rows.filter(ballot__poll=poll, vote="").delete()
    Ballot.rows.filter(poll=poll, filled=False).delete()
    migration.empty_ballots_for_open_polls(apps, None)
    assert sorted(Ballot.rows.filter(poll=poll, filled=False).values_list("weight", flat=True)) == [
        D(1),
        D(2),
    ]
    assert BallotChoice.rows.filter(ballot__poll=poll, vote="").count() == 2
    rows = Ballot.rows.count()
    ballot_cast(voter=people[2], poll=poll, choices={option: "no"})
    assert Ballot.rows.count() == rows  # filled, not added
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert (result["options"][0]["yes"], result["options"][0]["no"]) == ("1.00", "2.00")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_casts_of_many_voters_each_fill_their_own_ballot(world):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL")
    poll, people = _council(world, [D(1)] * 8)
    poll = poll_open(actor=None, poll=poll)
    option = poll.options.get().pk
    rows = set(Ballot.rows.filter(poll=poll).values_list("pk", flat=True))
    barrier = threading.Barrier(len(people))
    receipts: list[str | None] = []
    errors: list[Exception] = []

    def submit(person: Any, vote: str) -> None:
        try:
            barrier.wait(timeout=10)
            receipts.append(ballot_cast(voter=person, poll=poll, choices={option: vote}))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(p, "yes" if i % 4 else "no"))
        for i, p in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(set(receipts)) == len(people)
    assert set(Ballot.rows.filter(poll=poll).values_list("pk", flat=True)) == rows
    assert set(Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)) == set(receipts)
    assert not Entitlement.objects.filter(poll=poll, voted=False).exists()
    poll_close(actor=None, poll=poll)
    result = poll_publish(actor=None, poll=poll).result
    assert (result["options"][0]["yes"], result["options"][0]["no"]) == ("6.00", "2.00")
