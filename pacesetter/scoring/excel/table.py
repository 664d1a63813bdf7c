"""The scoring table's workbook: the "Criteria" template (empty or with a table's
criteria) and its import into a draft table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    LANGUAGE_NAMES,
    column,
    content_language,
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
#: The translatable columns: a column per language (``title_vi``), the width of each.
TEXT_COLUMNS = {"title": 50, "measure": 14, "guidance": 50}
CODE_MAX = Criterion._meta.get_field("code").max_length
TEXT_MAX: dict[str, int | None] = {
    name: Criterion._meta.get_field(column(name, CONTENT_LANGUAGES[0])).max_length  # type: ignore[union-attr]
    for name in TEXT_COLUMNS
}


def table_columns(source: str) -> tuple[Column, ...]:
    """The "Criteria" columns for a table written in ``source``: its texts in ``source``
    where the fields stand (those headers required), the other languages at the end."""

    def text(name: str) -> Column:
        return Column(column(name, source), TEXT_COLUMNS[name])

    return (
        Column("code", 12),
        Column("parent_code", 12),
        text("title"),
        Column("kind", 14),
        Column("max_points", 12, number_format=FMT_POINTS),
        Column("direction", 12, required=False),
        Column("method", 22, required=False),
        Column("points_per_item", 14, required=False, number_format=FMT_POINTS),
        text("measure"),
        Column("zero_target", 14, required=False),
        text("guidance"),
        *(
            Column(column(name, language), width, required=False)
            for name, width in TEXT_COLUMNS.items()
            for language in CONTENT_LANGUAGES
            if language != source
        ),
    )


def _text_label(name: str) -> str:
    return str(Criterion.translated_fields[name]._field.verbose_name)  # type: ignore[attr-defined]


#: The columns of a table written in English.
TABLE_COLUMNS = table_columns(CONTENT_LANGUAGES[0])


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
    source = table.source_language
    columns = table_columns(source)
    sheet = read_sheet(workbook, TABLE_SHEET, columns)
    title_column = column("title", source)
    field_columns = {"parent": "parent_code"}
    errors: list[CellError] = []
    existing = dict(table.criteria.values_list("code", "kind"))
    seen: dict[str, tuple[int, str | None]] = {}  # code → (row, kind) earlier in this file
    lines: list[_CriterionRow] = []
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        code = row.cell("code", parse_text, max_length=CODE_MAX)
        parent_code = row.cell("parent_code", parse_text) or ""
        texts = {
            column(name, language): row.cell(
                column(name, language), parse_text, max_length=TEXT_MAX[name]
            )
            for name in TEXT_COLUMNS
            for language in CONTENT_LANGUAGES
        }
        kind = row.cell("kind", parse_choice, CriterionKind)
        points = {"places": POINT_PLACES, "digits": POINT_DIGITS}
        optional = {
            "max_points": row.cell("max_points", parse_decimal, **points),
            "direction": row.cell("direction", parse_choice, Direction),
            "method": row.cell("method", parse_choice, Method),
            "points_per_item": row.cell("points_per_item", parse_decimal, **points),
            "zero_target": row.cell("zero_target", parse_choice, ZeroTarget),
            **texts,
        }
        if not code and not row.has_error("code"):
            row.error("code", _("enter a code."))
        if not texts[title_column] and not row.has_error(title_column):
            row.error(
                title_column,
                _("enter a title in %(language)s, the table's source language.")
                % {"language": LANGUAGE_NAMES[source]},
            )
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
        lines.append(_CriterionRow(number, code, parent_code, {"kind": kind, **fields}))

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
                found.extend(service_errors(sheet, line.row, exc, field_columns))
            else:
                result.saved += 1
        return result, found

    return run_atomically(work)


def table_template(table: ScoringTable | None = None) -> Workbook:
    """The "Criteria" sheet (with ``table``'s criteria when given) and a "Help" sheet.

    Titles, units of measure and guidance have a column per language: the table's
    source language (the active one for an empty template) where the fields stand, the
    translations at the end. Each cell holds the recorded value, no fallback."""
    source = table.source_language if table is not None else content_language()
    columns = table_columns(source)
    workbook = new_workbook(TABLE_SHEET, title=str(table) if table else _("Scoring table"))
    sheet = workbook.active
    header_row(sheet, 1, columns)
    if table is not None:
        for criterion in table.criteria.select_related("parent").order_by("position", "pk"):
            values = {
                "code": criterion.code,
                "parent_code": criterion.parent.code if criterion.parent else None,
                "kind": criterion.kind,
                "max_points": criterion.max_points,
                "direction": criterion.direction,
                "method": criterion.method,
                "points_per_item": criterion.points_per_item,
                "zero_target": criterion.zero_target,
            }
            append_row(
                sheet,
                [
                    values[c.header] if c.header in values else getattr(criterion, c.header)
                    for c in columns
                ],
            )
    number_formats(sheet, columns, 2)
    for header, choices in (
        ("kind", CriterionKind),
        ("direction", Direction),
        ("method", Method),
        ("zero_target", ZeroTarget),
    ):
        choice_list(sheet, columns, header, choices.values)
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
        (
            column("title", source),
            _("The title in %(language)s, the table's source language; required.")
            % {"language": LANGUAGE_NAMES[source]},
        ),
        (
            column("measure", source),
            _("Unit of measure of the target and actual, e.g. billion VND."),
        ),
        ("zero_target", _("What happens when a unit's target is missing or zero.")),
        *(
            (
                column(name, language),
                _("The %(field)s in %(language)s; empty: the source language's is shown.")
                % {
                    "field": _text_label(name),
                    "language": LANGUAGE_NAMES[language],
                },
            )
            for name in TEXT_COLUMNS
            for language in CONTENT_LANGUAGES
            if language != source
        ),
    ):
        append_row(help_sheet, [header, "", meaning])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 24
    help_sheet.column_dimensions["C"].width = 70
    return workbook
