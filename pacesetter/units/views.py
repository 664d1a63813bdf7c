"""Screens for browsing, searching and editing the unit tree and the unit types."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.audit.history import audit_rows
from pacesetter.audit.selectors import audit_entries_for
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import unit_clusters, unit_leader_posts
from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import ordered
from pacesetter.core.views import add_service_errors, paginate, xlsx_response

from . import selectors, services
from .forms import UnitForm, UnitMoveForm, UnitPublicityForm, UnitSearchForm, UnitTypeForm
from .models import UnitType
from .policies import unit_policy, unit_type_policy

HISTORY_ON_DETAIL = 50
HISTORY_PAGE_SIZE = 50


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- The tree and the search list -------------------------------------------------------


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "units/tree.html",
        {
            "nodes": selectors.unit_children(request.user, None),
            "parent": None,
            "may_search": True,
        },
    )


@login_required
def children(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's visible children: an HTMX fragment for the tree, or a page without HTMX."""
    unit = unit_policy.access(request.user, pk)
    nodes = selectors.unit_children(request.user, unit)
    if _is_htmx(request):
        return render(request, "units/_tree_nodes.html", {"nodes": nodes})
    return render(
        request,
        "units/tree.html",
        {
            "nodes": nodes,
            "parent": unit,
            "ancestors": selectors.unit_ancestors(request.user, unit),
        },
    )


def _unit_search(request: HttpRequest) -> tuple[UnitSearchForm, dict[str, Any]]:
    """The search form and its filters: the list, its print view and its export."""
    form = UnitSearchForm(request.GET or None, unit_types=UnitType.objects.all())
    filters: dict[str, Any] = {}
    if form.is_valid():
        unit_type = form.cleaned_data["unit_type"]
        filters = {
            "query": form.cleaned_data["q"].strip(),
            "unit_type_id": unit_type.pk if unit_type else None,
            "active": form.active_value(),
        }
    return form, filters


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    form, filters = _unit_search(request)
    page = paginate(request, selectors.unit_search(request.user, **filters))
    return render(
        request,
        "units/list.html",
        {"form": form, "page_obj": page, "searching": any(filters.values())},
    )


@login_required
def unit_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The units the search finds (those the user sees), as .xlsx in the user's language."""
    _form, filters = _unit_search(request)
    units = selectors.unit_search(request.user, **filters)
    rows = (
        [
            unit.code,
            str(unit.name),
            unit.short_name,
            str(unit.unit_type.name),
            str(unit.parent.name) if unit.parent else "",
            _("inactive") if unit.is_closed else _("active"),
        ]
        for unit in units[: settings.EXPORT_MAX_ROWS]
    )
    workbook = list_workbook(
        _("Units"),
        _("Search units"),
        [_("Code"), _("Name"), _("Short name"), _("Unit type"), _("Parent unit"), _("State")],
        rows,
        widths=[14, 40, 18, 20, 36, 10],
        total=units.count(),
    )
    return xlsx_response(workbook, "units.xlsx")


# --- One unit ---------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = unit_policy.access(user, pk)
    history = audit_rows(
        audit_entries_for(unit).order_by("-pk")[: HISTORY_ON_DETAIL + 1], reader=request.user
    )
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_ancestors(user, unit),
            "time_zone": selectors.unit_time_zone(unit),
            "country": selectors.unit_country(unit),
            "children": selectors.unit_children(user, unit),
            "memberships": unit_clusters(user, unit),
            "leader_posts": unit_leader_posts(user, unit),
            "owned_clusters": cluster_policy.visible(user).filter(owner_unit=unit),
            "bodies": body_policy.visible(user).filter(owner_unit=unit),
            "history": history[:HISTORY_ON_DETAIL],
            "more_history": len(history) > HISTORY_ON_DETAIL,
            "may_update": unit_policy.allows(user, "update", unit),
            "may_manage": unit_policy.allows(user, "manage", unit),
            # The register of its people (awards) is read by the roles over the unit.
            "may_read_people": unit_policy.allows(user, "view_unpublished", unit),
        },
    )


@login_required
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """What of the unit the public pages show: its award registry, its coverage rates."""
    unit = unit_policy.access(request.user, pk, "manage")
    form = UnitPublicityForm(
        request.POST or None,
        initial={"awards": unit.publishes_awards, "coverage": unit.publishes_coverage},
    )
    if request.method == "POST" and form.is_valid():
        services.unit_publicity_set(
            actor=request.user,
            unit=unit,
            awards=form.cleaned_data["awards"],
            coverage=form.cleaned_data["coverage"],
        )
        messages.success(request, _("The public pages are set."))
        return redirect("units:detail", unit.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Public pages of %(unit)s") % {"unit": unit.name},
            "intro": _(
                "What anyone may read without signing in. Nothing else of the unit is shown."
            ),
            "cancel_url": reverse("units:detail", args=[unit.pk]),
        },
    )


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_policy.access(request.user, pk)
    page = paginate(request, audit_entries_for(unit).order_by("-pk"), HISTORY_PAGE_SIZE)
    return render(
        request,
        "units/history.html",
        {
            "unit": unit,
            "page_obj": page,
            "entries": audit_rows(page.object_list, reader=request.user),
        },
    )


@login_required
def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = unit_policy.access(request.user, pk, "manage")
    form = UnitForm(request.POST or None, initial={"unit_type": parent.unit_type_id})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("units:detail", unit.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New unit under %(parent)s") % {"parent": parent.name},
            "cancel_url": reverse("units:detail", args=[parent.pk]),
            "submit_label": _("Create unit"),
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_policy.access(request.user, pk, "update")
    title = _("Edit %(name)s") % {"name": unit.name}
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
            return redirect("units:detail", unit.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("units:detail", args=[unit.pk])},
    )


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = unit_policy.access(user, pk, "manage")
    parents = (
        unit_policy.visible(user, "manage")
        .filter(active_to__isnull=True)
        .exclude(path__startswith=unit.path)
        .order_by("path")
    )
    form = UnitMoveForm(request.POST or None, parents=parents, initial={"parent": unit.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(actor=user, unit=unit, new_parent=form.cleaned_data["parent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(unit)s” now sits under “%(parent)s”.")
                % {"unit": unit.name, "parent": form.cleaned_data["parent"].name},
            )
            return redirect("units:detail", unit.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Move %(name)s") % {"name": unit.name},
            "cancel_url": reverse("units:detail", args=[unit.pk]),
            "submit_label": _("Move"),
        },
    )


# --- Unit types -------------------------------------------------------------------------


@login_required
def type_list(request: HttpRequest) -> HttpResponse:
    types = (
        unit_type_policy.visible(request.user)
        .annotate(unit_count=Count("units"))
        .order_by(ordered("name"), "pk")
    )
    return render(
        request,
        "units/type_list.html",
        {"types": types, "may_edit": unit_type_policy.may_create(request.user)},
    )


class UnitTypeCreateForm(UnitTypeForm):
    class Meta(UnitTypeForm.Meta):
        fields = [name for name in UnitTypeForm.Meta.fields if name != "is_active"]


@login_required
def type_create(request: HttpRequest) -> HttpResponse:
    if not unit_type_policy.may_create(request.user):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = UnitTypeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit_type = services.unit_type_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit type “%(name)s” created.") % {"name": unit_type})
            return redirect("units:type_list")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New unit type"), "cancel_url": reverse("units:type_list")},
    )


@login_required
def type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit_type = unit_type_policy.access(request.user, pk, "update")
    title = _("Edit unit type %(name)s") % {"name": unit_type.name}
    form = UnitTypeForm(request.POST or None, instance=unit_type)
    if request.method == "POST" and form.is_valid():
        try:
            unit_type = services.unit_type_update(
                actor=request.user, unit_type=unit_type, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit type “%(name)s” saved.") % {"name": unit_type})
            return redirect("units:type_list")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("units:type_list")},
    )
