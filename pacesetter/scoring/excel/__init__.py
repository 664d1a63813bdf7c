"""Excel (.xlsx) import and export of scoring data, one module per workbook.

Imports read a whole sheet, check every row, then write row by row through the
services inside ONE transaction. Every error found (unreadable value, unknown code,
a service's ValidationError) is collected with its sheet, row and column; if there is
any, the transaction is rolled back and nothing is saved. Rows whose values equal what
is stored already are left alone, so a downloaded template can be uploaded again as is.
Reading, parsing and formula-safe writing are the kit of :mod:`pacesetter.core.spreadsheets`.

- :mod:`.table`: the scoring table's "Criteria" template and its import;
- :mod:`.targets`: targets (registration) template and import;
- :mod:`.actuals`: actuals template and import;
- :mod:`.ranking_export`: the ranking's export (its rows come from ``selectors.ranking_for``);
- :mod:`.score_sheet`: a unit's score sheet export.
"""

from pacesetter.core.spreadsheets import (
    XLSX_CONTENT_TYPE,
    ImportFailed,
    ImportResult,
    workbook_bytes,
)

from .actuals import actuals_template, import_actuals, reportable_items
from .ranking_export import ranking_workbook
from .score_sheet import sheet_workbook, visible_sheet_items
from .table import import_table, table_template
from .targets import import_targets, registrable_units, targets_template

__all__ = [
    "XLSX_CONTENT_TYPE",
    "ImportFailed",
    "ImportResult",
    "actuals_template",
    "import_actuals",
    "import_table",
    "import_targets",
    "ranking_workbook",
    "registrable_units",
    "reportable_items",
    "sheet_workbook",
    "table_template",
    "targets_template",
    "visible_sheet_items",
    "workbook_bytes",
]
