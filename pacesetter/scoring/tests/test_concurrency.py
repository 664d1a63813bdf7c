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


def test_two_rotations_confirmed_from_one_preview_one_wins(world, scoring):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks are exercised on PostgreSQL; SQLite serializes writers")
    from pacesetter.scoring.models import InspectionAssignment
    from pacesetter.scoring.services import inspection_rotation_assign, inspection_rotation_plan

    leader = world.users["cluster_leader"]
    digest = inspection_rotation_plan(
        actor=leader, review_point=scoring.h1, cluster=world.cluster, offset=1
    ).digest
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def confirm(offset: int) -> None:
        try:
            barrier.wait(timeout=10)
            inspection_rotation_assign(
                actor=leader,
                review_point=scoring.h1,
                cluster=world.cluster,
                offset=offset,
                digest=digest,
            )
            outcomes[offset] = "saved"
        except ConflictError as exc:
            outcomes[offset] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(offset,)) for offset in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(v).__name__ if v != "saved" else "saved" for v in outcomes.values()) == [
        "ConflictError",
        "saved",
    ]
    winner = next(offset for offset, v in outcomes.items() if v == "saved")
    units = list(
        scoring.campaign.participants.filter(cluster=world.cluster)
        .order_by("unit__code")
        .values_list("unit_id", flat=True)
    )
    saved = dict(
        InspectionAssignment.objects.filter(review_point=scoring.h1).values_list(
            "unit_id", "inspector_id"
        )
    )
    assert saved == {u: units[(i + winner) % 3] for i, u in enumerate(units)}
