"""The spreadsheet kit: reading uploaded .xlsx workbooks with errors located by sheet, row
and column, and writing workbooks whose cells are safe to open.

Reading. :func:`open_workbook` checks an upload and opens it; :func:`read_sheet` finds
the header row and returns a :class:`Sheet` of data rows; a :class:`RowReader` parses
one row's cells with the ``parse_*`` functions, each of which raises
:class:`CellProblem` for a value it cannot use, and records every problem as a
:class:`CellError`. Imports are all or nothing: :func:`run_atomically` runs the writes
in one transaction and rolls it back with :class:`ImportFailed` (carrying every error)
when any row failed; :func:`service_errors` puts a service's ``ValidationError`` on the
columns its fields came from.

Limits. :func:`open_workbook` refuses a file over ``SPREADSHEET_MAX_BYTES`` or whose
parts unzip to more than ``SPREADSHEET_MAX_UNZIPPED_BYTES``; :func:`read_sheet` refuses a
sheet that declares or holds more than ``SPREADSHEET_MAX_ROWS`` rows,
``SPREADSHEET_MAX_COLUMNS`` columns or ``SPREADSHEET_MAX_CELLS`` cells, and stops reading
at the limit. A cell holding a formula is refused (its value is not in the file as
typed), and so is a number the column cannot hold exactly.

Progress. A background import (``pacesetter.imports``) follows a long import with
:func:`reporting`: while it is active, :func:`read_sheet` reports the rows it has read
every :data:`PROGRESS_EVERY` rows and :func:`run_atomically` reports that saving has
begun. Without it nothing is reported.

Writing. Text that people typed (names, titles, notes) ends up in cells; text starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width forms)
could be taken for a formula by a spreadsheet program. Every cell the platform writes
goes through :func:`write_cell` or :func:`append_row` (``core/tests/test_spreadsheets``
fails on a module that writes cells another way); they store such text as a plain
string cell with Excel's "quote prefix" (the cell is text, also when edited), so
nothing is evaluated and the value reads back unchanged on upload.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Re-exported for type annotations: the domain modules do not import openpyxl.
from openpyxl import Workbook as Workbook
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows above which a header row is not looked for.
HEADER_SEARCH_ROWS = 10
MAX_COUNT = 2**31 - 1
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")

FMT_POINTS = "#,##0.00"
FMT_VALUE = "#,##0.00##"
FMT_INT = "0"
FMT_PERCENT = "0.00%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF1")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="5B6675")

#: First characters that make a spreadsheet program read text as a formula (OWASP's
#: list, and the full-width forms an East Asian input method types).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Characters of a formula shown in the error that refuses it.
FORMULA_SHOWN = 40
#: Rows read between two progress reports (see :func:`reporting`).
PROGRESS_EVERY = 1000

#: Phases a progress report names.
READING, SAVING = "reading", "saving"
#: The progress callback of :func:`reporting`: (phase, rows read so far, rows declared).
Progress = Callable[[str, int, int], None]
_progress: ContextVar[Progress | None] = ContextVar("spreadsheet_progress", default=None)


@contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    """Call ``progress(phase, rows_read, rows_declared)`` while reading and on saving."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


def _report(phase: str, rows: int, declared: int) -> None:
    progress = _progress.get()
    if progress is not None:
        progress(phase, rows, declared)


# --- errors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """One problem in an uploaded workbook; ``str()`` is the translated sentence."""

    sheet: str
    message: str
    row: int | None = None
    column: int | None = None  # 1-based
    header: str = ""

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column) if self.column else ""

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return _(
                "Sheet “%(sheet)s”, row %(row)s, column %(column)s (%(header)s): %(message)s"
            ) % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column_letter,
                "header": self.header,
                "message": self.message,
            }
        if self.row is not None:
            return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.sheet:
            return _("Sheet “%(sheet)s”: %(message)s") % {
                "sheet": self.sheet,
                "message": self.message,
            }
        return self.message


class ImportFailed(Exception):
    """The upload had errors; nothing was saved."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = list(errors)

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


@dataclass
class ImportResult:
    """What an import did: rows saved, rows equal to what is stored, empty rows."""

    saved: int = 0
    unchanged: int = 0
    empty: int = 0


class CellProblem(Exception):
    """A cell's value cannot be used; the message completes "Sheet…, row…, column…: "."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading --------------------------------------------------------------------------


def open_workbook(upload: Any) -> Any:
    """Check an uploaded file (.xlsx, size and unzipped size limits) and open it read-only.

    Formulas are read as formulas (not their cached results) so that :func:`read_sheet`
    can refuse them. Raises ValidationError with a message for the upload field. The
    caller closes the workbook when done."""
    name = getattr(upload, "name", "") or ""
    if PurePath(name).suffix.lower() != ".xlsx":
        raise ValidationError(
            _("Upload an Excel workbook saved as .xlsx (Excel Workbook)."), code="file_type"
        )
    size = getattr(upload, "size", 0) or 0
    limit = settings.SPREADSHEET_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    corrupt = ValidationError(
        _(
            "The file could not be opened as an Excel workbook. It may be damaged or "
            "in another format; save it as .xlsx (Excel Workbook) and try again."
        ),
        code="file_corrupt",
    )
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            # Declared sizes are what zipfile lets each part grow to when it is read.
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise corrupt from exc
    unzipped_limit = settings.SPREADSHEET_MAX_UNZIPPED_BYTES
    if unzipped > unzipped_limit:
        raise ValidationError(
            _(
                "The workbook holds %(size)s of data once unpacked; the limit is %(limit)s. "
                "Split it into several files."
            )
            % {"size": filesizeformat(unzipped), "limit": filesizeformat(unzipped_limit)},
            code="file_too_large",
        )
    try:
        upload.seek(0)
        return load_workbook(upload, read_only=True, data_only=False)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a usable workbook
        raise corrupt from exc


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header (the key in uploads), width and number format."""

    header: str
    width: int = 14
    required: bool = True
    number_format: str | None = None


@dataclass
class Sheet:
    """The rows of one sheet under its header row, with where each header is."""

    title: str
    positions: dict[str, int]  # header → 1-based column
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)

    def get(self, values: tuple[Any, ...], header: str) -> Any:
        """The value under ``header`` in a row; stripped text, blank text as None."""
        position = self.positions.get(header)
        if position is None or position > len(values):
            return None
        value = values[position - 1]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def error(self, row: int, header: str | None, message: str) -> CellError:
        """An error on ``row``, on the column of ``header`` when the sheet has one."""
        if header is None or header not in self.positions:
            return CellError(self.title, message, row=row)
        return CellError(self.title, message, row=row, column=self.positions[header], header=header)


@dataclass
class RowReader:
    """One data row being checked; ``cell`` parses a value and records its problem."""

    sheet: Sheet
    number: int
    values: tuple[Any, ...]
    errors: list[CellError] = field(default_factory=list)

    def cell(self, header: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
        """``parse(value, *args, **kwargs)``; None (and an error) when it raises CellProblem."""
        try:
            return parse(self.sheet.get(self.values, header), *args, **kwargs)
        except CellProblem as problem:
            self.error(header, problem.message)
            return None

    def error(self, header: str | None, message: str) -> None:
        self.errors.append(self.sheet.error(self.number, header, message))

    def has_error(self, header: str) -> bool:
        return any(e.header == header for e in self.errors)


def _header_key(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower()) if value is not None else ""


def _blank(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _limit_error(title: str, message: str) -> ImportFailed:
    return ImportFailed([CellError(title, message)])


def _too_many_rows(title: str) -> ImportFailed:
    limit = settings.SPREADSHEET_MAX_ROWS
    return _limit_error(
        title,
        _(
            "the sheet has more than %(limit)s rows, the most an import reads. Split it into "
            "several files, or delete the empty rows below the data."
        )
        % {"limit": limit},
    )


def _formula_error(title: str, number: int, column: int, header: str, formula: Any) -> CellError:
    text = str(getattr(formula, "text", formula))
    if len(text) > FORMULA_SHOWN:
        text = text[: FORMULA_SHOWN - 1] + "…"
    return CellError(
        title,
        _(
            "the cell holds a formula (%(formula)s), and an import reads values only. Type "
            "the value, or copy the cells and paste them as values."
        )
        % {"formula": text},
        row=number,
        column=column,
        header=header,
    )


def read_sheet(workbook: Any, name: str, columns: Sequence[Column]) -> Sheet:
    """Read sheet ``name`` (or the first sheet when there is none of that name).

    The header row is the first of the top rows naming a known column. Raises
    ImportFailed when required columns are missing, when a known column holds a
    formula, when the sheet is over the rows, columns or cells limit (checked on the
    sheet's declared size first, then counted while reading, which stops at the limit)
    or when the sheet cannot be read."""
    if name in workbook.sheetnames:
        worksheet = workbook[name]
    elif workbook.worksheets:
        worksheet = workbook.worksheets[0]
    else:
        raise ImportFailed([CellError(name, _("the workbook has no sheet to read."))])
    title = worksheet.title
    max_rows = settings.SPREADSHEET_MAX_ROWS
    max_columns = settings.SPREADSHEET_MAX_COLUMNS
    max_cells = settings.SPREADSHEET_MAX_CELLS
    declared_rows = getattr(worksheet, "max_row", None) or 0
    if declared_rows > max_rows:
        raise _too_many_rows(title)
    if hasattr(worksheet, "reset_dimensions"):
        # A read-only sheet pads rows to its declared size, and stops at it: read what
        # is there instead, counting it.
        worksheet.reset_dimensions()
    known = {c.header for c in columns}
    sheet: Sheet | None = None
    formulas: list[CellError] = []
    cells = 0
    try:
        rows = worksheet.iter_rows(max_col=max_columns + 1)
        for number, row in enumerate(rows, start=1):
            if number > max_rows:
                raise _too_many_rows(title)
            if number % PROGRESS_EVERY == 0:
                _report(READING, number, declared_rows)
            values = [cell.value for cell in row]
            if len(values) > max_columns and values[max_columns] is not None:
                raise _limit_error(
                    title,
                    _(
                        "the sheet has data beyond column %(column)s; an import reads at "
                        "most %(limit)s columns."
                    )
                    % {"column": get_column_letter(max_columns), "limit": max_columns},
                )
            values = values[:max_columns]
            while values and values[-1] is None:
                values.pop()
            cells += len(values)
            if cells > max_cells:
                raise _limit_error(
                    title,
                    _(
                        "the sheet has more than %(limit)s cells, the most an import reads. "
                        "Split it into several files."
                    )
                    % {"limit": max_cells},
                )
            if sheet is None:
                keys = [_header_key(v) for v in values]
                if known.intersection(keys):
                    positions: dict[str, int] = {}
                    for index, key in enumerate(keys, start=1):
                        if key in known and key not in positions:
                            positions[key] = index
                    sheet = Sheet(title, positions)
                elif number >= HEADER_SEARCH_ROWS:
                    break
                continue
            for header, position in sheet.positions.items():
                cell = row[position - 1] if position <= len(row) else EMPTY_CELL
                if cell.data_type == "f":
                    formulas.append(_formula_error(title, number, position, header, cell.value))
                    values[position - 1] = None
            if not _blank(values):
                sheet.rows.append((number, tuple(values)))
    except ImportFailed:
        raise
    except Exception as exc:  # a damaged part of the file shows only while reading it
        raise ImportFailed(
            [CellError(title, _("the sheet could not be read; the file may be damaged."))]
        ) from exc
    if sheet is None:
        sheet = Sheet(title, {})
    missing = [c.header for c in columns if c.required and c.header not in sheet.positions]
    if missing:
        raise ImportFailed(
            [
                CellError(
                    title,
                    _("the column “%(header)s” is missing from the header row.")
                    % {"header": header},
                )
                for header in missing
            ]
        )
    if formulas:
        raise ImportFailed(formulas)
    return sheet


# --- parsing cells --------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = {
    ",": re.compile(r"[+-]?\d{1,3}(,\d{3})+"),
    ".": re.compile(r"[+-]?\d{1,3}(\.\d{3})+"),
}


def _normalise_number(text: str) -> str:
    """ "1.234,5", "1,234.5", "1,5", "1 234" → a plain "1234.5"-style number."""
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _sep, fraction = text.rpartition(decimal)
        if group in whole and not _GROUPED[group].fullmatch(whole):
            raise CellProblem(_("enter a number."))
        return whole.replace(group, "") + "." + fraction
    for sep in (",", "."):
        if text.count(sep) > 1:
            if not _GROUPED[sep].fullmatch(text):
                raise CellProblem(_("enter a number."))
            return text.replace(sep, "")
    return text.replace(",", ".")


#: Significant digits of a spreadsheet number: what Excel shows and keeps of a float.
FLOAT_DIGITS = 15


def _number(value: Any) -> Decimal | None:
    """A finite number from a numeric cell or a text with "," or "." as decimal separator
    (a float as the 15 digits a spreadsheet shows, so 0.1+0.2 is 0.3). Blank gives None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem(_("enter a number."))
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(f"{value:.{FLOAT_DIGITS}g}")
    elif isinstance(value, str):
        text = _normalise_number(value.strip())
        if not _NUMBER.fullmatch(text):
            raise CellProblem(_("enter a number."))
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellProblem(_("enter a number.")) from exc
    else:  # dates, times, formulas' errors
        raise CellProblem(_("enter a number."))
    if not number.is_finite():
        raise CellProblem(_("enter a number."))
    return number


def parse_decimal(value: Any, *, places: int, digits: int) -> Decimal | None:
    """A number that a ``DecimalField(max_digits=digits, decimal_places=places)`` holds
    exactly. More decimal places than ``places`` (1e-30 included: it is not rounded to 0)
    or a number of ``digits - places`` digits or more before the point is refused. Blank
    gives None."""
    number = _number(value)
    if number is None:
        return None
    number = number.normalize() if number else Decimal(0)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if -exponent > places:
        raise CellProblem(
            _("use at most %(places)s decimal places; round the number (%(number)s).")
            % {"places": places, "number": _shown(number)}
        )
    if number.adjusted() >= digits - places:
        raise CellProblem(
            _("the number is too large; the largest allowed is %(max)s.")
            % {"max": _shown(Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places))}
        )
    return number.quantize(Decimal(1).scaleb(-places))


def _shown(number: Decimal) -> str:
    """A number as a person writes it: 0.000001 and 1000000, not 1E-6 and 1E+6."""
    return f"{number:f}" if -30 < number.adjusted() < 30 else f"{number:E}"


def parse_count(value: Any) -> int | None:
    """A whole number (at most a 32-bit integer). Blank gives None."""
    number = _number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellProblem(_("enter a whole number."))
    if abs(number) > MAX_COUNT:
        raise CellProblem(
            _("the number is too large; the largest allowed is %(max)s.") % {"max": MAX_COUNT}
        )
    return int(number)


def _yes_no() -> tuple[set[str], set[str]]:
    yes = {"yes", "y", "true", "1", "x", _("yes").lower()}
    no = {"no", "n", "false", "0", _("no").lower()}
    return yes, no


def parse_flag(value: Any) -> bool | None:
    """Yes/no: Excel TRUE/FALSE, 1/0, yes/no (also in the user's language), x. Blank: None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    yes, no = _yes_no()
    text = str(value).strip().lower()
    if text in yes:
        return True
    if text in no:
        return False
    raise CellProblem(_("enter yes or no."))


def parse_choice(value: Any, choices: type[TextChoices]) -> str | None:
    """A choice by its code or its label (in the user's language), any case."""
    if value is None:
        return None
    text = str(value).strip().lower()
    for code, label in choices.choices:
        if text in (code.lower(), str(label).lower(), code.lower().replace("_", " ")):
            return code
    raise CellProblem(
        _("“%(value)s” is not allowed; use one of: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(choices.values)}
    )


def parse_text(value: Any, *, max_length: int | None = None) -> str:
    """Stripped text ("" when blank); a whole number typed in a text column as its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as 12 comes back as 12.0 from some editors
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise CellProblem(
            _("write at most %(max)s characters (this has %(n)s).")
            % {"max": max_length, "n": len(text)}
        )
    return text


def parse_date(value: Any) -> date | None:
    """A date cell, an Excel serial number, or text as 31/12/2023 or 2023-12-31."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return from_excel(value).date()
    if isinstance(value, str):
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    raise CellProblem(_("enter a date, e.g. 31/12/2023."))


def cell_text(value: Any) -> str:
    """A cell as text for a lookup before the rows are checked ("" when unusable); its
    errors are reported when the row itself is read."""
    try:
        return parse_text(value)
    except CellProblem:
        return ""


# --- all-or-nothing writes ------------------------------------------------------------


def service_errors(
    sheet: Sheet, row: int, exc: ValidationError, columns: dict[str, str]
) -> list[CellError]:
    """A service's ValidationError as cell errors: each field on its column
    (``columns`` maps a field name to its header when they differ)."""
    if not hasattr(exc, "error_dict"):
        return [sheet.error(row, None, m) for m in exc.messages]
    errors: list[CellError] = []
    for name, messages in exc.message_dict.items():
        header = None if name == NON_FIELD_ERRORS else columns.get(name, name)
        errors.extend(sheet.error(row, header, m) for m in messages)
    return errors


R = TypeVar("R")


def run_atomically(work: Callable[[], tuple[R, list[CellError]]]) -> R:
    """Run ``work()`` (which returns a result and the errors it found) in one transaction,
    rolled back when there is any error. Each service call is a savepoint of its own, so
    a row's error does not stop the following rows from being checked too."""
    _report(SAVING, 0, 0)
    with transaction.atomic():
        result, found = work()
        if found:
            raise ImportFailed(found)  # leaving the block this way rolls every row back
    return result


# --- writing --------------------------------------------------------------------------


def neutralise(cell: Cell) -> Cell:
    """Make a text cell that a spreadsheet program could read as a formula plain text.

    The value is kept as it is (so an uploaded template reads back unchanged); the cell
    is stored as a string, never a formula, with the quote prefix Excel sets when a
    user types an apostrophe first."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_cell(sheet: Any, row: int, column: int, value: Any) -> Cell:
    """``sheet.cell(row, column, value)``, formula-safe."""
    return neutralise(sheet.cell(row=row, column=column, value=value))


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, formula-safe."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        neutralise(cell)


THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def merged_cell(
    sheet: Any,
    first: tuple[int, int],
    last: tuple[int, int],
    value: Any,
    *,
    font: Font | None = None,
    align: str = "center",
) -> Cell:
    """``value`` written (formula-safe) across the cells from ``first`` to ``last`` (each
    ``(row, column)``), merged when they are more than one, aligned ``align`` (``center``,
    ``left``, ``right``) and wrapped: the title lines and header rows of a form."""
    cell = write_cell(sheet, first[0], first[1], value)
    if first != last:
        sheet.merge_cells(
            start_row=first[0], start_column=first[1], end_row=last[0], end_column=last[1]
        )
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if font is not None:
        cell.font = font
    return cell


def box(sheet: Any, first: tuple[int, int], last: tuple[int, int]) -> None:
    """Thin borders round every cell from ``first`` to ``last``: a form's table."""
    for row in sheet.iter_rows(
        min_row=first[0], min_col=first[1], max_row=last[0], max_col=last[1]
    ):
        for cell in row:
            cell.border = BOX


def link_cell(cell: Cell, sheet_title: str, row: int, column: int = 1) -> None:
    """Make ``cell`` a link to a cell of another sheet of the same workbook."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    target = sheet_title.replace("'", "''")
    cell.hyperlink = Hyperlink(
        ref=cell.coordinate, location=f"'{target}'!{get_column_letter(column)}{row}"
    )
    cell.font = Font(color="1F4E9C", underline="single")


def column_width(sheet: Any, column: int, width: float) -> None:
    sheet.column_dimensions[get_column_letter(column)].width = width


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header_row(sheet: Any, row: int, columns: Sequence[Column], labels: Any = None) -> None:
    """The header row (``labels``, or the columns' headers), styled, frozen and filtered;
    sets the columns' widths."""
    for index, column in enumerate(columns, start=1):
        cell = write_cell(sheet, row, index, labels[index - 1] if labels else None)
        if not labels:
            cell.value = column.header
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{row + 1}"
    sheet.auto_filter.ref = f"A{row}:{get_column_letter(len(columns))}{row}"


def style_header(cells: Iterable[Any]) -> None:
    """The header look (bold on grey) on a row of cells, e.g. ``sheet[1]``."""
    for cell in cells:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def number_formats(sheet: Any, columns: Sequence[Column], first_row: int) -> None:
    """Each column's number format on its cells from ``first_row`` down."""
    for index, column in enumerate(columns, start=1):
        if column.number_format is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=first_row, min_col=index, max_col=index):
            cell.number_format = column.number_format


def choice_list(sheet: Any, columns: Sequence[Column], header: str, values: Iterable[str]) -> None:
    """A drop-down on the column (typing another value is still refused on upload)."""
    index = next(i for i, c in enumerate(columns, start=1) if c.header == header)
    letter = get_column_letter(index)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
    )
    validation.error = _("Choose a value from the list.")
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}5000")


def new_workbook(sheet_title: str, *, title: str, subject: str = "") -> Workbook:
    """A new workbook (a template) with its properties set and its first sheet named
    ``sheet_title`` (a fixed English name the import looks for)."""
    workbook = Workbook()
    workbook.properties.title = title
    if subject:
        workbook.properties.subject = subject
    workbook.properties.creator = "Pacesetter"
    workbook.active.title = sheet_title
    return workbook


def export_workbook(title: str, subject: str) -> Workbook:
    """A new workbook with its properties set and its first sheet named ``title``."""
    # Sheet names: at most 31 characters and none of []:*?/\
    sheet_title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    return new_workbook(sheet_title, title=f"{title}: {subject}", subject=subject)


def list_workbook(
    title: str,
    subject: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] = (),
    total: int | None = None,
) -> Workbook:
    """A list page's export: one sheet named ``title``, the header row (styled, frozen,
    filtered), then ``rows`` (each written formula-safe). At most
    ``settings.EXPORT_MAX_ROWS`` rows are written; when ``total`` (the rows the list
    holds) is more than that, a last row says how many were left out."""
    workbook = export_workbook(title, subject)
    sheet = workbook.active
    header_row(
        sheet,
        1,
        [Column(h, width=widths[i] if i < len(widths) else 18) for i, h in enumerate(headers)],
        labels=list(headers),
    )
    cap = settings.EXPORT_MAX_ROWS
    written = 0
    for values in rows:
        if written >= cap:
            break
        append_row(sheet, values)
        written += 1
    if total is not None and total > written:
        append_row(
            sheet,
            [
                _("Only the first %(shown)s of %(total)s rows are exported: narrow the filters.")
                % {"shown": written, "total": total}
            ],
        )
    return workbook


def reference_list(sheet: Any, cells: str, source: str, error: str) -> None:
    """A drop-down on ``cells`` (e.g. "A2:A5000") of the values in the range ``source``
    (e.g. "Help!$A$2:$A$9"); typing another value is still refused on upload."""
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.error = error
    sheet.add_data_validation(validation)
    validation.add(cells)


def add_bar_chart(
    sheet: Any,
    *,
    title: str,
    labels: tuple[int, int, int],
    values: tuple[int, int, int],
    anchor: str,
    y_title: str = "",
) -> None:
    """A native Excel bar chart (horizontal bars) of the cells already written:
    ``labels`` and ``values`` are ``(column, first_row, last_row)``, the values' first
    row being their header (the series' name); placed with its top left at ``anchor``."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    if y_title:
        chart.y_axis.title = y_title
    column, first, last = values
    chart.add_data(
        Reference(sheet, min_col=column, min_row=first, max_row=last), titles_from_data=True
    )
    column, first, last = labels
    chart.set_categories(Reference(sheet, min_col=column, min_row=first, max_row=last))
    chart.height = max(7.5, 0.6 * (last - first + 1) + 3)
    chart.width = 18
    sheet.add_chart(chart, anchor)
