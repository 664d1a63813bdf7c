"""POST /api/v1/awards/people records a person who can receive personal awards."""

import pytest

from pacesetter.audit.selectors import audit_entries_for
from pacesetter.awards.models import Person
from pacesetter.testing.api import ApiClient, assert_error_shape


def test_staff_records_a_person_of_a_unit_they_manage(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/awards/people", {"unit_id": world.own.pk, "full_name": "Nguyen Van A"}
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.full_name, person.unit) == ("Nguyen Van A", world.own)
    assert response.json()["unit"]["id"] == world.own.pk
    [entry] = audit_entries_for(person)
    assert entry.action == "person.create"
    assert entry.changes["source"] == [None, "api"]


def test_an_officer_of_the_unit_records_a_person_of_it(world):
    response = ApiClient(world.users["unit_officer"]).post(
        "/awards/people", {"unit_id": world.own.pk, "full_name": "Tran Thi B"}
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get().unit == world.own


@pytest.mark.parametrize("role", ["viewer"])
def test_those_who_see_the_unit_but_do_not_manage_it_are_refused(world, role):
    response = ApiClient(world.users[role]).post(
        "/awards/people", {"unit_id": world.own.pk, "full_name": "Nguyen Van A"}
    )
    assert_error_shape(response, 403, "forbidden")
    assert not Person.objects.exists()


def test_a_unit_outside_the_users_scope_is_an_invalid_unit_id(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/awards/people", {"unit_id": world.other.pk, "full_name": "Nguyen Van A"}
    )
    body = assert_error_shape(response, 422, "invalid")
    assert "unit_id" in body["detail"]
    assert not Person.objects.exists()


def test_a_blank_name_is_reported_on_its_field_and_nothing_is_saved(world):
    response = ApiClient(world.users["committee_staff"]).post(
        "/awards/people", {"unit_id": world.own.pk, "full_name": ""}
    )
    body = assert_error_shape(response, 422, "invalid")
    assert "full_name" in body["detail"]
    assert not Person.objects.exists()


def test_anonymous_is_401(world):
    response = ApiClient().post("/awards/people", {"unit_id": world.own.pk, "full_name": "A"})
    assert_error_shape(response, 401, "unauthenticated")
    assert not Person.objects.exists()
