"""The score item's transition table: the services refuse what it does not have, the item
page offers exactly its allowed moves, and the API reports them as ``allowed_actions``."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacesetter.scoring.models import InspectionAssignment, ScoreItem
from pacesetter.scoring.services import item_finalize, item_report, item_review, item_submit
from pacesetter.scoring.workflows import score_item_workflow
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db

MOVES = ("report", "submit", "answer", "inspect", "review", "finalize", "return")


def submitted(scoring: Any, unit: Any, code: str = "Q1") -> ScoreItem:
    item = scoring.item(unit, code)
    item = item_report(actor=None, item=item, version=item.version, actual=D(100))
    return item_submit(actor=None, item=item, version=item.version, self_score=None)


def offered(html: str, item: ScoreItem) -> set[str]:
    """The moves whose form posts from the item page."""
    return {
        move
        for move in MOVES
        if f'action="{reverse(f"scoring:item_{move}", args=[item.pk])}"' in html
    }


def test_the_service_refuses_a_move_the_table_does_not_have(world, scoring):
    item = submitted(scoring, world.own)
    with pytest.raises(ValidationError) as excinfo:
        item_finalize(actor=None, item=item, version=item.version)
    assert excinfo.value.code == "invalid_transition"
    assert excinfo.value.messages == ["This item is Self-scored; it cannot be finalized now."]
    with pytest.raises(ValidationError) as excinfo:
        item_submit(actor=None, item=item, version=item.version, self_score=None)
    assert excinfo.value.code == "invalid_transition"


def test_with_an_inspector_assigned_the_leader_reviews_after_the_inspection(world, scoring):
    item = submitted(scoring, world.own)
    InspectionAssignment.objects.create(
        review_point=scoring.h1, unit=world.own, inspector=world.sibling
    )
    with pytest.raises(ValidationError) as excinfo:
        item_review(actor=None, item=item, version=item.version)
    assert excinfo.value.code == "invalid_transition"
    # The page still offers the review (guards are not run there), as it always has.
    assert "review" in score_item_workflow.allowed(world.users["cluster_leader"], item)


def test_the_item_page_shows_exactly_the_allowed_moves(client, world, scoring):
    draft = scoring.item(world.own, "Q2")
    item = submitted(scoring, world.own)
    officer, leader = world.users["unit_officer"], world.users["cluster_leader"]

    client.force_login(officer)
    assert offered(client.get(reverse("scoring:item", args=[draft.pk])).text, draft) == {
        "report",
        "submit",
    }
    assert offered(client.get(reverse("scoring:item", args=[item.pk])).text, item) == set()
    assert score_item_workflow.allowed(officer, draft) == {"report", "evidence", "submit"}

    client.force_login(leader)
    assert offered(client.get(reverse("scoring:item", args=[item.pk])).text, item) == {
        "review",
        "return",
    }
    assert offered(client.get(reverse("scoring:item", args=[draft.pk])).text, draft) == set()


def test_the_api_reports_the_allowed_actions_per_role(world, scoring):
    draft = scoring.item(world.own, "Q2")
    item = submitted(scoring, world.own)
    officer = ApiClient(world.users["unit_officer"])
    leader = ApiClient(world.users["cluster_leader"])
    staff = ApiClient(world.users["committee_staff"])

    assert officer.get(f"/score-items/{draft.pk}").json()["allowed_actions"] == [
        "report",
        "evidence",
        "submit",
    ]
    assert officer.get(f"/score-items/{item.pk}").json()["allowed_actions"] == []
    assert leader.get(f"/score-items/{item.pk}").json()["allowed_actions"] == ["review", "return"]
    assert staff.get(f"/score-items/{item.pk}").json()["allowed_actions"] == ["return"]
    refused = staff.post(f"/score-items/{item.pk}/finalize", {"version": item.version})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_transition"
