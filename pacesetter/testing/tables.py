"""Every table a test may read row by row, as an attacker's or a backup's copy holds it."""

from __future__ import annotations

from typing import Any

from django.db import connection


def readable_tables(cursor: Any) -> list[str]:
    """The database's tables, without SQLite's virtual tables (the practices' full-text
    index, which cannot be read row by row: its rows are in its ordinary shadow tables,
    which are listed)."""
    virtual: set[str] = set()
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        virtual = {row[0] for row in cursor.fetchall()}
    return sorted(set(connection.introspection.table_names(cursor)) - virtual)
