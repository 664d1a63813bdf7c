"""Forms of the chain screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import ConstraintFieldsMixin, TranslatedFieldsMixin
from pacesetter.core.translations import CONTENT_LANGUAGES, column, fields_of
from pacesetter.core.versions import VersionFormMixin, version_form_field
from pacesetter.units.models import Unit

from .models import Chain

DESCRIPTION = {
    column("description", lang): forms.Textarea(attrs={"rows": 3}) for lang in CONTENT_LANGUAGES
}


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class ChainSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name")}),
    )


class ChainForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A chain's details (its managers)."""

    class Meta:
        model = Chain
        # As before the texts had languages: name, leader, description.
        fields = [
            "source_language",
            *fields_of("name"),
            "leader_unit",
            *fields_of("description"),
            "is_active",
        ]
        widgets = DESCRIPTION

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["leader_unit"].label_from_instance = unit_label  # type: ignore[attr-defined]


class ChainCreateForm(ChainForm):
    """A new chain, kept by a unit the user runs, with its first members."""

    members = forms.ModelMultipleChoiceField(
        label=_("Member units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Added in the order of the unit tree; put them in order afterwards."),
    )

    class Meta(ChainForm.Meta):
        fields = [
            "owner_unit",
            "source_language",
            *fields_of("name"),
            "leader_unit",
            *fields_of("description"),
        ]

    def __init__(
        self, *args: Any, owners: QuerySet[Unit], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, units=units, **kwargs)
        self.fields["owner_unit"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner_unit"].label_from_instance = unit_label  # type: ignore[attr-defined]
        self.fields["members"].queryset = units  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = unit_label  # type: ignore[attr-defined]


class MemberAddForm(ConstraintFieldsMixin, forms.Form):
    constraint_fields = {"already_member": "unit"}

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        help_text=_("It joins at the downstream end of the chain."),
    )
    link = forms.CharField(
        label=_("Link in the chain"),
        max_length=255,
        required=False,
        help_text=_("For example: tannery, leather goods maker, logistics."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = unit_label  # type: ignore[attr-defined]


class MemberMoveForm(forms.Form):
    """Move a member one place up or down, from the chain's version the page showed (the
    order is the chain's; a page opened before another move is refused)."""

    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_form_field(chain.version)
