"""Screens for councils, standing boards and committees: their terms and their seats."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import matching, ordered
from pacesetter.core.views import add_service_errors, paginate, xlsx_response
from pacesetter.units.policies import unit_policy

from . import services
from .forms import BodyCreateForm, BodyForm, BodySearchForm, MemberAddForm, MemberEndForm, TermForm
from .models import Body, MemberPosition
from .policies import body_policy

POSITION_ORDER = {value: index for index, value in enumerate(MemberPosition.values)}


def _form_page(request: HttpRequest, body: Body, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": reverse("bodies:detail", args=[body.pk]),
            "breadcrumb": [
                {"url": reverse("bodies:list"), "label": _("Bodies")},
                {"url": reverse("bodies:detail", args=[body.pk]), "label": body.name},
            ],
        },
    )


def _body_search(request: HttpRequest) -> tuple[BodySearchForm, QuerySet[Body], bool]:
    """The list's form, the bodies it finds (with their seats today) and whether it
    searches: the list, its print view and its export."""
    form = BodySearchForm(request.GET or None)
    query, kind = "", ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
    today = date.today()
    bodies = body_policy.visible(request.user).select_related("owner_unit")
    if query:
        bodies = matching(bodies, query)
    if kind:
        bodies = bodies.filter(kind=kind)
    bodies = bodies.annotate(
        seat_count=Count(
            "members",
            filter=Q(members__start__lte=today)
            & (Q(members__end__isnull=True) | Q(members__end__gte=today)),
        )
    ).order_by(ordered("name"), "pk")
    return form, bodies, bool(query or kind)


@login_required
def body_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The bodies the list finds, as .xlsx in the user's language."""
    _form, bodies, _searching = _body_search(request)
    rows = (
        [
            str(body.name),
            body.get_kind_display(),
            _("active") if body.is_active else _("inactive"),
            str(body.owner_unit.name),
            body.seat_count,  # type: ignore[attr-defined]
        ]
        for body in bodies[: settings.EXPORT_MAX_ROWS]
    )
    workbook = list_workbook(
        _("Bodies"),
        _("Councils, boards and committees"),
        [_("Name"), _("Kind"), _("State"), _("Unit"), _("Seats today")],
        rows,
        widths=[44, 24, 10, 36, 12],
        total=bodies.count(),
    )
    return xlsx_response(workbook, "bodies.xlsx")


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    form, bodies, searching = _body_search(request)
    return render(
        request,
        "bodies/list.html",
        {
            "form": form,
            "page_obj": paginate(request, bodies),
            "searching": searching,
            "may_create": unit_policy.visible(request.user, "manage").exists(),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    body = body_policy.access(user, pk)
    members = sorted(
        body.members.select_related("term", "user", "unit"),
        key=lambda m: (POSITION_ORDER.get(m.position, 99), m.start, m.pk),
    )
    today = date.today()
    unit_ids = {m.unit_id for m in members if m.unit_id} | {body.owner_unit_id}
    return render(
        request,
        "bodies/detail.html",
        {
            "body": body,
            "owner": body.owner_unit,
            "terms": body.terms.annotate(seat_count=Count("members")).order_by("-start"),
            "current": [
                m for m in members if m.start <= today and (m.end is None or m.end >= today)
            ],
            "past": [m for m in members if m.end is not None and m.end < today],
            "future": [m for m in members if m.start > today],
            "visible_unit_ids": set(
                unit_policy.visible(user).filter(pk__in=unit_ids).values_list("pk", flat=True)
            ),
            "may_update": body_policy.allows(user, "update", body),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    owners = unit_policy.visible(user, "manage").order_by("path")
    if not owners.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = BodyCreateForm(
        request.POST or None, owners=owners, initial={"owner_unit": request.GET.get("owner")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” created.") % {"name": body.name})
            return redirect("bodies:detail", body.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New council, board or committee"),
            "cancel_url": reverse("bodies:list"),
            "submit_label": _("Create"),
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = body_policy.access(request.user, pk, "update")
    title = _("Edit %(name)s") % {"name": body.name}
    form = BodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_update(actor=request.user, body=body, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": body.name})
            return redirect("bodies:detail", body.pk)
    return _form_page(request, body, form, title)


@login_required
def term_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = body_policy.access(request.user, pk, "update")
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.body_term_create(actor=request.user, body=body, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Term “%(name)s” added.") % {"name": term.name})
            return redirect("bodies:detail", body.pk)
    return _form_page(request, body, form, _("Add a term to %(name)s") % {"name": body.name})


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    body = body_policy.access(user, pk, "update")
    units = unit_policy.visible(user).filter(active_to__isnull=True).order_by(ordered("name"), "pk")
    form = MemberAddForm(request.POST or None, body=body, units=units, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.body_member_add(actor=user, body=body, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(member)s seated.") % {"member": member.unit or member.user}
            )
            return redirect("bodies:detail", body.pk)
    return _form_page(request, body, form, _("Add a member to %(name)s") % {"name": body.name})


@login_required
def member_end(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    body = body_policy.access(request.user, pk, "update")
    member = get_object_or_404(body.members.select_related("unit", "user"), pk=member_pk)
    who = member.unit or member.user
    form = MemberEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_member_end(
                actor=request.user, member=member, end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The seat of %(member)s ended.") % {"member": who})
            return redirect("bodies:detail", body.pk)
    return _form_page(request, body, form, _("End the seat of %(member)s") % {"member": who})
