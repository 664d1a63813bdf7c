"""Small pieces shared by the screens' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .spreadsheets import XLSX_CONTENT_TYPE, open_workbook


class PeriodFormMixin(forms.BaseForm):
    """Puts "end before start" on the end field, where the database constraint cannot."""

    period_fields: tuple[str, str] = ("start", "end")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start_name, end_name = self.period_fields
        start, end = cleaned.get(start_name), cleaned.get(end_name)
        if start and end and end < start:
            self.add_error(end_name, _("The end date cannot be before the start date."))
        return cleaned


class ExcelUploadForm(forms.Form):
    """An .xlsx file within the spreadsheet limits that openpyxl can open; ``workbook`` holds
    the opened (read-only) workbook after validation, for the caller to close."""

    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workbook: Any = None
        self.fields["file"].help_text = _(
            "Fill in the template and upload it. Up to %(limit)s and %(rows)s rows. If any "
            "row has an error, nothing is saved and every error is listed."
        ) % {
            "limit": filesizeformat(settings.SPREADSHEET_MAX_BYTES),
            "rows": settings.SPREADSHEET_MAX_ROWS,
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.workbook = open_workbook(upload)
        return upload

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()
            self.workbook = None
