"""Audit entries made readable for the history tables of the screens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.policies import Policy

from .models import AuditEntry

#: What audit actions are called on the screens.
AUDIT_ACTION_LABELS = {
    "unit.create": _("created"),
    "unit.update": _("changed"),
    "unit.move": _("moved"),
    "unit_type.create": _("created"),
    "unit_type.update": _("changed"),
    "cluster.create": _("created"),
    "cluster.update": _("changed"),
    "cluster.member_add": _("member added"),
    "cluster.member_end": _("membership ended"),
    "cluster.leader_set": _("leader set"),
    "body.create": _("created"),
    "body.update": _("changed"),
    "body.term_create": _("term added"),
    "body.member_add": _("member added"),
    "body.member_end": _("seat ended"),
    "decision.create": _("created"),
    "decision.update": _("changed"),
    "coverage.register": _("registered"),
    "coverage.update": _("changed"),
    "coverage.building": _("organization to build changed"),
    "coverage.status": _("status changed"),
    "practice.field_create": _("created"),
    "practice.field_update": _("changed"),
}


#: What a related record ``reader`` may not see is shown as.
NOT_SHOWN = _("(not shown)")


def audit_rows(
    entries: Iterable[AuditEntry],
    *,
    reader: Any = None,
    checked: Iterable[Policy[Any]] = (),
) -> list[AuditEntry]:
    """The entries with a translated ``label`` and readable ``change_rows``.

    ``change_rows`` is ``[(field label, old, new)]``: field names become their
    translated verbose names, choice codes their labels, and foreign-key ids the
    related object's name (one query per related model, whatever the row count).
    A related record of a model ``checked`` names a policy of is named only when
    ``reader`` may view it under that policy; else it is ``NOT_SHOWN``.
    """
    guarded = {policy.model: policy for policy in checked}
    rows = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    plans: list[tuple[AuditEntry, list[tuple[str, Any, Any, Any]]]] = []
    for entry in rows:
        entry.label = AUDIT_ACTION_LABELS.get(entry.action, entry.action)  # type: ignore[attr-defined]
        try:
            model = apps.get_model(entry.target_type)
        except (LookupError, ValueError):
            model = None
        plan = []
        for name, change in (entry.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                for value in change:
                    if value is not None and not isinstance(value, (dict, list)):
                        wanted[field.related_model].add(value)
            plan.append((name, field, change[0], change[1]))
        plans.append((entry, plan))
    names: dict[Any, dict[Any, Any]] = {}
    for model, ids in wanted.items():
        if model in guarded:
            found = guarded[model].visible(reader).filter(pk__in=ids)
            names[model] = dict.fromkeys(ids, NOT_SHOWN)
        else:
            found = model._default_manager.filter(pk__in=ids)
            names[model] = {}
        names[model].update({obj.pk: str(obj) for obj in found})
    for entry, plan in plans:
        change_rows = []
        for name, field, old, new in plan:
            label = str(field.verbose_name) if field is not None else name
            change_rows.append((label, _display(field, old, names), _display(field, new, names)))
        entry.change_rows = change_rows  # type: ignore[attr-defined]
    return rows


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field: Any, value: Any, names: dict[Any, dict[Any, str]]) -> Any:
    if value is None or field is None or isinstance(value, (dict, list)):
        return value
    if field.is_relation and field.related_model in names:
        return names[field.related_model].get(value, value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
