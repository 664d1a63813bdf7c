from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from .chain import GENESIS_HASH, entry_digest
from .models import AuditChainHead, AuditEntry


def audit_entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def audit_chain_first_break() -> ChainBreak | None:
    """Walk the chain from the start; the first entry that does not verify, or None."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainBreak(expected_seq, "missing entry")
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.seq, "previous hash does not match")
        digest = entry_digest(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            actor_repr=entry.actor_repr,
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            target_repr=entry.target_repr,
            changes=entry.changes,
        )
        if digest != entry.entry_hash:
            return ChainBreak(entry.seq, "content does not match its hash")
        expected_prev = entry.entry_hash
        expected_seq += 1
        last_seq = entry.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return ChainBreak(last_seq + 1, "entries after the last one were removed")
    return None
