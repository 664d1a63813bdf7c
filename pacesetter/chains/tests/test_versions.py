"""Two edits of a chain from the same version: the second is refused, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.chains.services import chain_create
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(world):
    return chain_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        name="Leather goods",
        leader_unit=world.own,
        members=[world.own],
    )


def edit(world: Any, name: str) -> dict[str, Any]:
    return {
        "source_language": "en",
        "name_en": name,
        "leader_unit": world.own.pk,
        "is_active": "on",
    }


def test_the_second_edit_of_a_chain_from_one_page_is_refused(client, world, chain):
    client.force_login(world.users["committee_staff"])
    url = reverse("chains:chain_edit", args=[chain.pk])
    opened = two_screen_edits(client, url, edit(world, "First"), edit(world, "Second"))
    chain.refresh_from_db()
    assert (chain.name, chain.version) == ("First", opened + 1)


def test_the_second_patch_of_a_chain_from_one_read_is_a_409(world: Any, chain: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    url = f"/chains/{chain.pk}"
    read = two_api_edits(api, url, {"name": "First"}, {"name": "Second", "is_active": False})
    chain.refresh_from_db()
    assert (chain.name, chain.is_active, chain.version) == ("First", True, read + 1)
