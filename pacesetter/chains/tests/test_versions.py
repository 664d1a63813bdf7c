"""Two edits of a chain, or two new orders of its members, from the same version: the
second is refused, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.chains.services import chain_create, chain_member_add
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import REFUSAL, two_api_edits, two_screen_edits

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


def order(chain: Any) -> list[int]:
    return list(chain.members.order_by("position").values_list("unit_id", flat=True))


def test_the_second_move_from_one_page_is_refused(client, world, chain):
    chain_member_add(actor=None, chain=chain, unit=world.sibling)
    chain_member_add(actor=None, chain=chain, unit=world.child)
    client.force_login(world.users["committee_staff"])
    page = client.get(reverse("chains:chain_detail", args=[chain.pk])).content.decode()
    opened = chain.version
    assert f'name="version" value="{opened}"' in page
    sibling = chain.members.get(unit=world.sibling)
    child = chain.members.get(unit=world.child)

    def move(member: Any, direction: str) -> Any:
        url = reverse("chains:member_move", args=[chain.pk, member.pk])
        return client.post(url, {"direction": direction, "version": opened}, follow=True)

    move(sibling, "up")
    refused = move(child, "up")
    assert REFUSAL in refused.content.decode()
    chain.refresh_from_db()
    assert (order(chain), chain.version) == (
        [world.sibling.pk, world.own.pk, world.child.pk],
        opened + 1,
    )


def test_the_second_reorder_from_one_read_is_a_409(world: Any, chain: Any) -> None:
    chain_member_add(actor=None, chain=chain, unit=world.sibling)
    read = two_api_edits(
        ApiClient(world.users["committee_staff"]),
        f"/chains/{chain.pk}/reorder",
        {"unit_ids": [world.sibling.pk, world.own.pk]},
        {"unit_ids": [world.own.pk, world.sibling.pk]},
        method="post",
        read_url=f"/chains/{chain.pk}",
    )
    chain.refresh_from_db()
    assert (order(chain), chain.version) == ([world.sibling.pk, world.own.pk], read + 1)
