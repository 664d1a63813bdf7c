"""The forms of the "People and roles" screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.accounts.models import UNIT_ROLES, Role
from pacesetter.bodies.models import Body
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.translations import ordered
from pacesetter.units.policies import unit_policy


class RoleScopeForm(forms.Form):
    """A role and the unit, cluster or body it is held over, limited to what the
    acting user manages."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit_code = forms.CharField(
        label=_("Unit code"),
        required=False,
        help_text=_("For committee staff, unit officers and viewers: the unit and its subtree."),
    )
    cluster_code = forms.CharField(
        label=_("Cluster code"), required=False, help_text=_("For cluster leaders.")
    )
    body = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.none(),
        required=False,
        help_text=_("For council members."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        bodies = body_policy.visible(actor, "update").order_by(ordered("name"), "pk")
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        data["unit"] = data["cluster"] = None
        if role in UNIT_ROLES:
            code = (data.get("unit_code") or "").strip()
            unit = unit_policy.visible(self.actor, "manage").filter(code=code).first()
            if unit is None:
                self.add_error("unit_code", _("Enter the code of a unit you manage."))
            data["unit"] = unit
        elif role == Role.CLUSTER_LEADER:
            code = (data.get("cluster_code") or "").strip()
            cluster = cluster_policy.visible(self.actor, "update").filter(code=code).first()
            if cluster is None:
                self.add_error("cluster_code", _("Enter the code of a cluster you manage."))
            data["cluster"] = cluster
        elif role == Role.COUNCIL_MEMBER and data.get("body") is None:
            self.add_error("body", _("Choose the body."))
        return data


class UserCreateForm(RoleScopeForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)

    field_order = ["username", "email", "password", "role", "unit_code", "cluster_code", "body"]


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
