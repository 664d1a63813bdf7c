"""Two edits of a work plan from the same version: the second is refused, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

from .board_data import END, START, make_board

pytestmark = pytest.mark.django_db


def edit(name: str, margin: str) -> dict[str, Any]:
    return {
        "source_language": "en",
        "name_en": name,
        "kind": "half_year",
        "period_start": START.isoformat(),
        "period_end": END.isoformat(),
        "at_risk_margin": margin,
        "remind_days_before": "7",
        "escalate_after_days": "7",
    }


def test_the_second_edit_of_a_plan_from_one_page_is_refused(client, world):
    plan = make_board(world).plan
    client.force_login(world.users["committee_staff"])
    url = reverse("workplans:plan_edit", args=[plan.pk])
    opened = two_screen_edits(client, url, edit("First", "50"), edit("Second", "20"))
    plan.refresh_from_db()
    assert (plan.name, plan.at_risk_margin, plan.version) == ("First", 50, opened + 1)


def test_the_second_patch_of_a_plan_from_one_read_is_a_409(world):
    plan = make_board(world).plan
    api = ApiClient(world.users["committee_staff"])
    url = f"/work-plans/{plan.pk}"
    read = two_api_edits(api, url, {"name": "First"}, {"name": "Second", "at_risk_margin": "5"})
    plan.refresh_from_db()
    assert plan.name == "First"
    assert plan.at_risk_margin != 5
    assert plan.version == read + 1
