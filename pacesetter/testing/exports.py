"""Reading what an export or a print view answered, for the tests of the lists' exports
and print views (issue "print and export everywhere")."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook


def xlsx_rows(response: Any) -> list[list[Any]]:
    """The first sheet of an .xlsx answer, as lists of cell values (header row first)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx_cell_types(response: Any) -> dict[str, str]:
    """Every text cell of the first sheet: its value mapped to its data type ("s" for a
    string, "f" for a formula), to check that a value starting with "=" stays text."""
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return {
        str(cell.value): cell.data_type
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
