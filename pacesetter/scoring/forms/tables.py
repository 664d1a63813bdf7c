"""Forms of the scoring table screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.units.models import Unit

from ..models import Criterion


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class TableCreateForm(forms.Form):
    owner_unit = forms.ModelChoiceField(label=_("Owner"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=255)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

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


class CriterionForm(forms.ModelForm):
    """A group or criterion. Its group is chosen when it is added and does not change."""

    class Meta:
        model = Criterion
        fields = [
            "parent",
            "code",
            "title",
            "kind",
            "max_points",
            "direction",
            "method",
            "points_per_item",
            "measure",
            "zero_target",
            "position",
            "guidance",
        ]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}
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
            data = {k: v for k, v in data.items() if k in self.changed_data}
        return data
