"""The migration of the register (awards 0005_people_register) gives each person
recorded so far one position: their unit and title, from their start of service (an
unrecorded start when none was given), still held; the title in the unit's source
language; the search keys filled; ``position_title`` gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pacesetter.testing.migrations import migrate_sqlite

NOW = "2024-01-01 00:00:00"


def _insert(db: sqlite3.Connection, table: str, **values: object) -> None:
    """A row with ``values`` where the table has those columns: "" in the other
    NOT NULL ones, NULL in the rest (the units' tables differ by the state they are in)."""
    row: dict[str, object] = {}
    for _cid, name, _type, notnull, _default, pk in db.execute(f"PRAGMA table_info({table})"):
        if name in values:
            row[name] = values[name]
        elif notnull and not pk:
            row[name] = ""
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", list(row.values()))


def test_each_person_gets_one_current_position(tmp_path: Path) -> None:
    database = tmp_path / "before.sqlite3"
    migrate_sqlite(database, "awards", "0003")
    with sqlite3.connect(database) as db:
        _insert(db, "units_unittype", id=1, code="ent", name="Enterprise", is_active=1)
        _insert(
            db,
            "units_unit",
            id=7,
            path="7/",
            depth=0,
            code="OWN",
            name="Công ty",
            name_vi="Công ty",
            source_language="vi",
            created_at=NOW,
            updated_at=NOW,
            unit_type_id=1,
        )
        db.execute(
            "INSERT INTO awards_person (id, full_name, position_title, service_start, unit_id) "
            "VALUES (1, 'Nguyễn Thị Hương', 'Tổ trưởng', '2015-03-01', 7), "
            "(2, 'Trần Văn Bình', '', NULL, 7)"
        )

    migrate_sqlite(database)

    with sqlite3.connect(database) as db:
        positions = db.execute(
            'SELECT person_id, unit_id, source_language, title_en, title_vi, start, "end" '
            "FROM awards_personposition ORDER BY person_id"
        ).fetchall()
        # The unit's source language: en, as the units' own migration gave the units
        # recorded before it.
        assert db.execute("SELECT source_language FROM units_unit").fetchall() == [("en",)]
        assert positions == [
            (1, 7, "en", "Tổ trưởng", "", "2015-03-01", None),
            (2, 7, "en", "", "", None, None),
        ]
        keys = db.execute("SELECT search_key FROM awards_person ORDER BY id").fetchall()
        assert keys == [("nguyen thi huong",), ("tran van binh",)]
        person_columns = {r[1] for r in db.execute("PRAGMA table_info(awards_person)")}
        assert "position_title" not in person_columns
