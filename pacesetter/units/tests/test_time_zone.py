"""A unit's time zone: its own, or the nearest one above it, or the server's; a new
meeting is held in its organizer's zone. Its country is inherited the same way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pacesetter.meetings.models import MeetingKind
from pacesetter.meetings.services import meeting_create
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_country, unit_time_zone, units_countries
from pacesetter.units.services import unit_update

from .test_views import login, unit_form


def test_a_unit_works_in_its_own_zone_else_the_nearest_above_else_the_servers(
    world, settings, django_assert_num_queries
):
    settings.TIME_ZONE = "UTC"
    assert unit_time_zone(world.child) == "UTC"
    unit_update(actor=None, unit=world.root, time_zone="Asia/Ho_Chi_Minh")
    world.child.refresh_from_db()
    with django_assert_num_queries(1):
        assert unit_time_zone(world.child) == "Asia/Ho_Chi_Minh"
    unit_update(actor=None, unit=world.own, time_zone="Asia/Shanghai")
    assert unit_time_zone(world.child) == "Asia/Shanghai"  # the nearer one
    own = unit_update(actor=None, unit=world.own, time_zone="Asia/Shanghai")
    with django_assert_num_queries(0):
        assert unit_time_zone(own) == "Asia/Shanghai"


def test_an_unknown_zone_is_refused_at_its_field_on_the_form_and_in_the_api(client, world):
    login(client, world, "unit_officer")
    url = reverse("units:edit", args=[world.own.pk])
    response = client.post(url, unit_form(world.own.unit_type, code="OWN", time_zone="Mars/Base"))
    assert response.status_code == 200
    assert "Mars/Base" in response.context["form"].errors["time_zone"][0]
    api = ApiClient(world.users["unit_officer"])
    response = api.patch(f"/units/{world.own.pk}", {"time_zone": "Mars/Base"})
    assert_error_shape(response, 422, "invalid")
    world.own.refresh_from_db()
    assert world.own.time_zone == ""


def test_the_page_and_the_api_show_the_zone_the_unit_works_in(client, world):
    unit_update(actor=None, unit=world.root, time_zone="Asia/Ho_Chi_Minh")
    response = login(client, world, "unit_officer").get(
        reverse("units:detail", args=[world.own.pk])
    )
    assert "Asia/Ho_Chi_Minh" in response.text
    body = ApiClient(world.users["unit_officer"]).get(f"/units/{world.own.pk}").json()
    assert (body["time_zone"], body["effective_time_zone"]) == ("", "Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("chosen", "held_in"), [(None, "Asia/Shanghai"), ("UTC", "UTC")])
def test_a_new_meeting_is_held_in_its_organizers_zone_unless_another_is_chosen(
    world, chosen, held_in
):
    unit_update(actor=None, unit=world.root, time_zone="Asia/Shanghai")
    world.committee.refresh_from_db()
    meeting = meeting_create(
        actor=None,
        kind=MeetingKind.COUNCIL,
        title="Standing council",
        organizer_unit=world.committee,
        starts_at=dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC),
        time_zone=chosen,
    )
    assert meeting.time_zone == held_in


# --- The country (whose award catalog a unit proposes from), inherited the same way ---


def test_a_unit_is_in_its_own_country_else_the_nearest_above_else_unknown(
    world, django_assert_num_queries
):
    assert unit_country(world.child) == ""
    unit_update(actor=None, unit=world.root, country="VN")
    world.child.refresh_from_db()
    with django_assert_num_queries(1):
        assert unit_country(world.child) == "VN"
    unit_update(actor=None, unit=world.own, country="CN")
    assert unit_country(world.child) == "CN"  # the nearer one
    root = Unit.objects.get(pk=world.root.pk)
    with django_assert_num_queries(0):
        assert unit_country(root) == "VN"
    every = Unit.objects.filter(pk__in=[world.child.pk, world.sibling.pk, world.other.pk])
    with django_assert_num_queries(2):
        assert units_countries(every) == {"CN", "VN", ""}  # OTHER's root has none
    assert units_countries(Unit.objects.filter(pk=world.sibling.pk)) == {"VN"}


def test_a_country_that_is_not_a_code_is_refused_on_the_form_and_in_the_api(client, world):
    login(client, world, "unit_officer")
    url = reverse("units:edit", args=[world.own.pk])
    response = client.post(url, unit_form(world.own.unit_type, code="OWN", country="vn"))
    assert response.status_code == 200
    assert "vn" in response.context["form"].errors["country"][0]
    api = ApiClient(world.users["unit_officer"])
    assert_error_shape(api.patch(f"/units/{world.own.pk}", {"country": "Viet"}), 422)
    world.own.refresh_from_db()
    assert world.own.country == ""


def test_the_page_and_the_api_show_the_country_the_unit_is_in(client, world):
    unit_update(actor=None, unit=world.root, country="VN")
    response = login(client, world, "unit_officer").get(
        reverse("units:detail", args=[world.own.pk])
    )
    assert "VN" in response.text
    body = ApiClient(world.users["unit_officer"]).get(f"/units/{world.own.pk}").json()
    assert (body["country"], body["effective_country"]) == ("", "VN")
