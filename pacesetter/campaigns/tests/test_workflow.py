"""The campaign's and the review point's transition tables: the services refuse a move
they do not have (with a code), the page shows exactly the allowed buttons, the API the
same set."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacesetter.campaigns.models import CampaignState
from pacesetter.campaigns.services import campaign_transition
from pacesetter.campaigns.tests.test_views import registering  # noqa: F401
from pacesetter.campaigns.workflows import campaign_workflow, review_point_workflow
from pacesetter.scoring.services import review_point_open
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db


def moves(client: Any, campaign: Any) -> list[str]:
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    return re.findall(r'name="to_state" value="(\w+)"', page)


def test_a_move_not_in_the_table_is_refused_with_its_code(registering: Any) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as excinfo:
        campaign_transition(actor=None, campaign=registering, to_state=CampaignState.CLOSED)
    assert excinfo.value.code == "invalid_transition"
    assert excinfo.value.messages == ["A campaign cannot go from Registration to Closed."]
    # A move in the table whose rule does not hold says which rule, with its own code.
    with pytest.raises(ValidationError) as excinfo:
        campaign_transition(actor=None, campaign=registering, to_state=CampaignState.RUNNING)
    assert excinfo.value.code == "pact_unsigned"
    point = registering.review_points.get()
    with pytest.raises(ValidationError) as excinfo:
        review_point_open(actor=None, review_point=point)
    assert excinfo.value.code == "invalid_transition"
    assert excinfo.value.messages == ["A review point opens while the campaign is running."]


def test_the_page_shows_exactly_the_allowed_moves(
    client: Any,
    world: Any,
    registering: Any,  # noqa: F811
) -> None:
    staff, officer = world.users["committee_staff"], world.users["unit_officer"]
    client.force_login(staff)
    assert moves(client, registering) == ["running", "draft"]
    assert set(moves(client, registering)) == campaign_workflow.allowed(staff, registering)
    page = client.get(reverse("campaigns:detail", args=[registering.pk])).content.decode()
    point = registering.review_points.get()
    open_url = reverse("campaigns:review_point_open", args=[registering.pk, point.pk])
    assert open_url not in page  # the campaign is not running yet
    assert review_point_workflow.allowed(staff, point) == frozenset()
    client.force_login(officer)  # a participating unit: sees the campaign, moves nothing
    assert moves(client, registering) == []
    assert campaign_workflow.allowed(officer, registering) == frozenset()


def test_the_api_sends_allowed_actions_per_role(world: Any, registering: Any) -> None:  # noqa: F811
    url = f"/campaigns/{registering.pk}"
    staff = ApiClient(world.users["committee_staff"]).get(url).json()
    assert staff["allowed_actions"] == ["running", "draft"]
    assert [rp["allowed_actions"] for rp in staff["review_points"]] == [[]]
    officer = ApiClient(world.users["unit_officer"]).get(url).json()
    assert officer["allowed_actions"] == []
    refused = ApiClient(world.users["committee_staff"]).post(
        f"{url}/transition", {"to_state": "running"}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "pact_unsigned"
