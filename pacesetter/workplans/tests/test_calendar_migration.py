"""The migration that stores calendar tokens hashed keeps existing addresses working."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _migrate(database: Path, *target: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("PACESETTER_TEST_DB", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", *target, "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def test_existing_calendar_tokens_are_hashed_in_place(tmp_path: Path) -> None:
    # A database of its own (SQLite whatever the suite's kind: the migration is plain
    # ORM code), in a process of its own (this one runs without migrations).
    database = tmp_path / "before.sqlite3"
    _migrate(database, "workplans", "0004")
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined) "
            "VALUES ('', 0, 'officer', '', '', '', 0, 1, '2026-11-01 00:00:00')"
        )
        db.execute(
            "INSERT INTO workplans_calendarfeed (user_id, token, created_at) "
            "VALUES (1, 'old-secret-token', '2026-11-01 00:00:00')"
        )

    _migrate(database)

    with sqlite3.connect(database) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(workplans_calendarfeed)")]
        rows = db.execute("SELECT token_hash FROM workplans_calendarfeed").fetchall()
    assert "token" not in columns
    assert rows == [(hashlib.sha256(b"old-secret-token").hexdigest(),)]
