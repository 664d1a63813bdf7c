"""A campaign's public page is switched on and off by its organizer's staff, on the
screen and through the API, in any state, audited."""

from __future__ import annotations

import pytest
from django.test import Client

from pacesetter.audit.models import AuditEntry
from pacesetter.campaigns.models import Campaign, CampaignState
from pacesetter.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    return CampaignFactory(organizer=world.committee, name="Spring drive")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_staff_make_a_campaign_public_on_its_page(world, campaign):
    client = _client(world.users["committee_staff"])
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Make public" in page
    response = client.post(f"/campaigns/{campaign.pk}/public/", {"public": "true"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_public
    assert Client().get(f"/public/campaigns/{campaign.pk}/").status_code == 200
    client.post(f"/campaigns/{campaign.pk}/public/", {"public": "false"})
    campaign.refresh_from_db()
    assert not campaign.is_public
    changes = list(
        AuditEntry.objects.filter(action="campaign.publicity")
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert changes == [{"is_public": [False, True]}, {"is_public": [True, False]}]


def test_only_the_organizers_staff_may_set_it(world, campaign):
    for role in ("unit_officer", "cluster_leader", "viewer"):
        response = _client(world.users[role]).post(
            f"/campaigns/{campaign.pk}/public/", {"public": "true"}
        )
        assert response.status_code in (403, 404), role
    assert (
        _client().post(f"/campaigns/{campaign.pk}/public/", {"public": "true"}).status_code == 302
    )
    campaign.refresh_from_db()
    assert not campaign.is_public


def test_the_api_sets_it_in_any_state(world, campaign):
    staff = _client(world.users["committee_staff"])
    # A closed campaign (whose ranking the public reads most) still changes its page.
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.CLOSED)
    url = f"/api/v1/campaigns/{campaign.pk}/public"
    response = staff.put(url, {"public": True}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"public": True}
    officer = _client(world.users["unit_officer"])
    assert officer.put(url, {"public": False}, content_type="application/json").status_code in (
        403,
        404,
    )
    assert _client().put(url, {"public": False}, content_type="application/json").status_code == 401
    refused = staff.put(url, {"public": "maybe"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"
    campaign.refresh_from_db()
    assert campaign.is_public
