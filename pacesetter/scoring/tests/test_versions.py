"""Two edits of a criterion from the same version: the second is refused, nothing saved.
(Score items have their own version: test_bulk.py and the score item tests.) Tables are
adopted, cloned and published through their steps, never edited in place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.scoring.tests.factories import CriterionFactory, ScoringTableFactory
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_screen_edits

pytestmark = pytest.mark.django_db


@pytest.fixture
def criterion(world):
    table = ScoringTableFactory(owner_unit=world.committee)
    return CriterionFactory(table=table, code="Q1", title="Revenue")


def edit(criterion: Any, points: str) -> dict[str, Any]:
    return {
        "code": "Q1",
        "source_language": "en",
        "title_en": "Revenue",
        "kind": "quantitative",
        "max_points": points,
        "direction": "higher",
        "method": "proportional",
        "points_per_item": "0",
        "measure_en": "",
        "zero_target": "not_assigned",
        "position": str(criterion.position),
        "guidance_en": "",
    }


def test_the_second_edit_of_a_criterion_from_one_page_is_refused(client, world, criterion):
    client.force_login(world.users["committee_staff"])
    url = reverse("scoring:criterion_edit", args=[criterion.table_id, criterion.pk])
    opened = two_screen_edits(client, url, edit(criterion, "25"), edit(criterion, "30"))
    criterion.refresh_from_db()
    assert (criterion.max_points, criterion.version) == (Decimal(25), opened + 1)


def test_the_second_patch_of_a_criterion_from_one_read_is_a_409(world: Any, criterion: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    url = f"/criteria/{criterion.pk}"
    table = api.get(f"/scoring-tables/{criterion.table_id}").json()
    version = next(c["version"] for c in table["criteria"] if c["id"] == criterion.pk)
    saved = api.patch(url, {"max_points": 25, "version": version})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == version + 1
    refused = api.patch(url, {"max_points": 30, "title": "Turnover", "version": version})
    assert refused.status_code == 409 and refused.json()["code"] == "stale_version"
    criterion.refresh_from_db()
    assert (criterion.max_points, criterion.title, criterion.version) == (
        Decimal(25),
        "Revenue",
        version + 1,
    )
