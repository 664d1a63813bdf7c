"""The migration seeds the fields of work (the suite runs without migrations, so a
database of its own is migrated)."""

import sqlite3

from pacesetter.testing.migrations import migrate_sqlite


def test_migrating_seeds_the_fields_of_work(tmp_path):
    database = tmp_path / "practices.sqlite3"
    migrate_sqlite(database)
    with sqlite3.connect(database) as db:
        fields = db.execute(
            "SELECT code, name_zh_hans, search_key FROM practices_workfield ORDER BY position"
        ).fetchall()
    assert fields[0][:2] == ("production", "生产经营")
    assert ("mentoring", "师带徒") in [row[:2] for row in fields]
    # Searchable from the start, without tone marks too.
    assert "san xuat, kinh doanh" in fields[0][2]
