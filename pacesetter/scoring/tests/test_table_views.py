"""The scoring table screens: list, the tree, create, add and edit criteria, adopt, clone."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.scoring.models import Criterion, ScoringTable, TableState
from pacesetter.scoring.services import criterion_add, table_create
from pacesetter.scoring.tests.conftest import build_table

pytestmark = pytest.mark.django_db


def login(client: Any, world: Any, role: str) -> Any:
    client.force_login(world.users[role])
    return client


@pytest.fixture
def draft(world: Any) -> ScoringTable:
    table = table_create(actor=None, owner_unit=world.committee, name="Draft table", year=2025)
    group = criterion_add(
        actor=None, table=table, code="G1", title="Production", kind="group", max_points=D(50)
    )
    criterion_add(
        actor=None,
        table=table,
        code="Q1",
        title="Revenue",
        kind="quantitative",
        parent=group,
        max_points=D(30),
        zero_target="pass_fail",
    )
    return table


def criterion_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "C1",
        "source_language": "en",
        "title_en": "Initiatives",
        "kind": "count",
        "max_points": "20",
        "direction": "higher",
        "method": "proportional",
        "points_per_item": "5",
        "measure_en": "",
        "zero_target": "not_assigned",
        "position": "",
        "guidance_en": "",
    }
    data.update(overrides)
    return data


# --- List ------------------------------------------------------------------------------


def test_list_shows_visible_tables(client, world, draft):
    response = login(client, world, "committee_staff").get(reverse("scoring:table_list"))
    assert response.status_code == 200
    row = response.text.split("Draft table")[1].split("</tr>")[0]
    assert "2025" in row and "Committee" in row and "Draft" in row
    assert '<td class="num">1</td>' in row  # one criterion besides the group
    assert reverse("scoring:table_create") in response.text


def test_list_is_empty_for_others(client, world, draft):
    response = login(client, world, "unit_officer").get(reverse("scoring:table_list"))
    assert "Draft table" not in response.text
    assert "There are no scoring tables you may see." in response.text
    assert reverse("scoring:table_create") not in response.text


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_is_constant(client, world, django_assert_max_num_queries, rows):
    for n in range(rows):
        table = table_create(
            actor=None, owner_unit=world.committee, name=f"Counted {n:02d}", year=2024
        )
        criterion_add(actor=None, table=table, code="P", title="P", kind="pass_fail")
    login(client, world, "committee_staff")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("scoring:table_list"))
    assert response.text.count(">Counted ") == min(rows, 25)


# --- Detail ----------------------------------------------------------------------------


def test_detail_shows_the_tree_and_the_rules_in_words(client, world):
    table, _c = build_table(world.committee)
    response = login(client, world, "committee_staff").get(
        reverse("scoring:table_detail", args=[table.pk])
    )
    assert response.status_code == 200
    text = response.text
    assert 'id="state">Adopted<' in text
    q1 = text.split('id="criterion-Q1"')[1].split("</tr>")[0]
    assert "Proportional to target" in q1 and "Higher is better" in q1
    assert "If the target is missing or zero: not assigned" in q1
    assert "padding-left: 1.5em" in q1  # inside its group
    c1 = text.split('id="criterion-C1"')[1].split("</tr>")[0]
    assert "5 points per item, up to 20." in c1
    g1 = text.split('id="criterion-G1"')[1].split("</tr>")[0]
    assert "Criteria add up to 60" in g1
    assert "When it applies, the unit is ineligible for awards." in text
    assert 'id="base-total">100<' in text
    # Adopted: no editing, but cloning.
    assert reverse("scoring:criterion_add", args=[table.pk]) not in text
    assert reverse("scoring:table_clone", args=[table.pk]) in text


def test_detail_warns_about_a_group_over_its_maximum(client, world, draft):
    # As an import of old data could leave it: the group's maximum below its criteria.
    Criterion.objects.filter(table=draft, code="G1").update(max_points=D(20))
    text = (
        login(client, world, "committee_staff")
        .get(reverse("scoring:table_detail", args=[draft.pk]))
        .text
    )
    assert "The criteria of group G1 add up to 30, more than its maximum of 20." in text
    g1 = text.split('id="criterion-G1"')[1].split("</tr>")[0]
    assert "more than the group" in g1
    q1 = text.split('id="criterion-Q1"')[1].split("</tr>")[0]
    assert "If the target is missing or zero: pass/fail on the actual" in q1


def test_detail_is_hidden_from_outsiders(client, world, draft):
    url = reverse("scoring:table_detail", args=[draft.pk])
    assert login(client, world, "unit_officer").get(url).status_code == 404
    assert login(client, world, "nobody").get(url).status_code == 404


def test_a_participant_sees_the_table_of_its_campaign(client, world, scoring):
    url = reverse("scoring:table_detail", args=[scoring.table.pk])
    response = login(client, world, "unit_officer").get(url)
    assert response.status_code == 200
    assert reverse("scoring:table_clone", args=[scoring.table.pk]) not in response.text


# --- Create, criteria, adopt, clone -----------------------------------------------------


def test_create_a_table(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("scoring:table_create"),
        {
            "owner_unit": world.committee.pk,
            "source_language": "en",
            "name_en": "Cluster 18 table",
            "year": "2024",
        },
    )
    table = ScoringTable.objects.get(name_en="Cluster 18 table")
    assert response["Location"] == reverse("scoring:table_detail", args=[table.pk])
    assert table.state == TableState.DRAFT and table.version == 1
    response = client.post(reverse("scoring:table_create"), {"owner_unit": world.committee.pk})
    assert response.status_code == 200 and "This field is required." in response.text
    assert ScoringTable.objects.count() == 1


def test_create_needs_a_unit_to_manage(client, world):
    response = login(client, world, "unit_officer").get(reverse("scoring:table_create"))
    assert response.status_code == 403


def test_add_a_criterion_to_a_group(client, world, draft):
    group = draft.criteria.get(code="G1")
    url = reverse("scoring:criterion_add", args=[draft.pk])
    login(client, world, "committee_staff")
    assert client.get(url, {"parent": group.pk}).status_code == 200
    response = client.post(url, criterion_form(parent=group.pk))
    assert response.status_code == 302
    added = draft.criteria.get(code="C1")
    assert added.parent == group and added.points_per_item == D(5)


def test_bad_criteria_rerender_with_errors_and_save_nothing(client, world, draft):
    group = draft.criteria.get(code="G1")
    url = reverse("scoring:criterion_add", args=[draft.pk])
    login(client, world, "committee_staff")
    # A count without points per item.
    response = client.post(url, criterion_form(points_per_item="0"))
    assert response.status_code == 200
    assert "Give the points for each item." in response.text
    # Over the group's maximum (30 + 30 > 50).
    response = client.post(url, criterion_form(parent=group.pk, max_points="30"))
    assert response.status_code == 200
    assert "more than its maximum of 50" in response.text
    # A code already used.
    response = client.post(url, criterion_form(code="Q1"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Another criterion of this table already has this code."
    ]
    assert set(draft.criteria.values_list("code", flat=True)) == {"G1", "Q1"}


def test_edit_a_criterion(client, world, draft):
    criterion = draft.criteria.get(code="Q1")
    url = reverse("scoring:criterion_edit", args=[draft.pk, criterion.pk])
    login(client, world, "committee_staff")
    response = client.get(url)
    assert response.status_code == 200 and 'name="parent"' not in response.text
    data = criterion_form(
        code="Q1",
        title_en="Revenue (net)",
        kind="quantitative",
        max_points="25",
        direction="lower",
        points_per_item="0",
        zero_target="pass_fail",
        position=str(criterion.position),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.title == "Revenue (net)" and criterion.max_points == D(25)
    assert criterion.direction == "lower"
    response = client.post(url, {**data, "max_points": "60"})
    assert "more than its maximum" in response.text
    criterion.refresh_from_db()
    assert criterion.max_points == D(25)
    assert login(client, world, "unit_officer").get(url).status_code == 404


def test_adopt_locks_the_table(client, world, draft):
    url = reverse("scoring:table_adopt", args=[draft.pk])
    login(client, world, "committee_staff")
    response = client.post(url, follow=True)
    assert "The table is adopted and locked." in response.text
    draft.refresh_from_db()
    assert draft.state == TableState.ADOPTED
    response = client.post(
        reverse("scoring:criterion_add", args=[draft.pk]), criterion_form(), follow=True
    )
    assert "clone it to change it" in response.text
    assert not draft.criteria.filter(code="C1").exists()


def test_adopting_an_empty_table_shows_why(client, world):
    table = table_create(actor=None, owner_unit=world.committee, name="Empty", year=2025)
    response = login(client, world, "committee_staff").post(
        reverse("scoring:table_adopt", args=[table.pk]), follow=True
    )
    assert "A table needs at least one criterion to be adopted." in response.text
    table.refresh_from_db()
    assert table.state == TableState.DRAFT


def test_clone_into_next_years_draft(client, world):
    table, _c = build_table(world.committee)
    url = reverse("scoring:table_clone", args=[table.pk])
    login(client, world, "committee_staff")
    response = client.get(url)
    assert 'value="2025"' in response.text
    response = client.post(url, {"year": "2025"})
    clone = ScoringTable.objects.get(year=2025)
    assert response["Location"] == reverse("scoring:table_detail", args=[clone.pk])
    assert clone.state == TableState.DRAFT and clone.cloned_from == table
    assert clone.criteria.count() == table.criteria.count()
    assert clone.criteria.get(code="Q1").parent == clone.criteria.get(code="G1")


def test_only_the_committee_adopts_and_clones(client, world, scoring):
    login(client, world, "unit_officer")
    assert client.post(reverse("scoring:table_adopt", args=[scoring.table.pk])).status_code == 403
    assert client.get(reverse("scoring:table_clone", args=[scoring.table.pk])).status_code == 403
