"""The library's Excel screens: the import template, the import of an existing list
(background job for a large file: ``pacesetter.imports``) and the export of the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.core.errors import StorageFullError
from pacesetter.core.forms import ExcelUploadForm
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.spreadsheets import XLSX_CONTENT_TYPE, ImportFailed, workbook_bytes
from pacesetter.imports import services as import_services
from pacesetter.units.models import Unit

from . import excel, imports
from .forms import FiltersForm
from .selectors import proposable_units

#: Errors shown after a failed import; the rest are counted.
ERRORS_SHOWN = 300


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class PracticesImportForm(ExcelUploadForm):
    """The unit that keeps the practices (unless a row names its own), and the file."""

    owner_unit = forms.ModelChoiceField(
        label=gettext_lazy("Kept by unit"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy("The practices of rows that name no unit in “owner_unit”."),
    )
    field_order = ["owner_unit", "file"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_unit"]
        field.queryset = proposable_units(user)  # type: ignore[attr-defined]
        field.label_from_instance = _unit_label  # type: ignore[attr-defined]
        self.order_fields(self.field_order)


def _xlsx(workbook: Any, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def practices_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(excel.practices_template(), "practices.xlsx")


@login_required
def practices_import(request: HttpRequest) -> HttpResponse:
    """Unit officers and committee staff import practices for the units they may propose
    for; a row naming a decision needs the staff over the unit that keeps it."""
    user = request.user
    if not proposable_units(user).exists():
        raise PermissionDenied(_("Only unit officers and committee staff import practices."))
    form = PracticesImportForm(request.POST or None, request.FILES or None, user=user)
    result = None
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        form.close()  # the form opened it to check it; the importer reads it again
        owner_unit = form.cleaned_data["owner_unit"]
        try:
            job, result = import_services.import_or_enqueue(
                request,
                kind=imports.PRACTICES,
                params={"owner_unit": owner_unit.pk},
                title=_("Import practices"),
                upload=form.cleaned_data["file"],
            )
            if job is not None:
                return redirect("imports:detail", job.pk)
        except ImportFailed as exc:
            errors = exc.messages
        except StorageFullError as exc:  # the upload could not be stored for the job
            form.add_error("file", exc.messages)
        if result is not None:
            form = PracticesImportForm(user=user, initial={"owner_unit": owner_unit})
    return render(
        request,
        "practices/import/practices.html",
        {
            "form": form,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "errors_more": max(len(errors) - ERRORS_SHOWN, 0),
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
            "breadcrumb": [{"url": reverse("practices:list"), "label": _("Good practice")}],
        },
    )


@login_required
@reads_from_replica
def practices_export(request: HttpRequest) -> HttpResponse:
    """The list's practices (its filters) as .xlsx, in the import's columns."""
    filters = FiltersForm(request.GET or None).filters()
    return _xlsx(excel.library_workbook(request.user, filters), "practices.xlsx")


urlpatterns: list[URLPattern] = [
    path("import/template.xlsx", practices_template, name="import_template"),
    path("import/", practices_import, name="import"),
    path("export.xlsx", practices_export, name="export"),
]
