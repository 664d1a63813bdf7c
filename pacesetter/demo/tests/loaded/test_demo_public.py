"""The demo's public pages: one campaign, one body's award registry and one coverage
register are opted in, so ``make demo`` shows ``/public/`` with something on it."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from pacesetter.campaigns.models import Campaign
from pacesetter.coverage.models import Organization
from pacesetter.demo.services import PUBLIC_CAMPAIGN
from pacesetter.units.models import Unit


def _html(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_demo_publishes_a_campaign_a_registry_and_a_register(demo):
    cache.clear()
    campaign = Campaign.objects.get(code=PUBLIC_CAMPAIGN)
    assert list(Campaign.objects.filter(is_public=True)) == [campaign]
    index = _html("/public/?lang=en")
    assert f'data-campaign="{campaign.pk}"' in index
    registry = Unit.objects.get(publishes_awards=True)
    assert f'data-registry="{registry.pk}"' in index
    district = Unit.objects.get(publishes_coverage=True)
    assert district.code == "HUADU"
    page = _html(f"/public/campaigns/{campaign.pk}/")
    published = campaign.review_points.filter(state="published").first()
    assert published is not None and f"/public/rankings/{published.pk}/" in page
    assert 'role="img"' in _html(f"/public/rankings/{published.pk}/")
    assert "data-grant=" in _html(f"/public/awards/?issuer={registry.pk}")
    rates = _html(f"/public/coverage/{district.pk}/")
    some = Organization.objects.filter(town__path__startswith=district.path)[:20]
    assert [org.name for org in some if org.name in rates] == []
