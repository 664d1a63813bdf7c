"""The register's screens: the list as of a date (with its export), the rates, an
organization's page ("one form per enterprise") and its forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from pacesetter.audit.history import audit_rows
from pacesetter.audit.selectors import audit_entries_for
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.spreadsheets import (
    XLSX_CONTENT_TYPE,
    workbook_bytes,
)
from pacesetter.core.views import add_service_errors, form_page, paginate
from pacesetter.scoring.charts import Bar, bar_chart
from pacesetter.units.selectors import unit_choices

from . import services
from .charts import Series, quarter_ends, trend_chart
from .exports import register_workbook
from .forms import BuildingForm, FiltersForm, OrganizationForm, StatusForm
from .models import Building, CoverageKind, Organization, StatusPeriod
from .policies import organization_policy
from .selectors import CoverageFilters, coverage_rates, editable_towns, register_at


def _breadcrumb(organization: Organization | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("coverage:register"), "label": _("Coverage register")}]
    if organization is not None:
        crumbs.append(
            {
                "url": reverse("coverage:organization", args=[organization.pk]),
                "label": organization.name,
            }
        )
    return crumbs


def _filters_form(request: HttpRequest) -> FiltersForm:
    return FiltersForm(request.GET or None, towns=unit_choices(request.user))


def _query(filters: CoverageFilters, **changes: Any) -> str:
    """The register list's address for these filters (the figures of the rates link to it)."""
    params: dict[str, Any] = {
        "at": filters.at.isoformat(),
        "town": filters.town.pk if filters.town else "",
        "sector": filters.sector,
        "kind": filters.kind,
        "industry": filters.industry.pk if filters.industry else "",
        "status": filters.status,
        "party_form": filters.party_form,
        "q": filters.query,
    }
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


@login_required
@reads_from_replica
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = _filters_form(request)
    filters = form.filters()
    organizations = register_at(user, filters)
    return render(
        request,
        "coverage/register.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": paginate(request, organizations),
            "export_query": _query(filters),
            "may_register": editable_towns(user).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
@reads_from_replica
def register_export(request: HttpRequest) -> HttpResponse:
    """The register as of the filters' date, in the columns the import reads back."""
    filters = _filters_form(request).filters()
    workbook = register_workbook(request.user, filters)
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"coverage-register-{filters.at.isoformat()}.xlsx"
    )
    return response


@login_required
@reads_from_replica
def rates(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = _filters_form(request)
    filters = form.filters()
    table = coverage_rates(user, filters, since=form.since_date())
    group_label = dict(form.fields["group_by"].choices).get(  # type: ignore[attr-defined]
        filters.group_by, ""
    )
    before = {row.key: row for row in table.before.rows} if table.before else {}
    lines = []
    for row in table.rows:
        link: dict[str, Any] = {}
        if filters.group_by == "town":
            link = {"town": row.key}
        elif filters.group_by == "kind":
            link = {"kind": row.key}
        elif filters.group_by == "industry":
            link = {"industry": row.key}
        linked = bool(link) and row.key is not None
        lines.append(
            {
                "row": row,
                "before": before.get(row.key),
                "all_url": _query(filters, status="operating", **link) if linked else "",
                "uncovered_url": _query(filters, status="operating", party_form="uncovered", **link)
                if linked
                else "",
            }
        )
    trend_dates = quarter_ends(filters.at)
    totals = [
        coverage_rates(user, CoverageFilters(**{**filters.__dict__, "at": day})).total
        for day in trend_dates[:-1]
    ] + [table.total]
    trend = trend_chart(
        trend_dates,
        [
            Series(_("Organizational coverage"), [t.organized_rate for t in totals]),
            Series(_("Work coverage"), [t.work_rate for t in totals]),
            Series(_("Standalone rate"), [t.standalone_rate for t in totals]),
        ],
        title=_("Coverage over the last two years"),
        description=_("The rates at each quarter's end, up to the date chosen."),
    )
    bars = bar_chart(
        [
            Bar(row.label, None if row.organized_rate is None else row.organized_rate * 100)
            for row in table.rows
        ],
        title=_("Organizational coverage by %(grouping)s") % {"grouping": str(group_label).lower()},
        description=_("The share of operating organizations with a party organization."),
        id_prefix="coverage-bars",
    )
    return render(
        request,
        "coverage/rates.html",
        {
            "form": form,
            "filters": filters,
            "table": table,
            "lines": lines,
            "total_before": table.before.total if table.before else None,
            "group_label": group_label,
            "trend": trend,
            "bars": bars,
            "all_url": _query(filters, status="operating"),
            "uncovered_url": _query(filters, status="operating", party_form="uncovered"),
        },
    )


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organization = organization_policy.access(user, pk, "view")
    organization = (
        Organization.objects.select_related("town", "site", "industry")
        .prefetch_related(
            Prefetch(
                "buildings",
                queryset=Building.objects.select_related("kind").order_by(
                    "kind__position", "kind_id", "-valid_from"
                ),
            ),
            Prefetch("status_periods", queryset=StatusPeriod.objects.order_by("-valid_from")),
        )
        .get(pk=organization.pk)
    )
    by_kind: dict[int, dict[str, Any]] = {}
    for period in organization.buildings.all():
        entry = by_kind.setdefault(period.kind_id, {"kind": period.kind, "periods": []})
        entry["periods"].append(period)
    kinds = [
        {**entry, "current": entry["periods"][0]}
        for entry in sorted(by_kind.values(), key=lambda e: (e["kind"].position, e["kind"].pk))
    ]
    allowed = organization_policy.allowed_actions(user, [organization])[organization.pk]
    return render(
        request,
        "coverage/organization.html",
        {
            "organization": organization,
            "kinds": kinds,
            "statuses": list(organization.status_periods.all()),
            "may_update": "update" in allowed,
            "history": audit_rows(
                audit_entries_for(organization).order_by("-pk")[:20], reader=request.user
            ),
            "breadcrumb": _breadcrumb(),
        },
    )


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    towns = editable_towns(user)
    if not towns.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = OrganizationForm(request.POST or None, towns=towns)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            organization = services.organization_register(
                actor=user,
                town=data.pop("town"),
                kind=data.pop("kind"),
                registered_on=data.pop("registered_on"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” is in the register.") % {"name": organization.name}
            )
            return redirect("coverage:organization", organization.pk)
    return form_page(
        request,
        form,
        title=_("Register an organization"),
        cancel_url=reverse("coverage:register"),
        breadcrumb=_breadcrumb(),
        submit_label=_("Register"),
    )


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organization = organization_policy.access(user, pk, "update")
    towns = editable_towns(user)
    if not organization_policy.allows(user, "manage", organization):
        # Only staff move an organization to another town.
        towns = towns.filter(pk=organization.town_id)
    form = OrganizationForm(
        request.POST or None, instance=Organization.objects.get(pk=organization.pk), towns=towns
    )
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_update(
                actor=user, organization=organization, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": organization.name})
            return redirect("coverage:organization", organization.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": organization.name},
        cancel_url=reverse("coverage:organization", args=[organization.pk]),
        breadcrumb=_breadcrumb(organization),
    )


@login_required
def building_change(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = request.user
    organization = organization_policy.access(user, pk, "update")
    coverage_kind = get_object_or_404(CoverageKind, code=kind)
    current = organization.buildings.filter(kind=coverage_kind, valid_to__isnull=True).first()
    initial: dict[str, Any] = {"on": timezone.localdate()}
    if current is not None:
        initial.update(
            form=current.form,
            reports_to=current.reports_to,
            leader_name=current.leader_name,
            member_count=current.member_count,
            instructor_name=current.instructor_name,
        )
    form = BuildingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        details = form.details()
        try:
            services.building_record(
                actor=user,
                organization=organization,
                kind=coverage_kind,
                on=details.pop("on"),
                form=details.pop("form"),
                **details,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(kind)s of “%(name)s” recorded.")
                % {"kind": coverage_kind.name, "name": organization.name},
            )
            return redirect("coverage:organization", organization.pk)
    return form_page(
        request,
        form,
        title=_("%(kind)s of %(name)s") % {"kind": coverage_kind.name, "name": organization.name},
        cancel_url=reverse("coverage:organization", args=[organization.pk]),
        breadcrumb=_breadcrumb(organization),
        submit_label=_("Record the change"),
    )


@login_required
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organization = organization_policy.access(user, pk, "update")
    form = StatusForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.status_record(actor=user, organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Status of “%(name)s” recorded.") % {"name": organization.name}
            )
            return redirect("coverage:organization", organization.pk)
    return form_page(
        request,
        form,
        title=_("Status of %(name)s") % {"name": organization.name},
        cancel_url=reverse("coverage:organization", args=[organization.pk]),
        breadcrumb=_breadcrumb(organization),
        submit_label=_("Record the change"),
    )


urlpatterns: list[URLPattern] = [
    path("", register, name="register"),
    path("export.xlsx", register_export, name="register_export"),
    path("rates/", rates, name="rates"),
    path("new/", organization_create, name="organization_create"),
    path("<int:pk>/", organization_detail, name="organization"),
    path("<int:pk>/edit/", organization_edit, name="organization_edit"),
    path("<int:pk>/status/", status_change, name="status_change"),
    path("<int:pk>/<slug:kind>/", building_change, name="building_change"),
]
