"""The statutory forms' layouts, as versioned data: one JSON file per form version in
``forms/`` (``vn-0601-2023.json``: Vietnam's form 0601 as Circular 02/2023/TT-BNV lays
it out), never code.

A file names its ``country`` (ISO 3166 alpha-2), its ``form`` (the form's family:
``movements``, ``state-awards``, ``body-awards``, ``coverage``; the same family across
versions), its ``code`` as printed on it (``0601.N/BNV-TĐKT``), its ``version``, when it
is in force (``valid_from``, ``valid_to`` or null), whether its layout was checked
against the official text (``confirmed``; every shipped file says false and its
``about`` says what to check), its ``source_language`` (the language the form is filed
in), the ``source`` of its records (``campaigns``, ``grants``, ``organizations``: see
:mod:`.measures`), its texts by content language (``title``, ``unit``, ``circular``,
``received``, the key and code columns' labels), its ``signatures``, its ``columns``
and its ``rows``.

A row or a column has its ``key`` (a row's key is the code printed beside it) and its
``label``; a column may name the ``group`` printed (merged) above it. A row with
``heading`` true is a heading line with no figures. Every other row and column binds a
``measure``: filters of its source by name (``{"scope": "cluster"}``; ``{}`` is every
record), and a figure is the number of records that meet both its row's and its
column's. A column may ``sum`` a field of the records instead of counting them, or be a
``rate``: ``[numerator column, denominator column]``.

:func:`read_layout` refuses a malformed file with an error naming the file and the row
or column; :func:`layout_in_force` picks a family's version for a year (the one in
force on the year's last day).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from pacesetter.core.translations import CONTENT_LANGUAGES, content_language

from .measures import SOURCES

LAYOUT_DIR = Path(__file__).resolve().parent / "forms"


def _text(texts: dict[str, str], language: str | None, fallback: str) -> str:
    language = content_language(language)
    return texts.get(language) or texts.get(fallback) or ""


@dataclass(frozen=True)
class Line:
    """A row or a column of a form."""

    key: str
    label: dict[str, str]
    measure: dict[str, Any] | None = None
    group: dict[str, str] | None = None
    heading: bool = False
    sum: str = ""
    rate: tuple[str, str] | None = None


@dataclass(frozen=True)
class Layout:
    name: str
    country: str
    form: str
    code: str
    version: str
    valid_from: dt.date
    valid_to: dt.date | None
    confirmed: bool
    source_language: str
    source: str
    texts: dict[str, dict[str, str]]
    signatures: tuple[tuple[dict[str, str], dict[str, str]], ...]
    columns: tuple[Line, ...]
    rows: tuple[Line, ...]
    about: str

    @property
    def family(self) -> str:
        """The form across its versions: ``vn-movements``."""
        return f"{self.country.lower()}-{self.form}"

    def text(self, name: str, language: str | None = None) -> str:
        """One of the form's texts in ``language`` (else the active one), falling back to
        the form's own language."""
        return _text(self.texts.get(name, {}), language, self.source_language)

    def label(self, line: Line, language: str | None = None) -> str:
        return _text(line.label, language, self.source_language)

    def group(self, line: Line, language: str | None = None) -> str:
        return _text(line.group, language, self.source_language) if line.group else ""

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def figure_rows(self) -> tuple[Line, ...]:
        return tuple(row for row in self.rows if not row.heading)

    def column(self, key: str) -> Line | None:
        return next((c for c in self.columns if c.key == key), None)

    def row(self, key: str) -> Line | None:
        return next((r for r in self.figure_rows if r.key == key), None)


TEXTS = ("title", "unit", "circular", "received", "columns_key_label", "code_label")


def _fail(name: str, where: str, message: str) -> None:
    raise ValidationError(f"{name}: {where}: {message}")


def _texts(name: str, where: str, value: Any, source_language: str, required: bool) -> dict:
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or any(k not in CONTENT_LANGUAGES for k in value):
        _fail(name, where, f"texts by content language ({', '.join(CONTENT_LANGUAGES)})")
    if required and not value.get(source_language):
        _fail(name, where, f'no "{source_language}" text (the form\'s source language)')
    return dict(value)


def _measure(name: str, where: str, source: str, measure: Any) -> dict[str, Any]:
    if not isinstance(measure, dict):
        _fail(name, where, "the measure must be an object of filters")
    dimensions = SOURCES[source].dimensions
    for dimension, value in measure.items():
        if dimension not in dimensions:
            _fail(name, where, f"unknown filter {dimension!r} of {source}")
        known = dimensions[dimension]
        values = value if isinstance(value, list) else [value]
        if known is not None and any(v not in known for v in values):
            _fail(name, where, f"unknown value {value!r} of {dimension}")
    return dict(measure)


def _line(name: str, where: str, data: Any, layout: dict[str, Any]) -> Line:
    if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not data["key"]:
        _fail(name, where, "a key is required")
    language = layout["source_language"]
    where = f"{where} ({data['key']})"
    label = _texts(name, f"{where}: label", data.get("label"), language, True)
    group = _texts(name, f"{where}: group", data.get("group"), language, False) or None
    if data.get("heading"):
        return Line(key=data["key"], label=label, heading=True)
    rate = data.get("rate")
    if rate is not None:
        if not (isinstance(rate, list) and len(rate) == 2):
            _fail(name, where, "a rate names two columns")
        return Line(key=data["key"], label=label, group=group, rate=(rate[0], rate[1]))
    measure = _measure(name, where, layout["source"], data.get("measure"))
    total = data.get("sum", "")
    if total and total not in SOURCES[layout["source"]].sums:
        _fail(name, where, f"cannot sum {total!r}")
    return Line(key=data["key"], label=label, group=group, measure=measure, sum=total)


def _date(name: str, field: str, value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        _fail(name, field, "a date as YYYY-MM-DD")
        raise  # unreachable: _fail raises


def read_layout(path: Path) -> Layout:
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{name}: not readable JSON ({exc})") from exc
    for field in ("country", "form", "code", "version", "source_language", "source"):
        if not isinstance(data.get(field), str) or not data[field]:
            _fail(name, field, "required")
    if data["source"] not in SOURCES:
        _fail(name, "source", f"one of {', '.join(SOURCES)}")
    if data["source_language"] not in CONTENT_LANGUAGES:
        _fail(name, "source_language", "a content language")
    if not isinstance(data.get("confirmed"), bool):
        _fail(name, "confirmed", "true or false")
    language = data["source_language"]
    texts = {key: _texts(name, key, data.get(key), language, key == "title") for key in TEXTS}
    columns = tuple(
        _line(name, f"column {i}", c, data) for i, c in enumerate(data.get("columns") or [], 1)
    )
    rows = tuple(_line(name, f"row {i}", r, data) for i, r in enumerate(data.get("rows") or [], 1))
    if not columns or not any(not r.heading for r in rows):
        _fail(name, "rows and columns", "at least one column and one row of figures")
    keys = [c.key for c in columns]
    for label, lines in (("column", columns), ("row", rows)):
        seen = [line.key for line in lines]
        if len(set(seen)) != len(seen):
            _fail(name, f"{label}s", "each key once")
    for column in columns:
        if column.rate and any(k not in keys or k == column.key for k in column.rate):
            _fail(name, f"column ({column.key})", "a rate names two other columns")
        if column.rate and any(cast_rate(columns, k) for k in column.rate):
            _fail(name, f"column ({column.key})", "a rate of a rate")
    signatures = tuple(
        (
            _texts(name, f"signature {i}", s.get("label"), language, True),
            _texts(name, f"signature {i}: note", s.get("note"), language, False),
        )
        for i, s in enumerate(data.get("signatures") or [], 1)
    )
    valid_from = _date(name, "valid_from", data.get("valid_from"))
    valid_to = _date(name, "valid_to", data["valid_to"]) if data.get("valid_to") else None
    if valid_to is not None and valid_to < valid_from:
        _fail(name, "valid_to", "before valid_from")
    return Layout(
        name=path.stem,
        country=data["country"].upper(),
        form=data["form"],
        code=data["code"],
        version=data["version"],
        valid_from=valid_from,
        valid_to=valid_to,
        confirmed=data["confirmed"],
        source_language=language,
        source=data["source"],
        texts=texts,
        signatures=signatures,
        columns=columns,
        rows=rows,
        about=str(data.get("about", "")),
    )


def cast_rate(columns: tuple[Line, ...], key: str) -> bool:
    """Whether the column ``key`` is itself a rate."""
    return any(c.key == key and c.rate for c in columns)


@cache
def all_layouts() -> tuple[Layout, ...]:
    """Every form version shipped, by family and then newest first."""
    layouts = [read_layout(path) for path in sorted(LAYOUT_DIR.glob("*.json"))]
    return tuple(sorted(layouts, key=lambda lay: (lay.family, -lay.valid_from.toordinal())))


def families() -> list[str]:
    return list(dict.fromkeys(layout.family for layout in all_layouts()))


def layout_in_force(family: str, year: int) -> Layout | None:
    """The version of the form ``family`` in force on the last day of ``year``."""
    day = dt.date(year, 12, 31)
    return next((x for x in all_layouts() if x.family == family and x.in_force(day)), None)


def titles(layout: Layout) -> tuple[str, str, str]:
    """The form's title in its own language, and its translation: in the reader's
    language, or in English when the reader's is the form's; with that language."""
    own = layout.text("title", layout.source_language)
    language = content_language()
    if language == layout.source_language:
        language = "en"
    return own, layout.text("title", language), language


def versions_of(family: str) -> list[Layout]:
    return [x for x in all_layouts() if x.family == family]
