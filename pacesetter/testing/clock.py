"""The moment the tests run at (see ``_clock`` in pacesetter/conftest.py)."""

from __future__ import annotations

import datetime as dt
import os

#: No test reads the wall clock: every test runs at TEST_NOW, ticking from there.
TEST_NOW = dt.datetime.fromisoformat(
    os.environ.get("PACESETTER_TEST_NOW", "2026-11-18T10:00:00+00:00")
)
