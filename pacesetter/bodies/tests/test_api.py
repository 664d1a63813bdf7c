"""Councils and boards, their terms and seats through /api/v1/bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pacesetter.bodies.models import BodyMember
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def api_as(world: Any, role: str) -> ApiClient:
    return ApiClient(world.users[role])


def test_detail_shows_terms_and_current_seats(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/bodies/{world.council.pk}"
    assert api.post(f"{url}/terms", {"name": "9th term", "start": "2021-01-01"}).status_code == 201

    body = api.get(url).json()

    assert body["owner_unit"]["code"] == "COMM"
    assert body["member_count"] == 1
    assert [(m["unit"]["code"], m["position"]) for m in body["members"]] == [("OWN", "member")]
    assert [t["name"] for t in body["terms"]] == ["9th term"]


def test_council_member_reads_the_body_and_an_outsider_does_not(world: Any) -> None:
    url = f"/bodies/{world.council.pk}"

    assert api_as(world, "council_member").get(url).status_code == 200
    outsider = api_as(world, "nobody")
    assert_error_shape(outsider.get(url), 404, "not_found")
    assert outsider.get("/bodies").json() == {"items": [], "count": 0}


def test_overlapping_terms_are_refused(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/bodies/{world.council.pk}/terms"
    api.post(url, {"name": "9th term", "start": "2021-01-01", "end": "2025-12-31"})

    response = api.post(url, {"name": "10th term", "start": "2025-06-01"})

    assert "start" in assert_error_shape(response, 422)["detail"]


def test_seat_a_unit_and_a_person(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/bodies/{world.council.pk}"
    term = api.post(f"{url}/terms", {"name": "9th term", "start": "2021-01-01"}).json()

    unit_seat = api.post(
        f"{url}/members",
        {"unit_id": world.sibling.pk, "term_id": term["id"], "start": "2024-01-01"},
    )
    person_seat = api.post(
        f"{url}/members",
        {
            "user_id": world.users["council_member"].pk,
            "position": "vice_chair",
            "weight": "2",
            "start": "2024-01-01",
        },
    )

    assert unit_seat.status_code == 201, unit_seat.content
    assert unit_seat.json()["term_id"] == term["id"]
    assert person_seat.status_code == 201, person_seat.content
    assert person_seat.json()["user"]["username"] == "councillor"
    assert api.get(url).json()["member_count"] == 3


def test_seat_references_are_checked(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/bodies/{world.council.pk}/members"
    start = "2024-01-01"
    other_body = BodyFactory(owner_unit=world.committee)
    other_term = api.post(f"/bodies/{other_body.pk}/terms", {"name": "T", "start": start}).json()

    cases = {
        "unit_id": {"unit_id": world.other.pk},
        "user_id": {"user_id": world.users["nobody"].pk},
        "term_id": {"unit_id": world.sibling.pk, "term_id": other_term["id"]},
    }
    for field, data in cases.items():
        response = api.post(url, {**data, "start": start})
        assert field in assert_error_shape(response, 422)["detail"], field
    both = {"unit_id": world.sibling.pk, "user_id": world.users["viewer"].pk, "start": start}
    assert "unit_id" in assert_error_shape(api.post(url, both), 422)["detail"]
    again = api.post(url, {"unit_id": world.own.pk, "start": start})
    assert "start" in assert_error_shape(again, 422)["detail"]


def test_end_a_seat(world: Any) -> None:
    seat = BodyMember.objects.get(body=world.council, unit=world.own)
    api = api_as(world, "committee_staff")

    response = api.post(f"/bodies/{world.council.pk}/members/{seat.pk}/end", {"end": "2024-06-30"})

    assert response.status_code == 200, response.content
    assert response.json()["end"] == "2024-06-30"
    assert api.get(f"/bodies/{world.council.pk}").json()["members"] == []


def test_staff_create_and_update_a_body(world: Any) -> None:
    api = api_as(world, "committee_staff")

    response = api.post(
        "/bodies",
        {"owner_unit_id": world.committee.pk, "name": "Standing council", "kind": "standing_board"},
    )
    assert response.status_code == 201, response.content
    body_id = response.json()["id"]
    response = api.patch(f"/bodies/{body_id}", {"is_active": False})
    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["kind"]) == (False, "standing_board")
    bad = api.patch(f"/bodies/{body_id}", {"kind": "club"})
    assert "kind" in assert_error_shape(bad, 422)["detail"]


def test_only_staff_over_the_owner_change_bodies(world: Any) -> None:
    member = api_as(world, "council_member")

    assert_error_shape(member.patch(f"/bodies/{world.council.pk}", {"name": "x"}), 403)
    assert_error_shape(
        member.post(f"/bodies/{world.council.pk}/terms", {"name": "x", "start": "2024-01-01"}),
        403,
    )
    response = api_as(world, "unit_officer").post(
        "/bodies", {"owner_unit_id": world.own.pk, "name": "Board", "kind": "committee"}
    )
    assert_error_shape(response, 403)


def test_search_and_filters(world: Any) -> None:
    BodyFactory(name="Board of supervisors", kind="supervisory_board", owner_unit=world.own)
    api = api_as(world, "committee_staff")

    def names(**params: Any) -> set[str]:
        return {b["name"] for b in api.get("/bodies", **params).json()["items"]}

    assert names() == {"Council", "Board of supervisors"}
    assert names(q="board") == {"Board of supervisors"}
    assert names(kind="council") == {"Council"}
    assert names(owner=world.own.pk) == {"Board of supervisors"}


def test_list_query_count_does_not_grow_with_rows(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    api = api_as(world, "committee_staff")

    def add_bodies(n: int) -> None:
        for _ in range(n):
            body = BodyFactory(owner_unit=world.committee)
            body_member_add(actor=None, body=body, unit=world.sibling, start=dt.date(2024, 1, 1))

    add_bodies(9)
    api.get("/bodies")  # the first call records the token's use
    with django_assert_max_num_queries(4):
        assert api.get("/bodies", page_size=100).json()["count"] == 10
    add_bodies(20)
    with django_assert_max_num_queries(4):
        assert api.get("/bodies", page_size=100).json()["count"] == 30
