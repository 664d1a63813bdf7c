"""Personal API tokens: listed and revoked by their owner and by the staff who manage the
account (API and screen), and at most API_TOKEN_MAX_PER_USER live ones per user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from pacesetter.accounts.models import ApiToken
from pacesetter.accounts.services import api_token_create, api_token_user
from pacesetter.audit.models import AuditEntry
from pacesetter.testing.api import API, ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db

#: Who asks about the officer's token -> whether they see it and may revoke it.
MATRIX = [
    ("unit_officer", True),  # the owner
    ("committee_staff", True),  # manages every role the officer holds
    ("superuser", True),
    ("viewer", False),  # another user
    ("cluster_leader", False),
]


@pytest.mark.parametrize(("who", "allowed"), MATRIX)
def test_who_lists_and_revokes_a_token_through_the_api(world: Any, who: str, allowed: bool):
    officer = world.users["unit_officer"]
    token, raw = api_token_create(user=officer)
    api = ApiClient(world.users[who])

    listed = api.get("/auth/tokens", user_id=officer.pk)
    assert listed.status_code == 200
    ids = [t["id"] for t in listed.json()["items"]]
    response = api.delete(f"/auth/tokens/{token.pk}")

    if allowed:
        assert token.pk in ids
        assert response.status_code == 204
        assert api_token_user(raw) is None  # it stops working at once
        entry = AuditEntry.objects.get(action="api_token.revoke")
        assert entry.actor_id == world.users[who].pk and entry.changes["token"][0] == raw[:8]
    else:
        assert ids == []
        assert_error_shape(response, 404, "not_found")
        assert api_token_user(raw) == officer


def test_anonymous_neither_lists_nor_revokes(world: Any):
    token, raw = api_token_create(user=world.users["unit_officer"])
    anonymous = ApiClient()

    assert_error_shape(anonymous.get("/auth/tokens"), 401, "unauthenticated")
    assert_error_shape(anonymous.delete(f"/auth/tokens/{token.pk}"), 401, "unauthenticated")
    assert api_token_user(raw) is not None


def test_the_list_shows_the_users_own_live_tokens_without_the_secret(world: Any):
    officer = world.users["unit_officer"]
    api = ApiClient(officer)  # one token
    _, raw = api_token_create(user=officer)
    with time_machine.travel(timezone.now() - timedelta(days=settings.API_TOKEN_TTL_DAYS + 1)):
        api_token_create(user=officer)  # expired by now
    api_token_create(user=world.users["viewer"])  # someone else's

    body = api.get("/auth/tokens").json()

    assert body["count"] == 2
    assert {t["username"] for t in body["items"]} == {"officer"}
    assert raw not in str(body) and body["items"][0]["prefix"] == raw[:8]  # newest first
    assert set(body["items"][0]) == {
        "id",
        "user_id",
        "username",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
    }


@override_settings(API_TOKEN_MAX_PER_USER=3)
def test_each_login_keeps_at_most_the_newest_tokens(world: Any):
    cache.clear()  # the token endpoint's rate limit counts per address
    client = Client()
    raws = [
        client.post(
            f"{API}/auth/token",
            {"username": "officer", "password": "pacesetter-test"},
            content_type="application/json",
        ).json()["token"]
        for _ in range(5)
    ]
    cache.clear()

    assert ApiToken.objects.filter(user=world.users["unit_officer"]).count() == 3
    assert [api_token_user(raw) is not None for raw in raws] == [False, False, True, True, True]
    revoked = AuditEntry.objects.filter(action="api_token.revoke").order_by("pk")
    assert [e.changes["token"][0] for e in revoked] == [raws[0][:8], raws[1][:8]]


# --- the screen ----------------------------------------------------------------------------


def test_the_screen_lists_and_revokes_the_users_tokens(world: Any):
    officer = world.users["unit_officer"]
    client = Client()
    client.force_login(officer)
    url = reverse("api_tokens")

    empty = client.get(url).content.decode()
    assert 'id="no-tokens"' in empty and "You have no API tokens." in empty

    token, raw = api_token_create(user=officer)
    page = client.get(url).content.decode()
    assert f"{raw[:8]}…" in page and raw not in page
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == url
    assert api_token_user(raw) is None
    assert "was revoked" in client.get(url).content.decode()


@pytest.mark.parametrize(("who", "status"), [("committee_staff", 200), ("viewer", 404)])
def test_staff_see_and_revoke_a_managed_accounts_tokens_on_the_screen(
    world: Any, who: str, status: int
):
    officer = world.users["unit_officer"]
    token, raw = api_token_create(user=officer)
    client = Client()
    client.force_login(world.users[who])

    page = client.get(reverse("api_tokens"), {"user": officer.pk})
    revoke = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert page.status_code == status
    if status == 200:
        assert "API tokens of officer" in page.content.decode()
        assert revoke["Location"] == reverse("api_tokens") + f"?user={officer.pk}"
        assert api_token_user(raw) is None
    else:
        assert revoke.status_code == 404 and api_token_user(raw) == officer


def test_the_screen_needs_a_login():
    response = Client().get(reverse("api_tokens"))
    assert response.status_code == 302 and "login" in response["Location"]
