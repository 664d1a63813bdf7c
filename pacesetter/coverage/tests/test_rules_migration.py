"""Migration 0003 loads the shipped rules (the suite runs without migrations, so a
database of its own is migrated up to it)."""

import sqlite3

from pacesetter.testing.migrations import migrate_sqlite


def test_migrating_loads_the_shipped_rules(tmp_path):
    database = tmp_path / "coverage.sqlite3"
    migrate_sqlite(database, "coverage", "0003_rules_and_deadlines")
    with sqlite3.connect(database) as db:
        rules = db.execute(
            "SELECT r.code, k.code FROM coverage_coveragerule r"
            " JOIN coverage_coveragekind k ON k.id = r.kind_id ORDER BY r.code"
        ).fetchall()
    assert rules == [
        ("cn-above-scale-standalone", "party"),
        ("cn-dual-sync-party", "party"),
        ("cn-dual-sync-union", "union"),
        ("cn-standalone-3-members", "party"),
    ]
