"""A test client for /api/v1/ that authenticates with a personal Bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.test.client import MULTIPART_CONTENT

from pacesetter.accounts.services import api_token_create

API = "/api/v1"


class ApiClient:
    """Sends JSON with ``Authorization: Bearer <token>``; paths are relative to /api/v1."""

    def __init__(self, user: Any = None, **headers: str) -> None:
        self.client = Client()
        self.headers = dict(headers)
        if user is not None:
            _, raw = api_token_create(user=user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            API + path,
            json.dumps(data or {}, default=str),
            content_type="application/json",
            headers=self.headers,
        )

    def put(self, path: str, data: Any) -> Any:
        return self.client.put(
            API + path,
            json.dumps(data, default=str),
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(
            API + path,
            json.dumps(data, default=str),
            content_type="application/json",
            headers=self.headers,
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, headers=self.headers)

    def upload(self, path: str, files: dict[str, Any]) -> Any:
        return self.client.post(
            API + path, files, content_type=MULTIPART_CONTENT, headers=self.headers
        )


def assert_error_shape(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape: ``{"code", "message", "detail"}`` with a non-empty message."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code
    return body
