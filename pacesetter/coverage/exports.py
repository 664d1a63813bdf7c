"""The register's workbooks: the register as of a date (whose columns the import reads
back, so that exporting and importing unchanged records nothing), the template to fill
in, and the statistics tables in layouts kept as versioned data (``report_layouts/``).

Every cell goes through :mod:`pacesetter.core.spreadsheets` (formula-safe)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Prefetch
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import (
    FMT_PERCENT,
    TITLE_FONT,
    Column,
    Workbook,
    append_row,
    export_workbook,
    get_column_letter,
    header_row,
    reference_list,
    style_header,
    write_cell,
)
from pacesetter.core.translations import content_language

from .models import (
    ORGANIZED_FORMS,
    WORK_FORMS,
    Building,
    CoverageKind,
    Form,
    Industry,
    Organization,
    OrganizationKind,
    ReasonNotBuilt,
    RevenueBand,
    Status,
)
from .policies import organization_policy
from .selectors import (
    CoverageFilters,
    _group_expression,
    _labels,
    editable_towns,
    form_at,
    operating_at,
    register_at,
)

#: Rows of the register's export at most (the list pages through the rest).
EXPORT_ROWS_MAX = 50_000
REGISTER_SHEET = "Register"
LISTS_SHEET = "Lists"
HELP_SHEET = "Help"
LAYOUTS = Path(__file__).resolve().parent / "report_layouts"


@dataclass(frozen=True)
class RegisterColumn:
    """A column of the register's workbook: its key (the header the import reads), what
    it means, and for a kind's column the kind's code and the building's field."""

    key: str
    label: Any
    width: int = 14
    kind: str = ""
    field: str = ""

    @property
    def column(self) -> Column:
        return Column(self.key, self.width, required=self.key == "credit_code")


#: The organization's columns; every kind to build adds :data:`BUILDING_COLUMNS`.
FACT_COLUMNS = (
    RegisterColumn("credit_code", gettext_lazy("Unified social credit code"), 22),
    RegisterColumn("name", gettext_lazy("Name"), 36),
    RegisterColumn("kind", gettext_lazy("Kind"), 22),
    RegisterColumn("industry", gettext_lazy("Industry (code)"), 10),
    RegisterColumn("town", gettext_lazy("Town or street (code)"), 14),
    RegisterColumn("site", gettext_lazy("Park or building"), 22),
    RegisterColumn("registered_on", gettext_lazy("Registered on"), 12),
    RegisterColumn("status", gettext_lazy("Status"), 12),
    RegisterColumn("staff_count", gettext_lazy("Staff"), 8),
    RegisterColumn("revenue_band", gettext_lazy("Annual revenue"), 16),
    RegisterColumn("above_designated_size", gettext_lazy("Above designated size"), 8),
    RegisterColumn("investor_is_party_member", gettext_lazy("Investor is a party member"), 8),
    RegisterColumn("party_members_full", gettext_lazy("Full party members"), 8),
    RegisterColumn("party_members_probationary", gettext_lazy("Probationary party members"), 8),
    RegisterColumn("union_members", gettext_lazy("Union members"), 8),
)
#: (suffix, the building's field, label): a kind's columns are "party_form" and so on.
BUILDING_COLUMNS = (
    ("form", "form", gettext_lazy("form"), 20),
    ("founded_on", "founded_on", gettext_lazy("founded on"), 12),
    ("leader", "leader_name", gettext_lazy("secretary or chair"), 16),
    ("members", "member_count", gettext_lazy("members"), 8),
    ("instructor", "instructor_name", gettext_lazy("instructor or liaison"), 16),
    ("reason", "reason_not_built", gettext_lazy("reason not built"), 20),
    ("reason_text", "reason_text", gettext_lazy("reason, in words"), 20),
    ("planned_on", "planned_on", gettext_lazy("planned for"), 12),
)
#: The date the row's changes took effect (import only; the form's date when empty).
AS_OF = RegisterColumn("as_of", gettext_lazy("Changes as of"), 12)


def register_columns(kinds: Sequence[CoverageKind] | None = None) -> list[RegisterColumn]:
    """The register's columns for the active kinds to build (the export's and the
    import's: one list, so that a round trip records nothing)."""
    if kinds is None:
        kinds = list(CoverageKind.objects.filter(is_active=True))
    columns = list(FACT_COLUMNS)
    for kind in kinds:
        for suffix, name, label, width in BUILDING_COLUMNS:
            columns.append(
                RegisterColumn(
                    f"{kind.code}_{suffix}",
                    _LabelOf(kind, label),
                    width,
                    kind=kind.code,
                    field=name,
                )
            )
    return columns


@dataclass(frozen=True)
class _LabelOf:
    kind: CoverageKind
    label: Any

    def __str__(self) -> str:
        return f"{self.kind.name}: {self.label}"


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, "")) if value else ""


def register_workbook(user: Any, filters: CoverageFilters) -> Workbook:
    """The register the user sees as of ``filters.at``: one row per organization, the
    facts and each kind's state at that date; a sheet of lists and one of help."""
    kinds = list(CoverageKind.objects.filter(is_active=True))
    columns = register_columns(kinds)
    rows = (
        register_at(user, filters)
        .prefetch_related(
            Prefetch(
                "buildings",
                queryset=Building.objects.filter(valid_from__lte=filters.at).order_by(
                    "kind_id", "valid_from"
                ),
                to_attr="periods_until",
            )
        )
        .order_by("town__path", "pk")[:EXPORT_ROWS_MAX]
    )
    title = _("Coverage register")
    workbook = export_workbook(title, _("as of %(date)s") % {"date": filters.at.isoformat()})
    sheet = workbook.active
    sheet.title = REGISTER_SHEET
    header_row(sheet, 1, [c.column for c in columns])
    by_code = {kind.pk: kind.code for kind in kinds}
    for org in rows:
        latest: dict[str, Building] = {}
        for period in org.periods_until:
            if period.kind_id in by_code:
                latest[by_code[period.kind_id]] = period
        values = _fact_values(org)
        for column in columns[len(FACT_COLUMNS) :]:
            values.append(_building_value(latest.get(column.kind), column.field))
        append_row(sheet, values)
    _date_formats(sheet, columns)
    _lists_and_help(workbook, columns)
    return workbook


def _fact_values(org: Organization) -> list[Any]:
    return [
        org.credit_code,
        org.name,
        _label(OrganizationKind, org.kind),
        org.industry.code if org.industry else "",
        org.town.code,
        org.site.name if org.site else "",
        org.registered_on,
        _label(Status, getattr(org, "status_then", "") or ""),
        org.staff_count,
        _label(RevenueBand, org.revenue_band),
        org.above_designated_size,
        org.investor_is_party_member,
        org.party_members_full,
        org.party_members_probationary,
        org.union_members,
    ]


def _building_value(period: Building | None, name: str) -> Any:
    if period is None:
        return None
    value = getattr(period, name)
    if name == "form":
        return _label(Form, value)
    if name == "reason_not_built":
        return _label(ReasonNotBuilt, value)
    if name == "member_count" and period.form == Form.NOT_BUILT and not value:
        return None
    return value if value not in ("", None) else None


def _date_formats(sheet: Any, columns: Sequence[RegisterColumn]) -> None:
    for index, column in enumerate(columns, start=1):
        if column.key.endswith(("_on", "as_of")):
            sheet.column_dimensions[get_column_letter(index)].number_format = "YYYY-MM-DD"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "YYYY-MM-DD"


def register_template(user: Any) -> Workbook:
    """The register's columns to fill in (with ``as_of``), with drop-downs from the sheet
    of lists, and the help sheet: what a market regulator's list or an existing register
    is copied into."""
    columns = [*register_columns(), AS_OF]
    workbook = export_workbook(_("Coverage register"), _("import template"))
    sheet = workbook.active
    sheet.title = REGISTER_SHEET
    header_row(sheet, 1, [c.column for c in columns])
    _date_formats(sheet, columns)
    _lists_and_help(workbook, columns, towns=_town_codes(user))
    return workbook


def _town_codes(user: Any) -> list[str]:
    return list(editable_towns(user).values_list("code", flat=True))


def _lists_and_help(
    workbook: Workbook, columns: Sequence[RegisterColumn], towns: Sequence[str] = ()
) -> None:
    """A sheet of the allowed values (the drop-downs read it) and a sheet saying what
    each column holds."""
    lists: dict[str, list[str]] = {
        "kind": [str(label) for label in OrganizationKind.labels],
        "status": [str(label) for label in Status.labels],
        "revenue_band": [str(label) for label in RevenueBand.labels],
        "form": [str(label) for label in Form.labels],
        "reason": [str(label) for label in ReasonNotBuilt.labels],
        "industry": list(Industry.objects.order_by("code").values_list("code", flat=True)),
        "town": list(towns),
    }
    sheet = workbook.active
    list_sheet = workbook.create_sheet(LISTS_SHEET)
    for number, (name, values) in enumerate(lists.items(), start=1):
        write_cell(list_sheet, 1, number, name)
        for row, value in enumerate(values, start=2):
            write_cell(list_sheet, row, number, value)
    style_header(list_sheet[1])
    positions = {name: number for number, name in enumerate(lists, start=1)}
    for index, column in enumerate(columns, start=1):
        key = column.field if column.kind else column.key
        key = {"form": "form", "reason_not_built": "reason"}.get(key, key)
        if key not in positions or not lists[key]:
            continue
        source_letter = get_column_letter(positions[key])
        letter = get_column_letter(index)
        reference_list(
            sheet,
            f"{letter}2:{letter}5000",
            f"{LISTS_SHEET}!${source_letter}$2:${source_letter}${len(lists[key]) + 1}",
            _("Choose a value from the sheet “%(sheet)s”.") % {"sheet": LISTS_SHEET},
        )
    help_sheet = workbook.create_sheet(HELP_SHEET)
    append_row(help_sheet, [_("Column"), _("Meaning")])
    style_header(help_sheet[1])
    for column in columns:
        append_row(help_sheet, [column.key, str(column.label)])
    append_row(help_sheet, [])
    for line in (
        _("Rows are matched by the unified social credit code; a new code is registered."),
        _("An empty cell keeps what the register holds."),
        _(
            "Changes of status and of each kind's form and details are recorded as of the "
            "column “as_of”, or the date chosen on the import's page when it is empty."
        ),
    ):
        append_row(help_sheet, [line])
    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["B"].width = 60


# --- statistics tables ---------------------------------------------------------------


class LayoutError(ValueError):
    """A layout file that does not say what it must."""


GROUPINGS = ("town", "industry", "kind", "size", "site")
FIGURES = ("operating", "organized_rate", "work_rate", "standalone_rate")


def _title(titles: Any) -> str:
    if isinstance(titles, str):
        return titles
    language = content_language(get_language())
    return str(titles.get(language) or titles.get("en") or next(iter(titles.values()), ""))


@cache
def _layout_files() -> dict[str, dict[str, Any]]:
    layouts = {}
    for path in sorted(LAYOUTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        check_layout(data, path.name)
        layouts[data["code"]] = data
    return layouts


def check_layout(data: dict[str, Any], name: str) -> None:
    """Raise LayoutError unless the layout names its code, version, title, rows (a
    grouping), the kind its columns are forms of, each column's forms and each figure."""
    if not data.get("code") or not data.get("version") or not data.get("title"):
        raise LayoutError(f"{name}: give code, version and title")
    if data.get("rows") not in GROUPINGS:
        raise LayoutError(f"{name}: rows must be one of {', '.join(GROUPINGS)}")
    if not data.get("kind"):
        raise LayoutError(f"{name}: name the kind whose forms are the columns")
    for column in data.get("columns", []):
        forms = column.get("forms") or []
        if not forms or set(forms) - set(Form.values) or not column.get("title"):
            raise LayoutError(f"{name}: a column names known forms and a title")
    for figure in data.get("figures", []):
        if figure.get("figure") not in FIGURES or not figure.get("title"):
            raise LayoutError(f"{name}: a figure is one of {', '.join(FIGURES)}, with a title")


def statistics_layouts() -> list[dict[str, Any]]:
    """The shipped layouts, by code."""
    return list(_layout_files().values())


def statistics_layout(code: str) -> dict[str, Any] | None:
    return _layout_files().get(code)


@dataclass
class StatisticsRow:
    key: Any
    label: str
    operating: int
    by_form: dict[str, int]

    def count(self, forms: Sequence[str]) -> int:
        return sum(self.by_form.get(form, 0) for form in forms)

    def figure(self, name: str) -> int | Decimal | None:
        if name == "operating":
            return self.operating
        forms = {
            "organized_rate": ORGANIZED_FORMS,
            "work_rate": WORK_FORMS,
            "standalone_rate": (Form.STANDALONE,),
        }[name]
        if not self.operating:
            return None
        return (Decimal(self.count(forms)) / Decimal(self.operating)).quantize(Decimal("0.0001"))


def statistics_rows(
    user: Any, filters: CoverageFilters, *, rows: str, kind: str
) -> tuple[list[StatisticsRow], StatisticsRow]:
    """The organizations operating at ``filters.at`` the user sees, counted in SQL by
    ``rows`` (a grouping) and by the form of their ``kind`` building then; with the total."""
    counts = (
        filters.apply(organization_policy.visible(user))
        .filter(operating_at(filters.at))
        .annotate(group_key=_group_expression(rows), form_then=form_at(kind, filters.at))
        .values("group_key", "form_then")
        .annotate(n=Count("pk"))
        .order_by()
    )
    lines: dict[Any, StatisticsRow] = {}
    for line in counts:
        row = lines.setdefault(line["group_key"], StatisticsRow(line["group_key"], "", 0, {}))
        row.operating += line["n"]
        form = line["form_then"] or Form.NOT_BUILT
        row.by_form[form] = row.by_form.get(form, 0) + line["n"]
    labels = _labels(rows, list(lines))
    for key, row in lines.items():
        row.label = labels.get(key, "") or _("Not given")
    ordered = sorted(lines.values(), key=lambda r: (r.label == _("Not given"), r.label))
    if rows == "size":
        ordered = sorted(lines.values(), key=lambda r: r.key)
    total = StatisticsRow(None, _("Total"), 0, {})
    for row in ordered:
        total.operating += row.operating
        for form, n in row.by_form.items():
            total.by_form[form] = total.by_form.get(form, 0) + n
    return ordered, total


def statistics_workbook(user: Any, layout: dict[str, Any], filters: CoverageFilters) -> Workbook:
    """The layout's table at ``filters.at``: a title, the date, a header row (the rows'
    name, each column, each figure) and a line per group with the total last."""
    title = _title(layout["title"])
    workbook = export_workbook(title, _("as of %(date)s") % {"date": filters.at.isoformat()})
    sheet = workbook.active
    write_cell(sheet, 1, 1, title)
    write_cell(
        sheet,
        2,
        1,
        _("As of %(date)s; layout %(code)s, version %(version)s.")
        % {"date": filters.at.isoformat(), "code": layout["code"], "version": layout["version"]},
    )
    sheet.cell(row=1, column=1).font = TITLE_FONT
    headings = [
        _title(layout.get("rows_title") or _("Town or street")),
        *[_title(c["title"]) for c in layout.get("columns", [])],
        *[_title(f["title"]) for f in layout.get("figures", [])],
    ]
    columns = [Column(h, 30 if i == 0 else 14) for i, h in enumerate(headings)]
    header_row(sheet, 4, columns, labels=headings)
    lines, total = statistics_rows(user, filters, rows=layout["rows"], kind=layout["kind"])
    for line in (*lines, total):
        append_row(
            sheet,
            [
                line.label,
                *[line.count(c["forms"]) for c in layout.get("columns", [])],
                *[line.figure(f["figure"]) for f in layout.get("figures", [])],
            ],
        )
        row = sheet.max_row
        first_figure = 2 + len(layout.get("columns", []))
        for offset, figure in enumerate(layout.get("figures", [])):
            if figure["figure"].endswith("_rate"):
                sheet.cell(row=row, column=first_figure + offset).number_format = FMT_PERCENT
    return workbook


def statistics_filename(layout: dict[str, Any], at: datetime.date) -> str:
    return f"{layout['code']}-{at.isoformat()}.xlsx"
