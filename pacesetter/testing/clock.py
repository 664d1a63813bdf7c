"""The moment the tests run at (see ``_clock`` in pacesetter/conftest.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import override_settings

#: No test reads the wall clock: every test runs at TEST_NOW, ticking from there.
TEST_NOW = dt.datetime.fromisoformat(
    os.environ.get("PACESETTER_TEST_NOW", "2026-11-18T10:00:00+00:00")
)


def moment_of(request: pytest.FixtureRequest) -> tuple[dt.datetime, str]:
    """The moment a test runs at and the server's time zone then ("" for the settings'):
    TEST_NOW, or its ``clock_moment`` ("ISO moment[@Time/Zone]") under --clock-moments."""
    if "clock_moment" in request.fixturenames:
        text, _, zone = request.getfixturevalue("clock_moment").partition("@")
        return dt.datetime.fromisoformat(text), zone
    return TEST_NOW, ""


@contextlib.contextmanager
def running_at(moment: dt.datetime, zone: str) -> Iterator[Any]:
    """The clock at ``moment`` (ticking) and TIME_ZONE at ``zone`` if one is given."""
    with contextlib.ExitStack() as stack:
        if zone:
            stack.enter_context(override_settings(TIME_ZONE=zone))
        yield stack.enter_context(time_machine.travel(moment, tick=True))
