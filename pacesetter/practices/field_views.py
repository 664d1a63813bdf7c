"""The fields of work on a screen: the list, a field's page with its history, and the
forms to add and change one (rename in each language, reorder, deactivate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from pacesetter.audit.history import audit_rows
from pacesetter.audit.selectors import audit_entries_for
from pacesetter.core.translations import CONTENT_LANGUAGES, column
from pacesetter.core.views import add_service_errors, form_page

from . import services
from .forms import WorkFieldForm
from .policies import work_field_policy
from .selectors import practices_tagged, work_fields_listed


def _breadcrumb() -> list[dict[str, str]]:
    return [
        {"url": reverse("practices:list"), "label": _("Good practice")},
        {"url": reverse("practices:field_list"), "label": _("Fields of work")},
    ]


@login_required
def field_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "practices/field_list.html",
        {
            "fields": work_fields_listed(user),
            "may_create": work_field_policy.may_create(user),
            "languages": CONTENT_LANGUAGES,
            "breadcrumb": _breadcrumb()[:1],
        },
    )


@login_required
def field_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    field = work_field_policy.access(user, pk, "view")
    names = [(lang, getattr(field, column("name", lang))) for lang in CONTENT_LANGUAGES]
    return render(
        request,
        "practices/field_detail.html",
        {
            "field": field,
            "names": names,
            "practice_count": practices_tagged(user, field).count(),
            "may_edit": work_field_policy.allows(user, "update", field),
            "history": audit_rows(audit_entries_for(field).order_by("-pk")[:50], reader=user),
            "breadcrumb": _breadcrumb(),
        },
    )


@login_required
def field_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not work_field_policy.may_create(user):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = WorkFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            field = services.work_field_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Field of work “%(name)s” added.") % {"name": field})
            return redirect("practices:field_detail", field.pk)
    return form_page(
        request,
        form,
        title=_("New field of work"),
        cancel_url=reverse("practices:field_list"),
        breadcrumb=_breadcrumb(),
        submit_label=_("Add"),
    )


@login_required
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    field = work_field_policy.access(user, pk, "update")
    form = WorkFieldForm(request.POST or None, instance=type(field).objects.get(pk=field.pk))
    if request.method == "POST" and form.is_valid():
        try:
            field = services.work_field_update(actor=user, field=field, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Field of work “%(name)s” saved.") % {"name": field})
            return redirect("practices:field_detail", field.pk)
    return form_page(
        request,
        form,
        title=_("Edit field of work %(name)s") % {"name": field.name},
        cancel_url=reverse("practices:field_detail", args=[field.pk]),
        breadcrumb=_breadcrumb(),
    )


urlpatterns: list[URLPattern] = [
    path("fields/", field_list, name="field_list"),
    path("fields/new/", field_create, name="field_create"),
    path("fields/<int:pk>/", field_detail, name="field_detail"),
    path("fields/<int:pk>/edit/", field_edit, name="field_edit"),
]
