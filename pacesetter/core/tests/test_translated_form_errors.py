"""A translated form says which text is missing in which language, not Django's generic
"This field is required." (the model's error has the code "required")."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_source_text_is_named_on_its_field(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post(
        "/chains/new/",
        {
            "source_language": "vi",
            "name_en": "Leather goods",
            "owner_unit": world.committee.pk,
            "leader_unit": world.own.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["name_vi"]
    assert errors == ["Name is required in the source language (Vietnamese)."]
