from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import ConstraintFieldsMixin, PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit
from pacesetter.units.selectors import users_visible_to

from .models import Body, BodyKind, BodyMember, BodyTerm
from .services import BODY_EDITABLE, TERM_FIELDS

DESCRIPTION_WIDGETS = {name: forms.Textarea(attrs={"rows": 3}) for name in fields_of("description")}

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BodySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *BodyKind.choices], required=False
    )


class BodyForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    class Meta:
        model = Body
        fields = list(BODY_EDITABLE)
        widgets = DESCRIPTION_WIDGETS


class BodyCreateForm(BodyForm):
    class Meta(BodyForm.Meta):
        fields = ["owner_unit", *(f for f in BODY_EDITABLE if f != "is_active")]

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner_unit"].label_from_instance = (  # type: ignore[attr-defined]
            lambda unit: f"{unit.name} ({unit.code})"
        )


class TermForm(TranslatedFieldsMixin, PeriodFormMixin, forms.ModelForm):
    class Meta:
        model = BodyTerm
        fields = list(TERM_FIELDS)
        widgets = {"start": DATE, "end": DATE}
        # The translations' inputs get the mixin's own help text instead.
        help_texts = {name: _("For example: 9th standing council.") for name in fields_of("name")}


class MemberAddForm(ConstraintFieldsMixin, PeriodFormMixin, forms.ModelForm):
    """A seat for a person or for a unit (through its representative)."""

    constraint_fields = {"weight_not_positive": "weight"}

    class Meta:
        model = BodyMember
        fields = ["term", "unit", "user", "position", "weight", "start", "end"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(
        self, *args: Any, body: Body, units: QuerySet[Unit], actor: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = body.terms.all()  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].help_text = _("A unit seated through its representative…")
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            users_visible_to(actor).order_by("username")
        )
        self.fields["user"].help_text = _("…or a person. Choose one of the two.")
        self.fields["start"].initial = date.today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("unit") and not cleaned.get("user") and "unit" not in self.errors:
            self.add_error("unit", _("Choose a person or a unit."))
        return cleaned


class MemberEndForm(forms.Form):
    end = forms.DateField(label=_("Seat held until"), widget=DATE, initial=date.today)
