"""Small pieces shared by the screens' forms."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .spreadsheets import XLSX_CONTENT_TYPE, open_workbook
from .translations import CONTENT_LANGUAGES, LANGUAGE_NAMES, column, content_language


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


def place_constraint_errors(form: forms.BaseForm, exc: ValidationError) -> ValidationError:
    """``exc`` with each form-wide error whose code is in the form's ``constraint_fields``
    moved onto that field. A model constraint's error names no field (Django shows it at
    the top of the form); its ``violation_error_code`` says which rule it is, and the form
    knows the input that breaks it."""
    fields: dict[str, str] = getattr(form, "constraint_fields", {})
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    loose = errors.get(NON_FIELD_ERRORS, [])
    if not any(fields.get(str(e.code)) in form.fields for e in loose):
        return exc
    placed: dict[str, list[ValidationError]] = {
        name: list(found) for name, found in errors.items() if name != NON_FIELD_ERRORS
    }
    for error in loose:
        target = fields.get(str(error.code))
        placed.setdefault(target if target in form.fields else NON_FIELD_ERRORS, []).append(error)
    return ValidationError(placed)


class ConstraintFieldsMixin(forms.BaseForm):
    """A form on which model constraints' errors land on their field:
    ``constraint_fields`` maps a constraint's ``violation_error_code`` to the form field.
    A model form places the errors of its instance's ``full_clean``;
    ``core.views.add_service_errors`` places those a service raised."""

    constraint_fields: ClassVar[dict[str, str]] = {}

    def _update_errors(self, errors: ValidationError) -> None:
        # Django's hook for the errors of the instance's full_clean (no stub has it).
        super()._update_errors(place_constraint_errors(self, errors))  # type: ignore[misc]


class TranslatedFieldsMixin(forms.BaseForm):
    """A model form's translatable fields (their columns in ``Meta.fields``): the source
    language first, each field in the source language where the field first appears,
    and the other languages at the end, under "Translations". The model's ``clean``
    puts "required in the source language" on the right input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance  # type: ignore[attr-defined]
        translated = getattr(type(instance), "translated_fields", {})
        # On create: the language the view proposes (a criterion takes its table's), else
        # the active one.
        proposed = self.initial.get("source_language")
        source = (
            instance.source_language
            if instance.pk
            else (proposed if proposed in CONTENT_LANGUAGES else content_language())
        )
        if "source_language" in self.fields:
            self.fields["source_language"].help_text = _(
                "The language the texts are written in; where a translation is missing, "
                "the text in this language is shown."
            )
            if not instance.pk:
                self.initial["source_language"] = source
            if self.is_bound:
                chosen = self.data.get(self.add_prefix("source_language"), "")
                source = chosen if chosen in CONTENT_LANGUAGES else source
        order, later = [], []
        for name in self.fields:
            field_name = next(
                (t for t in translated for lang in CONTENT_LANGUAGES if column(t, lang) == name),
                None,
            )
            if field_name is None:
                order.append(name)
                continue
            field = self.fields[name]
            field.required = False
            # The model's "required in the source language" error has the code "required";
            # a model form would show the field's generic "This field is required." for it.
            field.error_messages = {
                k: v for k, v in field.error_messages.items() if k != "required"
            }
            verbose = str(translated[field_name]._field.verbose_name).capitalize()
            if name == column(field_name, source):
                field.label = _("%(field)s (%(language)s, source)") % {
                    "field": verbose,
                    "language": LANGUAGE_NAMES[source],
                }
                order.append(name)
            else:
                language = next(
                    lang for lang in CONTENT_LANGUAGES if column(field_name, lang) == name
                )
                field.label = f"{verbose} ({LANGUAGE_NAMES[language]})"
                field.help_text = _("Empty: the text in the source language is shown.")
                later.append(name)
        if later:
            self.fields[later[0]].fieldset_legend = _("Translations")  # type: ignore[attr-defined]
        self.order_fields([*order, *later])


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
