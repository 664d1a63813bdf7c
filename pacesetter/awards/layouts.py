"""Certificate layouts, as versioned data: one JSON file per country in
``certificate_layouts/`` (``vn.json``, ``cn.json``, and ``default.json`` for every other
country).

A file has its ``layout`` name, its ``release`` (changed whenever its data changes), the
``country`` it is for (ISO 3166 alpha-2; empty for the default), its ``source_language``,
a note on its sources (``about``), the ``body`` (blocks centred down the page, in order),
the ``foot`` (``left`` and ``right`` columns of blocks) and the ``revoked`` notice. A
block is an object with its ``kind`` and, for the kinds that print fixed words, their
texts by content language (``{"vi": …, "en": …, "zh-hans": …}``; the layout's source
language required, the others fall back to it). Texts may name the grant's values in
braces (``{achievement}``); each kind lists the ones it knows.

:func:`read_layout` refuses a malformed file with an error naming the file and the block
(``vn.json: body block 4 (award): text: no "vi" text (the layout's source language)``).
:func:`layout_for` picks the layout of a country.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ValidationError

from pacesetter.core.translations import CONTENT_LANGUAGES, content_language

#: Where the layout files live: one ``<name>.json`` per layout.
LAYOUT_DIR = Path(__file__).resolve().parent / "certificate_layouts"

COLOURS = ("red", "gold", "ink", "grey")
#: How a date line writes its day, month and year: as they are (``7``); Vietnamese
#: administrative style (a day below 10 and the months 1 and 2 take a leading zero:
#: ``ngày 05 tháng 02``, Decree 30/2020/ND-CP, Appendix I); or in Chinese numerals
#: (``二〇二四年七月二十四日``).
DATE_STYLES = ("plain", "vn", "chinese")


@dataclass(frozen=True)
class Kind:
    #: The texts a block of this kind takes: name -> (required, the values it may name).
    texts: Mapping[str, tuple[bool, frozenset[str]]] = field(default_factory=dict)
    #: Other settings it takes, with their types.
    options: Mapping[str, type | tuple[type, ...]] = field(default_factory=dict)


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


_STYLE: dict[str, type | tuple[type, ...]] = {
    "size": (int, float, list),
    "colour": str,
    "max_lines": int,
    "gap": (int, float),
    "upper": bool,
}

KINDS: dict[str, Kind] = {
    # Fixed words: the national title, the motto, "TẶNG", "特发此证，以资鼓励。".
    "text": Kind({"text": (True, _names())}, _STYLE),
    # A short line under the block above.
    "rule": Kind({}, {"width": (int, float), "colour": str, "gap": (int, float)}),
    # The award's issuer or the decision's ("of": "award" | "decision").
    "issuer": Kind({"text": (False, _names("issuer"))}, {**_STYLE, "of": str}),
    "award": Kind({"text": (False, _names("award", "year"))}, _STYLE),
    # The unit's name, or the person's (``person_text``) with a line below (``below``).
    "recipient": Kind(
        {
            "text": (False, _names("name")),
            "person_text": (False, _names("name")),
            "below": (False, _names("position", "unit")),
        },
        {**_STYLE, "below_size": (int, float, list)},
    ),
    # The grant's achievement; ``without`` when none is recorded (left out if not given).
    "achievement": Kind(
        {"text": (True, _names("achievement", "year")), "without": (False, _names("year"))},
        _STYLE,
    ),
    "year": Kind({"text": (True, _names("year"))}, _STYLE),
    # The decision's place and date; ``without_place`` when it has no place.
    "place_date": Kind(
        {
            "text": (True, _names("place", "day", "month", "year", "date")),
            "without_place": (True, _names("day", "month", "year", "date")),
        },
        {**_STYLE, "date_style": str},
    ),
    # The decision that grants the award: its number and date.
    "decision": Kind({"text": (True, _names("number", "date", "issuer"))}, _STYLE),
    # The grant's number in the register (left out when it has none).
    "register": Kind({"text": (True, _names("number"))}, _STYLE),
    # The decision's signer: signing for (KT. CHỦ TỊCH), title, room to sign, name.
    "signer": Kind({}, {"size": (int, float), "space": (int, float), "upper": bool}),
}


@dataclass(frozen=True)
class Block:
    kind: str
    #: By text name, then by language.
    texts: Mapping[str, Mapping[str, str]]
    options: Mapping[str, Any]
    #: Where it stands in its file ("body block 4 (award)"), for errors.
    where: str

    def option(self, name: str, default: Any) -> Any:
        return self.options.get(name, default)


@dataclass(frozen=True)
class Layout:
    name: str
    release: str
    country: str
    source_language: str
    body: tuple[Block, ...]
    left: tuple[Block, ...]
    right: tuple[Block, ...]
    #: The revocation notice, by language ({date}, {reason}).
    revoked: Mapping[str, str]
    about: str = ""
    #: Where the body starts and the foot starts, in millimetres from the top.
    top: float = 24.0
    foot_top: float = 152.0

    def text(self, texts: Mapping[str, str], language: str) -> str:
        """``texts`` in ``language``, else in the layout's source language."""
        return texts.get(content_language(language)) or texts[self.source_language]


class _Reader:
    """Reads one file; every error names the file and the block it is in."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.source = ""

    def fail(self, where: str, message: str) -> NoReturn:
        raise ValidationError(f"{self.path.name}: {where}: {message}")

    def object(
        self,
        value: Any,
        where: str,
        required: Mapping[str, type | tuple[type, ...]],
        optional: Mapping[str, type | tuple[type, ...]],
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "expected an object")
        missing = [k for k in required if k not in value]
        if missing:
            self.fail(where, f"missing {', '.join(missing)}")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            self.fail(where, f"unknown {', '.join(unknown)}")
        for key, wanted in {**required, **optional}.items():
            # bool is an int to isinstance: a number is never true or false here.
            if key in value and (
                not isinstance(value[key], wanted)
                or (isinstance(value[key], bool) and wanted is not bool)
            ):
                self.fail(where, f"{key} has the wrong type")
        return value

    def texts(self, value: Any, where: str, names: frozenset[str]) -> dict[str, str]:
        if not isinstance(value, dict) or not value:
            self.fail(where, "expected texts by language")
        unknown = sorted(set(value) - set(CONTENT_LANGUAGES))
        if unknown:
            self.fail(
                where,
                f"{', '.join(unknown)} is not a content language ({', '.join(CONTENT_LANGUAGES)})",
            )
        if not value.get(self.source):
            self.fail(where, f'no "{self.source}" text (the layout\'s source language)')
        for language, text in value.items():
            if not isinstance(text, str):
                self.fail(f"{where}.{language}", "expected a text")
            try:
                named = {n for _t, n, _f, _c in string.Formatter().parse(text) if n is not None}
            except ValueError as exc:
                self.fail(f"{where}.{language}", f"a brace does not close: {exc}")
            strange = sorted(named - names)
            if strange:
                known = ", ".join("{" + n + "}" for n in sorted(names)) or "none"
                self.fail(
                    f"{where}.{language}",
                    f"{', '.join('{' + n + '}' for n in strange)} is not a value this "
                    f"block knows (it knows {known})",
                )
        return dict(value)

    def block(self, value: Any, where: str) -> Block:
        if not isinstance(value, dict) or not isinstance(value.get("kind"), str):
            self.fail(where, "expected an object with its kind")
        kind_name = value["kind"]
        kind = KINDS.get(kind_name)
        if kind is None:
            self.fail(where, f'unknown kind "{kind_name}" (known: {", ".join(sorted(KINDS))})')
        where = f"{where} ({kind_name})"
        required = {n: dict for n, (needed, _v) in kind.texts.items() if needed}
        optional = {n: dict for n, (needed, _v) in kind.texts.items() if not needed}
        data = self.object(value, where, {"kind": str, **required}, {**optional, **kind.options})
        texts = {
            name: self.texts(data[name], f"{where}: {name}", kind.texts[name][1])
            for name in kind.texts
            if name in data
        }
        options = {k: v for k, v in data.items() if k in kind.options}
        self.style(options, where)
        return Block(kind=kind_name, texts=texts, options=options, where=where)

    def style(self, options: Mapping[str, Any], where: str) -> None:
        for key in ("size", "below_size"):
            sizes = options.get(key)
            if isinstance(sizes, list) and (
                not sizes or not all(isinstance(s, int | float) and s > 0 for s in sizes)
            ):
                self.fail(where, f"{key} must be a size or a list of sizes in points")
        if "colour" in options and options["colour"] not in COLOURS:
            self.fail(where, f"colour must be one of {', '.join(COLOURS)}")
        if "of" in options and options["of"] not in ("award", "decision"):
            self.fail(where, 'of must be "award" or "decision"')
        if "date_style" in options and options["date_style"] not in DATE_STYLES:
            self.fail(where, f"date_style must be one of {', '.join(DATE_STYLES)}")
        if options.get("max_lines", 1) < 1:
            self.fail(where, "max_lines must be at least 1")

    def blocks(self, value: Any, where: str) -> tuple[Block, ...]:
        if not isinstance(value, list):
            self.fail(where, "expected a list of blocks")
        return tuple(self.block(b, f"{where} block {n}") for n, b in enumerate(value, start=1))

    def read(self) -> Layout:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            self.fail("file", f"cannot be read as JSON: {exc}")
        data = self.object(
            raw,
            "layout",
            {
                "layout": str,
                "release": str,
                "country": str,
                "source_language": str,
                "body": list,
                "foot": dict,
                "revoked": dict,
            },
            {"about": str, "top": (int, float), "foot_top": (int, float)},
        )
        if data["layout"] != self.path.stem:
            self.fail("layout", f"the name {data['layout']!r} is not the file's name")
        if not re.fullmatch(r"\d{4}\.\d+", data["release"]):
            self.fail("release", f"expected a year and a number (2026.3): {data['release']!r}")
        if data["country"] and not re.fullmatch(r"[A-Z]{2}", data["country"]):
            self.fail(
                "country",
                "must be an ISO 3166 code of two capital letters (such as VN), "
                f"or empty for the default layout: {data['country']!r}",
            )
        if data["source_language"] not in CONTENT_LANGUAGES:
            self.fail(
                "source_language",
                f"{data['source_language']!r} is not a content language "
                f"({', '.join(CONTENT_LANGUAGES)})",
            )
        self.source = data["source_language"]
        foot = self.object(data["foot"], "foot", {}, {"left": list, "right": list})
        return Layout(
            name=data["layout"],
            release=data["release"],
            country=data["country"],
            source_language=self.source,
            about=data.get("about", ""),
            top=float(data.get("top", 24.0)),
            foot_top=float(data.get("foot_top", 152.0)),
            body=self.blocks(data["body"], "body"),
            left=self.blocks(foot.get("left", []), "foot left"),
            right=self.blocks(foot.get("right", []), "foot right"),
            revoked=self.texts(data["revoked"], "revoked", _names("date", "reason")),
        )


def read_layout(path: Path) -> Layout:
    """The layout in ``path``, checked (ValidationError naming the file and the block)."""
    return _Reader(path).read()


@cache
def read_layouts() -> dict[str, Layout]:
    """Every shipped layout by country ("" for the default), read once per process;
    two layouts for one country, or none for the default, is an error."""
    found: dict[str, Layout] = {}
    for path in sorted(LAYOUT_DIR.glob("*.json")):
        layout = read_layout(path)
        if layout.country in found:
            raise ValidationError(
                f"{path.name}: country: {found[layout.country].name}.json is already the "
                f"layout of {layout.country or 'the other countries'}"
            )
        found[layout.country] = layout
    if "" not in found:
        raise ValidationError(f"{LAYOUT_DIR.name}: no default layout (country empty)")
    return found


def layout_for(country: str) -> Layout:
    """The layout of ``country`` (ISO 3166 alpha-2), else the default one."""
    layouts = read_layouts()
    return layouts.get(country) or layouts[""]


# --- dates ------------------------------------------------------------------------------

CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 to 31 in Chinese numerals, as dates write them: 十, 十一, 二十, 二十四, 三十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + (CHINESE_DIGITS[ones] if ones else "")


def date_parts(day: Any, style: str) -> dict[str, str]:
    """The day, month and year of ``day`` as a date line of ``style`` writes them."""
    if style == "chinese":
        return {
            "day": chinese_number(day.day),
            "month": chinese_number(day.month),
            "year": "".join(CHINESE_DIGITS[int(d)] for d in str(day.year)),
        }
    if style == "vn":
        return {
            "day": f"{day.day:02d}",
            "month": f"{day.month:02d}" if day.month <= 2 else str(day.month),
            "year": str(day.year),
        }
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
