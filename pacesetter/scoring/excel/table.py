"""The scoring table's workbook: the "Criteria" template (empty or with a table's
criteria) and its import into a draft table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_deferred
from pacesetter.core.spreadsheets import (
    FMT_POINTS,
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
    parse_choice,
    parse_decimal,
    parse_text,
    read_sheet,
    run_atomically,
    service_errors,
    style_header,
)

from .. import services
from ..models import (
    Criterion,
    CriterionKind,
    Direction,
    Method,
    ScoringTable,
    TableState,
    ZeroTarget,
)
from .common import POINT_DIGITS, POINT_PLACES

TABLE_SHEET = "Criteria"
HELP_SHEET = "Help"
TABLE_COLUMNS = (
    Column("code", 12),
    Column("parent_code", 12),
    Column("title", 50),
    Column("kind", 14),
    Column("max_points", 12, number_format=FMT_POINTS),
    Column("direction", 12, required=False),
    Column("method", 22, required=False),
    Column("points_per_item", 14, required=False, number_format=FMT_POINTS),
    Column("measure", 14, required=False),
    Column("zero_target", 14, required=False),
    Column("guidance", 50, required=False),
)
_TABLE_FIELD_COLUMNS = {"parent": "parent_code"}
CODE_MAX = Criterion._meta.get_field("code").max_length
TITLE_MAX = Criterion._meta.get_field("title").max_length
MEASURE_MAX = Criterion._meta.get_field("measure").max_length


@dataclass
class _CriterionRow:
    row: int
    code: str
    parent_code: str
    fields: dict[str, Any]


def import_table(*, actor: Any, table: ScoringTable, workbook: Any) -> ImportResult:
    """Add the criteria of sheet "Criteria" to a draft table, in the sheet's order;
    ``parent_code`` names a group already in the table or on an earlier row."""
    if table.state != TableState.DRAFT:
        raise ImportFailed(
            [CellError("", _("The table is adopted and locked; clone it to change it."))]
        )
    sheet = read_sheet(workbook, TABLE_SHEET, TABLE_COLUMNS)
    errors: list[CellError] = []
    existing = dict(table.criteria.values_list("code", "kind"))
    seen: dict[str, tuple[int, str | None]] = {}  # code → (row, kind) earlier in this file
    lines: list[_CriterionRow] = []
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        code = row.cell("code", parse_text, max_length=CODE_MAX)
        parent_code = row.cell("parent_code", parse_text) or ""
        title = row.cell("title", parse_text, max_length=TITLE_MAX)
        kind = row.cell("kind", parse_choice, CriterionKind)
        points = {"places": POINT_PLACES, "digits": POINT_DIGITS}
        optional = {
            "max_points": row.cell("max_points", parse_decimal, **points),
            "direction": row.cell("direction", parse_choice, Direction),
            "method": row.cell("method", parse_choice, Method),
            "points_per_item": row.cell("points_per_item", parse_decimal, **points),
            "measure": row.cell("measure", parse_text, max_length=MEASURE_MAX),
            "zero_target": row.cell("zero_target", parse_choice, ZeroTarget),
            "guidance": row.cell("guidance", parse_text),
        }
        if not code and not row.has_error("code"):
            row.error("code", _("enter a code."))
        if not title and not row.has_error("title"):
            row.error("title", _("enter a title."))
        if kind is None and not row.has_error("kind"):
            row.error(
                "kind",
                _("choose a kind: %(allowed)s.") % {"allowed": ", ".join(CriterionKind.values)},
            )
        if code in existing:
            row.error("code", _("the table already has a criterion with this code."))
        elif code in seen:
            row.error(
                "code", _("this code is already used on row %(row)s.") % {"row": seen[code][0]}
            )
        elif code:
            seen[code] = (number, kind)
        if parent_code:
            parent_kind = seen[parent_code][1] if parent_code in seen else None
            parent_kind = existing.get(parent_code, parent_kind)
            if parent_code not in seen and parent_code not in existing:
                row.error(
                    "parent_code",
                    _("no group with the code “%(code)s” comes before this row.")
                    % {"code": parent_code},
                )
            elif parent_kind is not None and parent_kind != CriterionKind.GROUP:
                row.error(
                    "parent_code",
                    _("“%(code)s” is not a group; only a group can hold criteria.")
                    % {"code": parent_code},
                )
        if row.errors:
            errors.extend(row.errors)
            continue
        fields = {k: v for k, v in optional.items() if v not in (None, "")}
        lines.append(
            _CriterionRow(number, code, parent_code, {"title": title, "kind": kind, **fields})
        )

    # The rows' audit entries are chained when the import ends: the chain's head is
    # not locked for the whole import (audit.services.audit_deferred).
    @audit_deferred()
    def work() -> tuple[ImportResult, list[CellError]]:
        found = list(errors)
        result = ImportResult()
        created: dict[str, Criterion] = {c.code: c for c in table.criteria.all()}
        for line in lines:
            parent = None
            if line.parent_code:
                parent = created.get(line.parent_code)
                if parent is None:  # its group's row had errors: this one waits for it
                    found.append(
                        sheet.error(
                            line.row,
                            "parent_code",
                            _("its group “%(code)s” has errors.") % {"code": line.parent_code},
                        )
                    )
                    continue
            try:
                created[line.code] = services.criterion_add(
                    actor=actor, table=table, code=line.code, parent=parent, **line.fields
                )
            except ValidationError as exc:
                found.extend(service_errors(sheet, line.row, exc, _TABLE_FIELD_COLUMNS))
            else:
                result.saved += 1
        return result, found

    return run_atomically(work)


def table_template(table: ScoringTable | None = None) -> Workbook:
    """The "Criteria" sheet (with ``table``'s criteria when given) and a "Help" sheet."""
    workbook = new_workbook(TABLE_SHEET, title=str(table) if table else _("Scoring table"))
    sheet = workbook.active
    header_row(sheet, 1, TABLE_COLUMNS)
    if table is not None:
        for criterion in table.criteria.select_related("parent").order_by("position", "pk"):
            append_row(
                sheet,
                [
                    criterion.code,
                    criterion.parent.code if criterion.parent else None,
                    criterion.title,
                    criterion.kind,
                    criterion.max_points,
                    criterion.direction,
                    criterion.method,
                    criterion.points_per_item,
                    criterion.measure,
                    criterion.zero_target,
                    criterion.guidance,
                ],
            )
    number_formats(sheet, TABLE_COLUMNS, 2)
    for header, choices in (
        ("kind", CriterionKind),
        ("direction", Direction),
        ("method", Method),
        ("zero_target", ZeroTarget),
    ):
        choice_list(sheet, TABLE_COLUMNS, header, choices.values)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    append_row(help_sheet, [_("Column"), _("Allowed value"), _("Meaning")])
    style_header(help_sheet[1])
    for header, choices in (
        ("kind", CriterionKind),
        ("direction", Direction),
        ("method", Method),
        ("zero_target", ZeroTarget),
    ):
        for code, label in choices.choices:
            append_row(help_sheet, [header, code, str(label)])
    append_row(help_sheet, [])
    for header, meaning in (
        ("code", _("A unique code, e.g. 1.2.")),
        (
            "parent_code",
            _("The code of the group the row belongs to; the group must be on an earlier row."),
        ),
        ("max_points", _("Maximum points; a group's criteria may not add up to more.")),
        ("points_per_item", _("Points for each item (count, bonus and penalty).")),
        ("measure", _("Unit of measure of the target and actual, e.g. billion VND.")),
        ("zero_target", _("What happens when a unit's target is missing or zero.")),
    ):
        append_row(help_sheet, [header, "", meaning])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 24
    help_sheet.column_dimensions["C"].width = 70
    return workbook
