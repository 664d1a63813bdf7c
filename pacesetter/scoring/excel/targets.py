"""Targets: the "Targets" template of the units a user registers for, and its import."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign
from pacesetter.core.spreadsheets import (
    FMT_VALUE,
    CellError,
    Column,
    ImportResult,
    RowReader,
    Workbook,
    append_row,
    choice_list,
    header_row,
    new_workbook,
    number_formats,
    parse_decimal,
    parse_flag,
    parse_text,
    read_sheet,
    run_atomically,
    service_errors,
)
from pacesetter.core.translations import ordered
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from .. import services
from ..models import CriterionKind, Registration
from .common import (
    VALUE_DIGITS,
    VALUE_PLACES,
    criterion_cell,
    criterion_title,
    table_criteria,
    unit_cell,
)

TARGETS_SHEET = "Targets"
TARGET_COLUMNS = (
    Column("unit_code", 14),
    Column("unit_name", 30, required=False),
    Column("criterion_code", 14),
    Column("criterion_title", 40, required=False),
    Column("target", 16, number_format=FMT_VALUE),
    Column("not_assigned", 14, required=False),
    Column("note", 40, required=False),
)
_TARGET_FIELD_COLUMNS = {"unit": "unit_code", "criterion": "criterion_code"}
NOTE_MAX = Registration._meta.get_field("note").max_length


def registrable_units(user: Any, campaign: Campaign) -> QuerySet[Unit]:
    """Participating units whose targets the user may register (their officers and staff)."""
    return (
        unit_policy.visible(user, "update")
        .filter(participations__campaign=campaign)
        .order_by(ordered("name"), "pk")
    )


def targets_template(user: Any, campaign: Campaign) -> Workbook:
    """One row per registrable unit and quantitative criterion, with what is registered."""
    units = list(registrable_units(user, campaign))
    criteria = list(
        table_criteria(campaign).filter(kind=CriterionKind.QUANTITATIVE).order_by("position")
    )
    registrations = {
        (r.unit_id, r.criterion_id): r
        for r in Registration.objects.filter(campaign=campaign, unit__in=units)
    }
    workbook = new_workbook(TARGETS_SHEET, title=str(campaign), subject=_("Targets"))
    sheet = workbook.active
    header_row(sheet, 1, TARGET_COLUMNS)
    yes = _("yes")
    for unit in units:
        for criterion in criteria:
            registration = registrations.get((unit.pk, criterion.pk))
            append_row(
                sheet,
                [
                    unit.code,
                    unit.name,
                    criterion.code,
                    criterion_title(criterion),
                    registration.target if registration else None,
                    yes if registration and registration.not_assigned else None,
                    registration.note if registration else None,
                ],
            )
    number_formats(sheet, TARGET_COLUMNS, 2)
    choice_list(sheet, TARGET_COLUMNS, "not_assigned", [yes, _("no")])
    return workbook


def import_targets(*, actor: Any, campaign: Campaign, workbook: Any) -> ImportResult:
    """Register the targets of sheet "Targets" (``registration_set`` per row) for the
    participating units the user may register for; rows of other units are errors."""
    sheet = read_sheet(workbook, TARGETS_SHEET, TARGET_COLUMNS)
    units = {u.code: u for u in registrable_units(actor, campaign)}
    criteria = {c.code: c for c in table_criteria(campaign)}
    registrations = {
        (r.unit_id, r.criterion_id): r
        for r in Registration.objects.filter(campaign=campaign, unit__in=units.values())
    }
    errors: list[CellError] = []
    lines: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[int, int], int] = {}
    result = ImportResult()
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        unit = unit_cell(row, units, _registrable_message)
        criterion = criterion_cell(row, criteria)
        target = row.cell("target", parse_decimal, places=VALUE_PLACES, digits=VALUE_DIGITS)
        not_assigned = bool(row.cell("not_assigned", parse_flag))
        note = row.cell("note", parse_text, max_length=NOTE_MAX) or ""
        if unit is not None and criterion is not None:
            key = (unit.pk, criterion.pk)
            if key in seen:
                row.error(
                    "criterion_code",
                    _("this unit and criterion are already on row %(row)s.") % {"row": seen[key]},
                )
            seen.setdefault(key, number)
        if row.errors:
            errors.extend(row.errors)
            continue
        assert unit is not None and criterion is not None
        if target is None and not not_assigned and not note:
            result.empty += 1
            continue
        current = registrations.get((unit.pk, criterion.pk))
        if (
            current is not None
            and current.not_assigned == not_assigned
            and (not_assigned or current.target == target)
            and current.note == note
        ):
            result.unchanged += 1
            continue
        data = {"unit": unit, "criterion": criterion, "target": target, "note": note}
        lines.append((number, {**data, "not_assigned": not_assigned}))

    def work() -> tuple[ImportResult, list[CellError]]:
        found = list(errors)
        for number, data in lines:
            try:
                services.registration_set(actor=actor, campaign=campaign, **data)
            except ValidationError as exc:
                found.extend(service_errors(sheet, number, exc, _TARGET_FIELD_COLUMNS))
            else:
                result.saved += 1
        return result, found

    return run_atomically(work)


def _registrable_message(code: str) -> str:
    return _("“%(code)s” is not a participating unit you may register targets for.") % {
        "code": code
    }
