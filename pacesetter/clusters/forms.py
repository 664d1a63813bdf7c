from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.files import validate_upload
from pacesetter.core.forms import ConstraintFieldsMixin, PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.decisions.models import Decision
from pacesetter.units.models import Unit

from .models import Cluster, LeadershipRole
from .services import CLUSTER_EDITABLE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def _decision_label(decision: Decision) -> str:
    return f"{decision.number} — {decision.date:%d/%m/%Y} — {decision.issuer}"


class ClusterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )


class ClusterForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A cluster's details. The founding decision is chosen from those the user may see."""

    class Meta:
        model = Cluster
        fields = list(CLUSTER_EDITABLE)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields_of("description")}

    def __init__(self, *args: Any, decisions: QuerySet[Decision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        field.queryset = decisions  # type: ignore[attr-defined]
        field.label_from_instance = _decision_label  # type: ignore[attr-defined]


class ClusterCreateForm(ClusterForm):
    """A new cluster, with its founding decision: an existing one, or a new one recorded
    in the same step (its fields are named ``decision_*``; its texts are in the
    cluster's source language, and translated on the decision's own record later)."""

    NEW_DECISION_FIELDS = ("number", "date", "issuer", "title", "signer_title", "file")

    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    decision_issuer = forms.CharField(
        label=_("Issued by"),
        max_length=255,
        required=False,
        help_text=_("For example: Chairman of the provincial People's Committee."),
    )
    decision_title = forms.CharField(label=_("Decision title"), max_length=500, required=False)
    decision_signer_title = forms.CharField(
        label=_("Signer's title"), max_length=255, required=False
    )
    decision_file = forms.FileField(
        label=_("Signed file"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )

    class Meta(ClusterForm.Meta):
        fields = ["owner_unit", *(f for f in CLUSTER_EDITABLE if f != "is_active")]

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_unit"]
        owner.queryset = owners  # type: ignore[attr-defined]
        owner.label_from_instance = _unit_label  # type: ignore[attr-defined]
        decision = self.fields["decision"]
        decision.label = _("Existing founding decision")
        decision.help_text = _("Choose a recorded decision, or record a new one below.")
        decision.empty_label = _("— none, or a new one below —")  # type: ignore[attr-defined]
        self.fields["decision_number"].fieldset_legend = _(  # type: ignore[attr-defined]
            "New founding decision"
        )

    def cluster_fields(self) -> list[str]:
        """The names of the cleaned data that go to ``cluster_create`` as they are."""
        return [name for name in self._meta.fields or () if name != "decision"]

    def new_decision(self) -> dict[str, Any] | None:
        """The new decision's fields, or None when none was entered."""
        data = {
            name: self.cleaned_data.get(f"decision_{name}") for name in self.NEW_DECISION_FIELDS
        }
        return data if any(data.values()) else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new = self.new_decision()
        if new is None:
            return cleaned
        if cleaned.get("decision"):
            self.add_error(
                "decision", _("Choose an existing decision or record a new one, not both.")
            )
        for name in ("number", "date", "issuer"):
            if not new[name] and f"decision_{name}" not in self.errors:
                self.add_error(f"decision_{name}", _("A new decision needs this."))
        return cleaned


class MemberAddForm(ConstraintFieldsMixin, PeriodFormMixin, forms.Form):
    constraint_fields = {"membership_exists": "start"}

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    start = forms.DateField(label=_("Member from"), widget=DATE, initial=date.today)
    end = forms.DateField(label=_("Member until"), widget=DATE, required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = _unit_label  # type: ignore[attr-defined]


class MemberEndForm(forms.Form):
    end = forms.DateField(label=_("Member until"), widget=DATE, initial=date.today)


class LeaderSetForm(ConstraintFieldsMixin, forms.Form):
    constraint_fields = {"leader_exists": "role", "year_range": "year"}

    year = forms.IntegerField(
        label=_("Year"), min_value=1900, max_value=2200, initial=lambda: date.today().year
    )
    role = forms.ChoiceField(label=_("Post"), choices=LeadershipRole.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        help_text=_("A unit that is a member of the cluster that year."),
    )
    assigned_on = forms.DateField(label=_("Holds the post from"), widget=DATE, initial=date.today)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = _unit_label  # type: ignore[attr-defined]
