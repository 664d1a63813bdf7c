"""Excel (.xlsx) import of an existing list of practices, and the export of the library
(docs/practices.md, "Import and export").

One row per practice in the sheet "Practices": its source language, title and summary
(in the source language, the other languages in ``title_vi``, ``summary_zh_hans`` …),
kind, the units it is kept by and comes from, fields of work, level, the kind's facts,
year, and the decision that recognized it, if any. Every row is proposed through
``practice_propose``; one naming a decision is then reviewed and recognized by it
(``practice_transition``), all in ONE transaction: any error, each named by sheet, row
and column, and nothing is saved. A row already in the library (same unit, kind, year
and title in its source language) is left alone, so the same file can be uploaded again.

The export writes the same columns (plus the state), so an exported library imports
back; reading, parsing, the error collection and formula-safe writing are the kit of
:mod:`pacesetter.core.spreadsheets`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from pacesetter.core.policies import Actor, signed_in
from pacesetter.core.spreadsheets import (
    CellError,
    CellProblem,
    Column,
    ImportResult,
    RowReader,
    Sheet,
    Workbook,
    append_row,
    cell_text,
    export_workbook,
    header_row,
    new_workbook,
    parse_choice,
    parse_count,
    parse_date,
    parse_text,
    read_sheet,
    run_atomically,
    service_errors,
    style_header,
)
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    LANGUAGE_NAMES,
    column,
    content_language,
    fold,
)
from pacesetter.decisions.models import Decision
from pacesetter.decisions.policies import decision_policy
from pacesetter.units.models import Unit

from .models import (
    InfluenceScope,
    Practice,
    PracticeKind,
    StudioLevel,
    Subject,
    WorkField,
)
from .selectors import PracticeFilters, practices_for, proposable_units
from .services import practice_propose, practice_transition

SHEET = "Practices"
HELP_SHEET = "Help"
TEXTS = ("title", "summary")
OTHER_LANGUAGE_COLUMNS = tuple(
    Column(column(name, lang), 30 if name == "title" else 40, required=False)
    for name in TEXTS
    for lang in CONTENT_LANGUAGES
)
COLUMNS = (
    Column("source_language", 10, required=False),
    Column("title", 40),
    Column("summary", 50, required=False),
    Column("kind", 14),
    Column("owner_unit", 14, required=False),
    Column("source_units", 18),
    Column("work_fields", 18, required=False),
    Column("level", 16, required=False),
    Column("subject", 12, required=False),
    Column("person_name", 24, required=False),
    Column("lead_person", 24, required=False),
    Column("year", 8),
    Column("decision_number", 16, required=False),
    Column("decision_date", 14, required=False),
    *OTHER_LANGUAGE_COLUMNS,
)
#: The export's columns: the import's and, last, the state (not read back).
EXPORT_COLUMNS = (*COLUMNS, Column("state", 12, required=False))
#: Where a service's error on a field is shown.
FIELD_COLUMNS = {
    "influence_scope": "level",
    "studio_level": "level",
    "level": "level",
    "decision": "decision_number",
    "owner_unit": "owner_unit",
    **{column(name, lang): column(name, lang) for name in TEXTS for lang in CONTENT_LANGUAGES},
}
_SEPARATORS = re.compile(r"[,;\n]+")
_MAX = {
    "title": Practice._meta.get_field("title_en").max_length,
    "summary": Practice._meta.get_field("summary_en").max_length,
    "person_name": Practice._meta.get_field("person_name").max_length,
    "lead_person": Practice._meta.get_field("lead_person").max_length,
    "number": Decision._meta.get_field("number").max_length,
}
#: The comment of the review step of an imported row that names its decision.
IMPORTED = "imported"


@dataclass
class PracticeImportResult(ImportResult):
    recognized: int = 0


def _codes(text: str) -> list[str]:
    return [code.strip() for code in _SEPARATORS.split(text or "") if code.strip()]


def _title_key(text: str) -> str:
    return fold(" ".join(text.split()))


def level_of(practice: Practice) -> str:
    """The practice's level as the ``level`` column writes it."""
    return practice.influence_scope or practice.studio_level or practice.level or ""


# --- import ---------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    source: str
    texts: dict[str, str]
    kind: str
    owner_unit: Unit
    source_units: list[Unit]
    work_fields: list[WorkField]
    facts: dict[str, Any]
    year: int
    decision: Decision | None


@dataclass
class _Known:
    """What the rows are checked against, read once for the whole sheet."""

    units: dict[str, Unit]
    staff_paths: tuple[str, ...]
    superuser: bool
    fields: dict[str, WorkField]
    decisions: dict[str, list[Decision]]
    existing: set[tuple[int, str, int, str]] = field(default_factory=set)


def _known(actor: Any, sheet: Sheet) -> _Known:
    codes: set[str] = set()
    numbers: set[str] = set()
    for _n, values in sheet.rows:
        codes.update(_codes(cell_text(sheet.get(values, "source_units"))))
        codes.add(cell_text(sheet.get(values, "owner_unit")))
        numbers.add(cell_text(sheet.get(values, "decision_number")))
    units = {u.code: u for u in proposable_units(actor).filter(code__in=codes - {""})}
    decisions: dict[str, list[Decision]] = {}
    for decision in decision_policy.visible(actor, "view").filter(number__in=numbers - {""}):
        decisions.setdefault(decision.number, []).append(decision)
    scope = Actor.of(actor).scope if signed_in(actor) else None
    return _Known(
        units=units,
        staff_paths=tuple(scope.staff_paths) if scope else (),
        superuser=bool(getattr(actor, "is_superuser", False)),
        fields={f.code: f for f in WorkField.objects.filter(is_active=True)},
        decisions=decisions,
    )


def _existing(known: _Known, owners: set[int]) -> set[tuple[int, str, int, str]]:
    """(owner unit, kind, year, folded title in the source language) of the practices
    already kept by ``owners``."""
    found = set()
    titles = [column("title", lang) for lang in CONTENT_LANGUAGES]
    shown = Practice.objects.filter(owner_unit__in=owners)
    for practice in shown.only("owner_unit", "kind", "year", "source_language", *titles):
        source = getattr(practice, column("title", practice.source_language))
        found.add((practice.owner_unit_id, practice.kind, practice.year, _title_key(source)))
    return found


def _language(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower().replace("_", "-")
    for code in CONTENT_LANGUAGES:
        if text in (code, str(LANGUAGE_NAMES[code]).lower()):
            return code
    if text in ("zh", "zh-cn"):
        return "zh-hans"
    raise CellProblem(
        _("“%(value)s” is not a content language; use one of: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(CONTENT_LANGUAGES)}
    )


def _texts(row: RowReader, source: str) -> dict[str, str]:
    """The title and summary by column: ``title`` is in the source language, the
    language columns give the translations."""
    out: dict[str, str] = {}
    for name in TEXTS:
        given = row.cell(name, parse_text, max_length=_MAX[name]) or ""
        for lang in CONTENT_LANGUAGES:
            header = column(name, lang)
            text = row.cell(header, parse_text, max_length=_MAX[name]) or ""
            if lang == source and text:
                if given and text != given:
                    row.error(
                        header,
                        _(
                            "this is the row's source language: leave it empty, or write the "
                            "same text as in “%(column)s”."
                        )
                        % {"column": name},
                    )
                given = given or text
                continue
            out[header] = text
        out[column(name, source)] = given
    if not out[column("title", source)] and not row.has_error("title"):
        row.error("title", _("enter the practice's title."))
    return out


def _unit(row: RowReader, header: str, code: str, known: _Known) -> Unit | None:
    unit = known.units.get(code)
    if unit is None:
        row.error(
            header,
            _("there is no unit with the code “%(code)s” that you may propose for.")
            % {"code": code},
        )
    return unit


def _level(row: RowReader, kind: str | None) -> dict[str, str]:
    """The level as the kind's fact: an initiative's scope, a studio's level, an advanced
    model's or an experience's level (on the scope's scale)."""
    if kind == PracticeKind.INITIATIVE:
        scope = row.cell("level", parse_choice, InfluenceScope)
        return {"influence_scope": scope} if scope else {}
    if kind == PracticeKind.STUDIO:
        level = row.cell("level", parse_choice, StudioLevel)
        return {"studio_level": level} if level else {}
    if kind in (PracticeKind.MODEL, PracticeKind.EXPERIENCE):
        level = row.cell("level", parse_choice, InfluenceScope)
        return {"level": level} if level else {}
    return {}


def _facts(row: RowReader, kind: str | None) -> dict[str, Any]:
    facts: dict[str, Any] = _level(row, kind)
    subject = row.cell("subject", parse_choice, Subject)
    person = row.cell("person_name", parse_text, max_length=_MAX["person_name"])
    lead = row.cell("lead_person", parse_text, max_length=_MAX["lead_person"])
    # The model's clean() says what a kind needs or may not have, on these columns.
    for name, value in (("subject", subject), ("person_name", person), ("lead_person", lead)):
        if value:
            facts[name] = value
    return facts


def _decision(row: RowReader, known: _Known) -> Decision | None:
    number = row.cell("decision_number", parse_text, max_length=_MAX["number"])
    day = row.cell("decision_date", parse_date)
    if not number:
        if day is not None:
            row.error("decision_number", _("enter the number of the decision of this date."))
        return None
    matches = [d for d in known.decisions.get(number, []) if day is None or d.date == day]
    if not matches:
        row.error(
            "decision_number",
            _("there is no decision numbered “%(number)s” that you may see.") % {"number": number}
            if day is None
            else _("there is no decision numbered “%(number)s” of %(date)s that you may see.")
            % {"number": number, "date": day.strftime("%d/%m/%Y")},
        )
        return None
    if len(matches) > 1:
        row.error("decision_date", _("several decisions have this number; enter its date."))
        return None
    return matches[0]


def _staff_over(unit: Unit, known: _Known) -> bool:
    return known.superuser or any(unit.path.startswith(p) for p in known.staff_paths)


def _read_row(row: RowReader, default_owner: Unit, known: _Known) -> _Row | None:
    source = row.cell("source_language", _language) or content_language()
    texts = _texts(row, source)
    kind = row.cell("kind", parse_choice, PracticeKind)
    if kind is None and not row.has_error("kind"):
        row.error("kind", _("enter the kind (see the sheet “Help”)."))
    owner_code = row.cell("owner_unit", parse_text)
    owner = _unit(row, "owner_unit", owner_code, known) if owner_code else default_owner
    source_codes = _codes(row.cell("source_units", parse_text) or "")
    if not source_codes and not row.has_error("source_units"):
        row.error("source_units", _("enter the code of at least one source unit."))
    units = [_unit(row, "source_units", code, known) for code in source_codes]
    fields = []
    for code in _codes(row.cell("work_fields", parse_text) or ""):
        work_field = known.fields.get(code)
        if work_field is None:
            row.error(
                "work_fields",
                _("there is no field of work with the code “%(code)s” (see the sheet “Help”).")
                % {"code": code},
            )
        else:
            fields.append(work_field)
    facts = _facts(row, kind)
    year = row.cell("year", parse_count)
    if year is None and not row.has_error("year"):
        row.error("year", _("enter the year of the practice."))
    decision = _decision(row, known)
    if decision is not None and owner is not None and not _staff_over(owner, known):
        row.error(
            "decision_number",
            _("only the committee staff over %(unit)s record a recognized practice.")
            % {"unit": owner.code},
        )
    if row.errors:
        return None
    assert kind is not None and owner is not None and year is not None
    return _Row(
        row.number,
        source,
        texts,
        kind,
        owner,
        [u for u in units if u is not None],
        list(dict.fromkeys(fields)),
        facts,
        year,
        decision,
    )


def import_practices(*, actor: Any, owner_unit: Unit, workbook: Any) -> PracticeImportResult:
    """Add the practices of sheet "Practices", kept by ``owner_unit`` unless a row names
    its own (units the user may propose for: their officers and the staff above).
    Raises ImportFailed on any error; nothing is saved then."""
    if not proposable_units(actor).filter(pk=owner_unit.pk).exists():
        raise PermissionDenied(_("You may not propose practices for this unit."))
    sheet = read_sheet(workbook, SHEET, COLUMNS)
    known = _known(actor, sheet)
    errors: list[CellError] = []
    lines: list[_Row] = []
    seen: dict[tuple[int, str, int, str], int] = {}
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        line = _read_row(row, owner_unit, known)
        if line is None:
            errors.extend(row.errors)
            continue
        key = (
            line.owner_unit.pk,
            line.kind,
            line.year,
            _title_key(line.texts[column("title", line.source)]),
        )
        if key in seen:
            errors.append(
                sheet.error(
                    number,
                    "title",
                    _("the same practice is already on row %(row)s.") % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        lines.append(line)
    existing = _existing(known, {line.owner_unit.pk for line in lines})
    result = PracticeImportResult()

    def work() -> tuple[PracticeImportResult, list[CellError]]:
        found = list(errors)
        for line in lines:
            key = (
                line.owner_unit.pk,
                line.kind,
                line.year,
                _title_key(line.texts[column("title", line.source)]),
            )
            if key in existing:
                result.unchanged += 1
                continue
            found.extend(_write(actor, sheet, line, result))
        return result, found

    run_atomically(work)
    return result


def _write(actor: Any, sheet: Sheet, line: _Row, result: PracticeImportResult) -> list[CellError]:
    try:
        practice = practice_propose(
            actor=actor,
            owner_unit=line.owner_unit,
            kind=line.kind,
            year=line.year,
            source_language=line.source,
            source_units=line.source_units,
            work_fields=line.work_fields,
            **line.texts,
            **line.facts,
        )
        if line.decision is not None:
            practice = practice_transition(
                actor=actor,
                practice=practice,
                name="review",
                assessment="recommend",
                comment=_("Imported from an existing list, with the decision that recognized it."),
            )
            practice_transition(
                actor=actor, practice=practice, name="recognize", decision=line.decision
            )
            result.recognized += 1
    except ValidationError as exc:
        return service_errors(sheet, line.row, exc, FIELD_COLUMNS)
    result.saved += 1
    return []


# --- template -------------------------------------------------------------------------


def _meanings() -> list[tuple[str, str]]:
    return [
        (
            "source_language",
            _("The language the title and summary are written in: %(codes)s; empty: yours.")
            % {"codes": ", ".join(CONTENT_LANGUAGES)},
        ),
        ("title", _("The practice's title in its source language; required.")),
        ("summary", _("A short summary in the source language (optional).")),
        ("kind", _("The kind's code, from the list above.")),
        (
            "owner_unit",
            _("The code of the unit that keeps it; empty: the unit chosen on the import page."),
        ),
        (
            "source_units",
            _("The codes of the units it comes from, separated by commas; at least one."),
        ),
        ("work_fields", _("The codes of its fields of work, separated by commas (optional).")),
        (
            "level",
            _(
                "An initiative's scope of influence, a studio's level, or the level of an "
                "advanced model or an experience, from the lists above (optional for a "
                "model or an experience)."
            ),
        ),
        ("subject", _("For an advanced model: collective or person.")),
        ("person_name", _("For an advanced model who is a person: the name.")),
        ("lead_person", _("For an innovation studio: its lead person.")),
        ("year", _("The year of the practice, e.g. 2023.")),
        (
            "decision_number",
            _(
                "The number of the recorded decision that recognized it (optional): the "
                "practice is then recognized, otherwise proposed."
            ),
        ),
        ("decision_date", _("The decision's date, when several decisions have its number.")),
        (
            "title_vi …",
            _("The title and summary in the other languages (optional; empty: not translated)."),
        ),
    ]


def practices_template() -> Workbook:
    """The "Practices" sheet to fill in and a "Help" sheet with the codes."""
    workbook = new_workbook(SHEET, title=_("Practices"))
    header_row(workbook.active, 1, COLUMNS)
    workbook.active.column_dimensions["N"].number_format = "DD/MM/YYYY"  # decision_date
    _help_sheet(workbook)
    return workbook


def _help_sheet(workbook: Workbook) -> None:
    help_sheet = workbook.create_sheet(HELP_SHEET)
    append_row(help_sheet, [_("Column"), _("Code"), _("Meaning")])
    style_header(help_sheet[1])
    model_or_experience = _("Model or experience")
    lists: list[tuple[str, Any]] = [
        ("kind", PracticeKind.choices),
        ("level", [(c, f"{_('Initiative')}: {label}") for c, label in InfluenceScope.choices]),
        ("level", [(c, f"{_('Studio')}: {label}") for c, label in StudioLevel.choices]),
        (
            "level",
            [(c, f"{model_or_experience}: {label}") for c, label in InfluenceScope.choices],
        ),
        ("subject", Subject.choices),
        (
            "work_fields",
            [(f.code, f.name) for f in WorkField.objects.filter(is_active=True)],
        ),
    ]
    for header, choices in lists:
        for code, label in choices:
            append_row(help_sheet, [header, code, str(label)])
    append_row(help_sheet, [])
    for header, meaning in _meanings():
        append_row(help_sheet, [header, "", meaning])
    for letter, width in (("A", 18), ("B", 18), ("C", 80)):
        help_sheet.column_dimensions[letter].width = width


# --- export ---------------------------------------------------------------------------


def library_workbook(user: Any, filters: PracticeFilters) -> Workbook:
    """The practices ``user`` sees that match ``filters`` (the list's), in the import's
    columns, so the file imports back; a decision only for a reader who may see it."""
    workbook = export_workbook(_("Practices"), _("Good practice"))
    sheet = workbook.active
    sheet.title = SHEET
    header_row(sheet, 1, EXPORT_COLUMNS)
    practices = list(practices_for(user, filters).select_related("decision"))
    decisions = [p.decision for p in practices if p.decision is not None]
    may = decision_policy.allowed_actions(user, decisions, ["view"]) if decisions else {}
    for practice in practices:
        source = practice.source_language
        decision = practice.decision
        shown = decision is not None and "view" in may.get(decision.pk, ())
        values: list[Any] = [
            source,
            getattr(practice, column("title", source)),
            getattr(practice, column("summary", source)),
            practice.kind,
            practice.owner_unit.code,
            ", ".join(u.code for u in practice.source_units.all()),
            ", ".join(f.code for f in practice.work_fields.all()),
            level_of(practice),
            practice.subject,
            practice.person_name,
            practice.lead_person,
            practice.year,
            decision.number if shown and decision else "",
            decision.date if shown and decision else None,
        ]
        values += [
            "" if lang == source else getattr(practice, column(name, lang))
            for name in TEXTS
            for lang in CONTENT_LANGUAGES
        ]
        values.append(practice.state)
        append_row(sheet, values)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=14, max_col=14):
        cell.number_format = "DD/MM/YYYY"
    _help_sheet(workbook)
    return workbook
