"""The personal calendar address through /api/v1/calendar/feed: what the "My calendar"
page shows and does, and taking the address away."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from pacesetter.audit.models import AuditEntry
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans.models import CalendarFeed
from pacesetter.workplans.services import calendar_token_hash

pytestmark = pytest.mark.django_db

URL = "/calendar/feed"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def serves(url: str) -> bool:
    """Whether a calendar program (no login) gets a calendar at ``url``."""
    response = Client().get(url.removeprefix(settings.SITE_URL))
    return response.status_code == 200 and response["Content-Type"].startswith("text/calendar")


def test_the_address_is_made_shown_reset_and_taken_away(world: Any) -> None:
    officer = world.users["unit_officer"]
    api = ApiClient(officer)
    assert ok(api.get(URL)) == {"exists": False, "url": None, "created_at": None}

    made = ok(api.post(URL))
    feed = CalendarFeed.objects.get(user=officer)
    assert made["exists"] is True and made["url"].startswith(settings.SITE_URL + "/calendar/")
    assert serves(made["url"])
    token = made["url"].rsplit("/", 1)[-1].removesuffix(".ics")
    assert feed.token_hash == calendar_token_hash(token) != token  # stored hashed
    # Shown once: read again, the address says it exists, not what it is.
    assert ok(api.get(URL)) == {"exists": True, "url": None, "created_at": made["created_at"]}

    reset = ok(api.post(URL))
    assert reset["url"] != made["url"] and serves(reset["url"])
    assert not serves(made["url"])  # the old address stops working at once

    response = api.delete(URL)
    assert response.status_code == 204
    assert ok(api.get(URL))["exists"] is False and not serves(reset["url"])
    assert api.delete(URL).status_code == 204  # nothing left to take away
    entries = AuditEntry.objects.filter(actor=officer, action__startswith="calendar_feed.")
    assert [(e.action, e.changes) for e in entries.order_by("pk")] == [
        ("calendar_feed.create", {}),
        ("calendar_feed.reset", {}),
        ("calendar_feed.revoke", {}),
    ]


def test_each_user_reaches_only_their_own_address(world: Any) -> None:
    officer, viewer = world.users["unit_officer"], world.users["viewer"]
    mine = ok(ApiClient(officer).post(URL))["url"]

    assert ok(ApiClient(viewer).get(URL))["exists"] is False
    assert ApiClient(viewer).delete(URL).status_code == 204
    theirs = ok(ApiClient(viewer).post(URL))["url"]
    assert theirs != mine and serves(mine) and serves(theirs)
    assert CalendarFeed.objects.get(user=officer).token_hash == calendar_token_hash(
        mine.rsplit("/", 1)[-1].removesuffix(".ics")
    )


def test_the_address_needs_a_login() -> None:
    anonymous = ApiClient()
    for response in (anonymous.get(URL), anonymous.post(URL), anonymous.delete(URL)):
        assert_error_shape(response, 401, "unauthenticated")
    assert not CalendarFeed.objects.exists()
