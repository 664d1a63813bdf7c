"""Anchors: the chain's head, written outside the database (docs/security.md, "The audit
chain").

``manage.py audit_anchor`` (and the hourly job of :mod:`.tasks`) appends one JSON line to
``AUDIT_ANCHOR_DIR/anchors.jsonl`` and mails it to ``AUDIT_ANCHOR_MAIL_TO``::

    {"kind": "anchor", "seq": 812, "hash": "…", "at": "2026-12-02T07:00:00+00:00",
     "key_id": "k1", "legacy_until": 0, "mac": "…"}

``mac`` is the HMAC-SHA256 of the other fields with the chain's key, so a line cannot be
forged without it. ``legacy_until`` is the last unkeyed (version 1) entry at that time:
no version-1 entry may come after it. A ``"kind": "rebase"`` line, written after
restoring a backup older than the last anchors (``audit_anchor --rebase``), voids the
earlier anchors beyond its ``seq``: the entries they bound were lost with the restore,
and the line says so where the auditors read it.

``audit_verify`` checks that the entry of every anchored ``seq`` is there with the
anchored hash: a cut tail or a rewritten chain does not verify against the last anchor,
even with every later hash recomputed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from .chain import GENESIS_HASH, LEGACY_VERSION, current_key, key_for, mac
from .models import AuditEntry

ANCHOR_FILE = "anchors.jsonl"
KINDS = ("anchor", "rebase")
_SIGNED = ("kind", "seq", "hash", "at", "key_id", "legacy_until")


class AnchorError(Exception):
    """An anchor that cannot be written, or an anchor file that cannot be trusted; the
    message is translated and says where."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Anchor:
    kind: str
    seq: int
    hash: str
    at: str
    key_id: str
    legacy_until: int
    mac: str

    def line(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)


def anchor_file() -> Path | None:
    """The anchor file, or None when ``AUDIT_ANCHOR_DIR`` is not set."""
    directory = getattr(settings, "AUDIT_ANCHOR_DIR", None)
    return Path(directory) / ANCHOR_FILE if directory else None


def anchors_read() -> list[Anchor]:
    """Every line of the anchor file, in order, each checked against its MAC; [] when
    there is no file. Raises :class:`AnchorError` naming the first line that does not
    read or verify."""
    path = anchor_file()
    if path is None or not path.exists():
        return []
    anchors = []
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            anchors.append(_parse(text, path, number))
    return anchors


def _parse(text: str, path: Path, number: int) -> Anchor:
    where = {"path": path, "line": number}
    try:
        value = json.loads(text)
        anchor = Anchor(**{name: value[name] for name in (*_SIGNED, "mac")})
        valid = (
            anchor.kind in KINDS
            and isinstance(anchor.seq, int)
            and isinstance(anchor.legacy_until, int)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError(
            _("Line %(line)d of %(path)s is not an audit anchor.") % where, code="anchor_unreadable"
        ) from exc
    key = key_for(str(anchor.key_id))
    if key is None:
        raise AnchorError(
            _(
                "Line %(line)d of %(path)s is signed with the key “%(key)s”, which is not "
                "configured (AUDIT_CHAIN_OLD_KEYS)."
            )
            % {**where, "key": anchor.key_id},
            code="anchor_key_unknown",
        )
    if not valid or mac(key, _signed(anchor.__dict__)) != anchor.mac:
        raise AnchorError(
            _(
                "Line %(line)d of %(path)s does not match its signature: it was not written by "
                "audit_anchor, or was changed."
            )
            % where,
            code="anchor_forged",
        )
    return anchor


def _signed(value: dict[str, Any]) -> dict[str, Any]:
    return {name: value[name] for name in _SIGNED}


def effective_anchors(anchors: list[Anchor]) -> list[Anchor]:
    """The anchors that bind the chain: each rebase voids the earlier anchors beyond its
    ``seq`` (and binds its own)."""
    kept: list[Anchor] = []
    for anchor in anchors:
        if anchor.kind == "rebase":
            kept = [a for a in kept if a.seq <= anchor.seq]
        kept.append(anchor)
    return kept


def anchor_make(*, kind: str = "anchor") -> Anchor:
    """A signed anchor of the chain's last entry now (not written)."""
    chained = AuditEntry.objects.filter(seq__isnull=False)
    last = chained.order_by("-seq").values("seq", "entry_hash").first()
    legacy = (
        AuditEntry.objects.filter(version=LEGACY_VERSION)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    key_id, key = current_key()
    fields: dict[str, Any] = {
        "kind": kind,
        "seq": last["seq"] if last else 0,
        "hash": last["entry_hash"] if last else GENESIS_HASH,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "key_id": key_id,
        "legacy_until": legacy or 0,
    }
    return Anchor(**fields, mac=mac(key, fields))


def anchor_append(anchor: Anchor) -> Path:
    """Append the anchor's line to the file (created readable by its owner and group),
    flushed to the disk before it returns."""
    path = anchor_file()
    if path is None:
        raise AnchorError(
            _("Set AUDIT_ANCHOR_DIR (PACESETTER_AUDIT_ANCHOR_DIR) to write audit anchors."),
            code="anchor_dir_unset",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: each line goes to the end, whatever else has the file open.
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(anchor.line() + "\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise AnchorError(
            _("The audit anchor could not be written to %(path)s (%(error)s).")
            % {"path": path, "error": exc},
            code="anchor_write_failed",
        ) from exc
    return path


def anchor_mail(anchor: Anchor) -> int:
    """Mail the anchor to ``AUDIT_ANCHOR_MAIL_TO``; how many were sent (0: nobody set)."""
    recipients = list(getattr(settings, "AUDIT_ANCHOR_MAIL_TO", []) or [])
    if not recipients:
        return 0
    if anchor.kind == "rebase":
        subject = _("Pacesetter audit chain rebased at entry #%(seq)d") % {"seq": anchor.seq}
        intro = _(
            "The audit chain was restored from a backup and now ends at entry #%(seq)d: the "
            "entries after it that earlier anchors held are lost. Keep this line with the "
            "earlier anchors."
        ) % {"seq": anchor.seq}
    else:
        subject = _("Pacesetter audit anchor #%(seq)d") % {"seq": anchor.seq}
        intro = _(
            "The audit chain's head at %(at)s. Keep this line: `manage.py audit_verify` "
            "checks the chain against it."
        ) % {"at": anchor.at}
    return send_mail(
        subject, f"{intro}\n\n{anchor.line()}\n", settings.DEFAULT_FROM_EMAIL, recipients
    )
