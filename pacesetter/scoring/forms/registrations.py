"""Forms of a unit's registration (the pact's lines) and of its target amendments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.models import Participant
from pacesetter.core.versions import version_form_field

from ..models import Criterion, CriterionKind


class RegistrationVersionForm(forms.Form):
    """The version of the unit's registration (its participant's) the page showed, sent
    back by both of the page's forms (the targets, the titles aimed for): a page opened
    before another save of them is refused at the top of the page."""

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        # Rendered in each of the page's two forms: no id, so none is repeated.
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)
        self.fields["version"] = version_form_field(participant.version)


class RegistrationRowForm(forms.Form):
    """One line of the pact. Quantitative criteria have a target; the others only say
    whether they are assigned to the unit."""

    target = forms.DecimalField(
        label=_("Target"), required=False, min_value=0, max_digits=20, decimal_places=4
    )
    not_assigned = forms.BooleanField(label=_("Not assigned"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, criterion: Criterion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        if criterion.kind != CriterionKind.QUANTITATIVE:
            del self.fields["target"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "target": data.get("target"),
            "not_assigned": bool(data.get("not_assigned")),
            "note": data.get("note") or "",
        }


class AmendmentRequestForm(forms.Form):
    new_target = forms.DecimalField(
        label=_("New target"), required=False, min_value=0, max_digits=20, decimal_places=4
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AmendmentDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(label=_("Decision note"), max_length=500, required=False)


class TitleAimRowForm(forms.Form):
    """One award of the catalog on the registration: whether the unit aims for it, and
    a note (how it means to get there, a condition)."""

    aimed = forms.BooleanField(label=_("We aim for it"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, award: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.award = award
