"""Excel (.xlsx) import and export of scoring data.

Imports read a whole sheet, check every row, then write row by row through the
services inside ONE transaction. Every error found (unreadable value, unknown code,
a service's ValidationError) is collected with its sheet, row and column; if there is
any, the transaction is rolled back and nothing is saved. Rows whose values equal what
is stored already are left alone, so a downloaded template can be uploaded again as is.

Exports and templates are built in memory with openpyxl.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet, TextChoices
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pacesetter.campaigns.models import Campaign, ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import campaign_policy
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from . import selectors, services
from .models import (
    Criterion,
    CriterionKind,
    Direction,
    Method,
    Registration,
    ScoreItem,
    ScoringTable,
    TableState,
    ZeroTarget,
)
from .policies import score_item_policy

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows above which a header row is not looked for.
HEADER_SEARCH_ROWS = 10
VALUE_PLACES, VALUE_DIGITS = 4, 20  # targets and actuals (models.value_field)
POINT_PLACES, POINT_DIGITS = 2, 10  # points (models.points_field)
MAX_COUNT = 2**31 - 1
COUNT_KINDS = (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY)
FLAG_KINDS = (CriterionKind.PASS_FAIL, CriterionKind.VETO)

FMT_POINTS = "#,##0.00"
FMT_VALUE = "#,##0.00##"
FMT_INT = "0"
FMT_PERCENT = "0.00%"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8ECF1")
TITLE_FONT = Font(bold=True, size=14)


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
    saved: int = 0
    unchanged: int = 0
    empty: int = 0


class _Problem(Exception):
    """A cell's value cannot be used; the message completes "Sheet…, row…, column…: "."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading --------------------------------------------------------------------------


def open_workbook(upload: Any) -> Any:
    """Check an uploaded file (.xlsx, size limit) and open it read-only.

    Raises ValidationError with a message for the upload field. The caller closes the
    workbook when done."""
    name = getattr(upload, "name", "") or ""
    if PurePath(name).suffix.lower() != ".xlsx":
        raise ValidationError(
            _("Upload an Excel workbook saved as .xlsx (Excel Workbook)."), code="file_type"
        )
    size = getattr(upload, "size", 0) or 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
        )
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a usable workbook
        raise ValidationError(
            _(
                "The file could not be opened as an Excel workbook. It may be damaged or "
                "in another format; save it as .xlsx (Excel Workbook) and try again."
            ),
            code="file_corrupt",
        ) from exc


@dataclass(frozen=True)
class Column:
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
        position = self.positions.get(header)
        if position is None or position > len(values):
            return None
        value = values[position - 1]
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def error(self, row: int, header: str | None, message: str) -> CellError:
        if header is None or header not in self.positions:
            return CellError(self.title, message, row=row)
        return CellError(self.title, message, row=row, column=self.positions[header], header=header)


@dataclass
class _Row:
    """One data row being checked; ``cell`` parses a value and records its problem."""

    sheet: Sheet
    number: int
    values: tuple[Any, ...]
    errors: list[CellError] = field(default_factory=list)

    def cell(self, header: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(self.sheet.get(self.values, header), *args, **kwargs)
        except _Problem as problem:
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


def read_sheet(workbook: Any, name: str, columns: Sequence[Column]) -> Sheet:
    """Read sheet ``name`` (or the first sheet when there is none of that name).

    The header row is the first of the top rows naming a known column. Raises
    ImportFailed when required columns are missing or the sheet cannot be read."""
    if name in workbook.sheetnames:
        worksheet = workbook[name]
    elif workbook.worksheets:
        worksheet = workbook.worksheets[0]
    else:
        raise ImportFailed([CellError(name, _("the workbook has no sheet to read."))])
    title = worksheet.title
    known = {c.header for c in columns}
    sheet: Sheet | None = None
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
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
            if not _blank(values):
                sheet.rows.append((number, tuple(values)))
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
            raise _Problem(_("enter a number."))
        return whole.replace(group, "") + "." + fraction
    for sep in (",", "."):
        if text.count(sep) > 1:
            if not _GROUPED[sep].fullmatch(text):
                raise _Problem(_("enter a number."))
            return text.replace(sep, "")
    return text.replace(",", ".")


def parse_decimal(value: Any, *, places: int, digits: int) -> Decimal | None:
    """A number from a numeric cell or a text with "," or "." as decimal separator;
    rounded to ``places`` decimals. Blank gives None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _Problem(_("enter a number."))
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = _normalise_number(value.strip())
        if not _NUMBER.fullmatch(text):
            raise _Problem(_("enter a number."))
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise _Problem(_("enter a number.")) from exc
    else:  # dates, times, formulas' errors
        raise _Problem(_("enter a number."))
    if not number.is_finite():
        raise _Problem(_("enter a number."))
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if abs(number) >= Decimal(10) ** (digits - places):
        raise _Problem(_("the number is too large."))
    return number


def parse_count(value: Any) -> int | None:
    number = parse_decimal(value, places=6, digits=30)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _Problem(_("enter a whole number."))
    if abs(number) > MAX_COUNT:
        raise _Problem(_("the number is too large."))
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
    raise _Problem(_("enter yes or no."))


def parse_choice(value: Any, choices: type[TextChoices]) -> str | None:
    """A choice by its code or its label (in the user's language), any case."""
    if value is None:
        return None
    text = str(value).strip().lower()
    for code, label in choices.choices:
        if text in (code.lower(), str(label).lower(), code.lower().replace("_", " ")):
            return code
    raise _Problem(
        _("“%(value)s” is not allowed; use one of: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(choices.values)}
    )


def parse_text(value: Any, *, max_length: int | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as 12 comes back as 12.0 from some editors
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise _Problem(
            _("write at most %(max)s characters (this has %(n)s).")
            % {"max": max_length, "n": len(text)}
        )
    return text


def _service_errors(
    sheet: Sheet, row: int, exc: ValidationError, columns: dict[str, str]
) -> list[CellError]:
    """A service's ValidationError as cell errors: each field on its column."""
    if not hasattr(exc, "error_dict"):
        return [sheet.error(row, None, m) for m in exc.messages]
    errors: list[CellError] = []
    for name, messages in exc.message_dict.items():
        header = None if name == NON_FIELD_ERRORS else columns.get(name, name)
        errors.extend(sheet.error(row, header, m) for m in messages)
    return errors


def _run_atomically(work: Any) -> ImportResult:
    """Run ``work()`` (which returns a result and the errors it found) in one transaction,
    rolled back when there is any error. Each service call is a savepoint of its own, so
    a row's error does not stop the following rows from being checked too."""
    with transaction.atomic():
        result, found = work()
        if found:
            raise ImportFailed(found)  # leaving the block this way rolls every row back
    return result


# --- scoring table --------------------------------------------------------------------

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
        row = _Row(sheet, number, values)
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
                found.extend(_service_errors(sheet, line.row, exc, _TABLE_FIELD_COLUMNS))
            else:
                result.saved += 1
        return result, found

    return _run_atomically(work)


def table_template(table: ScoringTable | None = None) -> Workbook:
    """The "Criteria" sheet (with ``table``'s criteria when given) and a "Help" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TABLE_SHEET
    _header_row(sheet, 1, TABLE_COLUMNS)
    if table is not None:
        workbook.properties.title = str(table)
        for criterion in table.criteria.select_related("parent").order_by("position", "pk"):
            sheet.append(
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
                ]
            )
    else:
        workbook.properties.title = _("Scoring table")
    _number_formats(sheet, TABLE_COLUMNS, 2)
    for header, choices in (
        ("kind", CriterionKind),
        ("direction", Direction),
        ("method", Method),
        ("zero_target", ZeroTarget),
    ):
        _choice_list(sheet, TABLE_COLUMNS, header, choices.values)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append([_("Column"), _("Allowed value"), _("Meaning")])
    for cell in help_sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for header, choices in (
        ("kind", CriterionKind),
        ("direction", Direction),
        ("method", Method),
        ("zero_target", ZeroTarget),
    ):
        for code, label in choices.choices:
            help_sheet.append([header, code, str(label)])
    help_sheet.append([])
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
        help_sheet.append([header, "", meaning])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 24
    help_sheet.column_dimensions["C"].width = 70
    return workbook


# --- targets (registration) -----------------------------------------------------------

TARGETS_SHEET = "Targets"
TARGET_COLUMNS = (
    Column("unit_code", 14),
    Column("unit_name", 30, required=False),
    Column("criterion_code", 14),
    Column("criterion_title", 40, required=False),
    Column("target", 16, number_format=FMT_VALUE),
    Column("not_assigned", 14, required=False),
    Column("note", 40, required=False),
)
_TARGET_FIELD_COLUMNS = {"unit": "unit_code", "criterion": "criterion_code"}
NOTE_MAX = Registration._meta.get_field("note").max_length


def registrable_units(user: Any, campaign: Campaign) -> QuerySet[Unit]:
    """Participating units whose targets the user may register (their officers and staff)."""
    return (
        unit_policy.visible(user, "update")
        .filter(participations__campaign=campaign)
        .order_by("name", "pk")
    )


def _table_criteria(campaign: Campaign) -> QuerySet[Criterion]:
    return Criterion.objects.filter(table_id=campaign.scoring_table_id).exclude(
        kind=CriterionKind.GROUP
    )


def targets_template(user: Any, campaign: Campaign) -> Workbook:
    """One row per registrable unit and quantitative criterion, with what is registered."""
    units = list(registrable_units(user, campaign))
    criteria = list(
        _table_criteria(campaign).filter(kind=CriterionKind.QUANTITATIVE).order_by("position")
    )
    registrations = {
        (r.unit_id, r.criterion_id): r
        for r in Registration.objects.filter(campaign=campaign, unit__in=units)
    }
    workbook = Workbook()
    workbook.properties.title = str(campaign)
    workbook.properties.subject = _("Targets")
    sheet = workbook.active
    sheet.title = TARGETS_SHEET
    _header_row(sheet, 1, TARGET_COLUMNS)
    yes = _("yes")
    for unit in units:
        for criterion in criteria:
            registration = registrations.get((unit.pk, criterion.pk))
            sheet.append(
                [
                    unit.code,
                    unit.name,
                    criterion.code,
                    _criterion_title(criterion),
                    registration.target if registration else None,
                    yes if registration and registration.not_assigned else None,
                    registration.note if registration else None,
                ]
            )
    _number_formats(sheet, TARGET_COLUMNS, 2)
    _choice_list(sheet, TARGET_COLUMNS, "not_assigned", [yes, _("no")])
    return workbook


def import_targets(*, actor: Any, campaign: Campaign, workbook: Any) -> ImportResult:
    """Register the targets of sheet "Targets" (``registration_set`` per row) for the
    participating units the user may register for; rows of other units are errors."""
    sheet = read_sheet(workbook, TARGETS_SHEET, TARGET_COLUMNS)
    units = {u.code: u for u in registrable_units(actor, campaign)}
    criteria = {c.code: c for c in _table_criteria(campaign)}
    registrations = {
        (r.unit_id, r.criterion_id): r
        for r in Registration.objects.filter(campaign=campaign, unit__in=units.values())
    }
    errors: list[CellError] = []
    lines: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[int, int], int] = {}
    result = ImportResult()
    for number, values in sheet.rows:
        row = _Row(sheet, number, values)
        unit = _unit_cell(row, units, _registrable_message)
        criterion = _criterion_cell(row, criteria)
        target = row.cell("target", parse_decimal, places=VALUE_PLACES, digits=VALUE_DIGITS)
        not_assigned = bool(row.cell("not_assigned", parse_flag))
        note = row.cell("note", parse_text, max_length=NOTE_MAX) or ""
        if unit is not None and criterion is not None:
            key = (unit.pk, criterion.pk)
            if key in seen:
                row.error(
                    "criterion_code",
                    _("this unit and criterion are already on row %(row)s.") % {"row": seen[key]},
                )
            seen.setdefault(key, number)
        if row.errors:
            errors.extend(row.errors)
            continue
        assert unit is not None and criterion is not None
        if target is None and not not_assigned and not note:
            result.empty += 1
            continue
        current = registrations.get((unit.pk, criterion.pk))
        if (
            current is not None
            and current.not_assigned == not_assigned
            and (not_assigned or current.target == target)
            and current.note == note
        ):
            result.unchanged += 1
            continue
        data = {"unit": unit, "criterion": criterion, "target": target, "note": note}
        lines.append((number, {**data, "not_assigned": not_assigned}))

    def work() -> tuple[ImportResult, list[CellError]]:
        found = list(errors)
        for number, data in lines:
            try:
                services.registration_set(actor=actor, campaign=campaign, **data)
            except ValidationError as exc:
                found.extend(_service_errors(sheet, number, exc, _TARGET_FIELD_COLUMNS))
            else:
                result.saved += 1
        return result, found

    return _run_atomically(work)


def _registrable_message(code: str) -> str:
    return _("“%(code)s” is not a participating unit you may register targets for.") % {
        "code": code
    }


def _reportable_message(code: str) -> str:
    return _("“%(code)s” is not a unit you may report for at this review point.") % {"code": code}


def _unit_cell(row: _Row, units: dict[str, Unit], refused: Any) -> Unit | None:
    code = row.cell("unit_code", parse_text)
    if not code:
        row.error("unit_code", _("enter a unit code."))
        return None
    unit = units.get(code)
    if unit is None:
        # One message for unknown units and for other units: nothing leaks about either.
        row.error("unit_code", refused(code))
    return unit


def _criterion_cell(row: _Row, criteria: dict[str, Criterion]) -> Criterion | None:
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


# --- actuals --------------------------------------------------------------------------

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


def review_point_for(user: Any, pk: Any) -> ReviewPoint | None:
    """A review point of a campaign the user sees (None otherwise)."""
    try:
        return (
            ReviewPoint.objects.select_related("campaign", "campaign__scoring_table")
            .filter(pk=pk, campaign__in=campaign_policy.visible(user))
            .first()
        )
    except (TypeError, ValueError):
        return None


def reportable_items(user: Any, review_point: ReviewPoint) -> QuerySet[ScoreItem]:
    """Items the user may report at this review point and that are still the unit's."""
    return (
        score_item_policy.visible(user, "report")
        .filter(review_point=review_point, state__in=services.UNIT_EDITABLE)
        .select_related("unit", "criterion")
        .order_by("unit__name", "unit_id", "criterion__position", "criterion_id")
    )


def actuals_template(user: Any, review_point: ReviewPoint) -> Workbook:
    workbook = Workbook()
    workbook.properties.title = str(review_point)
    workbook.properties.subject = _("Actuals")
    sheet = workbook.active
    sheet.title = ACTUALS_SHEET
    _header_row(sheet, 1, ACTUAL_COLUMNS)
    yes, no = _("yes"), _("no")
    for item in reportable_items(user, review_point):
        criterion = item.criterion
        sheet.append(
            [
                item.unit.code,
                item.unit.name,
                criterion.code,
                _criterion_title(criterion),
                criterion.kind,
                item.actual,
                item.count,
                None if item.passed is None else (yes if item.passed else no),
                item.explanation or None,
            ]
        )
    _number_formats(sheet, ACTUAL_COLUMNS, 2)
    _choice_list(sheet, ACTUAL_COLUMNS, "met", [yes, no])
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
    criteria = {c.code: c for c in _table_criteria(review_point.campaign)}
    errors: list[CellError] = []
    lines: list[tuple[int, ScoreItem, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    result = ImportResult()
    for number, values in sheet.rows:
        row = _Row(sheet, number, values)
        unit = _unit_cell(row, units, _reportable_message)
        criterion = _criterion_cell(row, criteria)
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
                found.extend(_service_errors(sheet, number, exc, _ACTUAL_FIELD_COLUMNS))
            else:
                result.saved += 1
        return result, found

    return _run_atomically(work)


# --- exports --------------------------------------------------------------------------


RANKING_COLUMNS = (
    Column("rank_in_cluster", 10, number_format=FMT_INT),
    Column("rank_in_type", 10, number_format=FMT_INT),
    Column("unit_code", 12),
    Column("unit_name", 32),
    Column("unit_type_name", 18),
    Column("cluster_name", 22),
    Column("base_earned", 12, number_format=FMT_POINTS),
    Column("base_assigned", 12, number_format=FMT_POINTS),
    Column("bonus", 10, number_format=FMT_POINTS),
    Column("penalty", 10, number_format=FMT_POINTS),
    Column("total", 12, number_format=FMT_POINTS),
    Column("percentage", 12, number_format=FMT_PERCENT),
    Column("veto", 8),
)


def ranking_workbook(review_point: ReviewPoint, rows: Sequence[dict[str, Any]]) -> Workbook:
    campaign = review_point.campaign
    workbook = _export_workbook(_("Ranking"), f"{campaign.name} — {review_point.name}")
    sheet = workbook.active
    labels = [
        _("Rank in cluster"),
        _("Rank in unit type"),
        _("Unit code"),
        _("Unit"),
        _("Unit type"),
        _("Cluster"),
        _("Base points earned"),
        _("Base points assigned"),
        _("Bonus"),
        _("Penalty"),
        _("Total"),
        _("Percentage"),
        _("Veto"),
    ]
    first = _title_rows(sheet, campaign, review_point, labels, RANKING_COLUMNS)
    yes = _("Yes")
    for row in rows:
        percentage = row["percentage"]
        sheet.append(
            [
                row["rank_in_cluster"],
                row["rank_in_type"],
                row["unit_code"],
                row["unit_name"],
                row["unit_type_name"],
                row["cluster_name"],
                row["base_earned"],
                row["base_assigned"],
                row["bonus"],
                row["penalty"],
                row["total"],
                None if percentage is None else Decimal(percentage) / 100,
                yes if row["veto"] else None,
            ]
        )
    _number_formats(sheet, RANKING_COLUMNS, first)
    return workbook


SHEET_COLUMNS = (
    Column("code", 10),
    Column("title", 44),
    Column("max", 10, number_format=FMT_POINTS),
    Column("target", 14, number_format=FMT_VALUE),
    Column("actual", 14, number_format=FMT_VALUE),
    Column("count", 8, number_format=FMT_INT),
    Column("met", 8),
    Column("computed", 11, number_format=FMT_POINTS),
    Column("self", 11, number_format=FMT_POINTS),
    Column("inspector", 11, number_format=FMT_POINTS),
    Column("leader", 11, number_format=FMT_POINTS),
    Column("final", 11, number_format=FMT_POINTS),
    Column("score", 11, number_format=FMT_POINTS),
    Column("state", 26),
)


def visible_sheet_items(user: Any, review_point: ReviewPoint, unit_id: Any) -> list[ScoreItem]:
    """The unit's items at the review point that the user may view, in table order."""
    visible = score_item_policy.visible(user, "view").filter(
        review_point=review_point, unit_id=unit_id
    )
    return list(
        selectors.score_sheet(review_point, unit_id)
        .filter(pk__in=visible.values("pk"))
        .select_related("unit")
    )


def sheet_workbook(review_point: ReviewPoint, items: Sequence[ScoreItem]) -> Workbook:
    campaign = review_point.campaign
    unit = items[0].unit
    targets = dict(
        Registration.objects.filter(campaign=campaign, unit=unit).values_list(
            "criterion_id", "target"
        )
    )
    workbook = _export_workbook(
        _("Score sheet"), f"{campaign.name} — {review_point.name} — {unit.name}"
    )
    sheet = workbook.active
    labels = [
        _("Code"),
        _("Criterion"),
        _("Maximum"),
        _("Target"),
        _("Actual"),
        _("Count"),
        _("Met / applies"),
        _("Computed"),
        _("Self-score"),
        _("Inspector"),
        _("Leader"),
        _("Final"),
        _("Score"),
        _("State"),
    ]
    first = _title_rows(sheet, campaign, review_point, labels, SHEET_COLUMNS, unit=unit)
    yes, no = _("Yes"), _("No")
    for item in items:
        criterion = item.criterion
        state = item.get_state_display()
        if item.not_assigned:
            state = _("%(state)s (not assigned)") % {"state": state}
        sheet.append(
            [
                criterion.code,
                _criterion_title(criterion),
                criterion.max_points,
                targets.get(criterion.pk),
                item.actual,
                item.count,
                None if item.passed is None else (yes if item.passed else no),
                item.computed,
                item.self_score,
                item.inspected_score,
                item.reviewed_score,
                item.final_score,
                item.score,
                state,
            ]
        )
    _number_formats(sheet, SHEET_COLUMNS, first)
    return workbook


# --- workbook helpers -----------------------------------------------------------------


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _today() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def _criterion_title(criterion: Criterion) -> str:
    return criterion.title + (f" ({criterion.measure})" if criterion.measure else "")


def _header_row(sheet: Any, row: int, columns: Sequence[Column], labels: Any = None) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index, value=labels[index - 1] if labels else None)
        if not labels:
            cell.value = column.header
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{row + 1}"
    sheet.auto_filter.ref = f"A{row}:{get_column_letter(len(columns))}{row}"


def _number_formats(sheet: Any, columns: Sequence[Column], first_row: int) -> None:
    for index, column in enumerate(columns, start=1):
        if column.number_format is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=first_row, min_col=index, max_col=index):
            cell.number_format = column.number_format


def _choice_list(sheet: Any, columns: Sequence[Column], header: str, values: Iterable[str]) -> None:
    """A drop-down on the column (typing another value is still refused on upload)."""
    index = next(i for i, c in enumerate(columns, start=1) if c.header == header)
    letter = get_column_letter(index)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
    )
    validation.error = _("Choose a value from the list.")
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}5000")


def _export_workbook(title: str, subject: str) -> Workbook:
    workbook = Workbook()
    workbook.properties.title = f"{title}: {subject}"
    workbook.properties.subject = subject
    workbook.properties.creator = "Pacesetter"
    # Sheet names: at most 31 characters and none of []:*?/\
    workbook.active.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    return workbook


def _title_rows(
    sheet: Any,
    campaign: Campaign,
    review_point: ReviewPoint,
    labels: Sequence[str],
    columns: Sequence[Column],
    *,
    unit: Unit | None = None,
) -> int:
    """Title lines, a blank line and the header row; returns the first data row."""
    sheet.cell(row=1, column=1, value=campaign.name).font = TITLE_FONT
    line = f"{review_point.name} ({review_point.period_end:%d/%m/%Y})"
    if unit is not None:
        line = f"{unit.name} ({unit.code}) — {line}"
    sheet.cell(row=2, column=1, value=line)
    sheet.cell(row=3, column=1, value=_("Exported %(date)s") % {"date": _today()}).font = Font(
        italic=True, color="5B6675"
    )
    _header_row(sheet, 5, columns, labels)
    return 6
