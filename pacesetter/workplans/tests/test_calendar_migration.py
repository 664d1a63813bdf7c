"""The migration that stores calendar tokens hashed keeps existing addresses working."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from pacesetter.testing.migrations import migrate_sqlite


def test_existing_calendar_tokens_are_hashed_in_place(tmp_path: Path) -> None:
    # A database of its own (SQLite whatever the suite's kind: the migration is plain
    # ORM code), in a process of its own (this one runs without migrations).
    database = tmp_path / "before.sqlite3"
    migrate_sqlite(database, "workplans", "0004")
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

    migrate_sqlite(database)

    with sqlite3.connect(database) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(workplans_calendarfeed)")]
        rows = db.execute("SELECT token_hash FROM workplans_calendarfeed").fetchall()
    assert "token" not in columns
    assert rows == [(hashlib.sha256(b"old-secret-token").hexdigest(),)]
