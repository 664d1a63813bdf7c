"""Two edits of a campaign from the same version: the second is refused, nothing saved.
Phases, review points, participants and pacts are added (and moved through their steps),
not edited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.campaigns.tests.factories import CampaignFactory
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db


def edit(name: str) -> dict[str, Any]:
    return {
        "code": "EMU-2024",
        "source_language": "en",
        "name_en": name,
        "kind": "movement",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "tie_break_1": "base_pct",
        "tie_break_2": "",
        "tie_break_3": "",
    }


def test_the_second_edit_of_a_campaign_from_one_page_is_refused(client, world):
    campaign = CampaignFactory(organizer=world.committee, code="EMU-2024", name="Emulation")
    client.force_login(world.users["committee_staff"])
    url = reverse("campaigns:edit", args=[campaign.pk])
    opened = two_screen_edits(client, url, edit("First"), edit("Second"))
    campaign.refresh_from_db()
    assert (campaign.name, campaign.version) == ("First", opened + 1)


def test_the_second_patch_of_a_campaign_from_one_read_is_a_409(world: Any) -> None:
    campaign = CampaignFactory(organizer=world.committee, name="Emulation")
    api = ApiClient(world.users["committee_staff"])
    read = two_api_edits(
        api,
        f"/campaigns/{campaign.pk}",
        {"name": "First"},
        {"name": "Second", "registration_due": "2024-03-01"},
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.registration_due, campaign.version) == (
        "First",
        None,
        read + 1,
    )
