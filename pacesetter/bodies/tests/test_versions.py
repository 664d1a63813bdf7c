"""Two edits of a body from the same version: the second is refused, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db


def edit(kind: str) -> dict[str, Any]:
    return {"source_language": "en", "name_en": "Council", "kind": kind, "is_active": "on"}


def test_the_second_edit_of_a_body_from_one_page_is_refused(client, world):
    client.force_login(world.users["committee_staff"])
    url = reverse("bodies:edit", args=[world.council.pk])
    opened = two_screen_edits(client, url, edit("standing_board"), edit("committee"))
    world.council.refresh_from_db()
    assert (world.council.kind, world.council.version) == ("standing_board", opened + 1)


def test_the_second_patch_of_a_body_from_one_read_is_a_409(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    url = f"/bodies/{world.council.pk}"
    read = two_api_edits(api, url, {"name": "First"}, {"name": "Second", "is_active": False})
    world.council.refresh_from_db()
    assert (world.council.name, world.council.is_active, world.council.version) == (
        "First",
        True,
        read + 1,
    )
