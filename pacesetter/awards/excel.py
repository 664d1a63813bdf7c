"""Excel (.xlsx) import of past awards, so eligibility rules see a recipient's history from
the first day.

One row per granted award: the award's code, the year it was given for, the recipient
(a unit, or a person of that unit), and the decision that granted it. Decisions that do
not exist yet are recorded (owned by a unit the importing user manages); people named
for a personal award who are not yet recorded in that unit are added. Everything is
written in ONE transaction through the services; every error is listed with its sheet,
row and column, and if there is any, nothing is saved. Rows already in the registry are
left alone, so the same file can be uploaded again.

Reading, parsing, the error collection and formula-safe writing are the kit of
:mod:`pacesetter.core.spreadsheets`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import (
    CellError,
    Column,
    ImportResult,
    RowReader,
    Sheet,
    Workbook,
    append_row,
    cell_text,
    header_row,
    new_workbook,
    parse_count,
    parse_date,
    parse_text,
    read_sheet,
    reference_list,
    run_atomically,
    service_errors,
    style_header,
)
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    column,
    content_language,
    ordered,
)
from pacesetter.core.translations import values as text_values
from pacesetter.decisions.models import Decision
from pacesetter.decisions.policies import decision_policy
from pacesetter.decisions.services import decision_create
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from .models import Award, AwardGrant, Person, RecipientKind
from .people_services import person_create
from .services import grant_record

GRANTS_SHEET = "Awards"
HELP_SHEET = "Help"
GRANT_COLUMNS = (
    Column("award_code", 26),
    Column("year", 8),
    Column("unit_code", 14),
    Column("person_name", 28, required=False),
    Column("decision_number", 18),
    Column("decision_date", 14),
    Column("decision_issuer", 32),
    Column("achievement", 44, required=False),
    Column("achievement_key", 20, required=False),
)
_DECISION_FIELD_COLUMNS = {
    "number": "decision_number",
    "date": "decision_date",
    "issuer": "decision_issuer",
    # A new decision's issuer is in the request's language: its column is one of these.
    **{column("issuer", language): "decision_issuer" for language in CONTENT_LANGUAGES},
}
_GRANT_FIELD_COLUMNS = {
    "award": "award_code",
    "unit": "unit_code",
    "person": "person_name",
    "decision": "decision_number",
}
FIRST_YEAR = 1945


def _length(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


_max = {
    "number": _length(Decision, "number"),
    "issuer": _length(Decision, "issuer_en"),
    "full_name": _length(Person, "full_name"),
    "achievement_key": _length(AwardGrant, "achievement_key"),
}


@dataclass
class GrantImportResult(ImportResult):
    decisions_created: int = 0
    people_created: int = 0


def manageable_units(user: Any) -> QuerySet[Unit]:
    """Units whose committee staff the user is: the possible owners of imported decisions."""
    return unit_policy.visible(user, "manage").order_by(ordered("name"), "pk")


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class _GrantRow:
    row: int
    award: Award
    year: int
    unit: Unit
    person_name: str
    person: Person | None
    decision_key: tuple[str, str, date]
    achievement: str
    achievement_key: str


@dataclass
class _Known:
    """What the rows are checked against, read once for the whole sheet."""

    awards: dict[str, Award]
    units: dict[str, Unit]
    people: dict[tuple[int, str], list[Person]]
    decisions: dict[tuple[str, str, date], Decision]
    existing: set[tuple[Any, ...]]
    this_year: int


def _known(actor: Any, sheet: Sheet) -> _Known:
    """The awards, the units the user manages that the sheet names (and their people),
    the decisions it names that the user may update, and the grants of those."""
    unit_codes = {cell_text(sheet.get(v, "unit_code")) for _n, v in sheet.rows}
    units = {
        u.code: u for u in unit_policy.visible(actor, "manage").filter(code__in=unit_codes - {""})
    }
    people: dict[tuple[int, str], list[Person]] = {}
    for known in Person.objects.filter(unit__in=units.values()):
        people.setdefault((known.unit_id, _name_key(known.full_name)), []).append(known)
    numbers = {cell_text(sheet.get(v, "decision_number")) for _n, v in sheet.rows}
    # A decision is known by its issuer in any language it is recorded in.
    decisions = {
        (issuer, d.number, d.date): d
        for d in decision_policy.visible(actor, "update").filter(number__in=numbers - {""})
        for issuer in text_values(d, "issuer").values()
    }
    existing: set[tuple[Any, ...]] = set(
        AwardGrant.objects.filter(
            decision__in=list(decisions.values()), revoked_at__isnull=True
        ).values_list("award_id", "unit_id", "person_id", "year", "decision_id")
    )
    return _Known(
        awards={a.code.casefold(): a for a in Award.objects.all()},
        units=units,
        people=people,
        decisions=decisions,
        existing=existing,
        this_year=timezone.localdate().year,
    )


# --- checking one row -----------------------------------------------------------------


def _check_award(row: RowReader, code: str | None, known: _Known) -> Award | None:
    award = known.awards.get((code or "").casefold())
    if not code:
        if not row.has_error("award_code"):
            row.error("award_code", _("enter the award's code (see the sheet “Help”)."))
    elif award is None:
        row.error(
            "award_code",
            _("there is no award with the code “%(code)s” (see the sheet “Help”).")
            % {"code": code},
        )
    return award


def _check_year(row: RowReader, year: int | None, known: _Known) -> None:
    if year is None:
        if not row.has_error("year"):
            row.error("year", _("enter the year the award was given for."))
    elif not FIRST_YEAR <= year <= known.this_year:
        row.error(
            "year",
            _("enter a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": known.this_year},
        )


def _check_unit(row: RowReader, code: str | None, known: _Known) -> Unit | None:
    unit = known.units.get(code or "")
    if not code:
        if not row.has_error("unit_code"):
            row.error("unit_code", _("enter the code of the unit."))
    elif unit is None:
        row.error(
            "unit_code",
            _("there is no unit with the code “%(code)s” that you may see.") % {"code": code},
        )
    return unit


def _check_person(
    row: RowReader, award: Award | None, unit: Unit | None, name: str, known: _Known
) -> Person | None:
    """The recorded person the row names (None: a unit's award, or one to add)."""
    if award is not None and award.recipient_kind == RecipientKind.PERSON:
        if not name:
            row.error("person_name", _("this award is given to people; enter the name."))
        elif len(name) > _max["full_name"]:
            row.error(
                "person_name",
                _("write at most %(max)s characters (this has %(n)s).")
                % {"max": _max["full_name"], "n": len(name)},
            )
        elif unit is not None:
            matches = known.people.get((unit.pk, _name_key(name)), [])
            if len(matches) > 1:
                row.error(
                    "person_name",
                    _(
                        "%(unit)s has %(n)s people named “%(name)s”; record this award "
                        "on the person's page instead."
                    )
                    % {"unit": unit.code, "n": len(matches), "name": name},
                )
            elif matches:
                return matches[0]
    elif award is not None and name:
        row.error(
            "person_name",
            _("this award is given to units; leave the name empty."),
        )
    return None


def _check_decision(
    row: RowReader, number: str | None, day: date | None, issuer: str | None, year: int | None
) -> None:
    if not number and not row.has_error("decision_number"):
        row.error("decision_number", _("enter the decision's number."))
    if day is None:
        if not row.has_error("decision_date"):
            row.error("decision_date", _("enter the decision's date."))
    elif day > timezone.localdate():
        row.error("decision_date", _("the date is in the future."))
    elif year is not None and day.year < year:
        row.error("decision_date", _("the decision is dated before the award's year."))
    if not issuer and not row.has_error("decision_issuer"):
        row.error("decision_issuer", _("enter who issued the decision."))


def _read_row(row: RowReader, known: _Known) -> _GrantRow | None:
    """The row's grant, or None with its errors in ``row.errors``."""
    award_code = row.cell("award_code", parse_text)
    year = row.cell("year", parse_count)
    unit_code = row.cell("unit_code", parse_text)
    person_name = " ".join((row.cell("person_name", parse_text) or "").split())
    decision_number = row.cell("decision_number", parse_text, max_length=_max["number"])
    decision_date = row.cell("decision_date", parse_date)
    issuer = row.cell("decision_issuer", parse_text, max_length=_max["issuer"])
    achievement = row.cell("achievement", parse_text) or ""
    achievement_key = (
        row.cell("achievement_key", parse_text, max_length=_max["achievement_key"]) or ""
    )
    award = _check_award(row, award_code, known)
    _check_year(row, year, known)
    unit = _check_unit(row, unit_code, known)
    person = _check_person(row, award, unit, person_name, known)
    _check_decision(row, decision_number, decision_date, issuer, year)
    if row.errors:
        return None
    assert award is not None and unit is not None and year is not None
    assert decision_number and decision_date and issuer
    return _GrantRow(
        row.number,
        award,
        year,
        unit,
        person_name,
        person,
        (issuer, decision_number, decision_date),
        achievement,
        achievement_key,
    )


def _recorded(line: _GrantRow, known: _Known) -> bool:
    """The registry holds this grant already (under a decision the user sees)."""
    decision = known.decisions.get(line.decision_key)
    return (
        decision is not None
        and (
            line.award.pk,
            None if line.person_name else line.unit.pk,
            line.person.pk if line.person else None,
            line.year,
            decision.pk,
        )
        in known.existing
    )


# --- import ---------------------------------------------------------------------------


def import_grants(*, actor: Any, owner_unit: Unit, workbook: Any) -> GrantImportResult:
    """Record the past awards of sheet "Awards"; decisions missing are created, owned by
    ``owner_unit`` (which the user must manage). Raises ImportFailed on any error."""
    if not unit_policy.allows(actor, "manage", owner_unit):
        raise PermissionDenied(_("You do not manage this unit."))
    sheet = read_sheet(workbook, GRANTS_SHEET, GRANT_COLUMNS)
    known = _known(actor, sheet)
    errors: list[CellError] = []
    lines: list[_GrantRow] = []
    seen: dict[tuple[Any, ...], int] = {}
    result = GrantImportResult()
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        line = _read_row(row, known)
        if line is None:
            errors.extend(row.errors)
            continue
        name = _name_key(line.person_name)
        same = (line.award.pk, line.unit.pk, name, line.year, line.decision_key)
        if same in seen:
            errors.append(
                sheet.error(
                    number,
                    None,
                    _("the same award is already on row %(row)s.") % {"row": seen[same]},
                )
            )
            continue
        seen[same] = number
        if _recorded(line, known):
            result.unchanged += 1
            continue
        lines.append(line)

    def work() -> tuple[GrantImportResult, list[CellError]]:
        found = list(errors)
        created_people: dict[tuple[int, str], Person] = {}
        for line in lines:
            found.extend(_write(actor, owner_unit, sheet, line, known, created_people, result))
        return result, found

    run_atomically(work)
    return result


def _write(
    actor: Any,
    owner_unit: Unit,
    sheet: Sheet,
    line: _GrantRow,
    known: _Known,
    created_people: dict[tuple[int, str], Person],
    result: GrantImportResult,
) -> list[CellError]:
    """Record one row's grant, with its decision and person when they are new; returns
    the row's errors."""
    decision = known.decisions.get(line.decision_key)
    if decision is None:
        issuer, decision_number, decision_date = line.decision_key
        try:
            decision = decision_create(
                actor=actor,
                owner_unit=owner_unit,
                number=decision_number,
                date=decision_date,
                issuer=issuer,
                source_language=content_language(),
            )
        except ValidationError as exc:
            return service_errors(sheet, line.row, exc, _DECISION_FIELD_COLUMNS)
        known.decisions[line.decision_key] = decision
        result.decisions_created += 1
    person = line.person
    if line.award.recipient_kind == RecipientKind.PERSON and person is None:
        name_key = (line.unit.pk, _name_key(line.person_name))
        person = created_people.get(name_key)
        if person is None:
            person = person_create(
                actor=actor, unit=line.unit, full_name=line.person_name, source="import"
            )
            created_people[name_key] = person
            result.people_created += 1
    try:
        grant_record(
            actor=actor,
            award=line.award,
            decision=decision,
            year=line.year,
            unit=None if person is not None else line.unit,
            person=person,
            achievement=line.achievement,
            achievement_key=line.achievement_key,
        )
    except ValidationError as exc:
        return service_errors(sheet, line.row, exc, _GRANT_FIELD_COLUMNS)
    result.saved += 1
    return []


# --- template -------------------------------------------------------------------------


def grants_template(user: Any = None) -> Workbook:
    """The "Awards" sheet to fill in and a "Help" sheet with the award codes (those that
    apply in the countries of the units ``user`` imports for, when given)."""
    workbook = new_workbook(GRANTS_SHEET, title=_("Past awards"))
    sheet = workbook.active
    header_row(sheet, 1, GRANT_COLUMNS)
    sheet.column_dimensions["F"].number_format = "DD/MM/YYYY"  # decision_date

    awards_qs = Award.objects.filter(is_active=True)
    if user is not None:
        from .selectors import awards_for_units

        awards_qs = awards_for_units(awards_qs, manageable_units(user))
    awards = list(awards_qs)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    append_row(help_sheet, ["award_code", _("Award"), _("Awarded to"), _("Level"), _("Issuer")])
    style_header(help_sheet[1])
    for award in awards:
        append_row(
            help_sheet,
            [
                award.code,
                award.name,
                str(award.get_recipient_kind_display()),
                str(award.get_level_display()),
                award.issuer,
            ],
        )
    if awards:
        reference_list(
            sheet,
            "A2:A5000",
            f"{HELP_SHEET}!$A$2:$A${len(awards) + 1}",
            _("Choose a code from the sheet “Help”."),
        )
    append_row(help_sheet, [])
    append_row(help_sheet, [_("Column"), _("Meaning")])
    for header, meaning in (
        ("award_code", _("The award's code, from the list above.")),
        ("year", _("The year the award was given for, e.g. 2023.")),
        ("unit_code", _("The code of the unit that received it, or of the person's unit.")),
        (
            "person_name",
            _(
                "For awards given to people: the person's full name. People not yet recorded "
                "in the unit are added."
            ),
        ),
        ("decision_number", _("The number of the decision that granted the award.")),
        ("decision_date", _("The date of the decision, e.g. 31/12/2023.")),
        ("decision_issuer", _("Who issued the decision.")),
        ("achievement", _("The achievement the award was given for (optional).")),
        (
            "achievement_key",
            _(
                "Optional: a reference to the achievement, so that it does not back another "
                "award as well."
            ),
        ),
    ):
        append_row(help_sheet, [header, meaning])
    for letter, width in (("A", 26), ("B", 60), ("C", 20), ("D", 22), ("E", 40)):
        help_sheet.column_dimensions[letter].width = width
    return workbook
