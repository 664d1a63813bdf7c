"""Writes to unit types and the unit tree. Each runs in one transaction with its audit entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from pacesetter.audit.services import (
    audit_record,
    audited_create,
    audited_update,
    diff,
    snapshot,
)
from pacesetter.core.errors import ConflictError
from pacesetter.core.translations import Text, expand, fields_of, refresh_search_key
from pacesetter.core.versions import next_version

from .models import Unit, UnitType

#: Field names as services take them: each translatable field is given by its columns
#: (``name_vi``), or by its name (``name``: a text in the source language, or a mapping
#: of texts by language), which :func:`expand` turns into columns.
UNIT_TYPE_FIELDS = ("code", "source_language", *fields_of("name", "description"), "is_active")
UNIT_TRANSLATED = ("name", "short_name", "industry", "area")
UNIT_FIELDS = (
    "code",
    "source_language",
    *fields_of(*UNIT_TRANSLATED),
    "unit_type",
    "ownership_type",
    "employees",
    "members",
    "address",
    "time_zone",
    "country",
    "active_from",
    "active_to",
)
AUDITED_UNIT_FIELDS = ("parent", *UNIT_FIELDS)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
        if number == 0:
            return out


def _check_fields(allowed: tuple[str, ...], fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def unit_type_create(
    *,
    actor: Any,
    code: str,
    name: str | Text | None = None,
    description: str | Text | None = None,
    **attrs: Any,
) -> UnitType:
    """A unit type; ``name`` and ``description`` in the source language (a text) or by
    language (a mapping), or given as columns in ``attrs``."""
    attrs = expand(
        UnitType,
        {"name": name, "description": description, **attrs},
        source=attrs.get("source_language") or "en",
    )
    _check_fields(UNIT_TYPE_FIELDS, attrs)
    return audited_create(
        actor=actor,
        instance=UnitType(code=code, **attrs),
        action="unit_type.create",
        fields=UNIT_TYPE_FIELDS,
    )


@transaction.atomic
def unit_type_update(
    *, actor: Any, unit_type: UnitType, version: int | None = None, **fields: Any
) -> UnitType:
    """Change a unit type: a translatable field given by name merges its languages. A
    ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(unit_type, version)
    fields = expand(
        UnitType, fields, source=fields.get("source_language") or unit_type.source_language
    )
    return audited_update(
        actor=actor,
        instance=unit_type,
        action="unit_type.update",
        changes={**fields, "version": next_},
        allowed=(*UNIT_TYPE_FIELDS, "version"),
        fields=UNIT_TYPE_FIELDS,
    )


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    parent: Unit | None,
    code: str,
    unit_type: UnitType,
    name: str | Text | None = None,
    **attrs: Any,
) -> Unit:
    """Create a unit under ``parent`` (None for a root) and give it its path.

    ``name`` (and the other translatable fields) is a text in the unit's
    ``source_language`` (English unless given), or a mapping of texts by language."""
    attrs = expand(Unit, {"name": name, **attrs}, source=attrs.get("source_language") or "en")
    _check_fields(UNIT_FIELDS, attrs)
    if parent is not None:
        # Lock the parent so a concurrent move cannot change the path we copy.
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    unit = Unit(parent=parent, code=code, unit_type=unit_type, **attrs)
    unit.path = "-"  # set once the id is known
    unit.depth = parent.depth + 1 if parent else 0
    unit.full_clean()
    refresh_search_key(unit)
    if parent is not None and parent.is_closed:
        raise ValidationError({"parent": _("A unit cannot be added under an inactive unit.")})
    unit.save()
    unit.path = f"{parent.path if parent else ''}{_base36(unit.pk)}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    audit_record(
        actor=actor,
        action="unit.create",
        target=unit,
        changes=diff({}, snapshot(unit, AUDITED_UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, version: int | None = None, **fields: Any) -> Unit:
    """Change a unit's attributes (not its place in the tree: see :func:`unit_move`). A
    translatable field given by name merges its languages (one left out is kept).

    With ``version`` (the one the editor read), a unit saved by someone else since is
    refused with :class:`ConflictError` and nothing is changed. Each save raises it."""
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    if version is not None and current.version != version:
        raise ConflictError(
            _(
                "Someone else saved this unit since you opened it. Reload to see their "
                "change; nothing of yours was saved."
            )
        )
    fields = expand(Unit, fields, source=fields.get("source_language") or current.source_language)
    fields["version"] = current.version + 1
    return audited_update(
        actor=actor,
        instance=current,
        action="unit.update",
        changes=fields,
        allowed=(*UNIT_FIELDS, "version"),
        fields=AUDITED_UNIT_FIELDS,
    )


@transaction.atomic
def unit_publicity_set(
    *, actor: Any, unit: Unit, awards: bool | None = None, coverage: bool | None = None
) -> Unit:
    """Opt the unit's award registry (the awards granted by the decisions it recorded)
    and its coverage rates (its subtree's register, aggregates only) in to the public
    pages, or out; ``None`` leaves one as it is. Audited (``unit.publicity``). The
    caller checks unit ``manage`` (committee staff over the unit)."""
    changes: dict[str, Any] = {}
    if awards is not None:
        changes["publishes_awards"] = bool(awards)
    if coverage is not None:
        changes["publishes_coverage"] = bool(coverage)
    fields = ("publishes_awards", "publishes_coverage")
    return audited_update(
        actor=actor,
        instance=unit,
        action="unit.publicity",
        changes=changes,
        allowed=fields,
        fields=fields,
    )


@transaction.atomic
def unit_move(*, actor: Any, unit: Unit, new_parent: Unit | None) -> Unit:
    """Move ``unit`` with its whole subtree under ``new_parent``.

    The unit keeps its id, so its clusters, roles and history stay with it; the
    move itself is an audit entry. Moving a unit into its own subtree is refused.
    """
    # Lock both ends in id order, so two crossing moves wait for each other.
    ids = sorted({unit.pk, *([new_parent.pk] if new_parent else [])})
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    unit = locked[unit.pk]
    if (new_parent.pk if new_parent else None) == unit.parent_id:
        return unit
    if new_parent is not None:
        new_parent = locked[new_parent.pk]
        if new_parent.path.startswith(unit.path):
            raise ValidationError(
                {"parent": _("A unit cannot be moved under itself or one of its own units.")}
            )
        if new_parent.is_closed:
            raise ValidationError({"parent": _("A unit cannot be moved under an inactive unit.")})
    old_path, old_depth, old_parent_id = unit.path, unit.depth, unit.parent_id
    new_path = f"{new_parent.path if new_parent else ''}{_base36(unit.pk)}/"
    depth_delta = (new_parent.depth + 1 if new_parent else 0) - old_depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_delta,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    audit_record(
        actor=actor,
        action="unit.move",
        target=unit,
        changes={"parent": [old_parent_id, unit.parent_id]},
    )
    return unit
