"""Password guessing is limited: the lockout of failed logins (django-axes) on the login
page and the token endpoint, counted in the database, per (username, client address),
with the address taken from trusted proxies only (docs/security.md, "Logins")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from pacesetter.core.clients import client_ip
from pacesetter.testing.api import API, assert_error_shape

PASSWORD = "pacesetter-test"  # the world's users'
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _no_rate_limit(db: None) -> Iterator[None]:
    # The token endpoint's per-address rate limit (20 a minute, in the database cache)
    # would answer the 21st request before the lockout is asked: these tests are about
    # the lockout, so each starts with that limit's count empty.
    cache.clear()
    yield
    cache.clear()


def page_login(client: Client, username: str, password: str, **headers: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, headers=headers)


def token_login(client: Client, username: str, password: str, **headers: str) -> Any:
    cache.clear()  # see _no_rate_limit
    return client.post(
        f"{API}/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        headers=headers,
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def guess(login: Any, client: Client, times: int = 20, **headers: str) -> list[int]:
    return [login(client, "officer", f"guess-{i}", **headers).status_code for i in range(times)]


# --- 20 wrong passwords, then the right one --------------------------------------------


def test_the_login_page_refuses_the_right_password_after_twenty_wrong_ones(world):
    client = Client()

    statuses = guess(page_login, client)
    response = page_login(client, "officer", PASSWORD)

    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit - 1 :]) == {429}
    assert response.status_code == 429 and not logged_in(client)
    page = response.content.decode()
    assert "Login locked" in page and "Try again in 15 minutes." in page
    assert response["Retry-After"] == str(15 * 60)


def test_the_token_endpoint_refuses_the_right_password_after_twenty_wrong_ones(world):
    client = Client()

    statuses = guess(token_login, client)
    response = token_login(client, "officer", PASSWORD)

    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    body = assert_error_shape(response, 429, "locked_out")
    assert "token" not in body and body["detail"] == {"retry_after": 15 * 60}
    assert "Try again in 15 minutes." in body["message"]


def test_the_lock_is_shared_by_the_login_page_and_the_token_endpoint(world):
    client = Client()
    guess(page_login, client, times=settings.AXES_FAILURE_LIMIT)

    assert_error_shape(token_login(client, "officer", PASSWORD), 429, "locked_out")


def test_the_lock_is_for_one_username_from_one_address(world):
    client = Client()
    guess(page_login, client)

    # Another person in the same office (behind the same address) still logs in, and so
    # does the locked person from another address.
    assert page_login(Client(), "viewer", PASSWORD).status_code == 302
    other_address = Client(REMOTE_ADDR="203.0.113.9")
    assert page_login(other_address, "officer", PASSWORD).status_code == 302
    assert page_login(Client(), "officer", PASSWORD).status_code == 429


def test_a_success_before_the_limit_starts_the_count_again(world):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    guess(page_login, client, times=limit - 1)
    assert page_login(client, "officer", PASSWORD).status_code == 302
    client.logout()

    guess(page_login, client, times=limit - 1)
    assert page_login(client, "officer", PASSWORD).status_code == 302


# --- the client's address ----------------------------------------------------------------


def test_a_made_up_forwarded_for_does_not_escape_the_lock_when_no_proxy_is_trusted(world):
    assert settings.TRUSTED_PROXIES == []
    client = Client()
    guess(token_login, client)

    forged = {"X-Forwarded-For": "198.51.100.23"}
    assert_error_shape(token_login(client, "officer", PASSWORD, **forged), 429, "locked_out")
    assert page_login(client, "officer", PASSWORD, **forged).status_code == 429
    # Nor does a failure counted under a made-up address: every one is the peer's.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_the_forwarded_for_of_a_trusted_proxy_names_the_client(world):
    # The test client connects from 127.0.0.1: here that is our reverse proxy.
    behind_proxy = Client()
    guess(page_login, behind_proxy, **{"X-Forwarded-For": "198.51.100.23"})

    assert AccessAttempt.objects.get().ip_address == "198.51.100.23"
    locked = page_login(behind_proxy, "officer", PASSWORD, **{"X-Forwarded-For": "198.51.100.23"})
    assert locked.status_code == 429
    # Another client behind the same proxy is another address, and logs in.
    other = page_login(Client(), "officer", PASSWORD, **{"X-Forwarded-For": "203.0.113.4"})
    assert other.status_code == 302


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_the_forwarded_for_of_anyone_else_is_ignored(world):
    # A proxy is trusted, but this request does not come from it: its header is the
    # client's own writing, and the lock stays on the connection's address.
    client = Client()
    guess(page_login, client, **{"X-Forwarded-For": "198.51.100.23, 10.0.0.1"})

    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
    again = page_login(client, "officer", PASSWORD, **{"X-Forwarded-For": "203.0.113.4"})
    assert again.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        ("203.0.113.5", "198.51.100.1", [], "203.0.113.5"),
        ("10.0.0.2", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        # Entries left of the client are its own writing: the rightmost untrusted one wins.
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        # Two proxies of ours in a row (a load balancer, then the web server).
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.2", "garbage", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "198.51.100.1:4711", ["10.0.0.2"], "198.51.100.1"),
        ("::ffff:10.0.0.2", "2001:db8::7", ["10.0.0.2"], "2001:db8::7"),
    ],
)
def test_client_ip(remote: str, forwarded: str, trusted: list[str], client: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_ip(request) == client


def test_the_public_comment_rate_limit_counts_the_trusted_address() -> None:
    from pacesetter.awards.api import COMMENT_RATE, CommentThrottle

    throttle = CommentThrottle(COMMENT_RATE)
    forged = RequestFactory().post("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert throttle.get_ident(forged) == "203.0.113.5"


# --- the count lives in the database ----------------------------------------------------


def test_the_count_is_in_the_database_for_every_process(world):
    guess(page_login, Client(), times=settings.AXES_FAILURE_LIMIT)

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (
        "officer",
        settings.AXES_FAILURE_LIMIT,
    )
    # A fresh client (no cookie, no memory of this one) meets the lock the database holds.
    assert page_login(Client(), "officer", PASSWORD).status_code == 429


# --- the lock ends after the cool-off -----------------------------------------------------


def test_the_lock_ends_after_the_cool_off(world):
    client = Client()
    guess(page_login, client)
    almost = timezone.now() + settings.AXES_COOLOFF_TIME - timedelta(minutes=1)

    with time_machine.travel(almost):
        assert page_login(Client(), "officer", PASSWORD).status_code == 429
    # That refusal was a failure during the lock too: the cool-off counts from it.
    with time_machine.travel(almost + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        fresh = Client()
        assert page_login(fresh, "officer", PASSWORD).status_code == 302
        assert logged_in(fresh)


def test_the_rate_limits_count_in_the_shared_database_cache(world):
    """The token endpoint's rate limit (ninja's throttle) keeps its count in the database
    cache, which every process of the site reads: not in one process's memory."""
    from django.core.cache import caches
    from django.db import connection

    from pacesetter.accounts.api import TokenThrottle

    assert settings.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    cache.clear()
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    assert TokenThrottle("2/m").allow_request(request)
    assert TokenThrottle("2/m").allow_request(request)

    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == 1
    # Another process opens its own cache object on the same table: the count is there.
    del caches["default"]
    assert not TokenThrottle("2/m").allow_request(request)
