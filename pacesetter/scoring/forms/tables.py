"""Forms of the scoring table screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.forms import ConstraintFieldsMixin, TranslatedFieldsMixin
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit

from ..models import Criterion, ScoringTable


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class TableCreateForm(TranslatedFieldsMixin, forms.ModelForm):
    owner_unit = forms.ModelChoiceField(label=_("Owner"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)

    class Meta:
        model = ScoringTable
        fields = [
            "owner_unit",
            "source_language",
            *fields_of("name"),
            "year",
            *fields_of("description"),
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields_of("description")}

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner_unit"].label_from_instance = _unit_label  # type: ignore[attr-defined]


class TableCloneForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year of the new draft"),
        min_value=1900,
        max_value=2200,
        help_text=_("The copy keeps every group and criterion and starts as a draft."),
    )


class CriterionForm(
    VersionFormMixin, ConstraintFieldsMixin, TranslatedFieldsMixin, forms.ModelForm
):
    """A group or criterion. Its group is chosen when it is added and does not change. A
    new one's source language is its table's (the view's ``initial``)."""

    constraint_fields = {
        "code_taken": "code",
        "max_points_negative": "max_points",
        "points_per_item_negative": "points_per_item",
    }

    class Meta:
        model = Criterion
        fields = [
            "parent",
            "code",
            "source_language",
            *fields_of("title"),
            "kind",
            "max_points",
            "direction",
            "method",
            "points_per_item",
            *fields_of("measure"),
            "zero_target",
            "position",
            *fields_of("guidance"),
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields_of("guidance")}
        help_texts = {
            "max_points": _("For a group: the most its criteria may add up to."),
            "direction": _("Quantitative criteria only."),
            "method": _("Quantitative criteria only."),
            "points_per_item": _("Count, bonus and penalty criteria."),
            "zero_target": _("Quantitative criteria only."),
            "position": _("Leave empty to put it last."),
        }

    def __init__(self, *args: Any, groups: QuerySet[Criterion] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if groups is None:
            del self.fields["parent"]
        else:
            parent = self.fields["parent"]
            parent.queryset = groups  # type: ignore[attr-defined]
            parent.empty_label = _("— top level —")  # type: ignore[attr-defined]
            parent.label_from_instance = lambda c: f"{c.code} {c.title}"  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        # The service validates the whole criterion (table, unique code, group maximum).
        pass

    def service_fields(self, *, changed_only: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("position") is None:
            data.pop("position", None)
        if changed_only:
            changed = {k: v for k, v in data.items() if k in self.changed_data}
            if "version" in data:  # the version read, changed or not
                changed["version"] = data["version"]
            data = changed
        return data
