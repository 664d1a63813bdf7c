"""What the scoring workbooks share: value sizes, the criteria of a campaign's table,
the unit and criterion columns of uploads, and the title rows of exports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign, ReviewPoint
from pacesetter.core.spreadsheets import (
    NOTE_FONT,
    TITLE_FONT,
    Column,
    RowReader,
    header_row,
    parse_text,
    write_cell,
)
from pacesetter.units.models import Unit

from ..models import Criterion, CriterionKind

VALUE_PLACES, VALUE_DIGITS = 4, 20  # targets and actuals (models.value_field)
POINT_PLACES, POINT_DIGITS = 2, 10  # points (models.points_field)
COUNT_KINDS = (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY)
FLAG_KINDS = (CriterionKind.PASS_FAIL, CriterionKind.VETO)


def table_criteria(campaign: Campaign) -> QuerySet[Criterion]:
    """The criteria of the campaign's table that are scored (not the groups)."""
    return Criterion.objects.filter(table_id=campaign.scoring_table_id).exclude(
        kind=CriterionKind.GROUP
    )


def unit_cell(row: RowReader, units: dict[str, Unit], refused: Any) -> Unit | None:
    """The row's unit among ``units`` by code; ``refused(code)`` words the error."""
    code = row.cell("unit_code", parse_text)
    if not code:
        row.error("unit_code", _("enter a unit code."))
        return None
    unit = units.get(code)
    if unit is None:
        # One message for unknown units and for other units: nothing leaks about either.
        row.error("unit_code", refused(code))
    return unit


def criterion_cell(row: RowReader, criteria: dict[str, Criterion]) -> Criterion | None:
    """The row's criterion among ``criteria`` by code."""
    code = row.cell("criterion_code", parse_text)
    if not code:
        row.error("criterion_code", _("enter a criterion code."))
        return None
    criterion = criteria.get(code)
    if criterion is None:
        row.error(
            "criterion_code",
            _("“%(code)s” is not a criterion of the campaign's scoring table.") % {"code": code},
        )
    return criterion


def today() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def criterion_title(criterion: Criterion) -> str:
    return criterion.title + (f" ({criterion.measure})" if criterion.measure else "")


def title_rows(
    sheet: Any,
    campaign: Campaign,
    review_point: ReviewPoint,
    labels: Sequence[str],
    columns: Sequence[Column],
    *,
    unit: Unit | None = None,
) -> int:
    """Title lines, a blank line and the header row; returns the first data row."""
    write_cell(sheet, 1, 1, campaign.name).font = TITLE_FONT
    line = f"{review_point.name} ({review_point.period_end:%d/%m/%Y})"
    if unit is not None:
        line = f"{unit.name} ({unit.code}) — {line}"
    write_cell(sheet, 2, 1, line)
    write_cell(sheet, 3, 1, _("Exported %(date)s") % {"date": today()}).font = NOTE_FONT
    header_row(sheet, 5, columns, labels)
    return 6
