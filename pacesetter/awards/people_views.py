"""Screens of the register of people: a unit's people (search, pages, its .xlsx export
and a print view), a person's page (positions over time, award history), adding and
editing people and positions, and adding a person of the proposing unit's register to a
proposal as a candidate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.spreadsheets import (
    XLSX_CONTENT_TYPE,
    Column,
    append_row,
    export_workbook,
    header_row,
    number_formats,
    workbook_bytes,
)
from pacesetter.core.views import add_service_errors, form_page, paginate
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from . import people_selectors as selectors
from . import people_services as services
from . import services as proposal_services
from .models import Person
from .people_forms import (
    CandidatePersonForm,
    PeopleSearchForm,
    PersonCreateForm,
    PersonEditForm,
    PositionAddForm,
)
from .policies import person_policy, proposal_policy
from .workflows import proposal_workflow

#: The most rows the print view shows (the export has them all).
PRINT_MAX = 2000


def _refused() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def _register_unit(request: HttpRequest, unit_pk: int) -> Unit:
    """The unit whose register the user reads: 404 when the unit is unseen, 403 when
    seen but its people are not the user's to read (a cluster's leader, a council)."""
    unit = unit_policy.access(request.user, unit_pk)
    if not person_policy.may_read_register(request.user, unit):
        raise _refused()
    return unit


def _crumbs(unit: Unit | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("awards:people"), "label": _("People register")}]
    if unit is not None:
        crumbs.append({"url": reverse("awards:unit_people", args=[unit.pk]), "label": unit.name})
    return crumbs


def _search(request: HttpRequest) -> tuple[PeopleSearchForm, str]:
    form = PeopleSearchForm(request.GET or None)
    q = (form.cleaned_data.get("q") or "") if form.is_valid() else ""
    return form, q.strip()


@login_required
def people(request: HttpRequest) -> HttpResponse:
    """The people of every unit the user's roles cover (the menu's entry)."""
    form, q = _search(request)
    page = paginate(request, selectors.people_search(request.user, q=q))
    return render(
        request,
        "awards/people/list.html",
        {"form": form, "page_obj": page, "q": q, "unit": None},
    )


@login_required
def unit_people(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _register_unit(request, unit_pk)
    form, q = _search(request)
    page = paginate(request, selectors.people_search(request.user, unit=unit, q=q))
    return render(
        request,
        "awards/people/list.html",
        {
            "form": form,
            "page_obj": page,
            "q": q,
            "unit": unit,
            "may_add": person_policy.may_add_to(request.user, unit),
        },
    )


@login_required
def unit_people_print(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _register_unit(request, unit_pk)
    _form, q = _search(request)
    rows = list(selectors.people_search(request.user, unit=unit, q=q)[: PRINT_MAX + 1])
    return render(
        request,
        "awards/people/print.html",
        {
            "unit": unit,
            "people": rows[:PRINT_MAX],
            "more": len(rows) > PRINT_MAX,
            "q": q,
            "today": timezone.localdate(),
        },
    )


EXPORT_COLUMNS = (
    Column("full_name", 32),
    Column("unit_code", 12),
    Column("unit_name", 32),
    Column("position", 28),
    Column("position_start", 14, number_format="yyyy-mm-dd"),
    Column("service_start", 14, number_format="yyyy-mm-dd"),
)


@login_required
def unit_people_xlsx(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """The register as the list shows it (``?q=`` too), every row, formula-safe."""
    unit = _register_unit(request, unit_pk)
    _form, q = _search(request)
    workbook = export_workbook(_("People register"), f"{unit.name} ({unit.code})")
    sheet = workbook.active
    header_row(
        sheet,
        1,
        EXPORT_COLUMNS,
        [
            _("Full name"),
            _("Unit code"),
            _("Unit"),
            _("Position"),
            _("In this position since"),
            _("In service since"),
        ],
    )
    for person in selectors.people_search(request.user, unit=unit, q=q).iterator(chunk_size=500):
        current = person.current[0] if person.current else None  # type: ignore[attr-defined]
        append_row(
            sheet,
            [
                person.full_name,
                person.unit.code,
                person.unit.name,
                current.title if current else "",
                current.start if current else None,
                person.service_start,
            ],
        )
    number_formats(sheet, EXPORT_COLUMNS, 2)
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    filename = f"people-{slugify(unit.code) or unit.pk}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def person_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = _register_unit(request, unit_pk)
    if not person_policy.may_add_to(request.user, unit):
        raise _refused()
    form = PersonCreateForm(request.POST or None, initial={"source_language": unit.source_language})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            return redirect("awards:person", person.pk)
    return form_page(
        request,
        form,
        title=_("Add a person to %(unit)s") % {"unit": unit.name},
        intro=_(
            "The register keeps only what an award dossier needs: the name, the unit and "
            "position over time, and the start of service."
        ),
        submit_label=_("Add"),
        cancel_url=reverse("awards:unit_people", args=[unit.pk]),
        breadcrumb=_crumbs(unit),
    )


def _person(request: HttpRequest, pk: int, action: str = "view") -> Person:
    person = person_policy.access(request.user, pk, action)
    return Person.objects.select_related("unit").get(pk=person.pk)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = _person(request, pk)
    history = selectors.person_award_history(user, person)
    return render(
        request,
        "awards/people/person.html",
        {
            "person": person,
            "positions": selectors.person_positions(person),
            "grants": history.grants,
            "candidacies": history.candidacies,
            "may_update": person_policy.allows(user, "update", person),
            "crumbs": _crumbs(person.unit),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "update")
    url = reverse("awards:person", args=[person.pk])
    form = PersonEditForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(url)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": person.full_name},
        cancel_url=url,
        breadcrumb=[*_crumbs(person.unit), {"url": url, "label": person.full_name}],
    )


@login_required
def position_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "update")
    url = reverse("awards:person", args=[person.pk])
    units = unit_policy.visible(request.user, "update").order_by("path")
    form = PositionAddForm(
        request.POST or None,
        units=units,
        initial={"unit": person.unit_id, "source_language": person.unit.source_language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.position_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The position was added."))
            return redirect(url)
    return form_page(
        request,
        form,
        title=_("New position of %(name)s") % {"name": person.full_name},
        submit_label=_("Add the position"),
        cancel_url=url,
        breadcrumb=[*_crumbs(person.unit), {"url": url, "label": person.full_name}],
    )


# --- Candidates from the register ---------------------------------------------------------


def candidate_form(user: Any, proposal: Any, data: Any = None) -> CandidatePersonForm | None:
    """The proposal page's form for adding a person of the register, when the user may
    (``add_person`` of the proposal's workflow), else None."""
    if "add_person" not in proposal_workflow.allowed(user, proposal):
        return None
    return CandidatePersonForm(data, people=selectors.register_people_for(user, proposal))


@require_POST
@login_required
def proposal_candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = proposal_policy.access(user, pk, "nominate")
    form = candidate_form(user, proposal, request.POST)
    if form is None:
        raise _refused()
    if form.is_valid():
        try:
            candidate = proposal_services.proposal_candidate_add(
                actor=user, proposal=proposal, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s was added as a candidate.") % {"name": candidate.person},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("awards:proposal", proposal.pk)


urlpatterns: list[URLPattern] = [
    path("people/", people, name="people"),
    path("people/<int:pk>/", person_detail, name="person"),
    path("people/<int:pk>/edit/", person_edit, name="person_edit"),
    path("people/<int:pk>/positions/new/", position_add, name="position_add"),
    path("units/<int:unit_pk>/people/", unit_people, name="unit_people"),
    path("units/<int:unit_pk>/people/new/", person_create, name="person_create"),
    path("units/<int:unit_pk>/people/print/", unit_people_print, name="unit_people_print"),
    path("units/<int:unit_pk>/people.xlsx", unit_people_xlsx, name="unit_people_xlsx"),
    path(
        "proposals/<int:pk>/candidates/person/",
        proposal_candidate_add,
        name="proposal_candidate_add",
    ),
]
