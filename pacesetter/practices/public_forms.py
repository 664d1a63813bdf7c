"""The public list's search and facets (docs/practices.md, "Public pages")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PracticeKind, WorkField
from .public_selectors import LEVELS, PublicFilters, region_choices


class PublicFiltersForm(forms.Form):
    """``?q=&kind=&field=&level=&region=&year=``; a value that is not one of the
    facet's is ignored (a public link may be old), never an error page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, text or unit")}),
    )
    kind = forms.ChoiceField(required=False, choices=[("", ""), *PracticeKind.choices])
    field = forms.ModelChoiceField(queryset=WorkField.objects.none(), required=False)
    level = forms.ChoiceField(required=False, choices=[("", ""), *((v, v) for v in LEVELS)])
    region = forms.ModelChoiceField(queryset=region_choices(), required=False)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = WorkField.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def filters(self) -> PublicFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PublicFilters(
            query=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            work_field=data.get("field"),
            level=data.get("level") or "",
            region=data.get("region"),
            year=data.get("year"),
        )
