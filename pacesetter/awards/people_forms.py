"""Forms of the register of people. Choices come from querysets the view filtered by the
user's permissions; the views hand ``cleaned_data`` to the services unchanged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit

from .models import Person, PersonPosition

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)


class PersonEditForm(VersionFormMixin, forms.ModelForm):
    """A person's name and start of service (the unit changes with a new position)."""

    class Meta:
        model = Person
        fields = ["full_name", "service_start"]
        widgets = {"service_start": DATE}
        help_texts = {
            "service_start": _(
                "Read by the rules of years of service; empty: since the first position recorded."
            )
        }


class PersonCreateForm(TranslatedFieldsMixin, forms.ModelForm):
    """A new person of the unit: the name, the start of service and the position held
    now (its title in the source language first, the translations at the end)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    service_start = forms.DateField(
        label=_("In service since"),
        required=False,
        widget=DATE,
        help_text=PersonEditForm.Meta.help_texts["service_start"],
    )

    class Meta:
        model = PersonPosition
        fields = ["source_language", *fields_of("title"), "start"]
        widgets = {"start": DATE}
        labels = {"start": _("In this position since")}

    field_order = ["full_name", "service_start"]


class PositionAddForm(PeriodFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A new position: in the same unit or another one (moving there). Without an end it
    is the current position, and the one held until now ends the day before."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    class Meta:
        model = PersonPosition
        fields = ["source_language", *fields_of("title"), "start", "end"]
        widgets = {"start": DATE, "end": DATE}
        help_texts = {
            "end": _(
                "Leave empty for the position held now: the current one then ends on the "
                "day before this one starts. Give an end to record a past position."
            )
        }

    field_order = ["unit"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = True
        unit = self.fields["unit"]
        unit.queryset = units  # type: ignore[attr-defined]
        unit.label_from_instance = lambda u: f"{u.name} ({u.code})"  # type: ignore[attr-defined]


class CandidatePersonForm(forms.Form):
    """A person of the proposing unit's register, added to a proposal as a candidate."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    achievement = forms.CharField(
        label=_("Achievement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    achievement_key = forms.CharField(
        label=_("Achievement reference"),
        required=False,
        max_length=100,
        help_text=_("One achievement backs one award: the same reference cannot be used twice."),
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: f"{p.full_name} — {p.unit.name}"  # type: ignore[attr-defined]
