"""The migration that makes meetings, agenda items and resolutions translatable keeps
their rows: the old texts become the English columns, the source is English, the
meetings' search keys are filled, and the source constraints hold afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pacesetter.testing.migrations import migrate_sqlite
from pacesetter.workplans.tests.test_translations_migration import _insert


def test_meetings_agenda_and_resolutions_keep_their_texts_in_english(tmp_path: Path) -> None:
    database = tmp_path / "before.sqlite3"
    migrate_sqlite(database, "meetings", "0002")
    with sqlite3.connect(database) as db:
        unit_type = _insert(db, "units_unittype", code="committee", name="Committee")
        unit = _insert(
            db, "units_unit", code="OWN", name="Own unit", unit_type_id=unit_type, path="1/"
        )
        meeting = _insert(
            db,
            "meetings_meeting",
            kind="council",
            title="9th standing council",
            place="Thanh Hóa",
            description="The third session",
            organizer_unit_id=unit,
            starts_at="2021-05-26 02:00:00",
            time_zone="Asia/Ho_Chi_Minh",
            state="planned",
            registration_open=1,
        )
        _insert(db, "meetings_agendaitem", meeting_id=meeting, title="Opening", position=1)
        _insert(
            db,
            "meetings_resolution",
            meeting_id=meeting,
            number=1,
            text="Adopt the plan",
            adopted_on="2021-05-26",
            created_at="2021-05-26 03:00:00",
        )

    migrate_sqlite(database)

    with sqlite3.connect(database) as db:
        meetings = db.execute(
            "SELECT title_en, title_vi, place_en, description_en, source_language, search_key "
            "FROM meetings_meeting"
        ).fetchall()
        items = db.execute("SELECT title_en, source_language FROM meetings_agendaitem").fetchall()
        resolutions = db.execute(
            "SELECT text_en, source_language FROM meetings_resolution"
        ).fetchall()
        assert meetings == [
            (
                "9th standing council",
                "",
                "Thanh Hóa",
                "The third session",
                "en",
                "9th standing council\nthanh hoa",
            )
        ]
        assert items == [("Opening", "en")]
        assert resolutions == [("Adopt the plan", "en")]
        # The constraints came last and hold: no title in the source language is refused.
        with pytest.raises(sqlite3.IntegrityError):
            _insert(
                db,
                "meetings_agendaitem",
                meeting_id=meeting,
                title_vi="Khai mạc",
                source_language="en",
                position=2,
            )
