"""JSON API of the coverage register: /api/v1/coverage.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Quantity, Version
from pacesetter.core.refs import resolve_ref
from pacesetter.core.spreadsheets import XLSX_CONTENT_TYPE, ImportFailed, workbook_bytes
from pacesetter.core.translations import (
    Language,
    content_language,
    text_input,
    text_patch,
    translations,
)
from pacesetter.imports.api import ImportJobOut
from pacesetter.units.policies import unit_policy

from . import services
from .models import Building, CoverageKind, Industry, Organization, StatusPeriod
from .policies import organization_policy, site_policy
from .selectors import GROUPINGS, CoverageFilters, RateRow, coverage_rates, register_at

router = Router(tags=["coverage"])


class PeriodOut(Schema):
    event: str
    valid_from: date
    valid_to: date | None = Field(description="Excluded; empty for the current period.")
    note: str


class BuildingOut(PeriodOut):
    kind: str = Field(description="The kind's code: party, union, youth …")
    form: str
    founded_on: date | None
    reports_to: str
    leader_name: str
    member_count: int
    instructor_name: str
    reason_not_built: str
    reason_text: str
    planned_on: date | None

    @staticmethod
    def resolve_kind(obj: Building) -> str:
        return obj.kind.code


class StatusOut(PeriodOut):
    status: str


class OrganizationOut(Schema):
    id: Id
    name: str
    source_language: str
    translations: dict[str, dict[str, str]]
    credit_code: str
    kind: str
    industry_id: Id | None
    town_id: Id
    site_id: Id | None
    registered_on: date
    status: str = Field(description="The status now.")
    staff_count: int
    revenue_band: str
    above_designated_size: bool
    investor_is_party_member: bool
    party_members_full: int
    party_members_probationary: int
    union_members: int
    is_demo: bool

    @staticmethod
    def resolve_translations(obj: Organization) -> dict[str, dict[str, str]]:
        return translations(obj)


class OrganizationAtOut(OrganizationOut):
    status_then: str | None = Field(None, description="The status at the date asked for.")
    party_form: str | None = Field(None, description="The party organization's form then.")
    union_form: str | None = Field(None, description="The trade union's form then.")


class OrganizationDetailOut(OrganizationOut):
    version: Version = VERSION_OUT
    buildings: list[BuildingOut]
    status_periods: list[StatusOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_buildings(obj: Organization) -> list[Building]:
        return list(obj.buildings.select_related("kind").order_by("kind__position", "valid_from"))

    @staticmethod
    def resolve_status_periods(obj: Organization) -> list[StatusPeriod]:
        return list(obj.status_periods.order_by("valid_from"))

    @staticmethod
    def resolve_allowed_actions(obj: Organization, context: dict[str, Any]) -> list[str]:
        user = context["request"].user
        return sorted(organization_policy.allowed_actions(user, [obj])[obj.pk])


class OrganizationIn(Schema):
    town_id: Id
    source_language: Language | None = None
    name: text_input(255)  # type: ignore[valid-type]
    credit_code: str = ""
    kind: str
    industry_id: Id | None = None
    site_id: Id | None = None
    registered_on: date
    staff_count: Quantity = 0
    revenue_band: str = ""
    above_designated_size: bool = False
    investor_is_party_member: bool = False
    party_members_full: Quantity = 0
    party_members_probationary: Quantity = 0
    union_members: Quantity = 0


class OrganizationPatch(Schema):
    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    credit_code: str | None = None
    kind: str | None = None
    industry_id: Id | None = None
    site_id: Id | None = None
    registered_on: date | None = None
    staff_count: Quantity | None = None
    revenue_band: str | None = None
    above_designated_size: bool | None = None
    investor_is_party_member: bool | None = None
    party_members_full: Quantity | None = None
    party_members_probationary: Quantity | None = None
    union_members: Quantity | None = None
    version: Version | None = VERSION_IN


class BuildingIn(Schema):
    on: date
    form: str
    founded_on: date | None = None
    reports_to: str | None = None
    leader_name: str | None = None
    member_count: Quantity | None = None
    instructor_name: str | None = None
    reason_not_built: str | None = None
    reason_text: str | None = None
    planned_on: date | None = None
    note: str = ""


class StatusIn(Schema):
    on: date
    status: str
    note: str = ""


class RegisterFilters(Schema):
    at: date | None = Field(None, description="The register as of this date (default today).")
    town: Id | None = Field(None, description="A unit: its subtree.")
    sector: str = Field("", description="economic | social")
    kind: str = ""
    industry: Id | None = None
    status: str = Field("", description="The status at the date.")
    party_form: str = Field("", description="A form, or covered | uncovered.")
    q: str = ""


class RatesFilters(RegisterFilters):
    group_by: str = Field("town", description="town | site | industry | kind | size")
    since: date | None = Field(None, description="Also the change since this date.")


class RateOut(Schema):
    key: str | None
    label: str
    operating: int
    organized: int
    work_covered: int
    standalone: int
    union_organized: int
    union_members: int
    staff: int
    newly_built: int
    newly_standalone: int
    organized_rate: Decimal | None
    work_rate: Decimal | None
    standalone_rate: Decimal | None
    union_rate: Decimal | None
    union_membership_rate: Decimal | None

    @staticmethod
    def resolve_key(obj: RateRow) -> str | None:
        return None if obj.key is None else str(obj.key)


class RatesOut(Schema):
    at: date
    group_by: str
    since: date | None
    rows: list[RateOut]
    total: RateOut
    total_before: RateOut | None


def _filters(user: Any, data: RegisterFilters, group_by: str = "town") -> CoverageFilters:
    if data.at is not None and data.at > timezone.localdate():
        raise ValidationError({"at": _("Choose today or a past date.")})
    if group_by not in GROUPINGS:
        raise ValidationError(
            {"group_by": _("Choose one of: %(list)s.") % {"list": ", ".join(GROUPINGS)}}
        )
    return CoverageFilters(
        at=data.at or timezone.localdate(),
        town=resolve_ref(unit_policy, user, data.town, "view", "town") if data.town else None,
        sector=data.sector,
        kind=data.kind,
        industry=get_object_or_404(Industry, pk=data.industry) if data.industry else None,
        status=data.status,
        party_form=data.party_form,
        query=data.q.strip(),
        group_by=group_by,
    )


def _refs(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    if "industry_id" in data:
        pk = data.pop("industry_id")
        data["industry"] = get_object_or_404(Industry, pk=pk) if pk else None
    if "site_id" in data:
        pk = data.pop("site_id")
        data["site"] = resolve_ref(site_policy, user, pk, "view", "site_id") if pk else None
    return data


@router.get("/organizations", response=list[OrganizationAtOut])
@paginate(Paged)
def organization_list(
    request: HttpRequest, filters: Query[RegisterFilters]
) -> models.QuerySet[Organization]:
    """The organizations the user may see, as they stood at ``at``, with their status
    and party and union forms then."""
    return register_at(request.user, _filters(request.user, filters))


@router.get("/organizations/{int:organization_id}", response=OrganizationDetailOut)
def organization_detail(request: HttpRequest, organization_id: Id) -> Organization:
    """One organization with every period of its status and of each kind to build."""
    return organization_policy.access(request.user, organization_id)


@router.post("/organizations", response={201: OrganizationDetailOut})
def organization_create(request: HttpRequest, payload: OrganizationIn) -> Status[Organization]:
    """Register an organization in a town the user keeps (its officers, staff above)."""
    user = request.user
    data = payload.dict()
    town = resolve_ref(unit_policy, user, data.pop("town_id"), "view", "town_id")
    if not organization_policy.may_keep(user, town):
        raise PermissionDenied(_("You do not have permission to do this."))
    data["source_language"] = data["source_language"] or content_language()
    organization = services.organization_register(
        actor=user,
        town=town,
        kind=data.pop("kind"),
        registered_on=data.pop("registered_on"),
        **_refs(user, data),
    )
    return Status(201, organization)


@router.patch("/organizations/{int:organization_id}", response=OrganizationDetailOut)
def organization_update(
    request: HttpRequest, organization_id: Id, payload: OrganizationPatch
) -> Organization:
    """Change an organization's details; only the fields sent are changed."""
    user = request.user
    organization = organization_policy.access(user, organization_id, "update")
    data = _refs(user, payload.dict(exclude_unset=True))
    return services.organization_update(actor=user, organization=organization, **data)


@router.post("/organizations/{int:organization_id}/buildings/{kind}", response={201: BuildingOut})
def building_create(
    request: HttpRequest, organization_id: Id, kind: str, payload: BuildingIn
) -> Status[Building]:
    """Record how one kind of organization to build stands from ``on``."""
    user = request.user
    organization = organization_policy.access(user, organization_id, "update")
    coverage_kind = get_object_or_404(CoverageKind, code=kind)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    period = services.building_record(
        actor=user,
        organization=organization,
        kind=coverage_kind,
        on=data.pop("on"),
        form=data.pop("form"),
        **data,
    )
    return Status(201, period)


@router.post("/organizations/{int:organization_id}/status", response={201: StatusOut})
def status_create(
    request: HttpRequest, organization_id: Id, payload: StatusIn
) -> Status[StatusPeriod]:
    """Record that the organization is suspended, operating again or deregistered."""
    user = request.user
    organization = organization_policy.access(user, organization_id, "update")
    period = services.status_record(actor=user, organization=organization, **payload.dict())
    return Status(201, period)


@router.get("/rates", response=RatesOut)
def rates(request: HttpRequest, filters: Query[RatesFilters]) -> dict[str, Any]:
    """The coverage rates at ``at`` grouped by ``group_by``, over the organizations the
    user may see; with ``since``, the rates then and the organizations newly built."""
    if filters.since is not None and filters.since >= (filters.at or timezone.localdate()):
        raise ValidationError({"since": _("The start of the change must be before the date.")})
    table = coverage_rates(
        request.user, _filters(request.user, filters, filters.group_by), since=filters.since
    )
    return {
        "at": table.at,
        "group_by": table.group_by,
        "since": table.since,
        "rows": table.rows,
        "total": table.total,
        "total_before": table.before.total if table.before else None,
    }


# --- data in and out ---------------------------------------------------------------


class ImportResultOut(Schema):
    registered: int = Field(description="New credit codes registered.")
    changed: int = Field(description="Organizations with at least one change.")
    changes: int = Field(description="Changes recorded (one per service call).")
    unchanged: int = Field(description="Rows equal to the register.")


class CellErrorOut(Schema):
    sheet: str
    row: int | None
    column: str = Field(description="The column's letter (a CSV file's too).")
    header: str
    message: str


@router.post("/import", response={200: ImportResultOut, 202: ImportJobOut, 422: dict[str, Any]})
def register_import(
    request: HttpRequest, file: File[UploadedFile], on: Form[date | None] = None
) -> Any:
    """Import a market regulator's list or an existing register (.xlsx or .csv, the
    export's columns), sent as multipart field ``file``; ``on`` is the date changes take
    effect for rows without ``as_of`` (default today). All or nothing: on any error the
    answer is 422 ``import_failed`` with every error by sheet, row and column.

    A large file (over ``IMPORT_BACKGROUND_ROWS`` rows or ``IMPORT_BACKGROUND_BYTES``) is
    handed to the job worker: the answer is 202 with the job, to read at
    ``/api/v1/imports/{id}`` until its state is ``succeeded`` (its counts in ``result``)
    or ``failed`` (its errors, nothing saved)."""
    from pacesetter.imports import services as import_services

    from . import imports
    from .importing import import_register
    from .selectors import editable_towns

    if on is not None and on > timezone.localdate():
        raise ValidationError({"on": _("Choose today or a past date.")})
    if not editable_towns(request.user).exists():
        raise PermissionDenied(_("You do not keep the register of any town or street."))
    if import_services.runs_in_background(file):
        job = import_services.job_create(
            actor=request.user,
            kind=imports.REGISTER,
            params={"on": (on or timezone.localdate()).isoformat()},
            title=_("Import into the coverage register"),
            back_url=reverse("coverage:register_import"),
            upload=file,
        )
        return Status(202, job)
    try:
        result = import_register(actor=request.user, upload=file, on=on)
    except ImportFailed as exc:
        return Status(
            422,
            {
                "code": "import_failed",
                "message": _("Nothing was saved: the file has errors."),
                "detail": [
                    CellErrorOut(
                        sheet=e.sheet,
                        row=e.row,
                        column=e.column_letter,
                        header=e.header,
                        message=e.message,
                    ).dict()
                    for e in exc.errors
                ],
            },
        )
    return {
        "registered": result.saved,
        "changed": result.changed,
        "changes": result.changes,
        "unchanged": result.unchanged,
    }


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


@router.get("/export.xlsx", response={200: None})
def register_export(request: HttpRequest, filters: Query[RegisterFilters]) -> HttpResponse:
    """The register the user sees as of ``at``, in the columns the import reads."""
    from .exports import register_workbook

    data = _filters(request.user, filters)
    return _download(
        workbook_bytes(register_workbook(request.user, data)),
        XLSX_CONTENT_TYPE,
        f"coverage-register-{data.at.isoformat()}.xlsx",
    )


@router.get("/statistics/{code}.xlsx", response={200: None})
def statistics_export(
    request: HttpRequest, code: str, filters: Query[RegisterFilters]
) -> HttpResponse:
    """A statistics table (``rates-town-form``, ``rates-industry-form`` …) at ``at``."""
    from .exports import statistics_filename, statistics_layout, statistics_workbook

    layout = statistics_layout(code)
    if layout is None:
        raise Http404
    data = _filters(request.user, filters)
    return _download(
        workbook_bytes(statistics_workbook(request.user, layout, data)),
        XLSX_CONTENT_TYPE,
        statistics_filename(layout, data.at),
    )


@router.get("/organizations/{int:organization_id}/form.pdf", response={200: None})
def organization_pdf(request: HttpRequest, organization_id: Id) -> HttpResponse:
    """ "One form per enterprise" as PDF, in the request's language."""
    from django.utils.translation import get_language

    from .documents import organization_form

    organization = organization_policy.access(request.user, organization_id)
    return _download(
        organization_form(organization, language=get_language() or "en"),
        "application/pdf",
        f"organization-{organization.credit_code or organization.pk}.pdf",
    )


# The rules, deadlines, blind spots and follow-up tasks (slice 2) live in their own module.
from . import rules_api  # noqa: E402

router.add_router("", rules_api.router)
