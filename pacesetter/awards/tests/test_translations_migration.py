"""The migration that makes awards translatable keeps their rows (docs/translations.md,
slice 4): ``name`` becomes ``name_en``, ``name_vi`` stays, ``name_zh`` becomes
``name_zh_hans``, ``issuer`` becomes ``issuer_en``; a Vietnamese preset's source is vi
and a Chinese one's zh-hans (when the name and the issuer are known in that language,
else English); the search keys are filled and the constraints hold afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pacesetter.testing.migrations import migrate_sqlite


def _award(db: sqlite3.Connection, code: str, **values: Any) -> None:
    row = {
        "code": code,
        "level": "provincial",
        "recipient_kind": "unit",
        "position": 0,
        "is_active": 1,
        "name_vi": "",
        "name_zh": "",
        **values,
    }
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    db.execute(f"INSERT INTO awards_award ({names}) VALUES ({marks})", list(row.values()))


def test_awards_keep_their_names_and_take_their_presets_source(tmp_path: Path) -> None:
    database = tmp_path / "before.sqlite3"
    migrate_sqlite(database, "awards", "0002")
    with sqlite3.connect(database) as db:
        _award(
            db,
            "vn-provincial-flag",
            preset="vn",
            name="Provincial Emulation Flag",
            name_vi="Cờ thi đua cấp tỉnh",
            name_zh="省级竞赛旗",
            issuer="Chairman of the Provincial People's Committee",
        )
        _award(
            db,
            "cn-worker-pioneer",
            preset="cn",
            name="Worker Pioneer",
            name_zh="工人先锋号",
            issuer="All-China Federation of Trade Unions (中华全国总工会)",
        )
        # A Vietnamese preset whose issuer has no known Vietnamese text stays English.
        _award(db, "vn-own", preset="vn", name="Own", name_vi="Riêng", issuer="Someone")
        _award(db, "own-flag", preset="", name="Own Flag", name_vi="Cờ riêng", issuer="PPC")

    migrate_sqlite(database)

    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT code, source_language, name_en, name_vi, name_zh_hans, issuer_en, "
            "issuer_vi, issuer_zh_hans, search_key FROM awards_award ORDER BY code"
        ).fetchall()
        assert rows == [
            (
                "cn-worker-pioneer",
                "zh-hans",
                "Worker Pioneer",
                "",
                "工人先锋号",
                "All-China Federation of Trade Unions",
                "",
                "中华全国总工会",
                "cn-worker-pioneer\nworker pioneer\n工人先锋号",
            ),
            (
                "own-flag",
                "en",
                "Own Flag",
                "Cờ riêng",
                "",
                "PPC",
                "",
                "",
                "own-flag\nown flag\nco rieng",
            ),
            (
                "vn-own",
                "en",
                "Own",
                "Riêng",
                "",
                "Someone",
                "",
                "",
                "vn-own\nown\nrieng",
            ),
            (
                "vn-provincial-flag",
                "vi",
                "Provincial Emulation Flag",
                "Cờ thi đua cấp tỉnh",
                "省级竞赛旗",
                "Chairman of the Provincial People's Committee",
                "Chủ tịch Ủy ban nhân dân tỉnh",
                "",
                "vn-provincial-flag\nprovincial emulation flag\nco thi dua cap tinh\n省级竞赛旗",
            ),
        ]
        # The constraints came last and hold: no name in the source language is refused.
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO awards_award (code, preset, source_language, name_en, name_vi, "
                "name_zh_hans, issuer_en, issuer_vi, issuer_zh_hans, level, recipient_kind, "
                "position, is_active, search_key) VALUES ('x', '', 'vi', 'X', '', '', 'I', "
                "'I', '', 'provincial', 'unit', 0, 1, '')"
            )
