"""The unit tree and unit types through /api/v1/units and /api/v1/unit-types."""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.models import Unit, UnitType
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

pytestmark = pytest.mark.django_db


def api_as(world: Any, role: str) -> ApiClient:
    return ApiClient(world.users[role])


def codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


# --- visibility ------------------------------------------------------------------------


def test_unit_officer_lists_only_own_subtree(world: Any) -> None:
    response = api_as(world, "unit_officer").get("/units")

    assert codes(response) == {"OWN", "CHILD"}
    assert response.json()["count"] == 2


def test_unit_officer_cannot_open_another_unit(world: Any) -> None:
    api = api_as(world, "unit_officer")

    assert_error_shape(api.get(f"/units/{world.other.pk}"), 404, "not_found")
    assert_error_shape(api.get(f"/units/{world.sibling.pk}"), 404, "not_found")
    assert api.get(f"/units/{world.child.pk}").status_code == 200


def test_staff_lists_their_subtree_but_not_another_root(world: Any) -> None:
    response = api_as(world, "committee_staff").get("/units")

    assert codes(response) == {"PROV", "COMM", "OWN", "CHILD", "SIB"}


def test_detail_shows_visible_ancestors_and_children(world: Any) -> None:
    staff = api_as(world, "committee_staff").get(f"/units/{world.own.pk}").json()
    officer = api_as(world, "unit_officer").get(f"/units/{world.child.pk}").json()

    assert staff["code"] == "OWN"
    assert staff["unit_type"]["code"] == "enterprise"
    assert [a["code"] for a in staff["ancestors"]] == ["PROV"]
    assert [(c["code"], c["child_count"]) for c in staff["children"]] == [("CHILD", 0)]
    # The officer does not see the province above their unit.
    assert [a["code"] for a in officer["ancestors"]] == ["OWN"]


def test_anonymous_request_is_refused(world: Any) -> None:
    assert_error_shape(ApiClient().get("/units"), 401, "unauthenticated")


# --- create ----------------------------------------------------------------------------


def new_unit(world: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "parent_id": world.own.pk,
        "code": "NEW",
        "name": "New branch",
        "unit_type_id": world.own.unit_type_id,
        "employees": 40,
        **overrides,
    }


def test_staff_creates_a_child_unit(world: Any) -> None:
    response = api_as(world, "committee_staff").post("/units", new_unit(world))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent_id"] == world.own.pk
    assert body["depth"] == world.own.depth + 1
    assert body["employees"] == 40
    assert [a["code"] for a in body["ancestors"]] == ["PROV", "OWN"]
    created = Unit.objects.get(code="NEW")
    assert created.path.startswith(world.own.path)


def test_unit_officer_cannot_add_units(world: Any) -> None:
    response = api_as(world, "unit_officer").post("/units", new_unit(world))

    assert_error_shape(response, 403, "forbidden")
    assert not Unit.objects.filter(code="NEW").exists()


def test_only_a_superuser_creates_a_top_level_unit(world: Any) -> None:
    data = new_unit(world, parent_id=None, code="ROOT2")

    assert_error_shape(api_as(world, "committee_staff").post("/units", data), 403)
    response = api_as(world, "superuser").post("/units", data)
    assert response.status_code == 201, response.content
    assert response.json()["depth"] == 0


def test_duplicate_code_is_a_422_naming_code(world: Any) -> None:
    response = api_as(world, "committee_staff").post("/units", new_unit(world, code="SIB"))

    body = assert_error_shape(response, 422, "invalid")
    assert "code" in body["detail"]


def test_a_parent_outside_the_users_scope_cannot_be_named(world: Any) -> None:
    response = api_as(world, "committee_staff").post(
        "/units", new_unit(world, parent_id=world.other.pk)
    )

    body = assert_error_shape(response, 422)
    assert "parent_id" in body["detail"]


def test_unknown_unit_type_is_a_422(world: Any) -> None:
    response = api_as(world, "committee_staff").post(
        "/units", new_unit(world, unit_type_id=999_999)
    )

    assert "unit_type_id" in assert_error_shape(response, 422)["detail"]


def test_missing_required_field_is_a_422(world: Any) -> None:
    data = new_unit(world)
    del data["name"]

    body = assert_error_shape(api_as(world, "committee_staff").post("/units", data), 422)
    assert any("name" in e["loc"] for e in body["detail"])


# --- update and move -------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(world: Any) -> None:
    api = api_as(world, "unit_officer")

    response = api.patch(f"/units/{world.own.pk}", {"short_name": "Own", "employees": 120})

    assert response.status_code == 200, response.content
    world.own.refresh_from_db()
    assert (world.own.short_name, world.own.employees) == ("Own", 120)
    assert world.own.name == "Own unit"
    assert world.own.parent_id == world.root.pk


def test_a_patch_with_a_stale_version_is_a_409_and_changes_nothing(world: Any) -> None:
    api = api_as(world, "committee_staff")
    read = api.get(f"/units/{world.own.pk}").json()["version"]
    assert api.patch(f"/units/{world.own.pk}", {"area": "A", "version": read}).status_code == 200
    response = api.patch(
        f"/units/{world.own.pk}", {"area": "B", "parent_id": world.sibling.pk, "version": read}
    )
    assert assert_error_shape(response, 409)["code"] == "stale_version"
    world.own.refresh_from_db()
    assert (world.own.area, world.own.parent_id, world.own.version) == (
        "A",
        world.root.pk,
        read + 1,
    )


def test_patch_with_a_bad_value_is_a_422(world: Any) -> None:
    response = api_as(world, "committee_staff").patch(
        f"/units/{world.own.pk}", {"ownership_type": "nonsense"}
    )

    assert "ownership_type" in assert_error_shape(response, 422)["detail"]


def test_an_active_period_ending_before_it_starts_is_refused_in_words(world: Any) -> None:
    response = api_as(world, "committee_staff").patch(
        f"/units/{world.own.pk}", {"active_from": "2024-03-01", "active_to": "2023-03-01"}
    )

    assert assert_error_shape(response, 422)["detail"] == {
        "__all__": ["The end of the active period cannot be before its start."]
    }
    world.own.refresh_from_db()
    assert world.own.active_to is None


def test_staff_moves_a_unit_and_its_subtree_follows(world: Any) -> None:
    old_child_path = world.child.path

    response = api_as(world, "committee_staff").patch(
        f"/units/{world.own.pk}", {"parent_id": world.sibling.pk, "name": "Moved unit"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["parent_id"] == world.sibling.pk
    assert response.json()["name"] == "Moved unit"
    world.own.refresh_from_db()
    world.child.refresh_from_db()
    assert world.own.parent_id == world.sibling.pk
    assert world.child.path != old_child_path
    assert world.child.path.startswith(world.sibling.path + world.own.path.split("/")[-2])
    assert world.child.depth == world.sibling.depth + 2


def test_a_unit_cannot_be_moved_into_its_own_subtree(world: Any) -> None:
    response = api_as(world, "committee_staff").patch(
        f"/units/{world.own.pk}", {"parent_id": world.child.pk}
    )

    assert "parent" in assert_error_shape(response, 422)["detail"]


def test_unit_officer_may_edit_but_not_move(world: Any) -> None:
    api = api_as(world, "unit_officer")

    response = api.patch(f"/units/{world.child.pk}", {"parent_id": world.root.pk})
    assert_error_shape(response, 403, "forbidden")
    world.child.refresh_from_db()
    assert world.child.parent_id == world.own.pk
    assert_error_shape(api.patch(f"/units/{world.other.pk}", {"name": "x"}), 404)


def test_sending_the_unchanged_parent_back_is_not_a_move(world: Any) -> None:
    response = api_as(world, "unit_officer").patch(
        f"/units/{world.child.pk}", {"parent_id": world.own.pk, "name": "Renamed"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Renamed"


def test_moving_under_a_unit_outside_scope_is_refused(world: Any) -> None:
    response = api_as(world, "committee_staff").patch(
        f"/units/{world.own.pk}", {"parent_id": world.other.pk}
    )

    assert "parent_id" in assert_error_shape(response, 422)["detail"]
    world.own.refresh_from_db()
    assert world.own.parent_id == world.root.pk


# --- paging, search, filters -----------------------------------------------------------


def test_paging(world: Any) -> None:
    for i in range(30):
        UnitFactory(parent=world.committee, code=f"P{i:02d}")
    api = api_as(world, "committee_staff")

    first = api.get("/units", page_size=10).json()
    third = api.get("/units", page_size=10, page=4).json()
    default = api.get("/units").json()

    assert first["count"] == 35
    assert len(first["items"]) == 10
    assert len(third["items"]) == 5
    assert len(default["items"]) == 25
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in third["items"]}


def test_search_and_filters(world: Any) -> None:
    api = api_as(world, "committee_staff")
    enterprise = world.own.unit_type_id

    assert codes(api.get("/units", q="sibl")) == {"SIB"}
    assert codes(api.get("/units", type=enterprise)) == {"OWN", "CHILD", "SIB"}
    assert codes(api.get("/units", parent=world.root.pk)) == {"COMM", "OWN", "SIB"}
    assert codes(api.get("/units", within=world.own.pk)) == {"OWN", "CHILD"}
    assert codes(api.get("/units", active=False)) == set()
    assert codes(api.get("/units", q="unit", within=world.own.pk)) == {"OWN", "CHILD"}
    assert "within" in assert_error_shape(api.get("/units", within=world.other.pk), 422)["detail"]


def test_list_query_count_does_not_grow_with_rows(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    api = api_as(world, "committee_staff")
    for i in range(5):
        UnitFactory(parent=world.committee, code=f"Q{i:02d}")
    api.get("/units")  # the first call records the token's use

    with django_assert_max_num_queries(4):
        assert api.get("/units", page_size=100).json()["count"] == 10
    for i in range(5, 25):
        UnitFactory(parent=world.committee, code=f"Q{i:02d}", unit_type=UnitTypeFactory())
    with django_assert_max_num_queries(4):
        assert api.get("/units", page_size=100).json()["count"] == 30


# --- unit types ------------------------------------------------------------------------


def test_everyone_signed_in_reads_unit_types(world: Any) -> None:
    response = api_as(world, "unit_officer").get("/unit-types", q="enter")

    assert codes(response) == {"enterprise"}


def test_root_staff_create_and_change_unit_types(world: Any) -> None:
    api = api_as(world, "committee_staff")

    response = api.post("/unit-types", {"code": "union", "name": "Grassroots union"})
    assert response.status_code == 201, response.content
    type_id = response.json()["id"]
    response = api.patch(f"/unit-types/{type_id}", {"is_active": False})
    assert response.status_code == 200
    assert response.json() == {
        "id": type_id,
        "code": "union",
        "name": "Grassroots union",
        "description": "",
        "source_language": "en",
        "translations": {"name": {"en": "Grassroots union"}, "description": {}},
        "is_active": False,
        "version": 2,  # created at 1, changed once
    }
    assert_error_shape(api.post("/unit-types", {"code": "union", "name": "Again"}), 422)


def test_unit_officer_cannot_change_unit_types(world: Any) -> None:
    api = api_as(world, "unit_officer")
    enterprise = UnitType.objects.get(code="enterprise")

    assert_error_shape(api.post("/unit-types", {"code": "x", "name": "X"}), 403)
    assert_error_shape(api.patch(f"/unit-types/{enterprise.pk}", {"name": "X"}), 403)
