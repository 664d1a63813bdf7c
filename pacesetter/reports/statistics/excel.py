"""A statutory form as .xlsx, in the form's own layout and language: the reporting body
and the form's code, circular and due date at the top, the title, the year and the unit
of count; the header rows with the column groups merged over their columns and the key
and code columns merged down them, a row of column numbers (A, B, 1, 2, …); the rows
with their codes and the figures; the signatures. A figure links to its records on the
"Records" sheet, which lists, for every figure, the records it counts: every figure is
traceable in the file itself.

The form's words are in its source language (Vietnamese for Vietnam's forms, Chinese
for China's), the fixed words too (``translation.override``); a layout not checked
against the official text says so under the title."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import (
    FMT_PERCENT,
    HEADER_FONT,
    NOTE_FONT,
    TITLE_FONT,
    box,
    column_width,
    export_workbook,
    link_cell,
    merged_cell,
    style_header,
    workbook_bytes,
    write_cell,
)

from .layouts import Layout
from .measures import SOURCES, measure_q
from .records import record_headers, record_values
from .selectors import Cell, FormFigures

KEY, CODE = 1, 2  # the columns of the row labels and codes
FIRST = 3  # the first column of figures


def unconfirmed_note(layout: Layout) -> str:
    return _(
        "Layout %(version)s (in force from %(valid_from)s) is not confirmed against the "
        "official text: check the form before filing it."
    ) % {"version": layout.version, "valid_from": layout.valid_from.isoformat()}


def _header(sheet: Any, layout: Layout, figures: FormFigures, last: int) -> int:
    language = layout.source_language
    merged_cell(
        sheet,
        (1, KEY),
        (1, CODE),
        _("Reporting body: %(body)s") % {"body": figures.body.name},
        font=HEADER_FONT,
        align="left",
    )
    merged_cell(
        sheet,
        (1, last - 1 if last > FIRST else last),
        (1, last),
        _("Form %(code)s") % {"code": layout.code},
        font=HEADER_FONT,
        align="right",
    )
    row = 2
    for name in ("circular", "received"):
        text = layout.text(name, language)
        if text:
            merged_cell(sheet, (row, FIRST), (row, last), text, font=NOTE_FONT, align="right")
            row += 1
    row += 1
    merged_cell(sheet, (row, KEY), (row, last), layout.text("title", language), font=TITLE_FONT)
    row += 1
    merged_cell(sheet, (row, KEY), (row, last), _("Year %(year)s") % {"year": figures.year})
    row += 1
    if layout.text("unit", language):
        merged_cell(sheet, (row, KEY), (row, last), layout.text("unit", language), align="right")
        row += 1
    if not layout.confirmed:
        merged_cell(sheet, (row, KEY), (row, last), unconfirmed_note(layout), font=NOTE_FONT)
        row += 1
    return row + 1


def _column_heads(sheet: Any, layout: Layout, top: int) -> int:
    """Two header rows (groups above their columns) and the row of column numbers."""
    language = layout.source_language
    grouped = any(c.group for c in layout.columns)
    bottom = top + 1 if grouped else top
    merged_cell(sheet, (top, KEY), (bottom, KEY), layout.text("columns_key_label", language))
    merged_cell(sheet, (top, CODE), (bottom, CODE), layout.text("code_label", language))
    index = 0
    columns = layout.columns
    while index < len(columns):
        column = columns[index]
        at = FIRST + index
        if not column.group:
            merged_cell(sheet, (top, at), (bottom, at), layout.label(column, language))
            index += 1
            continue
        span = 1
        while index + span < len(columns) and columns[index + span].group == column.group:
            span += 1
        merged_cell(sheet, (top, at), (top, at + span - 1), layout.group(column, language))
        for offset in range(span):
            merged_cell(
                sheet,
                (bottom, at + offset),
                (bottom, at + offset),
                layout.label(columns[index + offset], language),
            )
        index += span
    numbers = bottom + 1
    for at, value in enumerate(["A", "B", *range(1, len(columns) + 1)], start=1):
        merged_cell(sheet, (numbers, at), (numbers, at), str(value), font=NOTE_FONT)
    for row in range(top, numbers + 1):
        style_header(sheet[row])
    return numbers + 1


def _record_sheet(
    workbook: Any, layout: Layout, figures: FormFigures, user: Any
) -> tuple[Any, dict]:
    """The "Records" sheet: for each figure, a heading line (row code, column) and the
    records it counts, read in one query; returns the sheet and each figure's first line."""
    language = layout.source_language
    sheet = workbook.create_sheet(_("Records")[:31])
    headers = record_headers(layout.source)
    write_cell(sheet, 1, 1, _("Row"))
    write_cell(sheet, 1, 2, _("Column"))
    for at, header in enumerate(headers, start=3):
        write_cell(sheet, 1, at, header)
    style_header(sheet[1])
    source = SOURCES[layout.source]
    flags: dict[str, Any] = {}
    cells: list[tuple[str, Cell]] = []
    for row, line in figures.lines:
        for cell in line:
            if cell.traceable and cell.value:
                key = f"in_{len(cells)}"
                q = measure_q(source, row.measure, cell.column.measure)
                flags[key] = (
                    Case(
                        When(q, then=Value(True)), default=Value(False), output_field=BooleanField()
                    )
                    if q
                    else Value(True, output_field=BooleanField())
                )
                cells.append((key, cell))
    members: dict[str, list[Any]] = {key: [] for key, _cell in cells}
    if cells:
        related = {
            "campaigns": ("organizer",),
            "grants": ("award", "unit", "person__unit", "decision"),
            "organizations": ("town",),
        }
        records = (
            source.records(user, figures.body, figures.year)
            .select_related(*related[layout.source])
            .annotate(**flags)
            .order_by(*source.order)
        )
        for record in records:
            for key, _cell in cells:
                if getattr(record, key):
                    members[key].append(record)
    anchors: dict[tuple[str, str], int] = {}
    at = 2
    for key, cell in cells:
        anchors[(cell.row.key, cell.column.key)] = at
        column_label = " / ".join(
            x
            for x in (layout.group(cell.column, language), layout.label(cell.column, language))
            if x
        )
        write_cell(sheet, at, 1, cell.row.key).font = HEADER_FONT
        write_cell(sheet, at, 2, f"{column_label} ({cell.value})").font = HEADER_FONT
        at += 1
        for record in members[key]:
            for offset, value in enumerate(record_values(layout.source, record), start=3):
                written = write_cell(sheet, at, offset, value)
                if isinstance(value, dt.date):
                    written.number_format = "yyyy-mm-dd"
            at += 1
    column_width(sheet, 1, 8)
    column_width(sheet, 2, 34)
    for offset in range(3, 3 + len(headers)):
        column_width(sheet, offset, 22)
    return sheet, anchors


def render_form_xlsx(figures: FormFigures, user: Any) -> bytes:
    layout = figures.layout
    with translation.override(layout.source_language):
        workbook = export_workbook(layout.code.split(".")[0], layout.text("title"))
        sheet = workbook.active
        last = FIRST + len(layout.columns) - 1
        top = _header(sheet, layout, figures, last)
        row = _column_heads(sheet, layout, top)
        records, anchors = _record_sheet(workbook, layout, figures, user)
        first_line = row
        for line, cells in figures.lines:
            label = write_cell(sheet, row, KEY, layout.label(line, layout.source_language))
            if line.heading:
                label.font = HEADER_FONT
                row += 1
                continue
            merged_cell(sheet, (row, CODE), (row, CODE), line.key)
            for offset, cell in enumerate(cells):
                target = write_cell(sheet, row, FIRST + offset, cell.value)
                if isinstance(cell.value, Decimal):
                    target.number_format = FMT_PERCENT
                anchor = anchors.get((line.key, cell.column.key))
                if anchor is not None:
                    link_cell(target, records.title, anchor)
            row += 1
        box(sheet, (top, KEY), (row - 1, last))
        column_width(sheet, KEY, 48)
        column_width(sheet, CODE, 8)
        for at in range(FIRST, last + 1):
            column_width(sheet, at, 16)
        row += 1
        _signatures(sheet, layout, row, last)
        sheet.freeze_panes = sheet.cell(row=first_line, column=FIRST)
    return workbook_bytes(workbook)


def _signatures(sheet: Any, layout: Layout, row: int, last: int) -> None:
    """The signature blocks side by side: the first under the labels, the last under the
    last columns."""
    language = layout.source_language
    places = [(KEY, KEY), (max(FIRST, last - 2), last)]
    for (label, note), (first, end) in zip(layout.signatures, places, strict=False):
        merged_cell(sheet, (row, first), (row, end), layout_text(label, language), font=HEADER_FONT)
        if note:
            merged_cell(
                sheet, (row + 1, first), (row + 1, end), layout_text(note, language), font=NOTE_FONT
            )


def layout_text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or next(iter(texts.values()), "")
