"""What the preset loader writes, compared with a snapshot (``data/presets_loaded.json``):
changing the loader must load exactly the same awards, rules and legal references.

The snapshot was taken from the catalogs as they were written in Python (release 2025.1)
and changed once, knowingly, with release 2026.1 (translations slice 4): each award's
``name``, ``name_vi`` and ``name_zh`` became ``name`` by language (the same three texts),
and its one ``issuer`` became ``issuer`` by language (the English text kept, without the
Chinese in brackets that cn's issuers carried; vi and zh-hans added), with the award's
``source_language`` (vn: vi, cn: zh-hans, generic: en). Rules and references are unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pacesetter.awards import presets
from pacesetter.awards.models import Award, EligibilityRule, LegalReference
from pacesetter.core.translations import values

SNAPSHOT = Path(__file__).parent / "data" / "presets_loaded.json"


def _plain(value: Any) -> Any:
    return None if value is None else str(value)


def loaded() -> dict[str, Any]:
    """The awards, rules and references in the database, JSON-plain and in a stable order."""
    awards = [
        {
            "code": a.code,
            "preset": a.preset,
            "source_language": a.source_language,
            "name": values(a, "name"),
            "level": a.level,
            "recipient_kind": a.recipient_kind,
            "issuer": values(a, "issuer"),
            "quota_count": a.quota_count,
            "quota_percent": _plain(a.quota_percent),
            "position": a.position,
        }
        for a in Award.objects.order_by("code")
    ]
    rules = [
        {
            "award": r.award.code,
            "valid_from": _plain(r.valid_from),
            "valid_to": _plain(r.valid_to),
            "rule": r.rule,
            "description": r.description,
        }
        for r in EligibilityRule.objects.select_related("award").order_by(
            "award__code", "valid_from"
        )
    ]
    references = [
        {
            "award": r.award.code,
            "citation": r.citation,
            "valid_from": _plain(r.valid_from),
            "valid_to": _plain(r.valid_to),
            "note": r.note,
            "confirmed": r.confirmed,
        }
        for r in LegalReference.objects.select_related("award").order_by(
            "award__code", "citation", "valid_from"
        )
    ]
    return {"awards": awards, "rules": rules, "references": references}


def test_the_loader_writes_what_the_python_catalogs_wrote(db):
    presets.load()
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    got = loaded()
    for key in ("awards", "rules", "references"):
        assert got[key] == expected[key], key
    presets.load()  # idempotent: a second run changes none of it
    assert loaded() == expected
