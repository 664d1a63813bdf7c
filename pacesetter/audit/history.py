"""Audit entries made readable for the history tables of the screens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.policies import policy_of, signed_in

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


def audit_rows(entries: Iterable[AuditEntry], *, reader: Any) -> list[AuditEntry]:
    """The entries with a translated ``label`` and readable ``change_rows``, as
    ``reader`` may read them.

    ``change_rows`` is ``[(field label, old, new)]``: field names become their
    translated verbose names, choice codes their labels, and foreign-key ids (one, or
    a list of a many-to-many link) the related records' names, one query per related
    model whatever the row count. Every related record is named only when ``reader``
    may view it under its model's policy (:func:`visible_records`); else it is
    ``NOT_SHOWN``. ``reader`` is required: a history table is always somebody's.
    """
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
                    wanted[field.related_model].update(_ids(value))
            plan.append((name, field, change[0], change[1]))
        plans.append((entry, plan))
    names: dict[Any, dict[Any, Any]] = {}
    for related, ids in wanted.items():
        names[related] = dict.fromkeys(ids, NOT_SHOWN)
        names[related].update(
            {obj.pk: str(obj) for obj in visible_records(related, reader).filter(pk__in=ids)}
        )
    for entry, plan in plans:
        change_rows = []
        for name, field, old, new in plan:
            label = str(field.verbose_name) if field is not None else name
            change_rows.append((label, _display(field, old, names), _display(field, new, names)))
        entry.change_rows = change_rows  # type: ignore[attr-defined]
    return rows


def visible_records(model: type[models.Model], reader: Any) -> models.QuerySet[Any]:
    """The records of ``model`` that ``reader`` may view, for naming them in a history:
    through the model's policy (``core.policies.policy_of``, so this foundation app
    imports no domain); a model without one through the policy of the first record it
    belongs to that has one (an agenda item through its meeting, a project through its
    plan, a resolution through its meeting); a model with neither is shared reference
    data (an industry, a coverage kind), named to every signed-in reader. Nobody signed
    in is named nothing."""
    if not signed_in(reader):
        return model._default_manager.none()
    try:
        return policy_of(model).visible(reader, "view")
    except LookupError:
        pass
    for field in model._meta.concrete_fields:
        related = field.related_model if field.is_relation else None
        if related is None or related is model or not field.many_to_one:
            continue
        try:
            policy = policy_of(related)
        except LookupError:
            continue
        return model._default_manager.filter(
            **{f"{field.name}__in": policy.visible(reader, "view").values("pk")}
        )
    return model._default_manager.all()


def _ids(value: Any) -> list[Any]:
    """The ids a recorded value names: one id, or the ids of a list (a many-to-many
    link is recorded as its sorted ids)."""
    if value is None or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [v for v in value if v is not None and not isinstance(v, (dict, list))]
    return [value]


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field: Any, value: Any, names: dict[Any, dict[Any, str]]) -> Any:
    if value is None or field is None or isinstance(value, dict):
        return value
    if field.is_relation and field.related_model is not None:
        named = names.get(field.related_model, {})
        if isinstance(value, list):
            return "; ".join(str(named.get(v, NOT_SHOWN)) for v in value) or None
        return named.get(value, NOT_SHOWN)
    if isinstance(value, list):
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value
