"""Import of a market regulator's registration list or of a district's existing register
(.xlsx or .csv, the columns of :func:`exports.register_columns`).

Rows are matched by the unified social credit code. A new code is registered with the
state of each kind the row gives; on a known one, the cells that differ from the register
are applied: the facts through ``organization_update``, the status and each kind's form
and details as dated changes (``status_record``, ``building_record``) as of the row's
``as_of`` or the import's date. A cell left empty, or a column the file does not have,
keeps what the register holds; so a file exported and imported unchanged records
nothing. All or nothing: every error is listed by sheet, row and column, and if there is
one nothing is saved. A credit code twice in the file is refused on both rows.

Reading, parsing and the error collection are the kit of :mod:`pacesetter.core.spreadsheets`;
a CSV file is read into the same :class:`Sheet` under the same limits.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import (
    HEADER_SEARCH_ROWS,
    CellError,
    CellProblem,
    ImportFailed,
    ImportResult,
    RowReader,
    Sheet,
    cell_text,
    open_workbook,
    parse_choice,
    parse_count,
    parse_date,
    parse_flag,
    parse_text,
    read_sheet,
    run_atomically,
    service_errors,
)
from pacesetter.core.translations import CONTENT_LANGUAGES, content_language
from pacesetter.core.translations import column as text_column
from pacesetter.core.translations import values as text_values
from pacesetter.units.models import Unit

from . import services
from .codes import normalized, validate_credit_code
from .exports import (
    AS_OF,
    BUILDING_COLUMNS,
    FACT_COLUMNS,
    REGISTER_SHEET,
    RegisterColumn,
    register_columns,
)
from .models import (
    Building,
    CoverageKind,
    Form,
    Industry,
    Organization,
    OrganizationKind,
    ReasonNotBuilt,
    RevenueBand,
    Site,
    Status,
    StatusPeriod,
)
from .policies import organization_policy
from .selectors import covering, editable_towns

CSV_SHEET = "CSV"


@dataclass
class RegisterImportResult(ImportResult):
    """Rows registered (``saved``), rows changed, rows equal to the register, and the
    dated changes recorded."""

    changed: int = 0
    changes: int = 0


# --- reading the file ------------------------------------------------------------------


def read_upload(upload: Any, columns: list[RegisterColumn]) -> Sheet:
    """The sheet "Register" of an .xlsx upload, or the rows of a .csv one (UTF-8, a byte
    order mark accepted; comma or semicolon), under the kit's limits."""
    known = [c.column for c in columns]
    if PurePath(getattr(upload, "name", "") or "").suffix.lower() == ".csv":
        return read_csv(upload, known)
    workbook = open_workbook(upload)
    try:
        return read_sheet(workbook, REGISTER_SHEET, known)
    finally:
        workbook.close()


def read_csv(upload: Any, columns: Any) -> Sheet:
    size = getattr(upload, "size", 0) or 0
    limit = settings.SPREADSHEET_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            code="file_too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Save the CSV file as UTF-8 (“CSV UTF-8” in Excel) and upload it again."),
            code="file_encoding",
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    known = {c.header for c in columns}
    sheet: Sheet | None = None
    max_rows = settings.SPREADSHEET_MAX_ROWS
    max_columns = settings.SPREADSHEET_MAX_COLUMNS
    for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if number > max_rows:
            raise ImportFailed(
                [
                    CellError(
                        CSV_SHEET,
                        _("the file has more than %(limit)s rows, the most an import reads.")
                        % {"limit": max_rows},
                    )
                ]
            )
        if len(values) > max_columns and any(v.strip() for v in values[max_columns:]):
            raise ImportFailed(
                [
                    CellError(
                        CSV_SHEET,
                        _("the file has more than %(limit)s columns.") % {"limit": max_columns},
                        row=number,
                    )
                ]
            )
        cells = tuple(v if v.strip() else None for v in values[:max_columns])
        if sheet is None:
            keys = [_key(v) for v in cells]
            if known.intersection(keys):
                positions: dict[str, int] = {}
                for index, key in enumerate(keys, start=1):
                    if key in known and key not in positions:
                        positions[key] = index
                sheet = Sheet(CSV_SHEET, positions)
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if any(v is not None for v in cells):
            sheet.rows.append((number, cells))
    if sheet is None:
        sheet = Sheet(CSV_SHEET, {})
    missing = [c.header for c in columns if c.required and c.header not in sheet.positions]
    if missing:
        raise ImportFailed(
            [
                CellError(
                    CSV_SHEET,
                    _("the column “%(header)s” is missing from the header row.") % {"header": h},
                )
                for h in missing
            ]
        )
    return sheet


def _key(value: Any) -> str:
    return "_".join(str(value or "").strip().lower().replace("-", " ").split())


# --- what the rows are checked against -------------------------------------------------


@dataclass
class _Known:
    towns: dict[str, Unit]  # code, and name in any language (casefolded) → town kept
    industries: dict[str, Industry | None]  # code → industry (None: ambiguous)
    sites: dict[tuple[int, str], Site]
    organizations: dict[str, Organization]  # credit code → organization (any town)
    updatable: set[int]
    visible: set[int]
    kinds: dict[str, CoverageKind]
    # The periods covering each date the rows use: (organization, kind, date), (organization, date).
    buildings: dict[tuple[int, str, datetime.date], Building]
    statuses: dict[tuple[int, datetime.date], str]
    on: datetime.date


def _known(actor: Any, sheet: Sheet, on: datetime.date) -> _Known:
    towns: dict[str, Unit] = {}
    for town in editable_towns(actor):
        towns[town.code.casefold()] = town
        for name in text_values(town, "name").values():
            towns.setdefault(name.casefold(), town)
    industries: dict[str, Industry | None] = {}
    for industry in Industry.objects.all():
        key = industry.code.casefold()
        industries[key] = None if key in industries else industry
    sites = {
        (site.town_id, name.casefold()): site
        for site in Site.objects.filter(town__in=set(towns.values()))
        for name in text_values(site, "name").values()
    }
    codes = {normalized(cell_text(sheet.get(v, "credit_code"))) for _n, v in sheet.rows}
    organizations = {
        o.credit_code: o
        for o in Organization.objects.filter(credit_code__in=codes - {""}).select_related(
            "town", "site", "industry"
        )
    }
    updatable = set(
        organization_policy.visible(actor, "update")
        .filter(pk__in=[o.pk for o in organizations.values()])
        .values_list("pk", flat=True)
    )
    visible = set(
        organization_policy.visible(actor)
        .filter(pk__in=[o.pk for o in organizations.values()])
        .values_list("pk", flat=True)
    )
    return _Known(
        visible=visible,
        towns=towns,
        industries=industries,
        sites=sites,
        organizations=organizations,
        updatable=updatable,
        kinds={k.code: k for k in CoverageKind.objects.filter(is_active=True)},
        buildings={},
        statuses={},
        on=on,
    )


def _state_at(known: _Known, organizations: list[Organization], dates: set[datetime.date]) -> None:
    """The building and status periods of the matched organizations covering each date
    the rows use (read once)."""
    for on in dates:
        for period in Building.objects.filter(
            covering(on), organization__in=organizations
        ).select_related("kind"):
            known.buildings[(period.organization_id, period.kind.code, on)] = period
        for status in StatusPeriod.objects.filter(covering(on), organization__in=organizations):
            known.statuses[(status.organization_id, on)] = status.status


# --- one row ----------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    credit_code: str
    on: datetime.date
    organization: Organization | None
    facts: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    town: Unit | None = None
    status: str | None = None
    buildings: dict[str, dict[str, Any]] = field(default_factory=dict)


@functools.cache
def _choice_labels(choices: type[TextChoices], language: str) -> dict[str, str]:
    with translation.override(language):
        return {str(label).casefold(): code for code, label in choices.choices}


def parse_any_choice(value: Any, choices: type[TextChoices]) -> str | None:
    """A choice by its code or its label in any of the site's languages (a register
    exported in Chinese is imported by a colleague reading English)."""
    try:
        return parse_choice(value, choices)
    except CellProblem:
        text = str(value).strip().casefold()
        for language, _name in settings.LANGUAGES:
            code = _choice_labels(choices, language).get(text)
            if code is not None:
                return code
        raise


_FORM = functools.partial(parse_any_choice, choices=Form)
_REASON = functools.partial(parse_any_choice, choices=ReasonNotBuilt)


def _parse_industry(value: Any, known: _Known) -> Any:
    code = parse_text(value)
    if not code:
        return None
    # The export writes the code; a code followed by the name is accepted too.
    key = code.split()[0].casefold()
    if key not in known.industries:
        raise CellProblem(_("there is no industry with the code “%(code)s”.") % {"code": code})
    industry = known.industries[key]
    if industry is None:
        raise CellProblem(_("the code “%(code)s” is in several classifications.") % {"code": code})
    return industry


def _parse_town(value: Any, known: _Known) -> Unit | None:
    text = parse_text(value)
    if not text:
        return None
    town = known.towns.get(text.casefold())
    if town is None:
        raise CellProblem(
            _("“%(town)s” is not a town or street whose register you keep.") % {"town": text}
        )
    return town


def _read_row(row: RowReader, known: _Known, default_on: datetime.date) -> _Row | None:
    raw_code = row.cell("credit_code", parse_text) or ""
    code = normalized(raw_code)
    if not code:
        row.error("credit_code", _("enter the unified social credit code."))
    else:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            row.error("credit_code", " ".join(exc.messages))
    on = row.cell("as_of", parse_date) or default_on
    if on > timezone.localdate():
        row.error("as_of", _("the date is in the future."))
    organization = known.organizations.get(code)
    if organization is not None and organization.pk not in known.updatable:
        if organization.pk in known.visible:
            message = _(
                "this organization is registered in %(town)s, whose register you do not keep."
            ) % {"town": organization.town.name}
        else:
            # Not even seen by the user: where it is registered is not said.
            message = _("this code is registered in a town whose register you do not keep.")
        row.error("credit_code", message)
    line = _Row(row.number, code, on, organization)
    line.name = row.cell("name", parse_text, max_length=255) or ""
    line.town = row.cell("town", _parse_town, known)
    line.status = row.cell("status", parse_any_choice, Status)
    facts: dict[str, Any] = {
        "kind": row.cell("kind", parse_any_choice, OrganizationKind),
        "industry": row.cell("industry", _parse_industry, known),
        "registered_on": row.cell("registered_on", parse_date),
        "staff_count": row.cell("staff_count", parse_count),
        "revenue_band": row.cell("revenue_band", parse_any_choice, RevenueBand),
        "above_designated_size": row.cell("above_designated_size", parse_flag),
        "investor_is_party_member": row.cell("investor_is_party_member", parse_flag),
        "party_members_full": row.cell("party_members_full", parse_count),
        "party_members_probationary": row.cell("party_members_probationary", parse_count),
        "union_members": row.cell("union_members", parse_count),
    }
    for name in ("staff_count", "party_members_full", "party_members_probationary"):
        if facts[name] is not None and facts[name] < 0:
            row.error(name, _("enter a number of 0 or more."))
    if facts["union_members"] is not None and facts["union_members"] < 0:
        row.error("union_members", _("enter a number of 0 or more."))
    site_name = row.cell("site", parse_text) or ""
    town = line.town or (organization.town if organization else None)
    if site_name and town is not None:
        site = known.sites.get((town.pk, site_name.casefold()))
        if site is None:
            row.error(
                "site",
                _("%(town)s has no park or building named “%(site)s”.")
                % {"town": town.name, "site": site_name},
            )
        facts["site"] = site
    line.facts = {k: v for k, v in facts.items() if v is not None}
    for code_, _kind in known.kinds.items():
        details: dict[str, Any] = {
            "form": row.cell(f"{code_}_form", _FORM),
            "founded_on": row.cell(f"{code_}_founded_on", parse_date),
            "leader_name": row.cell(f"{code_}_leader", parse_text, max_length=120) or None,
            "member_count": row.cell(f"{code_}_members", parse_count),
            "instructor_name": row.cell(f"{code_}_instructor", parse_text, max_length=120) or None,
            "reason_not_built": row.cell(f"{code_}_reason", _REASON),
            "reason_text": row.cell(f"{code_}_reason_text", parse_text, max_length=500) or None,
            "planned_on": row.cell(f"{code_}_planned_on", parse_date),
        }
        details = {k: v for k, v in details.items() if v is not None}
        if details:
            line.buildings[code_] = details
    if organization is None and code:
        for header, value in (
            ("name", line.name),
            ("town", line.town),
            ("kind", line.facts.get("kind")),
            ("registered_on", line.facts.get("registered_on")),
        ):
            if not value and not row.has_error(header):
                row.error(header, _("a new organization needs this column filled in."))
    return None if row.errors else line


# --- the import ----------------------------------------------------------------------


def import_register(
    *, actor: Any, upload: Any, on: datetime.date | None = None
) -> RegisterImportResult:
    """Import the register rows of ``upload`` (.xlsx or .csv) for ``actor``: new credit
    codes registered, changes applied as of each row's ``as_of`` or ``on`` (default today).
    Raises ImportFailed (nothing saved) on any error, ValidationError for an unusable
    file, PermissionDenied when the user keeps no town's register."""
    if not editable_towns(actor).exists():
        raise PermissionDenied(_("You do not keep the register of any town or street."))
    on = on or timezone.localdate()
    columns = [*register_columns(), AS_OF]
    sheet = read_upload(upload, columns)
    known = _known(actor, sheet, on)
    errors: list[CellError] = []
    lines: list[_Row] = []
    seen: dict[str, int] = {}
    for number, values in sheet.rows:
        row = RowReader(sheet, number, values)
        line = _read_row(row, known, on)
        code = normalized(cell_text(sheet.get(values, "credit_code")))
        if code and code in seen:
            message = _("the credit code %(code)s is on rows %(first)s and %(second)s.") % {
                "code": code,
                "first": seen[code],
                "second": number,
            }
            errors.append(sheet.error(seen[code], "credit_code", message))
            errors.append(sheet.error(number, "credit_code", message))
            continue
        if code:
            seen[code] = number
        if line is None:
            errors.extend(row.errors)
            continue
        lines.append(line)
    matched = [line.organization for line in lines if line.organization is not None]
    _state_at(known, matched, {line.on for line in lines if line.organization is not None})
    result = RegisterImportResult()

    def work() -> tuple[RegisterImportResult, list[CellError]]:
        found = list(errors)
        if found:
            return result, found
        for line in lines:
            found.extend(_write(actor, sheet, line, known, result))
        return result, found

    return run_atomically(work)


def _columns(sheet: Sheet, kind: str = "") -> dict[str, str]:
    """Service field → column header, for a service's errors (a kind's field the file has
    no column for is shown on the kind's form)."""
    names = {c.key: c.key for c in FACT_COLUMNS}
    names.update({"on": "as_of", "credit_code": "credit_code"})
    names.update({text_column("name", lang): "name" for lang in CONTENT_LANGUAGES})
    if kind:
        for suffix, name, _label, _width in BUILDING_COLUMNS:
            header = f"{kind}_{suffix}"
            names[name] = header if header in sheet.positions else f"{kind}_form"
    return names


def _write(
    actor: Any, sheet: Sheet, line: _Row, known: _Known, result: RegisterImportResult
) -> list[CellError]:
    try:
        if line.organization is None:
            _register(actor, line, known)
            result.saved += 1
            return []
        changes = _apply(actor, line, known)
    except ValidationError as exc:
        return service_errors(
            sheet, line.number, exc, _columns(sheet, getattr(exc, "kind_code", ""))
        )
    if changes:
        result.changed += 1
        result.changes += changes
    else:
        result.unchanged += 1
    return []


def _register(actor: Any, line: _Row, known: _Known) -> None:
    facts = dict(line.facts)
    assert line.town is not None
    organization = services.organization_register(
        actor=actor,
        town=line.town,
        kind=facts.pop("kind"),
        registered_on=facts.pop("registered_on"),
        name=line.name,
        source_language=content_language(),
        credit_code=line.credit_code,
        buildings=line.buildings,
        **facts,
    )
    if line.status and line.status != Status.OPERATING:
        services.status_record(
            actor=actor, organization=organization, on=line.on, status=line.status
        )


def _apply(actor: Any, line: _Row, known: _Known) -> int:
    """Apply the row's cells that differ from the register; returns how many changes
    (one per service call) were recorded."""
    organization = line.organization
    assert organization is not None
    count = 0
    changes = {
        name: value for name, value in line.facts.items() if getattr(organization, name) != value
    }
    if line.name and line.name != organization.name:
        changes[text_column("name", content_language())] = line.name
    if line.town is not None and line.town.pk != organization.town_id:
        if not organization_policy.allows(actor, "manage", organization):
            raise ValidationError(
                {"town": _("Only the district's staff move an organization to another town.")}
            )
        changes["town"] = line.town
    if changes:
        services.organization_update(actor=actor, organization=organization, **changes)
        count += 1
    status_then = known.statuses.get((organization.pk, line.on))
    if line.status and status_then and line.status != status_then:
        services.status_record(
            actor=actor, organization=organization, on=line.on, status=line.status
        )
        count += 1
    for code, details in line.buildings.items():
        before = known.buildings.get((organization.pk, code, line.on))
        if before is not None and all(getattr(before, k) == v for k, v in details.items()):
            continue
        details = dict(details)
        form = details.pop("form", None) or (before.form if before else Form.NOT_BUILT)
        try:
            services.building_record(
                actor=actor,
                organization=organization,
                kind=known.kinds[code],
                on=line.on,
                form=form,
                **details,
            )
        except ValidationError as exc:
            exc.kind_code = code  # type: ignore[attr-defined]
            raise
        count += 1
    return count
