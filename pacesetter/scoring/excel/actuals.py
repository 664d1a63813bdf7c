"""Actuals: the "Actuals" template of the items a user reports at a review point, and
its import."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPoint, ReviewPointState
from pacesetter.core.spreadsheets import (
    FMT_INT,
    FMT_VALUE,
    CellError,
    Column,
    ImportFailed,
    ImportResult,
    RowReader,
    Workbook,
    append_row,
    choice_list,
    header_row,
    new_workbook,
    number_formats,
    parse_count,
    parse_decimal,
    parse_flag,
    parse_text,
    read_sheet,
    run_atomically,
    service_errors,
)
from pacesetter.core.translations import ordered

from .. import services
from ..models import CriterionKind, ScoreItem
from ..policies import score_item_policy
from ..workflows import UNIT_EDITABLE
from .common import (
    COUNT_KINDS,
    VALUE_DIGITS,
    VALUE_PLACES,
    criterion_cell,
    criterion_title,
    table_criteria,
    unit_cell,
)


def _reportable_message(code: str) -> str:
    return _("“%(code)s” is not a unit you may report for at this review point.") % {"code": code}


ACTUALS_SHEET = "Actuals"
ACTUAL_COLUMNS = (
    Column("unit_code", 14),
    Column("unit_name", 30, required=False),
    Column("criterion_code", 14),
    Column("criterion_title", 40, required=False),
    Column("kind", 14, required=False),
    Column("actual", 16, number_format=FMT_VALUE),
    Column("count", 10, number_format=FMT_INT),
    Column("met", 10),
    Column("explanation", 50, required=False),
)
_ACTUAL_FIELD_COLUMNS = {"passed": "met", "unit": "unit_code", "criterion": "criterion_code"}


def reportable_items(user: Any, review_point: ReviewPoint) -> QuerySet[ScoreItem]:
    """Items the user may report at this review point and that are still the unit's."""
    return (
        score_item_policy.visible(user, "report")
        .filter(review_point=review_point, state__in=UNIT_EDITABLE)
        .select_related("unit", "criterion")
        .order_by(ordered("unit__name"), "unit_id", "criterion__position", "criterion_id")
    )


def actuals_template(user: Any, review_point: ReviewPoint) -> Workbook:
    workbook = new_workbook(ACTUALS_SHEET, title=str(review_point), subject=_("Actuals"))
    sheet = workbook.active
    header_row(sheet, 1, ACTUAL_COLUMNS)
    yes, no = _("yes"), _("no")
    for item in reportable_items(user, review_point):
        criterion = item.criterion
        append_row(
            sheet,
            [
                item.unit.code,
                item.unit.name,
                criterion.code,
                criterion_title(criterion),
                criterion.kind,
                item.actual,
                item.count,
                None if item.passed is None else (yes if item.passed else no),
                item.explanation or None,
            ],
        )
    number_formats(sheet, ACTUAL_COLUMNS, 2)
    choice_list(sheet, ACTUAL_COLUMNS, "met", [yes, no])
    return workbook


def _value_column(kind: str) -> str:
    if kind == CriterionKind.QUANTITATIVE:
        return "actual"
    if kind in COUNT_KINDS:
        return "count"
    return "met"


def import_actuals(*, actor: Any, review_point: ReviewPoint, workbook: Any) -> ImportResult:
    """Report the actuals of sheet "Actuals" (``item_report`` per row, at the item's
    current version) for the items the user may report."""
    if review_point.state != ReviewPointState.OPEN:
        raise ImportFailed([CellError("", _("This review point is not open for reporting."))])
    sheet = read_sheet(workbook, ACTUALS_SHEET, ACTUAL_COLUMNS)
    items = {
        (i.unit.code, i.criterion.code): i
        for i in score_item_policy.visible(actor, "report")
        .filter(review_point=review_point)
        .select_related("unit", "criterion")
    }
    units = {i.unit.code: i.unit for i in items.values()}
    criteria = {c.code: c for c in table_criteria(review_point.campaign)}
    errors: list[CellError] = []
    lines: list[tuple[int, ScoreItem, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    result = ImportResult()
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        unit = unit_cell(row, units, _reportable_message)
        criterion = criterion_cell(row, criteria)
        parsed = {
            "actual": row.cell("actual", parse_decimal, places=VALUE_PLACES, digits=VALUE_DIGITS),
            "count": row.cell("count", parse_count),
            "met": row.cell("met", parse_flag),
        }
        explanation = row.cell("explanation", parse_text)
        item = items.get((unit.code, criterion.code)) if unit and criterion else None
        wanted = _value_column(item.criterion.kind) if item is not None else ""
        if item is not None:
            for header, value in parsed.items():
                if header != wanted and value is not None:
                    row.error(
                        header,
                        _(
                            "this criterion is reported in the “%(column)s” column; "
                            "leave this one empty."
                        )
                        % {"column": wanted},
                    )
            if item.pk in seen:
                row.error(
                    "criterion_code",
                    _("this unit and criterion are already on row %(row)s.")
                    % {"row": seen[item.pk]},
                )
            seen.setdefault(item.pk, number)
        if row.errors:
            errors.extend(row.errors)
            continue
        assert item is not None  # every unit has an item for every criterion of the table
        value = parsed[wanted]
        if value is None and not explanation:
            result.empty += 1
            continue
        current = {"actual": item.actual, "count": item.count, "met": item.passed}[wanted]
        if value == current and (not explanation or explanation == item.explanation):
            result.unchanged += 1
            continue
        data: dict[str, Any] = {"actual": None, "count": None, "passed": None}
        data["passed" if wanted == "met" else wanted] = value
        lines.append((number, item, {**data, "explanation": explanation or None}))

    def work() -> tuple[ImportResult, list[CellError]]:
        found = list(errors)
        for number, item, data in lines:
            try:
                services.item_report(actor=actor, item=item, version=item.version, **data)
            except ValidationError as exc:
                found.extend(service_errors(sheet, number, exc, _ACTUAL_FIELD_COLUMNS))
            else:
                result.saved += 1
        return result, found

    return run_atomically(work)
