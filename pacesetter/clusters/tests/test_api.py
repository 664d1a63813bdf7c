"""Clusters, their members and yearly leaders through /api/v1/clusters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pacesetter.clusters.models import ClusterLeadership, ClusterMembership
from pacesetter.clusters.services import cluster_member_add
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def api_as(world: Any, role: str) -> ApiClient:
    return ApiClient(world.users[role])


def codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


def test_detail_shows_current_members_and_leaders(world: Any) -> None:
    response = api_as(world, "committee_staff").get(f"/clusters/{world.cluster.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["owner_unit"]["code"] == "COMM"
    assert body["member_count"] == 2
    assert {m["unit"]["code"] for m in body["members"]} == {"OWN", "SIB"}
    assert body["members"][0]["unit"]["unit_type"]["code"] == "enterprise"
    assert [(ld["year"], ld["role"], ld["unit"]["code"]) for ld in body["leaders"]] == [
        (2024, "leader", "OWN")
    ]


def test_member_sees_own_cluster_only(world: Any) -> None:
    api = api_as(world, "unit_officer")

    assert codes(api.get("/clusters")) == {"CA"}
    assert api.get(f"/clusters/{world.cluster.pk}").status_code == 200
    assert_error_shape(api.get(f"/clusters/{world.other_cluster.pk}"), 404, "not_found")


def test_member_cannot_change_the_cluster(world: Any) -> None:
    api = api_as(world, "unit_officer")
    url = f"/clusters/{world.cluster.pk}"

    assert_error_shape(api.patch(url, {"name": "Mine"}), 403, "forbidden")
    assert_error_shape(
        api.post(f"{url}/members", {"unit_id": world.child.pk, "start": "2024-01-01"}), 403
    )


def test_new_leader_for_the_same_year_keeps_the_old_one(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/clusters/{world.cluster.pk}"

    response = api.post(
        f"{url}/leaders",
        {"year": 2024, "role": "leader", "unit_id": world.sibling.pk, "assigned_on": "2024-07-01"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["unit"]["code"] == "SIB"
    leaders = api.get(url).json()["leaders"]
    assert {(ld["unit"]["code"], ld["ended_on"]) for ld in leaders} == {
        ("SIB", None),
        ("OWN", "2024-07-01"),
    }


def test_deputy_and_leader_per_year(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/clusters/{world.cluster.pk}/leaders"

    deputy = {"year": 2024, "role": "deputy", "unit_id": world.sibling.pk}
    assert api.post(url, {**deputy, "assigned_on": "2024-03-27"}).status_code == 201
    # The leader cannot also be the deputy.
    response = api.post(url, {**deputy, "unit_id": world.own.pk, "assigned_on": "2024-04-01"})
    assert "unit" in assert_error_shape(response, 422)["detail"]
    response = api.post(url, {**deputy, "role": "chair", "assigned_on": "2024-04-01"})
    assert "role" in assert_error_shape(response, 422)["detail"]


def test_leader_must_be_a_member(world: Any) -> None:
    response = api_as(world, "committee_staff").post(
        f"/clusters/{world.cluster.pk}/leaders",
        {"year": 2024, "role": "deputy", "unit_id": world.child.pk, "assigned_on": "2024-02-01"},
    )

    assert "unit" in assert_error_shape(response, 422)["detail"]
    assert not ClusterLeadership.objects.filter(unit=world.child).exists()


def test_add_and_end_a_membership(world: Any) -> None:
    api = api_as(world, "committee_staff")
    url = f"/clusters/{world.cluster.pk}/members"

    response = api.post(url, {"unit_id": world.child.pk, "start": "2024-01-01"})
    assert response.status_code == 201, response.content
    membership_id = response.json()["id"]
    assert api.get(f"/clusters/{world.cluster.pk}").json()["member_count"] == 3

    again = api.post(url, {"unit_id": world.child.pk, "start": "2024-06-01"})
    assert "start" in assert_error_shape(again, 422)["detail"]

    response = api.post(f"{url}/{membership_id}/end", {"end": "2024-12-31"})
    assert response.status_code == 200, response.content
    assert response.json()["end"] == "2024-12-31"
    ended = api.post(f"{url}/{membership_id}/end", {"end": "2025-01-31"})
    assert "end" in assert_error_shape(ended, 422)["detail"]


def test_a_membership_ending_before_it_starts_is_refused_in_words(world: Any) -> None:
    response = api_as(world, "committee_staff").post(
        f"/clusters/{world.cluster.pk}/members",
        {"unit_id": world.child.pk, "start": "2024-06-01", "end": "2024-01-01"},
    )
    body = assert_error_shape(response, 422)
    assert body["detail"] == {"__all__": ["The end date cannot be before the start date."]}
    assert not ClusterMembership.objects.filter(unit=world.child).exists()


def test_membership_of_another_cluster_cannot_be_ended_here(world: Any) -> None:
    other = ClusterMembership.objects.get(cluster=world.other_cluster)

    response = api_as(world, "superuser").post(
        f"/clusters/{world.cluster.pk}/members/{other.pk}/end", {"end": "2024-12-31"}
    )

    assert_error_shape(response, 404)


def test_a_unit_outside_scope_cannot_be_added(world: Any) -> None:
    response = api_as(world, "committee_staff").post(
        f"/clusters/{world.cluster.pk}/members", {"unit_id": world.other.pk, "start": "2024-01-01"}
    )

    assert "unit_id" in assert_error_shape(response, 422)["detail"]


def test_staff_create_and_update_a_cluster(world: Any) -> None:
    api = api_as(world, "committee_staff")

    response = api.post(
        "/clusters",
        {"owner_unit_id": world.committee.pk, "code": "C18", "name": "Emulation cluster No. 18"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["member_count"], created["members"], created["decision"]) == (0, [], None)

    decision = api.post(
        "/decisions",
        {
            "owner_unit_id": world.committee.pk,
            "number": "1197/QD-UBND",
            "date": "2024-03-27",
            "issuer": "Chairman of the provincial People's Committee",
        },
    ).json()
    response = api.patch(
        f"/clusters/{created['id']}", {"decision_id": decision["id"], "description": "7 units"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["decision"]["number"] == "1197/QD-UBND"
    assert response.json()["description"] == "7 units"
    assert response.json()["name"] == "Emulation cluster No. 18"

    duplicate = api.post(
        "/clusters", {"owner_unit_id": world.committee.pk, "code": "C18", "name": "Again"}
    )
    assert "code" in assert_error_shape(duplicate, 422)["detail"]


def test_creating_a_cluster_needs_manage_on_the_owner(world: Any) -> None:
    data = {"owner_unit_id": world.own.pk, "code": "X1", "name": "Mine"}

    assert_error_shape(api_as(world, "unit_officer").post("/clusters", data), 403)
    response = api_as(world, "committee_staff").post(
        "/clusters", {**data, "owner_unit_id": world.other_root.pk}
    )
    assert "owner_unit_id" in assert_error_shape(response, 422)["detail"]


def test_search_and_owner_filter(world: Any) -> None:
    api = api_as(world, "superuser")

    assert codes(api.get("/clusters", q="cluster b")) == {"CB"}
    assert codes(api.get("/clusters", owner=world.root.pk)) == {"CA"}
    assert api.get("/clusters", page_size=1).json()["count"] == 2


def test_list_query_count_does_not_grow_with_rows(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    api = api_as(world, "committee_staff")

    def add_clusters(n: int) -> None:
        for _ in range(n):
            cluster = ClusterFactory(owner_unit=world.committee)
            unit = UnitFactory(parent=world.committee)
            cluster_member_add(actor=None, cluster=cluster, unit=unit, start=dt.date(2024, 1, 1))

    add_clusters(9)
    api.get("/clusters")  # the first call records the token's use
    with django_assert_max_num_queries(4):
        assert api.get("/clusters", page_size=100).json()["count"] == 10
    add_clusters(20)
    with django_assert_max_num_queries(4):
        assert api.get("/clusters", page_size=100).json()["count"] == 30
