from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.services import UNIT_FIELDS, UNIT_TYPE_FIELDS

from .models import Unit, UnitType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitSearchForm(forms.Form):
    ACTIVE_CHOICES = [("", _("Active and inactive")), ("1", _("Active")), ("0", _("Inactive"))]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )
    unit_type = forms.ModelChoiceField(
        label=_("Unit type"), queryset=UnitType.objects.none(), required=False
    )
    active = forms.ChoiceField(label=_("State"), choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args: Any, unit_types: QuerySet[UnitType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_type"].queryset = unit_types  # type: ignore[attr-defined]

    def active_value(self) -> bool | None:
        return {"1": True, "0": False}.get(self.cleaned_data.get("active") or "")


class UnitForm(TranslatedFieldsMixin, PeriodFormMixin, forms.ModelForm):
    """A unit's attributes; its place in the tree is changed with :class:`UnitMoveForm`."""

    period_fields = ("active_from", "active_to")
    #: The unit's version when the page was opened (an edit only): a stale one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Unit
        fields = list(UNIT_FIELDS)
        widgets = {
            "active_from": DATE,
            "active_to": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # New units take an active type; an existing unit keeps its type even if retired.
        current = self.instance.unit_type_id if self.instance.pk else None
        self.fields["unit_type"].queryset = UnitType.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk=current)
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]


class UnitMoveForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("New parent unit"),
        queryset=Unit.objects.none(),
        help_text=_("The unit moves with all the units under it."),
    )

    def __init__(self, *args: Any, parents: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = (  # type: ignore[attr-defined]
            lambda unit: f"{unit.code} — {unit.name}"
        )


class UnitTypeForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    class Meta:
        model = UnitType
        fields = list(UNIT_TYPE_FIELDS)
        widgets = {
            f"description_{lang}": forms.Textarea(attrs={"rows": 3})
            for lang in ("en", "vi", "zh_hans")
        }


class UnitPublicityForm(forms.Form):
    """What of the unit the public pages show."""

    awards = forms.BooleanField(
        label=_("Public award registry"),
        required=False,
        help_text=_("The awards granted by the decisions this unit recorded."),
    )
    coverage = forms.BooleanField(
        label=_("Public coverage rates"),
        required=False,
        help_text=_("The rates of its towns and streets, totals only, never an organization."),
    )
