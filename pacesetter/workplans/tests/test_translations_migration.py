"""The migrations that make plans, tasks and chains translatable keep their rows: the
old texts become the English columns, the source is English, the search keys are
filled, and the per-language constraints hold afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pacesetter.testing.migrations import migrate_sqlite


def _insert(db: sqlite3.Connection, table: str, **values: Any) -> int:
    """A row with ``values``; every other required column gets an empty value of its
    type. A ``name`` goes to ``name_en`` (source English) where the table has only the
    columns per language (another slice's table, migrated already)."""
    columns = {row[1]: row for row in db.execute(f"PRAGMA table_info({table})")}
    if "name" in values and "name" not in columns:
        values["name_en"] = values.pop("name")
        values.setdefault("source_language", "en")
    for name, (_cid, _name, kind, notnull, default, pk) in columns.items():
        if notnull and default is None and not pk and name not in values:
            kind = kind.upper()
            if "INT" in kind or "BOOL" in kind or "DECIMAL" in kind:
                values[name] = 1 if name in ("weight", "version", "is_active") else 0
            elif "DATE" in kind:
                values[name] = "2021-01-01"
            else:
                values[name] = ""
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))
    return int(cursor.lastrowid or 0)


def test_plans_tasks_and_chains_keep_their_texts_in_english(tmp_path: Path) -> None:
    # A database of its own (SQLite whatever the suite's kind: the migrations are plain
    # ORM code), in a process of its own (this one runs without migrations).
    database = tmp_path / "before.sqlite3"
    migrate_sqlite(database, "workplans", "0005")  # chains stays at 0001: nothing needs more
    with sqlite3.connect(database) as db:
        unit_type = _insert(db, "units_unittype", code="committee", name="Committee")
        unit = _insert(
            db, "units_unit", code="OWN", name="Own unit", unit_type_id=unit_type, path="1/"
        )
        body = _insert(db, "bodies_body", name="Council", kind="council", owner_unit_id=unit)
        chain = _insert(
            db,
            "chains_chain",
            name="Leather Goods",
            description="Tanneries and shops",
            owner_unit_id=unit,
            leader_unit_id=unit,
        )
        plan = _insert(
            db,
            "workplans_workplan",
            name="Key work 2021",
            kind="year",
            period_end="2021-12-31",
            body_id=body,
            state="open",
        )
        _insert(
            db,
            "workplans_task",
            code="1.2",
            title="Hội thi Tay nghề",
            scope="Who takes part",
            plan_id=plan,
            lead_unit_id=unit,
            chain_id=chain,
            progress_mode="entered",
        )

    migrate_sqlite(database)

    with sqlite3.connect(database) as db:
        plans = db.execute(
            "SELECT name_en, name_vi, source_language, search_key FROM workplans_workplan"
        ).fetchall()
        tasks = db.execute(
            "SELECT title_en, scope_en, source_language, search_key FROM workplans_task"
        ).fetchall()
        chains = db.execute(
            "SELECT name_en, description_en, source_language, search_key FROM chains_chain"
        ).fetchall()
        assert plans == [("Key work 2021", "", "en", "key work 2021")]
        assert tasks == [("Hội thi Tay nghề", "Who takes part", "en", "1.2\nhoi thi tay nghe")]
        assert chains == [
            ("Leather Goods", "Tanneries and shops", "en", "leather goods\ntanneries and shops")
        ]
        # The constraints came last and hold: a second plan of the name, or a task without
        # a title in its source language, is refused.
        with pytest.raises(sqlite3.IntegrityError):
            _insert(
                db,
                "workplans_workplan",
                name_en="Key work 2021",
                source_language="en",
                kind="year",
                period_end="2021-12-31",
                body_id=body,
                state="open",
            )
        with pytest.raises(sqlite3.IntegrityError):
            _insert(
                db,
                "workplans_task",
                title_vi="Chỉ tiếng Việt",
                source_language="en",
                plan_id=plan,
                lead_unit_id=unit,
                progress_mode="entered",
            )
