"""The API's contract: token authentication, the one error shape, the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pacesetter.testing.api import API, ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def test_token_flow(world: Any) -> None:
    client = Client()

    response = client.post(
        f"{API}/auth/token",
        {"username": "officer", "password": "pacesetter-test"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert response.json()["token_type"] == "Bearer"
    units = client.get(f"{API}/units", headers={"Authorization": f"Bearer {token}"})
    assert units.status_code == 200
    assert {u["code"] for u in units.json()["items"]} == {"OWN", "CHILD"}


def test_wrong_password_is_a_401(world: Any) -> None:
    response = Client().post(
        f"{API}/auth/token",
        {"username": "officer", "password": "wrong"},
        content_type="application/json",
    )

    assert_error_shape(response, 401, "unauthenticated")


def test_no_or_bad_token_is_a_401(world: Any) -> None:
    assert_error_shape(Client().get(f"{API}/units"), 401, "unauthenticated")
    response = Client().get(f"{API}/units", headers={"Authorization": "Bearer not-a-token"})
    assert_error_shape(response, 401, "unauthenticated")


def test_session_login_reads_the_api(world: Any) -> None:
    client = Client()
    client.force_login(world.users["unit_officer"])

    assert client.get(f"{API}/units/{world.own.pk}").json()["code"] == "OWN"


def test_openapi_document_lists_the_resources() -> None:
    response = Client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/unit-types",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/clusters",
        "/api/v1/clusters/{cluster_id}/members",
        "/api/v1/clusters/{cluster_id}/members/{membership_id}/end",
        "/api/v1/clusters/{cluster_id}/leaders",
        "/api/v1/bodies",
        "/api/v1/bodies/{body_id}/terms",
        "/api/v1/bodies/{body_id}/members",
        "/api/v1/decisions",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/units/{unit_id}"]) == {"get", "patch"}
    schemas = response.json()["components"]["schemas"]
    assert {"UnitIn", "UnitPatch", "UnitOut", "ClusterIn", "BodyOut"} <= set(schemas)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_errors_share_one_shape(world: Any, language: str) -> None:
    api = ApiClient(world.users["unit_officer"], **{"Accept-Language": language})

    invalid = api.post("/units", {"code": "X"})
    forbidden = api.patch(f"/units/{world.own.pk}", {"parent_id": world.child.pk})
    missing = api.get(f"/units/{world.other.pk}")
    rule = api.patch(f"/units/{world.own.pk}", {"employees": -1})

    assert assert_error_shape(invalid, 422, "invalid")["detail"]
    assert_error_shape(forbidden, 403, "forbidden")
    assert_error_shape(missing, 404, "not_found")
    # The API's range refuses it before the model's rule would.
    assert assert_error_shape(rule, 422, "invalid")["detail"][0]["loc"][-1] == "employees"


def test_unknown_api_paths_answer_in_the_error_shape(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    assert_error_shape(api.get("/units/not-a-number"), 404, "not_found")
    assert_error_shape(api.get("/no-such-resource"), 404, "not_found")


def test_a_write_that_loses_a_race_is_a_409_not_a_500(world: Any, monkeypatch: Any) -> None:
    from django.db import IntegrityError

    import pacesetter.units.api as units_api

    def lose_the_race(**kwargs: Any) -> None:
        raise IntegrityError("UNIQUE constraint failed: units_unit.code")

    monkeypatch.setattr(units_api, "unit_create", lose_the_race)
    api = ApiClient(world.users["committee_staff"])
    response = api.post(
        "/units",
        {
            "parent_id": world.root.pk,
            "code": "RACE",
            "name": "Race",
            "unit_type_id": world.own.unit_type_id,
        },
    )
    assert_error_shape(response, 409, "conflict")


def test_the_token_endpoint_is_rate_limited_per_address_whatever_the_header(world: Any) -> None:
    # Beside the lockout of a (username, address) pair (accounts/tests/test_logins.py):
    # one address trying many usernames is slowed down too, and a made-up
    # X-Forwarded-For on each request does not make it another address.
    from django.core.cache import cache

    cache.clear()
    client = Client()
    responses = [
        client.post(
            f"{API}/auth/token",
            {"username": f"user-{i}", "password": "guess"},
            content_type="application/json",
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        )
        for i in range(21)
    ]
    cache.clear()
    assert [r.status_code for r in responses[:20]] == [401] * 20
    assert_error_shape(responses[20], 429, "throttled")
