"""Small pieces shared by the screens' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
