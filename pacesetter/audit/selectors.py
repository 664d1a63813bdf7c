from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .anchors import Anchor, AnchorError, anchor_file, anchors_read, effective_anchors
from .chain import GENESIS_HASH, KEYED_VERSION, LEGACY_VERSION, digest_of, insert_key, key_for
from .models import AuditChainHead, AuditEntry


def audit_entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    """The target's entries, newest written first (``id``: chained or not yet)."""
    return AuditEntry.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class ChainBreak:
    #: The first entry that does not verify; None when the anchor file itself is damaged
    #: or an entry has no place in the chain.
    seq: int | None
    reason: str


@dataclass
class ChainReport:
    entries: int = 0
    #: The anchors the chain was checked against (after rebases), None: no anchor file set.
    anchors: int | None = None
    first_break: ChainBreak | None = None
    last_anchor: Anchor | None = field(default=None)
    #: With ``tail_lost_ok``: the last anchor beyond the chain's end (a restored backup
    #: older than it), reported instead of a break.
    lost_tail: Anchor | None = None
    #: Entries written in the last ``AUDIT_SEAL_GRACE`` seconds, sealed, not chained yet.
    unsealed: int = 0


def audit_chain_first_break() -> ChainBreak | None:
    """The first entry that does not verify (see :func:`audit_chain_verify`), or None."""
    return audit_chain_verify().first_break


def audit_chain_verify(*, pending: Anchor | None = None, tail_lost_ok: bool = False) -> ChainReport:
    """Walk the chain from the start, with the anchors of the anchor file (and
    ``pending``, one about to be written).

    An entry breaks the chain when its sequence, its predecessor's hash or its own hash
    (with the key its ``key_id`` names) does not match; when it is unkeyed (version 1)
    after a keyed one, or beyond the last unkeyed entry an anchor recorded; when entries
    were removed from the end (the head row says more), or when an anchor holds an entry
    that is missing (a cut tail, the head rewound with it) or has another hash (a
    rewritten chain, every later hash recomputed). The break with the lowest sequence
    is reported.

    Entries not chained yet must carry the application's insert seal, once each, and be
    younger than ``AUDIT_SEAL_GRACE`` (see :func:`_unsealed_entries_check`); they are
    counted in ``unsealed``, the chain is verified without them.

    ``tail_lost_ok`` (after a restore): anchors beyond the chain's end are the entries
    lost since the backup, reported as ``lost_tail``, not as a break; the anchors within
    the chain must still match; entries that were waiting for the sealer when the backup
    was taken are counted, whatever their age."""
    report = ChainReport()
    path = anchor_file()
    try:
        anchors = effective_anchors(anchors_read() + ([pending] if pending else []))
    except AnchorError as exc:
        report.first_break = ChainBreak(None, str(exc))
        return report
    report.anchors = len(anchors) if path is not None or pending else None
    report.last_anchor = anchors[-1] if anchors else None
    legacy_limit = min((a.legacy_until for a in anchors), default=None)
    # The last anchor of each seq binds it (a later anchor of the same seq, after a
    # rebase, has the same hash if nothing else was lost).
    wanted = {a.seq: a for a in anchors if a.seq > 0}
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    keyed_seen = False
    unsealed_break = _unsealed_entries_check(report, waiting_ok=tail_lost_ok)
    if unsealed_break is not None:
        report.first_break = unsealed_break
        return report
    chained = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    for entry in chained.iterator(chunk_size=2000):
        assert entry.seq is not None  # chained
        problem = _entry_problem(entry, expected_seq, expected_prev, keyed_seen, legacy_limit)
        if problem is not None:
            breaks.append(problem)
            break
        anchor = wanted.pop(entry.seq, None)
        if anchor is not None and anchor.hash != entry.entry_hash:
            breaks.append(
                ChainBreak(
                    entry.seq,
                    _(
                        "its hash is not the one anchored at %(at)s: the chain was "
                        "rewritten from there or before"
                    )
                    % {"at": anchor.at},
                )
            )
            break
        keyed_seen = keyed_seen or entry.version == KEYED_VERSION
        expected_prev = entry.entry_hash or ""
        expected_seq += 1
        last_seq = entry.seq
        report.entries += 1
    else:
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
            breaks.append(ChainBreak(last_seq + 1, _("entries after the last one were removed")))
    missing = [a for seq, a in wanted.items() if seq > last_seq]
    if missing and not breaks and tail_lost_ok:
        report.lost_tail = max(missing, key=lambda a: a.seq)
    elif missing and not breaks:
        first = min(missing, key=lambda a: a.seq)
        breaks.append(
            ChainBreak(
                max(last_seq + 1, 1),
                _(
                    "the chain ends at #%(last)d, but the anchor of %(at)s holds entry "
                    "#%(seq)d: entries were cut from the end"
                )
                % {"last": last_seq, "at": first.at, "seq": first.seq},
            )
        )
    report.first_break = min(breaks, key=lambda b: b.seq or 0) if breaks else None
    return report


def _unsealed_entries_check(report: ChainReport, *, waiting_ok: bool) -> ChainBreak | None:
    """The unchained entries: each must carry the application's insert seal (else it was
    inserted or changed by other means), no seal may be on two rows (a copy), and none
    may be older than ``AUDIT_SEAL_GRACE`` (no sealer ran), unless ``waiting_ok`` (a
    restored backup: entries that were waiting for the sealer when it was taken). Counts
    the others."""
    grace = dt.timedelta(seconds=settings.AUDIT_SEAL_GRACE)
    oldest_allowed = timezone.now() - grace
    unchained = AuditEntry.objects.filter(seq__isnull=True).order_by("pk")
    for entry in unchained.iterator(chunk_size=2000):
        where = {"action": entry.action, "at": entry.created_at.isoformat(timespec="seconds")}
        if insert_key(entry) is None:
            return ChainBreak(
                None,
                _(
                    "the entry “%(action)s” of %(at)s has no place in the chain and does "
                    "not carry the application's seal: it was not written by the "
                    "application, or was changed before it was chained"
                )
                % where,
            )
        if entry.created_at < oldest_allowed and not waiting_ok:
            return ChainBreak(
                None,
                _(
                    "the entry “%(action)s” of %(at)s is still not chained %(minutes)d "
                    "minutes after it was written: no sealer ran (start the job with "
                    "`manage.py audit_seal --schedule`, or run `manage.py audit_seal`)"
                )
                % {**where, "minutes": grace.total_seconds() // 60},
            )
        report.unsealed += 1
    copied = (
        AuditEntry.objects.filter(insert_mac__isnull=False)
        .values("insert_mac")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
        .order_by("insert_mac")
        .values_list("insert_mac", flat=True)
        .first()
    )
    if copied is not None:
        first = AuditEntry.objects.filter(insert_mac=copied).order_by("pk").first()
        assert first is not None
        return ChainBreak(
            None,
            _(
                "the entry “%(action)s” of %(at)s is in the table more than once: a copy "
                "was inserted by other means"
            )
            % {"action": first.action, "at": first.created_at.isoformat(timespec="seconds")},
        )
    return None


def _entry_problem(
    entry: AuditEntry,
    expected_seq: int,
    expected_prev: str,
    keyed_seen: bool,
    legacy_limit: int | None,
) -> ChainBreak | None:
    if entry.seq != expected_seq:
        return ChainBreak(expected_seq, _("missing entry"))
    if entry.prev_hash != expected_prev:
        return ChainBreak(entry.seq, _("previous hash does not match"))
    key = None
    if entry.version == LEGACY_VERSION:
        if keyed_seen or (legacy_limit is not None and entry.seq > legacy_limit):
            return ChainBreak(
                entry.seq, _("an unkeyed (version 1) entry after the chain had its key")
            )
    elif entry.version == KEYED_VERSION:
        key = key_for(entry.key_id)
        if key is None:
            return ChainBreak(
                entry.seq,
                _("its key “%(key)s” is not configured (AUDIT_CHAIN_OLD_KEYS)")
                % {"key": entry.key_id},
            )
    else:
        return ChainBreak(
            entry.seq, _("unknown hash version %(version)s") % {"version": entry.version}
        )
    digest = digest_of(
        entry, prev_hash=entry.prev_hash, version=entry.version, key=key, key_id=entry.key_id
    )
    if digest != entry.entry_hash:
        return ChainBreak(entry.seq, _("content does not match its hash"))
    if entry.insert_mac is not None and insert_key(entry) is None:
        return ChainBreak(entry.seq, _("its insert seal does not match its content"))
    return None
