"""Two edits of an award, a person or a position from the same version: the second is
refused, nothing saved. Proposals move through their workflow's steps (each refused
once the proposal has left the step), grants are recorded and revoked, never edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.awards.people_services import person_create
from pacesetter.awards.tests.factories import AwardFactory
from pacesetter.testing.api import ApiClient
from pacesetter.testing.versions import two_api_edits, two_screen_edits

pytestmark = pytest.mark.django_db


def award_edit(name: str) -> dict[str, Any]:
    return {
        "source_language": "en",
        "name_en": name,
        "level": "provincial",
        "recipient_kind": "unit",
        "issuer_en": "Provincial People's Committee",
        "quota_count": "",
        "quota_percent": "",
        "position": "0",
        "is_active": "on",
    }


def test_the_second_edit_of_an_award_from_one_page_is_refused(client, world):
    award = AwardFactory(name="Flag")
    client.force_login(world.users["committee_staff"])
    url = reverse("awards:award_edit", args=[award.pk])
    opened = two_screen_edits(client, url, award_edit("First"), award_edit("Second"))
    award.refresh_from_db()
    assert (award.name, award.version) == ("First", opened + 1)


def test_the_second_patch_of_an_award_from_one_read_is_a_409(world: Any) -> None:
    award = AwardFactory(name="Flag")
    api = ApiClient(world.users["committee_staff"])
    read = two_api_edits(
        api, f"/awards/{award.pk}", {"name": "First"}, {"name": "Second", "is_active": False}
    )
    award.refresh_from_db()
    assert (award.name, award.is_active, award.version) == ("First", True, read + 1)


@pytest.fixture
def person(world):
    return person_create(
        actor=None,
        unit=world.own,
        full_name="Nguyễn Thị Hương",
        title="Accountant",
        start=dt.date(2020, 1, 1),
    )


def test_the_second_edit_of_a_person_from_one_page_is_refused(client, world, person):
    client.force_login(world.users["unit_officer"])
    url = reverse("awards:person_edit", args=[person.pk])
    opened = two_screen_edits(
        client, url, {"full_name": "First Name"}, {"full_name": "Second Name"}
    )
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("First Name", opened + 1)


def test_the_second_patch_of_a_person_from_one_read_is_a_409(world: Any, person: Any) -> None:
    api = ApiClient(world.users["unit_officer"])
    read = two_api_edits(
        api,
        f"/awards/people/{person.pk}",
        {"full_name": "First Name"},
        {"full_name": "Second Name", "service_start": "2019-01-01"},
    )
    person.refresh_from_db()
    assert (person.full_name, person.service_start, person.version) == (
        "First Name",
        None,
        read + 1,
    )


def test_the_second_patch_of_a_position_from_one_read_is_a_409(world: Any, person: Any) -> None:
    position = person.positions.get()
    api = ApiClient(world.users["unit_officer"])
    url = f"/awards/people/{person.pk}/positions/{position.pk}"
    read = api.get(f"/awards/people/{person.pk}").json()["positions"][0]["version"]
    saved = api.patch(url, {"title": "Chief accountant", "version": read})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == read + 1
    refused = api.patch(url, {"title": "Cashier", "start": "2021-01-01", "version": read})
    assert refused.status_code == 409 and refused.json()["code"] == "stale_version"
    position.refresh_from_db()
    assert (position.title, position.start, position.version) == (
        "Chief accountant",
        dt.date(2020, 1, 1),
        read + 1,
    )
