"""The unit screens: tree, search, detail, create, edit, move, and unit types."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pacesetter.audit.selectors import audit_entries_for
from pacesetter.units.models import Unit, UnitType
from pacesetter.units.services import unit_update
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client: Any, world: Any, role: str) -> Any:
    client.force_login(world.users[role])
    return client


def unit_form(unit_type: UnitType, **overrides: Any) -> dict[str, Any]:
    """The form's data: texts in English, the source (``name`` is ``name_en``)."""
    data = {
        "code": "NEW",
        "source_language": "en",
        "name_en": "New unit",
        "unit_type": unit_type.pk,
    }
    translated = ("name", "short_name", "industry", "area")
    data.update({f"{k}_en" if k in translated else k: v for k, v in overrides.items()})
    return data


# --- Tree ------------------------------------------------------------------------------


def test_tree_shows_the_users_top_units(client, world):
    response = login(client, world, "committee_staff").get(reverse("units:tree"))
    assert response.status_code == 200
    assert "Province" in response.text
    assert "Other root" not in response.text

    response = login(client, world, "unit_officer").get(reverse("units:tree"))
    assert "Own unit" in response.text
    assert "Province" not in response.text


def test_tree_is_empty_for_a_user_without_roles(client, world):
    response = login(client, world, "nobody").get(reverse("units:tree"))
    assert response.status_code == 200
    assert "You do not see any unit yet" in response.text


def test_tree_requires_login(client, world):
    response = client.get(reverse("units:tree"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_children_fragment_for_htmx(client, world):
    response = login(client, world, "committee_staff").get(
        reverse("units:children", args=[world.root.pk]), **HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Own unit" in response.text
    assert "Sibling unit" in response.text
    assert "Child unit" not in response.text  # grandchildren load when opened


def test_children_without_htmx_is_a_page(client, world):
    response = login(client, world, "committee_staff").get(
        reverse("units:children", args=[world.own.pk])
    )
    assert response.status_code == 200
    assert "<html" in response.text
    assert "Child unit" in response.text


def test_children_of_an_invisible_unit_are_not_found(client, world):
    response = login(client, world, "unit_officer").get(
        reverse("units:children", args=[world.root.pk]), **HTMX
    )
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [10, 30])
def test_children_query_count_is_constant(client, world, django_assert_max_num_queries, rows):
    parent = UnitFactory(parent=world.root, name="Parent")
    for _ in range(rows):
        UnitFactory(parent=UnitFactory(parent=parent))  # each child has a child
    login(client, world, "committee_staff")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("units:children", args=[parent.pk]), **HTMX)
    assert response.text.count("<details") == rows


# --- Search ----------------------------------------------------------------------------


def test_search_finds_visible_units_by_code_and_name(client, world):
    login(client, world, "committee_staff")
    response = client.get(reverse("units:list"), {"q": "own"})
    assert response.status_code == 200
    assert "Own unit" in response.text
    assert "Sibling unit" not in response.text
    response = client.get(reverse("units:list"), {"q": "SIB"})
    assert "Sibling unit" in response.text


def test_search_filters_by_type_and_state(client, world):
    login(client, world, "committee_staff")
    enterprise = UnitType.objects.get(code="enterprise")
    response = client.get(reverse("units:list"), {"unit_type": enterprise.pk})
    assert "Own unit" in response.text
    assert "Committee" not in response.text.split("<table")[1]
    unit_update(actor=None, unit=world.sibling, active_to="2025-01-01")
    response = client.get(reverse("units:list"), {"active": "0"})
    assert "Sibling unit" in response.text
    assert "Own unit" not in response.text


def test_search_does_not_show_other_units(client, world):
    response = login(client, world, "unit_officer").get(reverse("units:list"), {"q": "Sibling"})
    assert response.status_code == 200
    assert "No units match your search." in response.text


def test_search_pages_by_25(client, world):
    for n in range(30):
        UnitFactory(parent=world.root, name=f"Paged {n:02d}")
    login(client, world, "committee_staff")
    response = client.get(reverse("units:list"), {"q": "Paged"})
    assert response.text.count("Paged ") == 25
    assert "Page 1 of 2" in response.text
    response = client.get(reverse("units:list"), {"q": "Paged", "page": 2})
    assert response.text.count("Paged ") == 5


@pytest.mark.parametrize("rows", [10, 30])
def test_search_query_count_is_constant(client, world, django_assert_max_num_queries, rows):
    for n in range(rows):
        UnitFactory(parent=world.root, name=f"Counted {n:02d}")
    login(client, world, "committee_staff")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("units:list"), {"q": "Counted"})
    assert response.text.count("Counted ") == min(rows, 25)


# --- Detail and history ----------------------------------------------------------------


def test_detail_shows_attributes_breadcrumb_clusters_and_history(client, world):
    response = login(client, world, "committee_staff").get(
        reverse("units:detail", args=[world.own.pk])
    )
    assert response.status_code == 200
    text = response.text
    assert "<h1>Own unit" in text
    assert "Province" in text.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert "Child unit" in text
    assert "Cluster A" in text
    assert "Leader" in text and "2024" in text
    assert "created" in text  # the history has the unit.create entry
    assert reverse("units:move", args=[world.own.pk]) in text


def test_detail_for_an_officer_shows_edit_but_not_manage_actions(client, world):
    response = login(client, world, "unit_officer").get(
        reverse("units:detail", args=[world.own.pk])
    )
    assert response.status_code == 200
    assert reverse("units:edit", args=[world.own.pk]) in response.text
    assert reverse("units:move", args=[world.own.pk]) not in response.text
    assert reverse("units:create_child", args=[world.own.pk]) not in response.text


def test_detail_for_a_viewer_shows_no_actions(client, world):
    response = login(client, world, "viewer").get(reverse("units:detail", args=[world.own.pk]))
    assert response.status_code == 200
    assert reverse("units:edit", args=[world.own.pk]) not in response.text


@pytest.mark.parametrize("role", ["unit_officer", "viewer", "nobody", "council_member"])
def test_detail_of_an_invisible_unit_is_not_found(client, world, role):
    response = login(client, world, role).get(reverse("units:detail", args=[world.other.pk]))
    assert response.status_code == 404


def test_history_is_limited_on_the_detail_and_paged(client, world):
    for n in range(55):
        unit_update(actor=None, unit=world.own, industry=f"Industry {n}")
    login(client, world, "committee_staff")
    response = client.get(reverse("units:detail", args=[world.own.pk]))
    assert len(response.context["history"]) == 50
    assert "Industry 54" in response.text  # newest first
    assert reverse("units:history", args=[world.own.pk]) in response.text
    response = client.get(reverse("units:history", args=[world.own.pk]), {"page": 2})
    assert response.status_code == 200
    assert "Page 2 of 2" in response.text


# --- Create, edit, move ----------------------------------------------------------------


def test_staff_creates_a_child_unit(client, world):
    login(client, world, "committee_staff")
    url = reverse("units:create_child", args=[world.own.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, unit_form(world.own.unit_type, employees="120"))
    unit = Unit.objects.get(code="NEW")
    assert response.status_code == 302
    assert response["Location"] == reverse("units:detail", args=[unit.pk])
    assert unit.parent == world.own
    assert unit.path.startswith(world.own.path)
    assert unit.employees == 120
    assert audit_entries_for(unit).filter(action="unit.create").exists()
    assert "created" in client.get(response["Location"]).text


def test_creating_a_child_with_a_duplicate_code_shows_the_error(client, world):
    login(client, world, "committee_staff")
    before = Unit.objects.count()
    response = client.post(
        reverse("units:create_child", args=[world.own.pk]),
        unit_form(world.own.unit_type, code="SIB"),
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Unit.objects.count() == before


def test_creating_a_child_with_end_before_start_shows_the_error(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("units:create_child", args=[world.own.pk]),
        unit_form(world.own.unit_type, active_from="2024-05-01", active_to="2024-01-01"),
    )
    assert response.status_code == 200
    assert "active_to" in response.context["form"].errors
    assert not Unit.objects.filter(code="NEW").exists()


def test_creating_under_an_inactive_unit_shows_the_service_error(client, world):
    unit_update(actor=None, unit=world.child, active_to="2025-01-01")
    login(client, world, "committee_staff")
    response = client.post(
        reverse("units:create_child", args=[world.child.pk]), unit_form(world.own.unit_type)
    )
    assert response.status_code == 200
    assert "under an inactive unit" in response.text
    assert not Unit.objects.filter(code="NEW").exists()


def test_officer_may_not_create_children(client, world):
    login(client, world, "unit_officer")
    url = reverse("units:create_child", args=[world.own.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, unit_form(world.own.unit_type)).status_code == 403
    assert not Unit.objects.filter(code="NEW").exists()


def test_officer_edits_the_attributes_of_their_unit(client, world):
    login(client, world, "unit_officer")
    url = reverse("units:edit", args=[world.own.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        unit_form(world.own.unit_type, code="OWN", name="Own unit renamed", area="Thanh Hoa"),
    )
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert world.own.name == "Own unit renamed"
    assert world.own.area == "Thanh Hoa"
    assert audit_entries_for(world.own).filter(action="unit.update").exists()


def test_an_edit_from_a_page_opened_before_another_save_is_refused(client, world):
    """Two people open the unit's edit page; the second to save is told, and keeps the
    first one's change."""
    login(client, world, "unit_officer")
    url = reverse("units:edit", args=[world.own.pk])
    opened = client.get(url).context["form"]["version"].value()
    first = unit_form(world.own.unit_type, code="OWN", name="First name", version=opened)
    assert client.post(url, first).status_code == 302
    second = unit_form(world.own.unit_type, code="OWN", name="Second name", version=opened)
    response = client.post(url, second)
    assert response.status_code == 200
    assert "Someone else saved this unit since you opened it" in response.text
    world.own.refresh_from_db()
    assert (world.own.name, world.own.version) == ("First name", opened + 1)


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("nobody", 404)])
def test_edit_is_refused(client, world, role, status):
    url = reverse("units:edit", args=[world.own.pk])
    response = login(client, world, role).post(url, unit_form(world.own.unit_type, code="OWN"))
    assert response.status_code == status
    world.own.refresh_from_db()
    assert world.own.name == "Own unit"


def test_staff_moves_a_unit(client, world):
    login(client, world, "committee_staff")
    url = reverse("units:move", args=[world.child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"parent": world.sibling.pk})
    assert response.status_code == 302
    world.child.refresh_from_db()
    assert world.child.parent == world.sibling
    assert world.child.path.startswith(world.sibling.path)


def test_moving_a_unit_under_its_own_child_is_refused(client, world):
    login(client, world, "committee_staff")
    response = client.post(reverse("units:move", args=[world.own.pk]), {"parent": world.child.pk})
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    world.own.refresh_from_db()
    assert world.own.parent == world.root


def test_moving_needs_manage_on_the_new_parent(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("units:move", args=[world.child.pk]), {"parent": world.other_root.pk}
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    world.child.refresh_from_db()
    assert world.child.parent == world.own


def test_officer_may_not_move(client, world):
    response = login(client, world, "unit_officer").post(
        reverse("units:move", args=[world.child.pk]), {"parent": world.own.pk}
    )
    assert response.status_code == 403


# --- Unit types ------------------------------------------------------------------------


def test_unit_type_list_for_everyone_signed_in(client, world):
    response = login(client, world, "viewer").get(reverse("units:type_list"))
    assert response.status_code == 200
    assert "Enterprise" in response.text
    assert reverse("units:type_create") not in response.text


def test_root_staff_creates_and_edits_a_unit_type(client, world):
    login(client, world, "committee_staff")
    assert reverse("units:type_create") in client.get(reverse("units:type_list")).text
    response = client.post(
        reverse("units:type_create"),
        {"code": "jsc", "source_language": "en", "name_en": "Joint-stock company"},
    )
    assert response.status_code == 302
    unit_type = UnitType.objects.get(code="jsc")
    response = client.post(
        reverse("units:type_edit", args=[unit_type.pk]),
        {
            "code": "jsc",
            "source_language": "en",
            "name_en": "JSC (50–100% state capital)",
            "description": "",
        },
    )
    assert response.status_code == 302
    unit_type.refresh_from_db()
    assert unit_type.name == "JSC (50–100% state capital)"
    assert unit_type.is_active is False  # an unchecked box retires the type


def test_duplicate_unit_type_code_shows_the_error(client, world):
    login(client, world, "committee_staff")
    before = UnitType.objects.count()
    response = client.post(
        reverse("units:type_create"),
        {"code": "enterprise", "source_language": "en", "name_en": "Dup"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert UnitType.objects.count() == before


def test_officer_may_not_touch_unit_types(client, world):
    login(client, world, "unit_officer")
    assert client.get(reverse("units:type_create")).status_code == 403
    unit_type = UnitTypeFactory()
    response = client.post(
        reverse("units:type_edit", args=[unit_type.pk]),
        {"code": "x", "source_language": "en", "name_en": "x"},
    )
    assert response.status_code == 403


def test_history_names_related_objects_and_fields(client, world):
    from pacesetter.units.services import unit_move, unit_update
    from pacesetter.units.tests.factories import UnitTypeFactory

    staff = world.users["committee_staff"]
    unit_move(actor=staff, unit=world.own, new_parent=world.committee)
    unit_update(actor=staff, unit=world.own, unit_type=UnitTypeFactory(name="Joint-stock company"))
    client.force_login(staff)
    response = client.get(reverse("units:history", args=[world.own.pk]))
    text = response.content.decode()
    assert "Parent unit</b>: Province → Committee" in text
    assert "Unit type</b>: Enterprise → Joint-stock company" in text
