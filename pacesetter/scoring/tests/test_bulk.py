"""Reviewing many items at once: the service, the queue page and the API.

Each item of a batch is its own transaction through the item's own service: it moves
fully (its score event and audit entry) or stays as it was, with the reason.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pacesetter.audit.models import AuditEntry
from pacesetter.scoring.models import ItemState, ScoreEvent, ScoreItem
from pacesetter.scoring.services import (
    BULK_LIMIT,
    item_report,
    item_review,
    item_submit,
    items_bulk,
)
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db


def submitted(scoring: Any, unit: Any, code: str) -> ScoreItem:
    item = scoring.item(unit, code)
    if item.criterion.kind == "quantitative":
        item = item_report(actor=None, item=item, version=item.version, actual=D(100))
    return item_submit(actor=None, item=item, version=item.version, self_score=D(10))


def reviewed(scoring: Any, unit: Any, code: str) -> ScoreItem:
    item = submitted(scoring, unit, code)
    return item_review(actor=None, item=item, version=item.version)


def trail(item: ScoreItem) -> tuple[int, int]:
    """How many score events and audit entries the item has."""
    return (
        ScoreEvent.objects.filter(item=item).count(),
        AuditEntry.objects.filter(target_type="scoring.scoreitem", target_id=str(item.pk)).count(),
    )


# --- the service -------------------------------------------------------------------------


def test_a_mixed_batch_moves_each_item_fully_or_not_at_all(world, scoring):
    leader = world.users["cluster_leader"]
    fresh = submitted(scoring, world.own, "Q1")
    stale = submitted(scoring, world.own, "Q2")
    draft = scoring.item(world.own, "C1")
    before = {item.pk: trail(item) for item in (stale, draft)}

    results = items_bulk(
        actor=leader,
        action="review",
        versions={
            fresh.pk: fresh.version,
            stale.pk: stale.version - 1,  # as a page loaded before the unit's last step
            draft.pk: draft.version,
            10**9: 1,
        },
        comment="Checked against the minutes.",
    )

    assert [(r.item_id, r.code) for r in results] == [
        (fresh.pk, "done"),
        (stale.pk, "stale_version"),
        (draft.pk, "invalid_transition"),
        (10**9, "not_found"),
    ]
    fresh.refresh_from_db()
    assert fresh.state == ItemState.REVIEWED
    assert fresh.reviewed_score == D(10)
    event = fresh.events.get(action="review")
    assert (event.note, event.actor) == ("Checked against the minutes.", leader)
    assert AuditEntry.objects.filter(action="score.review", target_id=str(fresh.pk)).exists()
    for item in (stale, draft):
        old_state, old_version = item.state, item.version
        item.refresh_from_db()
        assert (item.state, item.version) == (old_state, old_version)
        assert trail(item) == before[item.pk]
    assert "Someone else saved this item" in results[1].message


def test_a_unit_officer_cannot_bulk_finalize(world, scoring):
    item = reviewed(scoring, world.own, "Q1")
    results = items_bulk(
        actor=world.users["unit_officer"], action="finalize", versions={item.pk: item.version}
    )
    assert [r.code for r in results] == ["not_allowed"]
    item.refresh_from_db()
    assert item.state == ItemState.REVIEWED


def test_the_committee_finalizes_and_returns_in_batches(world, scoring):
    staff = world.users["committee_staff"]
    first, second = reviewed(scoring, world.own, "Q1"), reviewed(scoring, world.sibling, "Q1")
    results = items_bulk(
        actor=staff,
        action="finalize",
        versions={first.pk: first.version, second.pk: second.version},
    )
    assert [r.code for r in results] == ["done", "done"]
    assert {i.state for i in ScoreItem.objects.filter(pk__in=[first.pk, second.pk])} == {"final"}

    first.refresh_from_db()
    results = items_bulk(
        actor=staff, action="return", versions={first.pk: first.version}, comment="Source?"
    )
    assert results[0].done
    first.refresh_from_db()
    assert (first.state, first.question) == (ItemState.RETURNED, "Source?")


def test_a_batch_is_refused_whole_when_malformed(world, scoring):
    staff = world.users["committee_staff"]
    item = reviewed(scoring, world.own, "Q1")
    with pytest.raises(ValidationError) as excinfo:
        items_bulk(actor=staff, action="return", versions={item.pk: item.version}, comment=" ")
    assert "comment" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        items_bulk(actor=staff, action="finalize", versions=dict.fromkeys(range(BULK_LIMIT + 1), 1))
    assert excinfo.value.code == "batch_too_large"
    with pytest.raises(ValidationError) as excinfo:
        items_bulk(actor=staff, action="submit", versions={item.pk: item.version})
    assert excinfo.value.code == "invalid_action"
    item.refresh_from_db()
    assert item.state == ItemState.REVIEWED


# --- the queue page ----------------------------------------------------------------------


def test_the_queue_offers_a_checkbox_per_row_with_its_version(client, world, scoring):
    item = submitted(scoring, world.own, "Q1")
    client.force_login(world.users["cluster_leader"])
    html = client.get(reverse("scoring:queue")).text
    assert f'name="item" value="{item.pk}"' in html
    assert f'name="version-{item.pk}" value="{item.version}"' in html
    assert "Review (accept the latest score)" in html
    assert "Finalize (confirm the latest score)" not in html  # the leader does not finalize


def test_the_queue_page_costs_the_same_for_more_rows(
    client, world, scoring, django_assert_num_queries
):
    client.force_login(world.users["cluster_leader"])
    submitted(scoring, world.own, "Q1")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("scoring:queue"))
    for code in ("Q2", "P1"):
        submitted(scoring, world.own, code)
        submitted(scoring, world.sibling, code)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("scoring:queue"))
    assert response.text.count('name="item"') == 5


def test_the_queue_form_reports_each_item(client, world, scoring):
    fresh = submitted(scoring, world.own, "Q1")
    stale = submitted(scoring, world.own, "Q2")
    client.force_login(world.users["cluster_leader"])
    response = client.post(
        reverse("scoring:queue_bulk"),
        {
            "action": "review",
            "item": [fresh.pk, stale.pk],
            f"version-{fresh.pk}": fresh.version,
            f"version-{stale.pk}": stale.version - 1,
            "comment": "",
        },
    )
    assert response.status_code == 200
    html = response.text
    assert "1 done, 1 refused" in html
    assert "Someone else saved this item" in html
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.state, stale.state) == (ItemState.REVIEWED, ItemState.SUBMITTED)


def test_the_queue_form_asks_for_a_question_to_return(client, world, scoring):
    item = submitted(scoring, world.own, "Q1")
    client.force_login(world.users["cluster_leader"])
    response = client.post(
        reverse("scoring:queue_bulk"),
        {"action": "return", "item": [item.pk], f"version-{item.pk}": item.version},
    )
    assert response.status_code == 200
    assert "Ask the unit what should be clarified." in response.text
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED


# --- the API -----------------------------------------------------------------------------


def test_the_bulk_endpoint_answers_per_item(world, scoring):
    fresh = reviewed(scoring, world.own, "Q1")
    stale = reviewed(scoring, world.own, "Q2")
    api = ApiClient(world.users["committee_staff"])
    response = api.post(
        "/score-items/bulk",
        {
            "action": "finalize",
            "items": [
                {"id": fresh.pk, "version": fresh.version},
                {"id": stale.pk, "version": stale.version - 1},
            ],
            "comment": "Committee meeting 3",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["id"], r["code"]) for r in body["results"]] == [
        (fresh.pk, "done"),
        (stale.pk, "stale_version"),
    ]
    assert body["results"][0]["state"] == "final"
    assert body["results"][0]["version"] == fresh.version + 1
    assert body["results"][1]["version"] == stale.version
    assert (body["done"], body["refused"]) == (1, 1)


def test_the_bulk_endpoint_refuses_an_officer_item_by_item(world, scoring):
    item = reviewed(scoring, world.own, "Q1")
    api = ApiClient(world.users["unit_officer"])
    response = api.post(
        "/score-items/bulk",
        {"action": "finalize", "items": [{"id": item.pk, "version": item.version}]},
    )
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == ["not_allowed"]
    item.refresh_from_db()
    assert item.state == ItemState.REVIEWED


def test_the_bulk_endpoint_refuses_a_malformed_batch(world, scoring):
    api = ApiClient(world.users["committee_staff"])
    response = api.post(
        "/score-items/bulk",
        {
            "action": "finalize",
            "items": [{"id": i, "version": 1} for i in range(1, BULK_LIMIT + 2)],
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "batch_too_large"
