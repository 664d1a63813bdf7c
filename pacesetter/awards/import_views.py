"""Excel import of past awards into the registry: the template and the upload page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.core.errors import StorageFullError
from pacesetter.core.forms import ExcelUploadForm
from pacesetter.core.spreadsheets import XLSX_CONTENT_TYPE, ImportFailed, workbook_bytes
from pacesetter.imports import services as import_services
from pacesetter.units.models import Unit

from . import excel, imports

#: Errors shown after a failed import; the rest are counted.
ERRORS_SHOWN = 300


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class GrantsImportForm(ExcelUploadForm):
    """The unit that records the decisions found in the file, and the file."""

    owner_unit = forms.ModelChoiceField(
        label=gettext_lazy("Decisions recorded by"),
        queryset=Unit.objects.none(),
        help_text=gettext_lazy(
            "Decisions in the file that are not recorded yet are recorded for this unit."
        ),
    )
    field_order = ["owner_unit", "file"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_unit"]
        field.queryset = excel.manageable_units(user)  # type: ignore[attr-defined]
        field.label_from_instance = _unit_label  # type: ignore[attr-defined]
        self.order_fields(self.field_order)


@login_required
def grants_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        workbook_bytes(excel.grants_template(request.user)), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(True, "past-awards.xlsx")
    return response


@login_required
def grants_import(request: HttpRequest) -> HttpResponse:
    """Committee staff import past awards; the decisions go to a unit they manage."""
    user = request.user
    if not excel.manageable_units(user).exists():
        raise PermissionDenied(_("Only committee staff import past awards."))
    form = GrantsImportForm(request.POST or None, request.FILES or None, user=user)
    result = None
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        form.close()  # the form opened it to check it; the importer reads it again
        upload = form.cleaned_data["file"]
        owner_unit = form.cleaned_data["owner_unit"]
        params = {"owner_unit": owner_unit.pk}
        try:
            job, result = import_services.import_or_enqueue(
                request,
                kind=imports.GRANTS,
                params=params,
                title=_("Import past awards"),
                upload=upload,
            )
            if job is not None:
                return redirect("imports:detail", job.pk)
        except ImportFailed as exc:
            errors = exc.messages
        except StorageFullError as exc:  # the upload could not be stored for the job
            form.add_error("file", exc.messages)
        if result is not None:
            form = GrantsImportForm(user=user, initial={"owner_unit": owner_unit})
    return render(
        request,
        "awards/import/grants.html",
        {
            "form": form,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "errors_more": max(len(errors) - ERRORS_SHOWN, 0),
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        },
    )


urlpatterns: list[URLPattern] = [
    path("grants/template.xlsx", grants_template, name="grants_template"),
    path("grants/import/", grants_import, name="grants_import"),
]
