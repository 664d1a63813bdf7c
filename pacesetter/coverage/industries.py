"""Industry classifications as versioned data: one JSON file per classification and
release in ``industries/``, loaded into :class:`Industry` rows (``manage.py migrate``
loads the shipped ones; loading again updates names and adds classes, never deletes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.core.translations import CONTENT_LANGUAGES, column

DIRECTORY = Path(__file__).resolve().parent / "industries"


def shipped_files() -> list[Path]:
    return sorted(DIRECTORY.glob("*.json"))


def read_classification(path: Path) -> dict[str, Any]:
    """The file's data, checked: a classification name, a source language, classes with a
    unique code, a known parent and a name in the source language."""
    data = json.loads(path.read_text(encoding="utf-8"))
    source = data.get("source_language")
    if not data.get("classification") or source not in CONTENT_LANGUAGES:
        raise ValidationError(
            _("%(file)s: give the classification and a known source language.")
            % {"file": path.name}
        )
    seen: set[str] = set()
    for entry in data.get("classes", []):
        code = str(entry.get("code", ""))
        names = entry.get("name") or {}
        if not code or code in seen:
            raise ValidationError(
                _("%(file)s: the code %(code)s is missing or repeated.")
                % {"file": path.name, "code": code or "—"}
            )
        if entry.get("parent") and entry["parent"] not in seen:
            raise ValidationError(
                _("%(file)s: the class %(code)s names a parent that comes later or not at all.")
                % {"file": path.name, "code": code}
            )
        unknown = sorted(set(names) - set(CONTENT_LANGUAGES))
        if unknown:
            raise ValidationError(
                _("%(file)s: the class %(code)s has a name in an unknown language: %(languages)s.")
                % {"file": path.name, "code": code, "languages": ", ".join(unknown)}
            )
        if not names.get(source):
            raise ValidationError(
                _("%(file)s: the class %(code)s has no name in the source language.")
                % {"file": path.name, "code": code}
            )
        seen.add(code)
    return data


@transaction.atomic
def load_classification(path: Path, industry_model: Any = None) -> int:
    """Load one file; ``industry_model`` is the historical model inside a migration."""
    if industry_model is None:
        from .models import Industry as industry_model
    data = read_classification(path)
    by_code: dict[str, Any] = {}
    for entry in data["classes"]:
        names = {column("name", lang): text for lang, text in entry["name"].items()}
        row, _created = industry_model.objects.update_or_create(
            classification=data["classification"],
            code=str(entry["code"]),
            defaults={
                "source_language": data["source_language"],
                "parent": by_code.get(entry.get("parent", "")),
                **names,
            },
        )
        by_code[row.code] = row
    return len(by_code)
