"""Two edits of a unit type from the same version: the second is refused, nothing saved.
(The unit's own: test_views.py and test_api.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits
from pacesetter.units.services import unit_type_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_type():
    return unit_type_create(actor=None, code="jsc", name="Joint-stock company")


def edit(name: str) -> dict[str, Any]:
    return {"code": "jsc", "source_language": "en", "name_en": name, "is_active": "on"}


def test_the_second_edit_of_a_unit_type_from_one_page_is_refused(client, world, unit_type):
    client.force_login(world.users["committee_staff"])
    url = reverse("units:type_edit", args=[unit_type.pk])
    opened = two_screen_edits(client, url, edit("First"), edit("Second"))
    unit_type.refresh_from_db()
    assert (unit_type.name, unit_type.version) == ("First", opened + 1)


def test_the_second_patch_of_a_unit_type_from_one_read_is_a_409(world: Any, unit_type) -> None:
    api = ApiClient(world.users["committee_staff"])
    read = two_api_edits(
        api,
        f"/unit-types/{unit_type.pk}",
        {"name": "First"},
        {"name": "Second", "is_active": False},
    )
    unit_type.refresh_from_db()
    assert (unit_type.name, unit_type.is_active, unit_type.version) == ("First", True, read + 1)
