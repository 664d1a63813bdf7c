"""The choice of a statutory form, a year and a reporting body."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .layouts import families, titles, versions_of
from .selectors import YEARS


def form_choices() -> list[tuple[str, str]]:
    """Each form family with its title in the form's own language and, beside it, in the
    reader's (English when the reader's is the form's)."""
    choices = []
    for family in families():
        layout = versions_of(family)[0]
        own, mine, _language = titles(layout)
        choices.append((family, f"{layout.code}: {own} ({mine})"))
    return choices


class StatisticsForm(forms.Form):
    form = forms.ChoiceField(label=_("Form"))
    year = forms.IntegerField(label=_("Year"), min_value=YEARS[0], max_value=YEARS[1])
    body = forms.TypedChoiceField(label=_("Reporting body"), coerce=int)

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field = self.fields["form"]
        body_field = self.fields["body"]
        assert isinstance(form_field, forms.ChoiceField)
        assert isinstance(body_field, forms.ChoiceField)
        form_field.choices = form_choices()
        body_field.choices = [(unit.pk, unit.name) for unit in bodies]
