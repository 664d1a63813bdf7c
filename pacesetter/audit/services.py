"""Writing audit entries. Every service calls :func:`audit_record` inside its transaction."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, models, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from pacesetter.core.translations import refresh_search_key

from .anchors import Anchor, AnchorError, anchor_append, anchor_mail, anchor_make
from .chain import (
    GENESIS_HASH,
    KEYED_VERSION,
    canonical,
    current_key,
    digest_of,
    insert_key,
    insert_mac_of,
)
from .models import AuditChainHead, AuditEntry
from .selectors import audit_chain_verify

logger = logging.getLogger(__name__)


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
    """Write one entry, unchained, with its insert seal; it is chained after the commit.

    Must run inside the caller's transaction, so the entry is written if and only if the
    change it describes is. It takes no lock: the entry gets its place in the chain from
    :func:`audit_seal`, which a ``transaction.on_commit`` callback runs once the
    transaction has committed (and the sealer job, for entries a crash left unchained).
    A rolled-back transaction or savepoint takes its entries with it, leaving no gap."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit_record needs a transaction")
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    key_id, key = current_key()
    entry = AuditEntry(
        seq=None,
        entry_hash=None,
        prev_hash="",
        version=KEYED_VERSION,
        key_id=key_id,
        nonce=secrets.token_hex(16),
        created_at=datetime.now(tz=UTC),
        actor_id=actor_id,
        actor_repr=actor.get_username() if actor_id else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        changes=canonical(changes or {}),
    )
    entry.insert_mac = insert_mac_of(entry, key=key)
    entry.save(force_insert=True)
    _seal_on_commit()
    return entry


class _Ticket:
    """Shared by the on-commit callbacks of one transaction: the first seals, the others
    (one per entry: a callback registered in a rolled-back savepoint is dropped with it,
    so each entry registers its own) have nothing left to do."""

    done = False


_tickets = threading.local()


def _seal_on_commit() -> None:
    ticket: _Ticket | None = getattr(_tickets, "current", None)
    if ticket is None or ticket.done:
        ticket = _tickets.current = _Ticket()
    transaction.on_commit(partial(_seal_after_commit, ticket), robust=True)


def _seal_after_commit(ticket: _Ticket) -> None:
    if ticket.done:
        return
    ticket.done = True
    try:
        audit_seal()
    except DatabaseError:
        # The change is committed; its entry waits for the sealer job (AUDIT_SEAL_EVERY).
        logger.warning("Audit entries left unchained for the sealer job", exc_info=True)


@dataclass
class SealResult:
    #: How many entries were chained.
    sealed: int = 0
    #: The unchained entries the sealer refused: their insert seal does not match (a row
    #: inserted or changed by other means), or its key is not configured.
    refused: list[AuditEntry] = field(default_factory=list)


#: Entries chained per transaction: each holds the head's lock only briefly.
SEAL_BATCH = 500


def audit_seal() -> SealResult:
    """Chain every committed unchained entry, in the order written (``id``), under the
    head's lock, in short transactions of at most :data:`SEAL_BATCH` entries.

    Only entries whose insert seal matches (with the key their ``key_id`` names) and is
    on no other row are chained; the others are left as they are, and ``audit_verify``
    reports them. Safe to run from any number of processes at once: each batch reads the
    unchained entries only once it holds the lock, so none is chained twice."""
    result = SealResult()
    after = 0
    while True:
        with transaction.atomic():
            head = _head_locked()
            batch = list(
                AuditEntry.objects.filter(seq__isnull=True, pk__gt=after).order_by("pk")[
                    :SEAL_BATCH
                ]
            )
            if not batch:
                break
            copied = _seals_on_several_rows([e.insert_mac for e in batch if e.insert_mac])
            chained = []
            for entry in batch:
                key = insert_key(entry)
                if key is None or entry.insert_mac in copied:
                    result.refused.append(entry)
                    continue
                _link(entry, head, entry.key_id, key)
                chained.append(entry)
            if chained:
                AuditEntry.objects.bulk_update(
                    chained, ["seq", "prev_hash", "entry_hash", "version", "key_id"]
                )
                head.save(update_fields=["last_seq", "last_hash"])
            result.sealed += len(chained)
            after = batch[-1].pk
        if len(batch) < SEAL_BATCH:
            break
    return result


def _seals_on_several_rows(macs: list[str]) -> set[str]:
    """The seals among ``macs`` that more than one row carries (a copied row: only
    possible with the seal's unique index dropped)."""
    if not macs:
        return set()
    copied = (
        AuditEntry.objects.filter(insert_mac__in=macs)
        .values("insert_mac")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
        .values_list("insert_mac", flat=True)
    )
    return {mac for mac in copied if mac}


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
    chain restored from an older backup, voiding the earlier anchors beyond its head.
    The entries waiting to be chained are chained first, so that the anchor covers them;
    not for a rebase, which anchors the restored chain as it is (the entries that waited
    when the backup was taken are chained after it, beyond the voided anchors)."""
    if not rebase:
        audit_seal()
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
