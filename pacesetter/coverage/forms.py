"""Forms of the register's screens: the filters (shared by the list, the rates and the
export), an organization's details, and the dated changes."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import TranslatedFieldsMixin
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit

from .codes import normalized
from .models import Form, Industry, Organization, OrganizationKind, ReasonNotBuilt, Status
from .selectors import GROUPINGS, CoverageFilters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def town_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class FiltersForm(forms.Form):
    """What the register list, the rates and the exports read (``?at=…&town=…``)."""

    at = forms.DateField(label=_("As of"), required=False, widget=DATE)
    town = forms.ModelChoiceField(
        label=_("Town or street"), queryset=Unit.objects.none(), required=False
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[
            ("", _("All")),
            ("economic", _("New economic organizations")),
            ("social", _("New social organizations")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *OrganizationKind.choices]
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    party_form = forms.ChoiceField(
        label=_("Party organization"),
        required=False,
        choices=[
            ("", _("All")),
            ("covered", _("Built (standalone or joint)")),
            ("uncovered", _("Not built")),
            *Form.choices,
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or credit code")}),
    )
    group_by = forms.ChoiceField(
        label=_("By"),
        required=False,
        choices=[
            ("town", _("Town or street")),
            ("site", _("Park or building")),
            ("industry", _("Industry")),
            ("kind", _("Kind")),
            ("size", _("Size")),
        ],
    )
    since = forms.DateField(label=_("Change since"), required=False, widget=DATE)

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        self.fields["town"].label_from_instance = town_label  # type: ignore[attr-defined]
        self.fields["industry"].queryset = Industry.objects.filter(  # type: ignore[attr-defined]
            parent__isnull=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        at = data.get("at")
        since = data.get("since")
        if at and at > timezone.localdate():
            self.add_error("at", _("Choose today or a past date."))
        if since and since >= (at or timezone.localdate()):
            self.add_error("since", _("The start of the change must be before the date."))
        return data

    def filters(self) -> CoverageFilters:
        """The filters read (today and everything when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        group_by = data.get("group_by") or "town"
        return CoverageFilters(
            at=data.get("at") or timezone.localdate(),
            town=data.get("town"),
            sector=data.get("sector") or "",
            kind=data.get("kind") or "",
            industry=data.get("industry"),
            status=data.get("status") or "",
            party_form=data.get("party_form") or "",
            query=(data.get("q") or "").strip(),
            group_by=group_by if group_by in GROUPINGS else "town",
        )

    def since_date(self) -> datetime.date | None:
        return self.cleaned_data.get("since") if self.is_valid() else None


class OrganizationForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """An organization's details ("one form per enterprise")."""

    class Meta:
        model = Organization
        fields = [
            "source_language",
            *fields_of("name"),
            "credit_code",
            "kind",
            "industry",
            "town",
            "site",
            "registered_on",
            "staff_count",
            "revenue_band",
            "above_designated_size",
            "investor_is_party_member",
            "party_members_full",
            "party_members_probationary",
            "union_members",
        ]
        widgets = {"registered_on": DATE}

    def __init__(self, *args: Any, towns: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        self.fields["town"].label_from_instance = town_label  # type: ignore[attr-defined]
        self.fields["site"].queryset = self.fields["site"].queryset.filter(  # type: ignore[attr-defined]
            town__in=towns
        )

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        max_length=30,
        help_text=_("18 characters; spaces and hyphens are left out."),
    )

    def clean_credit_code(self) -> str:
        return normalized(self.cleaned_data.get("credit_code") or "")


class BuildingForm(forms.Form):
    """A dated change of one kind of organization to build."""

    on = forms.DateField(label=_("Date of the change"), widget=DATE)
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)
    reports_to = forms.CharField(label=_("Reports to"), required=False, max_length=255)
    leader_name = forms.CharField(label=_("Secretary or chair"), required=False, max_length=120)
    member_count = forms.IntegerField(label=_("Members"), required=False, min_value=0)
    instructor_name = forms.CharField(
        label=_("Instructor or liaison"), required=False, max_length=120
    )
    reason_not_built = forms.ChoiceField(
        label=_("Reason not built"),
        required=False,
        choices=[("", "—"), *ReasonNotBuilt.choices],
    )
    reason_text = forms.CharField(label=_("Reason, in words"), required=False, max_length=500)
    planned_on = forms.DateField(label=_("Planned for"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if v not in (None, "") or k == "form"}


class StatusForm(forms.Form):
    on = forms.DateField(label=_("Date of the change"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
