from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .models import LAST_DAY, SECTION_TITLES, SECTIONS


class ReportStartForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the narrative"), choices=settings.LANGUAGES)


class ReportForm(forms.Form):
    """The four narrative sections and the version they were read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in SECTIONS:
            self.fields[name] = forms.CharField(
                label=SECTION_TITLES[name],
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("“- ” starts a bullet; every other line is a paragraph."),
            )

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in SECTIONS}


class AsOfForm(forms.Form):
    """The day a work report is as of."""

    as_of = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        validators=[MaxValueValidator(LAST_DAY)],
    )
