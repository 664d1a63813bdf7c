"""A unit's award registry and coverage rates are opted in to the public pages by the
committee staff over it (unit ``manage``), on the screen and through the API, audited."""

from __future__ import annotations

import pytest
from django.test import Client

from pacesetter.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_staff_opt_a_unit_in_on_its_page(world):
    client = _client(world.users["committee_staff"])
    assert (
        f"/units/{world.own.pk}/public/" in client.get(f"/units/{world.own.pk}/").content.decode()
    )
    form = client.get(f"/units/{world.own.pk}/public/").content.decode()
    assert "Public award registry" in form and "Public coverage rates" in form
    response = client.post(f"/units/{world.own.pk}/public/", {"awards": "on", "coverage": "on"})
    assert response.status_code == 302
    world.own.refresh_from_db()
    assert world.own.publishes_awards and world.own.publishes_coverage
    client.post(f"/units/{world.own.pk}/public/", {"coverage": "on"})
    world.own.refresh_from_db()
    assert not world.own.publishes_awards and world.own.publishes_coverage
    entry = AuditEntry.objects.filter(action="unit.publicity").order_by("pk").last()
    assert entry.changes == {"publishes_awards": [True, False]}


def test_an_officer_may_not_opt_the_unit_in(world):
    officer = _client(world.users["unit_officer"])
    assert officer.post(f"/units/{world.own.pk}/public/", {"awards": "on"}).status_code == 403
    assert (
        officer.put(
            f"/api/v1/units/{world.own.pk}/public",
            {"awards": True},
            content_type="application/json",
        ).status_code
        == 403
    )
    world.own.refresh_from_db()
    assert not world.own.publishes_awards


def test_the_api_changes_only_what_is_sent(world):
    staff = _client(world.users["committee_staff"])
    url = f"/api/v1/units/{world.own.pk}/public"
    response = staff.put(url, {"coverage": True}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"awards": False, "coverage": True}
    response = staff.put(url, {"awards": True}, content_type="application/json")
    assert response.json() == {"awards": True, "coverage": True}
    assert _client().put(url, {"awards": False}, content_type="application/json").status_code == 401
    other = f"/api/v1/units/{world.other.pk}/public"
    assert staff.put(other, {"awards": True}, content_type="application/json").status_code == 404
