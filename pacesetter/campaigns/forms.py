"""Forms of the campaign screens: set-up, participants, pacts, state moves."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.clusters.models import Cluster
from pacesetter.core.files import validate_upload
from pacesetter.core.forms import ConstraintFieldsMixin, PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit

from .models import (
    Campaign,
    CampaignPhase,
    CampaignState,
    OrganizingLevel,
    ReviewPoint,
    TieBreak,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIE_BREAK_FIELDS = ("tie_break_1", "tie_break_2", "tie_break_3")


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class CampaignSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *CampaignState.choices],
    )


class CampaignForm(
    VersionFormMixin,
    ConstraintFieldsMixin,
    TranslatedFieldsMixin,
    PeriodFormMixin,
    forms.ModelForm,
):
    """A campaign's details; the tie-break order is three ordered choices.

    ``tables`` are the scoring tables the user may choose: the set-up pages
    (``pacesetter.workspace.campaign_views``) ask scoring's policy for them."""

    constraint_fields = {"own_predecessor": "predecessor"}

    tie_break_1 = forms.ChoiceField(label=_("First tie-break"), required=False)
    tie_break_2 = forms.ChoiceField(label=_("Second tie-break"), required=False)
    tie_break_3 = forms.ChoiceField(label=_("Third tie-break"), required=False)

    class Meta:
        model = Campaign
        fields = [
            "code",
            "source_language",
            *fields_of("name"),
            "kind",
            "organizing_level",
            "start",
            "end",
            "registration_due",
            "scoring_table",
            "predecessor",
            *fields_of("description"),
        ]
        widgets = {
            "start": DATE,
            "end": DATE,
            "registration_due": DATE,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in fields_of("description")},
        }

    def __init__(
        self,
        *args: Any,
        tables: QuerySet[Any],
        predecessors: QuerySet[Campaign],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scoring_table"].queryset = tables  # type: ignore[attr-defined]
        self.fields["organizing_level"].required = False
        self.fields["predecessor"].queryset = predecessors  # type: ignore[attr-defined]
        self.fields["predecessor"].help_text = _(
            "Last year's campaign, for comparisons of progress."
        )
        choices = [("", _("— none —")), *TieBreak.choices]
        current = list(self.instance.tie_breaks if self.instance.pk else TieBreak.values)
        for position, name in enumerate(TIE_BREAK_FIELDS):
            field = self.fields[name]
            field.choices = choices  # type: ignore[attr-defined]
            field.initial = current[position] if position < len(current) else ""
        self.fields["tie_break_1"].fieldset_legend = _(  # type: ignore[attr-defined]
            "Ranking ties are broken by"
        )
        if self.instance.pk and self.instance.state != CampaignState.DRAFT:
            self.fields["scoring_table"].disabled = True
            self.fields["scoring_table"].help_text = _(
                "The scoring table can change only while drafting."
            )

    def clean_organizing_level(self) -> str:
        """Left out, the level stays as it is (the body's, for a new campaign)."""
        level = self.cleaned_data.get("organizing_level")
        return level or self.instance.organizing_level or OrganizingLevel.BODY

    def tie_breaks(self) -> list[str]:
        return [self.cleaned_data[n] for n in TIE_BREAK_FIELDS if self.cleaned_data.get(n)]

    def service_fields(self) -> dict[str, Any]:
        """The model fields for the service, with the tie-break order as one list."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields or ()}
        data["tie_breaks"] = self.tie_breaks()
        return data

    def changed_service_fields(self) -> dict[str, Any]:
        data = self.service_fields()
        changed = {k: v for k, v in data.items() if k in self.changed_data}
        if set(TIE_BREAK_FIELDS) & set(self.changed_data):
            changed["tie_breaks"] = data["tie_breaks"]
        if "version" in self.fields:  # the version read, changed or not
            changed["version"] = self.cleaned_data.get("version")
        return changed


class CampaignCreateForm(CampaignForm):
    organizer = forms.ModelChoiceField(label=_("Organizer"), queryset=Unit.objects.none())

    field_order = ["organizer"]

    def __init__(self, *args: Any, organizers: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers  # type: ignore[attr-defined]
        self.fields["organizer"].label_from_instance = _unit_label  # type: ignore[attr-defined]


class PhaseForm(TranslatedFieldsMixin, PeriodFormMixin, forms.ModelForm):
    """A phase's name (in the campaign's source language, and translations) and period.
    The view passes ``instance=CampaignPhase(campaign=…, source_language=…)``."""

    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE)

    class Meta:
        model = CampaignPhase
        fields = [*fields_of("name"), "start", "end"]


class ReviewPointForm(ConstraintFieldsMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A review point's code, name (in the campaign's source language, and translations)
    and dates. The view passes ``instance=ReviewPoint(campaign=…, source_language=…)``."""

    constraint_fields = {"code_taken": "code"}

    code = forms.SlugField(
        label=_("Code"), max_length=20, help_text=_("Short, for example h1 or y.")
    )
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    due = forms.DateField(label=_("Reports due"), widget=DATE)

    class Meta:
        model = ReviewPoint
        fields = ["code", *fields_of("name"), "period_end", "due"]


class ParticipantForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    cluster = forms.ModelChoiceField(
        label=_("Ranked in cluster"),
        queryset=Cluster.objects.none(),
        required=False,
        help_text=_("Leave empty for a unit ranked outside any cluster."),
    )
    is_pilot = forms.BooleanField(label=_("Pilot unit"), required=False)

    def __init__(
        self, *args: Any, units: QuerySet[Unit], clusters: QuerySet[Cluster], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = _unit_label  # type: ignore[attr-defined]
        self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]


class ClusterJoinForm(forms.Form):
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.none(),
        help_text=_("Every current member of the cluster joins, ranked in it."),
    )

    def __init__(self, *args: Any, clusters: QuerySet[Cluster], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]


class PactSignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE, initial=date.today)
    signer_unit = forms.ModelChoiceField(
        label=_("Signed by unit"),
        queryset=Unit.objects.none(),
        help_text=_("The cluster's leader unit for the campaign's year, unless another signs."),
    )
    document = forms.FileField(
        label=_("Signed document"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["signer_unit"].label_from_instance = _unit_label  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move to"), choices=CampaignState.choices)


class PublicityForm(forms.Form):
    """Whether the campaign has its public page."""

    public = forms.BooleanField(label=_("Public page"), required=False)
