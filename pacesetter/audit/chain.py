"""Hashing of audit entries, shared by the writer and the verifier.

Two versions of the hash exist (docs/security.md, "The audit chain"):

- version 1, entries written before the chain had a key: SHA-256 of the canonical entry;
- version 2, every entry since: HMAC-SHA256 of the same, keyed with the secret named by
  the entry's ``key_id`` (``AUDIT_CHAIN_KEY`` under ``AUDIT_CHAIN_KEY_ID``, or one of the
  ``AUDIT_CHAIN_OLD_KEYS``), which is never stored in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64
#: Entries written before the chain had a key (plain SHA-256).
LEGACY_VERSION = 1
#: The version every new entry is written with (HMAC-SHA256).
KEYED_VERSION = 2


def canonical(value: Any) -> Any:
    """Make a value JSON-plain so it hashes the same before and after storage."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def current_key() -> tuple[str, bytes]:
    """The id and secret new entries and anchors are keyed with."""
    return str(settings.AUDIT_CHAIN_KEY_ID), str(settings.AUDIT_CHAIN_KEY).encode("utf-8")


def key_for(key_id: str) -> bytes | None:
    """The secret of ``key_id``: the current key or an old one; None if it is not known."""
    if key_id == settings.AUDIT_CHAIN_KEY_ID:
        return str(settings.AUDIT_CHAIN_KEY).encode("utf-8")
    old = getattr(settings, "AUDIT_CHAIN_OLD_KEYS", {}) or {}
    secret = old.get(key_id)
    return str(secret).encode("utf-8") if secret else None


def _payload(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def mac(key: bytes, value: dict[str, Any]) -> str:
    """HMAC-SHA256 of ``value``'s canonical JSON (anchors are signed with it too)."""
    return hmac.new(key, _payload(value), hashlib.sha256).hexdigest()


def entry_digest(
    *,
    prev_hash: str,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_repr: str,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str,
    changes: Any,
    version: int = LEGACY_VERSION,
    key: bytes | None = None,
    key_id: str = "",
) -> str:
    """The entry's hash: version 1 without a key, version 2 with ``key`` (named ``key_id``,
    which the hash covers with the version, so neither can be swapped)."""
    content: dict[str, Any] = {
        "prev": prev_hash,
        "seq": seq,
        "at": created_at.isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_repr": actor_repr,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "target_repr": target_repr,
        "changes": canonical(changes),
    }
    if version == LEGACY_VERSION:
        return hashlib.sha256(_payload(content)).hexdigest()
    if version != KEYED_VERSION or key is None:
        raise ValueError(f"Cannot hash an audit entry of version {version} without its key.")
    return mac(key, {**content, "v": version, "key_id": key_id})


def insert_mac_of(entry: Any, *, key: bytes) -> str:
    """The entry's insert seal: HMAC-SHA256, with the key its ``key_id`` names, of its
    content and its random ``nonce``, computed when the application writes it. The sealer
    chains only entries whose seal matches, so a row inserted by hand (or changed before
    it was chained) is never blessed with the key; the nonce, with the seal's unique
    index, keeps a copy of a genuine row out too. The ``"seal"`` tag keeps the seal apart
    from the chain's hashes, which cover the same fields."""
    return mac(
        key,
        {
            "seal": "insert",
            "nonce": entry.nonce,
            "at": entry.created_at.isoformat(timespec="microseconds"),
            "actor": entry.actor_id,
            "actor_repr": entry.actor_repr,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "target_repr": entry.target_repr,
            "changes": canonical(entry.changes),
            "key_id": entry.key_id,
        },
    )


def insert_key(entry: Any) -> bytes | None:
    """The key the entry's insert seal verifies with, or None: no seal, an unknown key,
    or a seal that does not match the entry's content."""
    key = key_for(entry.key_id) if entry.version == KEYED_VERSION else None
    if key is None or not entry.insert_mac:
        return None
    if not hmac.compare_digest(insert_mac_of(entry, key=key), entry.insert_mac):
        return None
    return key


def digest_of(entry: Any, *, prev_hash: str, version: int, key: bytes | None, key_id: str) -> str:
    """:func:`entry_digest` of an ``AuditEntry``'s recorded content, placed after
    ``prev_hash`` (as the services write it, the verification checks it, and a forger in
    the tests would recompute it)."""
    return entry_digest(
        prev_hash=prev_hash,
        seq=entry.seq,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        actor_repr=entry.actor_repr,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        target_repr=entry.target_repr,
        changes=entry.changes,
        version=version,
        key=key,
        key_id=key_id,
    )
