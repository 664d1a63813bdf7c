"""Writing audit entries. Every service calls :func:`audit_record` inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db import models, transaction

from pacesetter.core.translations import refresh_search_key

from .chain import GENESIS_HASH, canonical, entry_digest
from .models import AuditChainHead, AuditEntry


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` (foreign keys as ids), JSON-plain."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        value = getattr(obj, attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        values[name] = value
    return canonical(values)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain.

    Must run inside the caller's transaction (``select_for_update`` enforces it),
    so the entry is written if and only if the change it describes is.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("audit_record needs a transaction")
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        "created_at": datetime.now(tz=UTC),
        "actor_id": actor_id,
        "actor_repr": actor.get_username() if actor_id else "",
        "action": action,
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_repr": str(target)[:300],
        "changes": canonical(changes or {}),
    }
    digest = entry_digest(prev_hash=head.last_hash, **fields)
    entry = AuditEntry.objects.create(prev_hash=head.last_hash, entry_hash=digest, **fields)
    head.last_seq = entry.seq
    head.last_hash = digest
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


M = TypeVar("M", bound=models.Model)


def audited_create(*, actor: Any, instance: M, action: str, fields: Iterable[str]) -> M:
    """Validate and insert ``instance``; record its ``fields`` as the entry's new values."""
    instance.full_clean()
    refresh_search_key(instance)
    instance.save()
    audit_record(
        actor=actor, action=action, target=instance, changes=diff({}, snapshot(instance, fields))
    )
    return instance


def audited_update(
    *,
    actor: Any,
    instance: M,
    action: str,
    changes: dict[str, Any],
    allowed: Iterable[str],
    fields: Iterable[str],
) -> M:
    """Lock the row, apply ``changes`` (only ``allowed`` names), validate and save.

    The entry records the old and new values of ``fields`` that really changed; a
    change that changes nothing writes no entry.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    fields = tuple(fields)
    instance = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    before = snapshot(instance, fields)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    refresh_search_key(instance)
    instance.save()
    delta = diff(before, snapshot(instance, fields))
    if delta:
        audit_record(actor=actor, action=action, target=instance, changes=delta)
    return instance
