"""Two reviewers saving the same item at the same moment: one wins, the other is told."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection, connections

from pacesetter.core.errors import ConflictError
from pacesetter.scoring.services import item_report, item_review, item_submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_reviews_one_wins_the_other_gets_a_conflict(world, scoring):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks are exercised on PostgreSQL; SQLite serializes writers")
    item = scoring.item(world.own, "P1")
    item = item_report(actor=None, item=item, version=item.version, passed=True)
    item = item_submit(actor=None, item=item, version=item.version, self_score=None)
    read_version = item.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def reviewer(name: str, score: D) -> None:
        try:
            barrier.wait(timeout=10)
            item_review(actor=None, item=item, version=read_version, score=score)
            outcomes[name] = "saved"
        except ConflictError as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=reviewer, args=("a", D(18))),
        threading.Thread(target=reviewer, args=("b", D(12))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(v).__name__ if v != "saved" else "saved" for v in outcomes.values()) == [
        "ConflictError",
        "saved",
    ]
    item.refresh_from_db()
    winner = next(name for name, v in outcomes.items() if v == "saved")
    assert item.reviewed_score == {"a": D(18), "b": D(12)}[winner]
    assert item.events.filter(action="review").count() == 1
