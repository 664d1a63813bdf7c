"""The migration seeds the kinds of organization to build and the shipped industry
classification (the suite runs without migrations, so a database of its own is migrated)."""

import sqlite3

from pacesetter.testing.migrations import migrate_sqlite


def test_migrating_seeds_the_kinds_and_the_industries(tmp_path):
    database = tmp_path / "coverage.sqlite3"
    migrate_sqlite(database)
    with sqlite3.connect(database) as db:
        kinds = db.execute(
            "SELECT code, name_zh_hans FROM coverage_coveragekind ORDER BY position"
        ).fetchall()
        industries = db.execute(
            "SELECT COUNT(*) FROM coverage_industry WHERE classification = 'GB/T 4754-2017'"
        ).fetchone()[0]
    assert kinds == [("party", "党组织"), ("union", "工会"), ("youth", "共青团组织")]
    assert industries == 26
