"""What every answer carries: a Content-Security-Policy that allows no inline script,
and pages that need none."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]  # pacesetter/

#: An inline script, an inline event handler, or htmx's hx-on (evaluated as code): each
#: would need 'unsafe-inline' or 'unsafe-eval' in the policy.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*=|\shx-on[:-]|javascript:",
    re.IGNORECASE,
)


@pytest.mark.django_db
def test_pages_carry_the_policy(world: Any) -> None:
    client = Client()
    client.force_login(world.users["unit_officer"])

    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert b'src="/static/core/app.js"' in response.content


def test_no_template_has_inline_code() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in ROOT.rglob("templates/**/*.html")
        for match in INLINE_CODE.finditer(path.read_text(encoding="utf-8"))
    ]

    assert found == []
