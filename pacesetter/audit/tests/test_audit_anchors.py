"""The keyed chain and its anchors, as an attacker with write access to the database
would try them: a rewrite with every later hash recomputed (without the key, and with
it), a cut tail with the head rewound, a forged anchor; and as an operator runs them:
key rotation, the anchor file and mail, the hourly job, a rebase after a restore."""

from __future__ import annotations

import hashlib
import json
import signal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pacesetter.audit import tasks
from pacesetter.audit.chain import KEYED_VERSION, LEGACY_VERSION, digest_of, insert_mac_of
from pacesetter.audit.models import AuditChainHead, AuditEntry
from pacesetter.audit.selectors import audit_chain_first_break
from pacesetter.audit.services import audit_seal
from pacesetter.units.services import unit_update


@pytest.fixture(autouse=True)
def _sealed(request: pytest.FixtureRequest) -> None:
    """The world's entries chained, as the sealer leaves them after the commits that a
    test's transaction never makes, before the tests tamper with the chain."""
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        audit_seal()


@pytest.fixture
def anchors(settings: Any, tmp_path: Path) -> Path:
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    settings.AUDIT_ANCHOR_MAIL_TO = ["auditors@example.org"]
    return settings.AUDIT_ANCHOR_DIR / "anchors.jsonl"


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as caught:
        verify()
    return str(caught.value)


def anchor(*args: str) -> str:
    out = StringIO()
    call_command("audit_anchor", *args, stdout=out)
    return out.getvalue()


def rechain(from_seq: int, *, version: int, key: bytes | None = None, key_id: str = "") -> None:
    """Recompute every hash from ``from_seq`` on, as a forger would, and move the head;
    the insert seals too (with ``key``), or drop them (unkeyed entries never had one)."""
    prev = AuditEntry.objects.filter(seq=from_seq - 1).values_list("entry_hash", flat=True)
    prev_hash = prev.first() or "0" * 64
    for entry in AuditEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        digest = digest_of(entry, prev_hash=prev_hash, version=version, key=key, key_id=key_id)
        entry.key_id = key_id
        seal = insert_mac_of(entry, key=key) if key is not None else None
        AuditEntry.objects.filter(pk=entry.pk).update(
            prev_hash=prev_hash, entry_hash=digest, version=version, key_id=key_id, insert_mac=seal
        )
        prev_hash = digest
    last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
    AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=prev_hash)


def last_seq() -> int:
    return AuditChainHead.objects.get(pk=1).last_seq


def forge(seq: int) -> None:
    AuditEntry.objects.filter(seq=seq).update(changes={"employees": [None, 9999]})


def cut_tail(count: int) -> None:
    """Delete the last ``count`` entries and rewind the head onto the new last one."""
    chained = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq")
    doomed = chained[:count]
    AuditEntry.objects.filter(pk__in=[e.pk for e in doomed]).delete()
    last = chained.first()
    AuditChainHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.entry_hash)


def test_new_entries_are_keyed_and_a_wrong_key_does_not_verify(world, settings):
    first = AuditEntry.objects.order_by("seq").first()
    assert (first.version, first.key_id) == (KEYED_VERSION, "test")
    assert "Audit chain intact" in verify()
    settings.AUDIT_CHAIN_KEY = "another-key-of-the-same-name"
    assert f"#{first.seq}: content does not match its hash" in verify_fails()


@pytest.mark.parametrize(
    "how",
    [
        {"version": KEYED_VERSION, "key": b"a guessed key", "key_id": "test"},
        {"version": LEGACY_VERSION},  # a downgrade to the unkeyed hash
    ],
    ids=["guessed-key", "unkeyed"],
)
def test_a_rewrite_with_every_later_hash_recomputed_without_the_key_is_caught(world, how):
    victim = AuditEntry.objects.order_by("seq")[5].seq
    forge(victim)
    rechain(victim, **how)
    broken = audit_chain_first_break()
    assert broken is not None and broken.seq == victim


def test_a_cut_tail_with_the_head_rewound_is_caught_against_the_anchor(world, anchors, settings):
    anchor()
    anchored = json.loads(anchors.read_text().splitlines()[-1])
    cut_tail(3)
    directory, settings.AUDIT_ANCHOR_DIR = settings.AUDIT_ANCHOR_DIR, None
    assert audit_chain_first_break() is None  # the chain alone cannot tell ...
    settings.AUDIT_ANCHOR_DIR = directory
    message = verify_fails()  # ... the anchor can
    assert f"holds entry #{anchored['seq']}" in message
    assert anchored["at"] in message and "cut from the end" in message


def test_a_rewrite_by_someone_holding_the_key_is_caught_against_the_anchor(world, anchors):
    staff = world.users["committee_staff"]
    anchor()
    anchored = json.loads(anchors.read_text())["seq"]
    unit_update(actor=staff, unit=world.own, employees=77)
    victim = anchored - 4
    forge(victim)
    rechain(victim, version=KEYED_VERSION, key=b"test-audit-chain-key", key_id="test")
    message = verify_fails()
    assert f"#{anchored}: its hash is not the one anchored at" in message


def test_the_anchor_file_grows_by_one_signed_line_a_run_and_is_mailed(world, anchors, mailoutbox):
    printed = anchor()
    last = last_seq()
    assert f"Anchored entry #{last} in {anchors} (mails sent: 1)" in printed
    unit_update(actor=world.users["committee_staff"], unit=world.own, employees=3)
    anchor()
    lines = [json.loads(line) for line in anchors.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [last, last + 1]
    assert lines[1]["hash"] == AuditEntry.objects.get(seq=last + 1).entry_hash
    assert anchors.stat().st_mode & 0o007 == 0
    assert [m.to for m in mailoutbox] == [["auditors@example.org"]] * 2
    assert mailoutbox[1].subject == f"Pacesetter audit anchor #{last + 1}"
    assert json.dumps(lines[1], sort_keys=True) in mailoutbox[1].body
    printed = verify()
    assert f"Checked against 2 anchors, the last of {lines[1]['at']}" in printed


def test_a_forged_anchor_line_is_refused(world, anchors):
    anchor()
    line = json.loads(anchors.read_text())
    line["hash"] = hashlib.sha256(b"another head").hexdigest()
    anchors.write_text(json.dumps(line) + "\n")
    assert "Line 1 of" in verify_fails() and "signature" in verify_fails()


def test_a_broken_chain_is_not_anchored_and_the_auditors_hear_of_it(world, anchors, mailoutbox):
    victim = AuditEntry.objects.order_by("seq")[2].seq
    forge(victim)
    with pytest.raises(CommandError, match=f"#{victim}"):
        anchor()
    assert not anchors.exists()
    (mail,) = mailoutbox
    assert "no anchor written" in mail.subject and f"#{victim}" in mail.body


def test_keys_rotate_and_old_entries_verify_with_the_old_key(world, settings):
    staff = world.users["committee_staff"]
    old_last = last_seq()
    settings.AUDIT_CHAIN_OLD_KEYS = {"test": settings.AUDIT_CHAIN_KEY}
    settings.AUDIT_CHAIN_KEY_ID, settings.AUDIT_CHAIN_KEY = "k2", "the-next-audit-chain-key"
    unit_update(actor=staff, unit=world.own, employees=5)
    audit_seal()
    assert AuditEntry.objects.get(seq=old_last + 1).key_id == "k2"
    assert "Audit chain intact" in verify()
    settings.AUDIT_CHAIN_OLD_KEYS = {}
    assert "its key “test” is not configured" in verify_fails()


def test_unkeyed_entries_from_before_the_key_verify_and_none_may_follow_a_keyed_one(world, anchors):
    # Entries written before the migration to keyed hashes are version 1.
    rechain(1, version=LEGACY_VERSION)
    legacy_last = last_seq()
    unit_update(actor=world.users["committee_staff"], unit=world.own, employees=8)
    audit_seal()
    assert AuditEntry.objects.get(seq=legacy_last + 1).version == KEYED_VERSION
    assert "Audit chain intact" in verify()
    anchor()
    assert json.loads(anchors.read_text())["legacy_until"] == legacy_last
    # A forger cannot turn the keyed entries into unkeyed ones.
    forge(legacy_last + 1)
    rechain(legacy_last + 1, version=LEGACY_VERSION)
    assert f"#{legacy_last + 1}: an unkeyed (version 1) entry" in verify_fails()


def test_a_restore_of_an_older_backup_is_seen_and_a_rebase_goes_on_from_it(world, anchors):
    anchor()
    cut_tail(2)  # what restoring a backup older than the anchor does
    assert "cut from the end" in verify_fails()
    assert "Anchored entry" in anchor("--rebase")
    assert "Checked against 1 anchors" in verify()  # the rebase voids the lost anchor
    unit_update(actor=world.users["committee_staff"], unit=world.own, employees=11)
    anchor()
    assert "Checked against 2 anchors" in verify()
    kinds = [json.loads(line)["kind"] for line in anchors.read_text().splitlines()]
    assert kinds == ["anchor", "rebase", "anchor"]


def test_without_an_anchor_directory_verify_warns(world):
    assert "No anchor file is configured" in verify()
    with pytest.raises(CommandError, match="AUDIT_ANCHOR_DIR"):
        anchor()


def run_worker() -> None:
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    failed = DBTaskResult.objects.failed().values_list("traceback", flat=True)
    assert not failed, "\n".join(failed)


@pytest.mark.django_db(transaction=True)
def test_the_hourly_job_anchors_and_keeps_one_successor_waiting(anchors, mailoutbox):
    from pacesetter.units.tests.factories import UnitFactory

    UnitFactory()
    assert "enqueued" in anchor("--schedule")
    assert "already waiting" in anchor("--schedule")
    run_worker()
    assert len(anchors.read_text().splitlines()) == 1 and len(mailoutbox) == 1
    (successor,) = DBTaskResult.objects.filter(
        task_path=tasks.audit_anchor_job.module_path, status=TaskResultStatus.READY
    )
    assert (successor.run_after.minute, successor.run_after.second) == (0, 0)
