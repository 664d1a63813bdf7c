"""Every cell the platform writes goes through the spreadsheet kit's formula-safe writers.

Only :mod:`pacesetter.core.spreadsheets` imports openpyxl; the modules that build
workbooks get them from the kit (``new_workbook``, ``export_workbook``) and fill them
with ``write_cell`` and ``append_row``, which store text that starts like a formula as
text. This test finds the forms that would write a cell another way: importing openpyxl,
``sheet.cell(..., value=...)``, ``<cell>.value = ...`` and ``<sheet>.append(...)``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the checkout, above pacesetter/
KIT = ROOT / "pacesetter" / "core" / "spreadsheets.py"


def _receiver(node: ast.expr) -> str:
    """The name a method is called on: ``sheet`` for ``sheet.append``,
    ``active`` for ``workbook.active.append``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _receiver(node.value)
    return ""


def _sheetish(name: str) -> bool:
    name = name.lower()
    return name.endswith("sheet") or name in {"active", "ws"}


def _imports_openpyxl(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("openpyxl") for alias in node.names)
    return isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl")


def _writes_a_cell(node: ast.AST) -> bool:
    """``sheet.cell(r, c, value)``, ``sheet.cell(..., value=...)`` or ``sheet.append(...)``;
    a RowReader's ``row.cell("header", parse, ...)`` reads (it names a header)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    method = node.func.attr
    if method == "append":
        return _sheetish(_receiver(node.func.value))
    if method != "cell":
        return False
    first = node.args[0] if node.args else None
    reads = isinstance(first, ast.Constant) and isinstance(first.value, str)
    return (len(node.args) >= 3 and not reads) or any(k.arg == "value" for k in node.keywords)


def _sets_a_value(node: ast.AST) -> bool:
    if not isinstance(node, ast.Assign | ast.AugAssign):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(t, ast.Attribute) and t.attr == "value" for t in targets)


def unsafe_writes(source: str, uses_kit: bool) -> list[int]:
    """Line numbers of cell writes that bypass the kit in a module's source."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if _imports_openpyxl(node) or _writes_a_cell(node) or (uses_kit and _sets_a_value(node))
    )


def test_the_check_finds_each_way_around_the_kit() -> None:
    source = "\n".join(
        [
            "from openpyxl import Workbook",
            "import openpyxl.styles",
            "sheet.cell(row=1, column=1, value=name)",
            "sheet.cell(1, 1, name)",
            "workbook.active.append([name])",
            "help_sheet.append([name])",
            "cell.value = name",
            "rows.append(name)",  # a list: fine
            'row.cell("title", parse_text, max_length=9)',  # reading an upload: fine
            "write_cell(sheet, 1, 1, name)",  # the kit: fine
            "append_row(sheet, [name])",
            "sheet.cell(row=1, column=1).font = bold",  # styling, no value: fine
        ]
    )
    assert unsafe_writes(source, uses_kit=True) == [1, 2, 3, 4, 5, 6, 7]


def test_no_module_writes_cells_without_the_formula_safe_kit() -> None:
    offenders: list[str] = []
    for path in sorted((ROOT / "pacesetter").rglob("*.py")):
        # The tests and their kit (``pacesetter/testing``) only read the workbooks.
        if path == KIT or {"tests", "testing", "migrations"} & set(path.parts):
            continue
        source = path.read_text(encoding="utf-8")
        uses_kit = "core.spreadsheets" in source or "openpyxl" in source
        offenders.extend(
            f"{path.relative_to(ROOT)}:{line}" for line in unsafe_writes(source, uses_kit)
        )
    assert offenders == [], (
        "Write workbooks with pacesetter.core.spreadsheets (new_workbook, write_cell, "
        "append_row), not openpyxl directly: " + ", ".join(offenders)
    )
