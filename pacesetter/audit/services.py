"""Writing audit entries. Every service calls :func:`audit_record` inside its transaction."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from pacesetter.core.translations import refresh_search_key

from .anchors import Anchor, AnchorError, anchor_append, anchor_mail, anchor_make
from .chain import GENESIS_HASH, KEYED_VERSION, canonical, current_key, digest_of
from .models import AuditChainHead, AuditEntry
from .selectors import audit_chain_verify


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
    so the entry is written if and only if the change it describes is. Inside an
    :func:`audit_deferred` block the entry is written unchained, and chained when the
    block ends."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("audit_record needs a transaction")
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    fields: dict[str, Any] = {
        "created_at": datetime.now(tz=UTC),
        "actor_id": actor_id,
        "actor_repr": actor.get_username() if actor_id else "",
        "action": action,
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_repr": str(target)[:300],
        "changes": canonical(changes or {}),
    }
    pending: list[int] | None = getattr(_deferred, "pending", None)
    if pending is not None:
        entry = AuditEntry.objects.create(seq=None, entry_hash=None, prev_hash="", **fields)
        pending.append(entry.pk)
        return entry
    head = _head_locked()
    key_id, key = current_key()
    entry = AuditEntry(seq=head.last_seq + 1, version=KEYED_VERSION, key_id=key_id, **fields)
    _link(entry, head, key_id, key)
    entry.save(force_insert=True)
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


def _head_locked() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
    return head


def _link(entry: AuditEntry, head: AuditChainHead, key_id: str, key: bytes) -> None:
    """Give ``entry`` the head's next place and its hash, and move the head onto it."""
    entry.seq, entry.prev_hash = head.last_seq + 1, head.last_hash
    entry.version, entry.key_id = KEYED_VERSION, key_id
    entry.entry_hash = digest_of(
        entry, prev_hash=entry.prev_hash, version=KEYED_VERSION, key=key, key_id=key_id
    )
    head.last_seq, head.last_hash = entry.seq, entry.entry_hash


#: The entries an ``audit_deferred`` block of this thread has written unchained.
_deferred = threading.local()


@contextmanager
def audit_deferred() -> Iterator[None]:
    """A block (inside a transaction) whose audit entries are chained when it ends.

    Every audited write locks the chain's head row until its transaction commits; a
    long import that does so from its first row would hold every other audited write
    in the application for its whole run. Inside this block, entries are written
    without a place in the chain (only an insert), and chained in the order written, in
    one go under the head lock, when the block ends: the lock is held from then to the
    commit only. Rows of a rolled-back savepoint take their entries with them. The block
    must end before the transaction commits (open it inside the ``atomic``); nested
    blocks are chained by the outermost. Only the entries this block wrote are chained,
    never an unchained row found in the table."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit_deferred needs a transaction")
    if getattr(_deferred, "pending", None) is not None:
        yield
        return
    pending: list[int] = []
    _deferred.pending = pending
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _deferred.pending = None
        if pending and not failed:
            _chain_pending(pending)
        elif pending and not connection.needs_rollback:
            # After an error too: a caller may catch it and commit. If the database
            # refuses (the transaction is aborted and can only roll back), the
            # original error is the one to see.
            try:
                with transaction.atomic():
                    _chain_pending(pending)
            except DatabaseError:
                pass


def _chain_pending(pending: list[int]) -> None:
    head = _head_locked()
    key_id, key = current_key()
    entries = list(AuditEntry.objects.filter(pk__in=pending, seq__isnull=True).order_by("pk"))
    for entry in entries:
        _link(entry, head, key_id, key)
    AuditEntry.objects.bulk_update(
        entries, ["seq", "prev_hash", "entry_hash", "version", "key_id"], batch_size=500
    )
    head.save(update_fields=["last_seq", "last_hash"])


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


def audit_anchor_write(*, rebase: bool = False) -> tuple[Anchor, Path, int]:
    """Anchor the chain's head outside the database: verify the chain (against the
    earlier anchors), append the signed anchor to the anchor file, mail it to
    ``AUDIT_ANCHOR_MAIL_TO``. Returns the anchor, the file and the mails sent.

    A chain that does not verify is not anchored (an anchor would bless it): raises
    :class:`AnchorError` and mails the auditors the break instead. ``rebase`` anchors a
    chain restored from an older backup, voiding the earlier anchors beyond its head."""
    anchor = anchor_make(kind="rebase" if rebase else "anchor")
    report = audit_chain_verify(pending=anchor if rebase else None)
    if report.first_break is not None:
        broken = report.first_break
        message = (
            _("The audit chain does not verify at entry #%(seq)s: %(reason)s.")
            if broken.seq is not None
            else _("The audit chain cannot be verified: %(reason)s.")
        ) % {"seq": broken.seq, "reason": broken.reason.rstrip(".")}
        recipients = list(settings.AUDIT_ANCHOR_MAIL_TO or [])
        if recipients:
            send_mail(
                _("Pacesetter audit chain broken: no anchor written"),
                message + "\n",
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )
        raise AnchorError(message, code="chain_broken")
    path = anchor_append(anchor)
    return anchor, path, anchor_mail(anchor)
