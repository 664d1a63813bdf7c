"""Data in and out of the register: the import page and its template, the statistics
tables, and an organization's printable form (PDF)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pacesetter.core.errors import StorageFullError
from pacesetter.core.spreadsheets import XLSX_CONTENT_TYPE, ImportFailed, workbook_bytes
from pacesetter.imports import services as import_services

from . import documents, exports, imports
from .policies import organization_policy
from .selectors import editable_towns
from .views import _filters_form

#: Errors shown after a failed import; the rest are counted.
ERRORS_SHOWN = 300
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx) or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,.csv,{XLSX_CONTENT_TYPE}"}),
    )
    on = forms.DateField(
        label=gettext_lazy("Changes as of"),
        widget=DATE,
        help_text=gettext_lazy(
            "The date changes of status and of each kind take effect, for the rows whose "
            "column “as_of” is empty."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Up to %(limit)s and %(rows)s rows. If any row has an error, nothing is saved "
            "and every error is listed."
        ) % {
            "limit": filesizeformat(settings.SPREADSHEET_MAX_BYTES),
            "rows": settings.SPREADSHEET_MAX_ROWS,
        }

    def clean_on(self) -> Any:
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("Choose today or a past date."))
        return on


def _xlsx(workbook: Any, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _keeper(user: Any) -> None:
    if not editable_towns(user).exists():
        raise PermissionDenied(_("You do not keep the register of any town or street."))


@login_required
def register_template(request: HttpRequest) -> HttpResponse:
    _keeper(request.user)
    return _xlsx(exports.register_template(request.user), "coverage-register-template.xlsx")


@login_required
def register_import(request: HttpRequest) -> HttpResponse:
    """Officers import for their town, staff for the towns under them."""
    user = request.user
    _keeper(user)
    form = RegisterImportForm(
        request.POST or None, request.FILES or None, initial={"on": timezone.localdate()}
    )
    result = None
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload, on = form.cleaned_data["file"], form.cleaned_data["on"]
        params = {"on": on.isoformat()}
        try:
            job, result = import_services.import_or_enqueue(
                request,
                kind=imports.REGISTER,
                params=params,
                title=_("Import into the coverage register"),
                upload=upload,
            )
            if job is not None:
                return redirect("imports:detail", job.pk)
        except ImportFailed as exc:
            errors = exc.messages
        except StorageFullError as exc:  # the upload could not be stored for the job
            form.add_error("file", exc.messages)
        except ValidationError as exc:
            form.add_error("file", exc)
        if result is not None:
            form = RegisterImportForm(initial={"on": on})
    return render(
        request,
        "coverage/import.html",
        {
            "form": form,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "errors_more": max(len(errors) - ERRORS_SHOWN, 0),
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
            "breadcrumb": [{"url": reverse("coverage:register"), "label": _("Coverage register")}],
        },
    )


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """The list of statistics tables, each downloadable at the filters' date."""
    form = _filters_form(request)
    filters = form.filters()
    return render(
        request,
        "coverage/statistics.html",
        {
            "form": form,
            "filters": filters,
            "layouts": [
                {"code": layout["code"], "title": exports._title(layout["title"])}
                for layout in exports.statistics_layouts()
            ],
            "query": request.GET.urlencode(),
            "breadcrumb": [{"url": reverse("coverage:register"), "label": _("Coverage register")}],
        },
    )


@login_required
def statistics_export(request: HttpRequest, code: str) -> HttpResponse:
    layout = exports.statistics_layout(code)
    if layout is None:
        raise Http404
    filters = _filters_form(request).filters()
    return _xlsx(
        exports.statistics_workbook(request.user, layout, filters),
        exports.statistics_filename(layout, filters.at),
    )


@login_required
def organization_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """ "One form per enterprise", printable, in the request's language."""
    organization = organization_policy.access(request.user, pk, "view")
    data = documents.organization_form(
        organization,
        language=get_language() or settings.LANGUAGE_CODE,
        author=request.user.get_full_name() or request.user.get_username(),  # type: ignore[union-attr]
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(
            False, f"organization-{organization.credit_code or organization.pk}.pdf"
        )
        or ""
    )
    return response


urlpatterns: list[URLPattern] = [
    path("import/", register_import, name="register_import"),
    path("import/template.xlsx", register_template, name="register_template"),
    path("statistics/", statistics, name="statistics"),
    path("statistics/<slug:code>.xlsx", statistics_export, name="statistics_export"),
    path("<int:pk>/form.pdf", organization_pdf, name="organization_pdf"),
]
