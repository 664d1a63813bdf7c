"""What every register starts with: the kinds of organization to build (party
organization, trade union, youth league), made by the migration (and by the tests, which
run without migrations)."""

from __future__ import annotations

from typing import Any

KINDS: tuple[tuple[str, int, dict[str, str]], ...] = (
    ("party", 1, {"en": "Party organization", "vi": "Tổ chức đảng", "zh_hans": "党组织"}),
    ("union", 2, {"en": "Trade union", "vi": "Công đoàn", "zh_hans": "工会"}),
    ("youth", 3, {"en": "Youth League", "vi": "Đoàn Thanh niên", "zh_hans": "共青团组织"}),
)


def ensure_kinds(kind_model: Any = None) -> None:
    """Create the shipped kinds that are missing (names of existing ones are kept)."""
    if kind_model is None:
        from .models import CoverageKind as kind_model
    for code, position, names in KINDS:
        kind_model.objects.get_or_create(
            code=code,
            defaults={
                "position": position,
                "source_language": "en",
                **{f"name_{lang}": text for lang, text in names.items()},
            },
        )
