"""Two edits of a cluster from the same version: the second is refused, nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db


def edit(name: str) -> dict[str, Any]:
    return {"code": "CA", "source_language": "en", "name_en": name, "is_active": "on"}


def test_the_second_edit_of_a_cluster_from_one_page_is_refused(client, world):
    client.force_login(world.users["committee_staff"])
    url = reverse("clusters:edit", args=[world.cluster.pk])
    opened = two_screen_edits(client, url, edit("First"), edit("Second"))
    world.cluster.refresh_from_db()
    assert (world.cluster.name, world.cluster.version) == ("First", opened + 1)


def test_the_second_patch_of_a_cluster_from_one_read_is_a_409(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    url = f"/clusters/{world.cluster.pk}"
    read = two_api_edits(api, url, {"name": "First"}, {"name": "Second", "is_active": False})
    world.cluster.refresh_from_db()
    assert (world.cluster.name, world.cluster.is_active, world.cluster.version) == (
        "First",
        True,
        read + 1,
    )
