"""Preset award catalogs, as versioned data: Vietnam, Chinese trade unions, and a generic set.

Each catalog is a JSON file beside this module (``catalogs/vn.json``, ``cn.json``,
``generic.json``): its ``version``, the ``country`` it applies in (ISO 3166 alpha-2, such
as ``VN``; empty: everywhere), a note on its sources (``about``), and its awards with
their source language, name and issuer per content language (``{"en": …, "vi": …,
"zh-hans": …}``, the source one required), level, recipient, quota, eligibility rules and legal
references, each rule and reference with the dates it is valid from (and to). The files
ship with the code (they are read by path from this package); a file's ``version``
changes whenever its data changes.

``manage.py load_award_presets [--preset vn|cn|generic]`` reads them with
:func:`read_catalog`, which refuses a malformed file with an error naming the file and
the entry, and writes them with :func:`load` through the service
:func:`pacesetter.awards.services.award_presets_load` (idempotent: awards are found by
code, rules by their start date, legal references by citation and start date).

Sources. The Vietnamese presets follow the Law on Emulation and Commendation No.
06/2022/QH15 (in force from 1 January 2024) and Decree 98/2023/ND-CP as the authors
understood them; the Chinese ones follow the ACFTU's selection rules for the May 1 awards
and Worker Pioneer, and the national and local model-worker rules, as understood. None
of the citations, dates or quotas was checked against the official text: every legal
reference is ``confirmed=False`` with a note saying what to check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ValidationError

from pacesetter.core.translations import CONTENT_LANGUAGES

from . import eligibility
from .models import AwardLevel, RecipientKind
from .services import PresetLoadResult, award_presets_load

#: Where the catalog files live: one ``<name>.json`` per catalog.
CATALOG_DIR = Path(__file__).resolve().parent / "catalogs"


@dataclass(frozen=True)
class Reference:
    citation: str
    valid_from: date
    valid_to: date | None = None
    note: str = ""
    confirmed: bool = False


@dataclass(frozen=True)
class Rule:
    valid_from: date
    rule: dict[str, Any]
    description: str = ""
    valid_to: date | None = None


@dataclass(frozen=True)
class AwardPreset:
    code: str
    source_language: str
    #: By content language; the source language's is present.
    name: Mapping[str, str]
    level: str
    recipient_kind: str
    issuer: Mapping[str, str]
    rules: tuple[Rule, ...] = ()
    references: tuple[Reference, ...] = ()
    quota_count: int | None = None
    quota_percent: Decimal | None = None


@dataclass(frozen=True)
class Catalog:
    """One catalog file, read and checked."""

    name: str
    version: str
    awards: tuple[AwardPreset, ...]
    about: str = ""
    #: Where its awards apply (ISO 3166 alpha-2, such as ``VN``); empty: everywhere.
    country: str = ""


# --- reading the files ------------------------------------------------------------------


def catalog_names() -> list[str]:
    """The catalogs that ship (the file names, without reading the files)."""
    return sorted(path.stem for path in CATALOG_DIR.glob("*.json"))


class _Reader:
    """Reads one file; every error names the file and the entry it is in."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> NoReturn:
        raise ValidationError(f"{self.path.name}: {where}: {message}")

    def object(
        self, value: Any, where: str, required: dict[str, type], optional: dict[str, type]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "expected an object")
        missing = [k for k in required if k not in value]
        if missing:
            self.fail(where, f"missing {', '.join(missing)}")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            self.fail(where, f"unknown field {', '.join(unknown)}")
        for key, kind in {**required, **optional}.items():
            if key not in value or (value[key] is None and key in optional):
                continue
            # JSON's true and false are ints to Python: a count is never a boolean.
            if not isinstance(value[key], kind) or (kind is int and isinstance(value[key], bool)):
                self.fail(where, f"{key} must be {_KIND_NAMES[kind]}")
        return value

    def day(self, value: Any, where: str, key: str) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(where, f"{key} is not a date (YYYY-MM-DD): {value!r}")

    def texts(self, value: Any, where: str, key: str, source: str) -> dict[str, str]:
        """A text by content language (``{"en": …, "vi": …}``), present in ``source``."""
        if not isinstance(value, dict):
            self.fail(where, f"{key} must be an object of texts by language")
        unknown = sorted(set(value) - set(CONTENT_LANGUAGES))
        if unknown:
            self.fail(
                where,
                f"{key}: unknown language {', '.join(unknown)} "
                f"(one of {', '.join(CONTENT_LANGUAGES)})",
            )
        wrong = [lang for lang, text in value.items() if not isinstance(text, str)]
        if wrong:
            self.fail(where, f"{key}.{wrong[0]} must be a string")
        if not value.get(source):
            self.fail(where, f"{key} has no text in the source language ({source})")
        return {lang: text for lang, text in value.items() if text}

    def rule(self, value: Any, where: str) -> Rule:
        data = self.object(
            value,
            where,
            {"valid_from": str, "rule": dict, "description": str},
            {"valid_to": str},
        )
        valid_from = self.day(data["valid_from"], where, "valid_from")
        assert valid_from is not None
        where = f"{where} (from {valid_from})"
        try:
            eligibility.validate(data["rule"])
        except ValidationError as exc:
            self.fail(where, "; ".join(exc.messages))
        return Rule(
            valid_from=valid_from,
            valid_to=self.day(data.get("valid_to"), where, "valid_to"),
            rule=data["rule"],
            description=data["description"],
        )

    def reference(self, value: Any, where: str) -> Reference:
        data = self.object(
            value,
            where,
            {"citation": str, "valid_from": str, "note": str, "confirmed": bool},
            {"valid_to": str},
        )
        valid_from = self.day(data["valid_from"], where, "valid_from")
        assert valid_from is not None
        return Reference(
            citation=data["citation"],
            valid_from=valid_from,
            valid_to=self.day(data.get("valid_to"), where, "valid_to"),
            note=data["note"],
            confirmed=data["confirmed"],
        )

    def award(self, value: Any, where: str) -> AwardPreset:
        code = value.get("code") if isinstance(value, dict) else None
        if isinstance(code, str):
            where = f"{where} ({code})"
        data = self.object(
            value,
            where,
            {
                "code": str,
                "source_language": str,
                "name": dict,
                "level": str,
                "recipient_kind": str,
                "issuer": dict,
                "rules": list,
                "references": list,
            },
            {"quota_count": int, "quota_percent": str},
        )
        source = data["source_language"]
        if source not in CONTENT_LANGUAGES:
            self.fail(where, f"source_language must be one of {', '.join(CONTENT_LANGUAGES)}")
        if data["level"] not in AwardLevel.values:
            self.fail(where, f"level must be one of {', '.join(AwardLevel.values)}")
        if data["recipient_kind"] not in RecipientKind.values:
            self.fail(where, f"recipient_kind must be one of {', '.join(RecipientKind.values)}")
        percent = data.get("quota_percent")
        try:
            quota_percent = None if percent is None else Decimal(percent)
        except InvalidOperation:
            self.fail(where, f"quota_percent is not a number: {percent!r}")
        rules = tuple(
            self.rule(rule, f"{where}, rule {n}") for n, rule in enumerate(data["rules"], 1)
        )
        starts = [rule.valid_from for rule in rules]
        if len(starts) != len(set(starts)):
            self.fail(where, "two rules start on the same day")
        return AwardPreset(
            code=data["code"],
            source_language=source,
            name=self.texts(data["name"], where, "name", source),
            level=data["level"],
            recipient_kind=data["recipient_kind"],
            issuer=self.texts(data["issuer"], where, "issuer", source),
            quota_count=data.get("quota_count"),
            quota_percent=quota_percent,
            rules=rules,
            references=tuple(
                self.reference(ref, f"{where}, reference {n}")
                for n, ref in enumerate(data["references"], 1)
            ),
        )

    def catalog(self) -> Catalog:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            self.fail("not valid JSON", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")
        data = self.object(
            value,
            "the catalog",
            {"catalog": str, "version": str, "country": str, "awards": list},
            {"about": str},
        )
        if data["catalog"] != self.path.stem:
            self.fail("the catalog", f"catalog is {data['catalog']!r}, not the file's name")
        country = data["country"]
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            self.fail(
                "the catalog",
                f"country must be an ISO 3166 code of two capital letters (such as VN), "
                f"or empty for everywhere: {country!r}",
            )
        awards = tuple(self.award(award, f"award {n}") for n, award in enumerate(data["awards"], 1))
        codes = [award.code for award in awards]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            self.fail("the catalog", f"award code used twice: {', '.join(duplicates)}")
        return Catalog(
            name=data["catalog"],
            version=data["version"],
            awards=awards,
            about=data.get("about", ""),
            country=country,
        )


_KIND_NAMES: dict[type, str] = {
    str: "a string",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
}


def read_catalog(path: Path) -> Catalog:
    """Read and check one catalog file. A malformed file raises ValidationError naming
    the file and the entry (``vn.json: award 2 (vn-provincial-flag), rule 1 (from
    2024-01-01): ...``)."""
    return _Reader(path).catalog()


def read_catalogs(names: Iterable[str] | None = None) -> dict[str, Catalog]:
    """The catalogs ``names`` (all when None), read from their files."""
    available = catalog_names()
    names = available if names is None else list(names)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValidationError(f"Unknown preset: {', '.join(unknown)}.")
    return {name: read_catalog(CATALOG_DIR / f"{name}.json") for name in names}


@cache
def catalog_countries() -> dict[str, str]:
    """Where each shipped catalog applies, by catalog name (``{"vn": "VN", "cn": "CN",
    "generic": ""}``; empty: everywhere), read from the files once per process."""
    return {name: catalog.country for name, catalog in read_catalogs().items()}


def award_country(award: Any) -> str:
    """Where ``award`` applies: its catalog's country, or "" (everywhere: a generic
    preset, or a deployment's own award)."""
    return catalog_countries().get(award.preset, "")


# --- loading ----------------------------------------------------------------------------


def load(
    names: list[str] | None = None,
    *,
    actor: Any = None,
    catalogs: Mapping[str, Catalog] | None = None,
) -> PresetLoadResult:
    """Read the catalogs ``names`` (all when None; or take them from ``catalogs``) and
    write them in one transaction through the service; idempotent."""
    if catalogs is None:
        chosen = read_catalogs(names)
    else:
        names = list(catalogs) if names is None else names
        unknown = [n for n in names if n not in catalogs]
        if unknown:
            raise ValidationError(f"Unknown preset: {', '.join(unknown)}.")
        chosen = {n: catalogs[n] for n in names}
    return award_presets_load(actor=actor, catalogs=list(chosen.values()))
