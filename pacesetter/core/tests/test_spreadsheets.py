"""The spreadsheet kit: text that looks like a formula is written as text, and reads back
unchanged; errors are located by sheet, row and column."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from pacesetter.core.spreadsheets import (
    CellProblem,
    Column,
    ImportFailed,
    RowReader,
    append_row,
    parse_count,
    parse_decimal,
    read_sheet,
    workbook_bytes,
    write_cell,
)

DANGEROUS = [
    "=1+1",
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\tA",
    "\r=B",
    '=HYPERLINK("x","y")',
    "\uff1d1+1",  # full-width =, + , - and @
    "\uff0bA1",
    "\uff0d1",
    "\uff20SUM(A1)",
]


def test_text_that_starts_like_a_formula_is_stored_as_text():
    workbook = Workbook()
    sheet = workbook.active
    append_row(sheet, DANGEROUS)
    write_cell(sheet, 2, 1, "=A1*2")
    append_row(sheet, ["plain", 12, None])

    reread = load_workbook(io.BytesIO(workbook_bytes(workbook)))
    cells = reread.active
    for column, text in enumerate(DANGEROUS, start=1):
        cell = cells.cell(row=1, column=column)
        assert cell.data_type == "s", text  # never "f": nothing is evaluated
        assert cell.value == text
        assert cell.quotePrefix
    assert cells["A2"].data_type == "s" and cells["A2"].value == "=A1*2"
    assert [c.value for c in cells[3]][:2] == ["plain", 12]
    assert cells["B3"].data_type == "n"
    # Read the way uploads are read: the values come back as typed.
    values = load_workbook(io.BytesIO(workbook_bytes(workbook)), read_only=True, data_only=True)
    assert next(values.active.iter_rows(values_only=True)) == tuple(DANGEROUS)


@pytest.fixture(autouse=True)
def _another_language_active():
    """The messages are checked in English even when another language is active."""
    with translation.override("vi"):
        yield


def test_errors_name_the_sheet_row_and_column():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(["name", "count"])
    sheet.append(["a", "many"])
    read = read_sheet(workbook, "Data", (Column("name"), Column("count")))
    (number, values) = read.rows[0]
    row = RowReader(read, number, values)
    with translation.override("en"):
        assert row.cell("count", parse_count) is None
        assert str(row.errors[0]) == "Sheet “Data”, row 2, column B (count): enter a number."


def test_a_missing_required_column_fails_the_whole_sheet():
    workbook = Workbook()
    workbook.active.append(["name"])
    with translation.override("en"), pytest.raises(ImportFailed) as failed:
        read_sheet(workbook, "Sheet", (Column("name"), Column("count")))
    with translation.override("en"):
        assert failed.value.messages == [
            "Sheet “Sheet”: the column “count” is missing from the header row."
        ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1 + 0.2, "0.30"),  # a float as the 15 digits a spreadsheet shows
        ("1.234,5", "1234.50"),
        (99999999.99, "99999999.99"),
        (1e30, "too large"),
        (100000000, "too large"),
        (1e-30, "decimal places"),  # not rounded to 0
        ("0,001", "decimal places"),
    ],
)
def test_a_number_is_taken_only_when_the_column_holds_it_exactly(value, expected):
    with translation.override("en"):
        try:
            assert str(parse_decimal(value, places=2, digits=10)) == expected
        except CellProblem as problem:
            assert expected in problem.message


def test_add_bar_chart_puts_a_native_bar_chart_over_the_cells() -> None:
    import zipfile

    from pacesetter.core.spreadsheets import add_bar_chart, export_workbook, workbook_bytes

    workbook = export_workbook("Ranking", "test")
    sheet = workbook.active
    for row in (["Unit", "Share"], ["Đơn vị một", 0.82], ["第二单位", 0.4]):
        append_row(sheet, row)
    add_bar_chart(sheet, title="Ranking", labels=(1, 2, 3), values=(2, 1, 3), anchor="D2")
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(workbook))) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert "<barChart>" in chart and '<barDir val="bar"/>' in chart
    # The series reads the values under their header, the categories the labels.
    assert "'Ranking'!$B$2:$B$3" in chart and "'Ranking'!$A$2:$A$3" in chart
    assert "<f>'Ranking'!B1</f>" in chart  # the series' name: the header
    assert "<from><col>3</col><colOff>0</colOff><row>1</row>" in drawing  # at D2
