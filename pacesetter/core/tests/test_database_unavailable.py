"""While the database cannot be reached, pages answer a translated 503 with Retry-After
and the API its 503 ``busy``, never a 500 (docs/security.md, Faults)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, connection

from pacesetter.testing.api import ApiClient, assert_error_shape

UNAVAILABLE = "The service is briefly unavailable: its database cannot be reached"


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[list[str]]:
    """Every query fails as it does while PostgreSQL restarts; yields the queries tried."""
    tried: list[str] = []

    def refuse(execute: Any, sql: str, *args: Any) -> Any:
        tried.append(sql)
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield tried


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_while_the_database_is_down(client, world, error):
    client.force_login(world.users["unit_officer"])
    with database_down(error) as tried:
        response = client.get("/practices/")
    assert tried  # the page did ask the database (the session, at least)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.templates[0].name == "503.html"
    html = response.content.decode()
    assert UNAVAILABLE in html
    assert 'class="topbar"' in html and 'id="main-nav"' not in html  # no menu: no query


def test_the_503_page_is_in_the_requests_language(client, world):
    client.force_login(world.users["unit_officer"])
    with database_down():
        response = client.get("/practices/", headers={"accept-language": "vi"})
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Dịch vụ tạm thời gián đoạn: không kết nối được cơ sở dữ liệu" in html
    with database_down():
        response = client.get("/practices/?lang=zh-hans")
    assert "服务暂时无法使用" in response.content.decode()


def test_the_api_answers_503_busy_while_the_database_is_down(world):
    officer = ApiClient(world.users["unit_officer"])
    with database_down(InterfaceError):
        response = officer.get("/practices")
    body = assert_error_shape(response, 503, "busy")
    assert body["message"] == "The server is busy; try again in a moment."
    assert response["Retry-After"] == "5"


def test_other_errors_still_answer_500(client, world):
    client.raise_request_exception = False
    client.force_login(world.users["unit_officer"])
    with database_down(ZeroDivisionError):
        response = client.get("/practices/")
    assert response.status_code == 500
    assert response.templates[0].name == "500.html"


def test_the_api_answers_503_to_a_browser_session_while_the_database_is_down(client, world):
    # After the answer, the no-store middleware asks whether the session's user is signed
    # in; that needs the database too, and must not turn the 503 into a 500.
    client.force_login(world.users["unit_officer"])
    client.raise_request_exception = False
    with database_down():
        response = client.get("/api/v1/practices")
    assert_error_shape(response, 503, "busy")
    assert "no-store" in response["Cache-Control"]


def test_the_health_probe_answers_ok_then_503_while_the_database_is_down(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies
    with database_down() as tried:
        response = client.get("/healthz")
    assert tried == ["SELECT 1"]
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
