"""The body screens: list, detail, create, edit, terms and seats."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.bodies.models import Body, BodyMember, BodyTerm
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory

pytestmark = pytest.mark.django_db


def login(client: Any, world: Any, role: str) -> Any:
    client.force_login(world.users[role])
    return client


def test_list_shows_visible_bodies_with_seat_counts(client, world):
    response = login(client, world, "committee_staff").get(reverse("bodies:list"))
    assert response.status_code == 200
    row = response.text.split(">Council</a>")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row
    assert reverse("bodies:create") in response.text


def test_list_for_a_council_member(client, world):
    response = login(client, world, "council_member").get(reverse("bodies:list"))
    assert ">Council</a>" in response.text
    assert reverse("bodies:create") not in response.text


def test_list_is_empty_without_roles(client, world):
    response = login(client, world, "nobody").get(reverse("bodies:list"))
    assert response.status_code == 200
    assert "There are no councils, boards or committees you may see." in response.text


def test_list_search(client, world):
    login(client, world, "committee_staff")
    response = client.get(reverse("bodies:list"), {"q": "zzz"})
    assert "No bodies match your search." in response.text
    response = client.get(reverse("bodies:list"), {"kind": "council"})
    assert ">Council</a>" in response.text


@pytest.mark.parametrize("rows", [10, 30])
def test_list_query_count_is_constant(client, world, django_assert_max_num_queries, rows):
    for n in range(rows):
        body = BodyFactory(owner_unit=world.committee, name=f"Counted {n:02d}")
        body_member_add(actor=None, body=body, unit=world.own, start=dt.date(2024, 1, 1))
    login(client, world, "committee_staff")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("bodies:list"), {"q": "Counted"})
    assert response.text.count("Counted ") == min(rows, 25)


def test_detail_shows_terms_and_members(client, world):
    BodyTerm.objects.create(
        body=world.council, name_en="9th standing council", start=dt.date(2021, 5, 26)
    )
    response = login(client, world, "council_member").get(
        reverse("bodies:detail", args=[world.council.pk])
    )
    assert response.status_code == 200
    assert "<h1>Council" in response.text
    assert "9th standing council" in response.text
    members = response.text.split('id="members"')[1].split("</table>")[0]
    assert "Own unit" in members and "Member" in members
    assert reverse("bodies:edit", args=[world.council.pk]) not in response.text


@pytest.mark.parametrize("role", ["nobody", "cluster_leader"])
def test_detail_is_not_found_for_others(client, world, role):
    response = login(client, world, role).get(reverse("bodies:detail", args=[world.council.pk]))
    assert response.status_code == 404


def test_staff_creates_and_edits_a_body(client, world):
    login(client, world, "committee_staff")
    assert client.get(reverse("bodies:create")).status_code == 200
    response = client.post(
        reverse("bodies:create"),
        {
            "owner_unit": world.committee.pk,
            "source_language": "en",
            "name_en": "Emulation & Reward Council",
            "kind": "council",
        },
    )
    body = Body.objects.get(name_en="Emulation & Reward Council")
    assert response.status_code == 302
    assert response["Location"] == reverse("bodies:detail", args=[body.pk])
    response = client.post(
        reverse("bodies:edit", args=[body.pk]),
        {
            "source_language": "en",
            "name_en": "Standing board",
            "kind": "standing_board",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.kind == "standing_board"


def test_create_is_refused_to_an_officer(client, world):
    login(client, world, "unit_officer")
    assert client.get(reverse("bodies:create")).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("council_member", 403), ("nobody", 404)])
def test_edit_is_refused(client, world, role, status):
    response = login(client, world, role).post(
        reverse("bodies:edit", args=[world.council.pk]),
        {"source_language": "en", "name_en": "Hacked", "kind": "council"},
    )
    assert response.status_code == status
    world.council.refresh_from_db()
    assert world.council.name == "Council"


def test_staff_adds_a_term(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:term_add", args=[world.council.pk]),
        {"source_language": "en", "name_en": "9th", "start": "2021-05-26", "end": "2026-05-25"},
    )
    assert response.status_code == 302
    assert world.council.terms.filter(name_en="9th").exists()


def test_a_term_ending_before_it_starts_shows_the_error(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:term_add", args=[world.council.pk]),
        {"source_language": "en", "name_en": "9th", "start": "2021-05-26", "end": "2020-01-01"},
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert not world.council.terms.exists()


def test_an_overlapping_term_shows_the_service_error(client, world):
    BodyTerm.objects.create(body=world.council, name_en="8th", start=dt.date(2016, 1, 1))
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:term_add", args=[world.council.pk]),
        {"source_language": "en", "name_en": "9th", "start": "2021-05-26"},
    )
    assert response.status_code == 200
    assert "overlaps" in str(response.context["form"].errors["start"])


def test_staff_seats_a_unit_and_ends_the_seat(client, world):
    login(client, world, "committee_staff")
    url = reverse("bodies:member_add", args=[world.council.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"unit": world.sibling.pk, "position": "vice_chair", "weight": "1", "start": "2025-01-01"},
    )
    assert response.status_code == 302
    seat = BodyMember.objects.get(body=world.council, unit=world.sibling)
    assert seat.position == "vice_chair"
    response = client.post(
        reverse("bodies:member_end", args=[world.council.pk, seat.pk]), {"end": "2025-12-31"}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.end == dt.date(2025, 12, 31)


def test_a_seat_needs_a_person_or_a_unit(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:member_add", args=[world.council.pk]),
        {"position": "member", "weight": "1", "start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert world.council.members.count() == 1


def test_a_seat_without_weight_is_an_error_on_the_weight(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:member_add", args=[world.council.pk]),
        {"unit": world.sibling.pk, "position": "member", "weight": "0", "start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weight"] == ["The weight must be more than zero."]
    assert "Constraint" not in response.text
    assert not world.council.members.filter(unit=world.sibling).exists()


def test_a_second_seat_for_the_same_unit_shows_the_service_error(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:member_add", args=[world.council.pk]),
        {"unit": world.own.pk, "position": "member", "weight": "1", "start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "already has a seat" in str(response.context["form"].errors["start"])


def test_ending_a_seat_before_its_start_shows_the_error(client, world):
    seat = world.council.members.get()
    login(client, world, "committee_staff")
    response = client.post(
        reverse("bodies:member_end", args=[world.council.pk, seat.pk]), {"end": "2020-01-01"}
    )
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    seat.refresh_from_db()
    assert seat.end is None


def test_council_member_may_not_seat_anyone(client, world):
    response = login(client, world, "council_member").post(
        reverse("bodies:member_add", args=[world.council.pk]),
        {"unit": world.sibling.pk, "position": "member", "weight": "1", "start": "2025-01-01"},
    )
    assert response.status_code == 403


def test_staff_sees_end_seat_links_for_unit_and_person_seats(client, world):
    from pacesetter.bodies.services import body_member_add

    body_member_add(
        actor=None,
        body=world.council,
        user=world.users["council_member"],
        start=dt.date(2024, 1, 1),
    )
    response = login(client, world, "committee_staff").get(
        reverse("bodies:detail", args=[world.council.pk])
    )
    assert response.status_code == 200
    members = response.text.split('id="members"')[1].split("</table>")[0]
    assert members.count("End seat") == 2
    assert "Own unit" in members and "councillor" in members


def test_seat_form_offers_only_people_the_staff_can_see(client, world):
    from pacesetter.accounts.models import Role
    from pacesetter.accounts.services import role_grant
    from pacesetter.accounts.tests.factories import UserFactory

    stranger = UserFactory(username="stranger.elsewhere")
    role_grant(actor=None, user=stranger, role=Role.VIEWER, unit=world.other)
    response = login(client, world, "committee_staff").get(
        reverse("bodies:member_add", args=[world.council.pk])
    )
    assert response.status_code == 200
    assert "councillor" in response.text
    assert "stranger.elsewhere" not in response.text
