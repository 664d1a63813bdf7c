"""The public pages' filters (GET forms: a wrong value is dropped, never an error page)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.awards.models import Award
from pacesetter.awards.public_selectors import PublicGrantFilters
from pacesetter.units.models import Unit


class RegistryFiltersForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    award = forms.ModelChoiceField(label=_("Award"), required=False, queryset=Award.objects.none())
    issuer = forms.ModelChoiceField(
        label=_("Issued by"), required=False, queryset=Unit.objects.none()
    )

    def __init__(
        self, data: Any, *, years: list[int], awards: Any, issuers: Any, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("Any year")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["award"].queryset = awards  # type: ignore[attr-defined]
        self.fields["award"].empty_label = _("Any award")  # type: ignore[attr-defined]
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]
        self.fields["issuer"].empty_label = _("Any body")  # type: ignore[attr-defined]

    def filters(self) -> PublicGrantFilters:
        if not self.is_bound:
            return PublicGrantFilters()
        # Keep the fields that are valid: one wrong value does not drop the others.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PublicGrantFilters(
            query=data.get("q") or "",
            year=data.get("year") or None,
            award=data.get("award"),
            issuer=data.get("issuer"),
        )


class CoverageFiltersForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("town", _("Town or street")), ("kind", _("Kind of organization"))],
    )
    at = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def choice(self, today: datetime.date) -> tuple[str, datetime.date]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        at = data.get("at") or today
        return data.get("by") or "town", min(at, today)
