"""Two edits of an organization from the same version: the second is refused, nothing
saved. Its status and party or union forms are dated periods, each change a new one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

from .factories import organization

pytestmark = pytest.mark.django_db


def edit(org: Any, staff: str) -> dict[str, Any]:
    return {
        "source_language": "en",
        "name_en": org.name,
        "credit_code": org.credit_code,
        "kind": "private",
        "town": org.town_id,
        "registered_on": "2023-01-01",
        "staff_count": staff,
        "party_members_full": "0",
        "party_members_probationary": "0",
        "union_members": "0",
    }


def test_the_second_edit_of_an_organization_from_one_page_is_refused(client, world):
    org = organization(world.own, registered_on=dt.date(2023, 1, 1))
    client.force_login(world.users["unit_officer"])
    url = reverse("coverage:organization_edit", args=[org.pk])
    opened = two_screen_edits(client, url, edit(org, "40"), edit(org, "55"))
    org.refresh_from_db()
    assert (org.staff_count, org.version) == (40, opened + 1)


def test_the_second_patch_of_an_organization_from_one_read_is_a_409(world: Any) -> None:
    org = organization(world.own, name="Own Leather Works")
    api = ApiClient(world.users["unit_officer"])
    url = f"/coverage/organizations/{org.pk}"
    read = two_api_edits(api, url, {"staff_count": 40}, {"staff_count": 55, "name": "Other"})
    org.refresh_from_db()
    assert (org.staff_count, org.name, org.version) == (40, "Own Leather Works", read + 1)
