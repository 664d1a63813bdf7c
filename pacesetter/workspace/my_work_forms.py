"""The filters of "my work" (``workplans:my_work``): what the home page's figures link to."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.workplans.forms import STATUS_LABELS


class MyWorkFilterForm(forms.Form):
    """A status (late, at risk, on track) and a lead unit, by id: the list stays the
    user's own tasks, so an id of a unit they do not lead just lists nothing."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))]
        + [(key, label) for key, label in STATUS_LABELS.items() if key != "done"],
    )
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
