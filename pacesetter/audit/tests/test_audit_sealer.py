"""Every audited write inserts its entry unchained, with the application's seal; the
sealer chains committed entries after the commit (and the job and the command those a
crash left), so no audited write waits for another's transaction. A row inserted or
changed by other means is never chained, and ``audit_verify`` reports it, as it reports
an entry left unchained too long."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pacesetter.audit import services, tasks
from pacesetter.audit.chain import current_key, insert_mac_of
from pacesetter.audit.models import AuditChainHead, AuditEntry
from pacesetter.audit.selectors import audit_chain_first_break, audit_chain_verify
from pacesetter.audit.services import audit_record, audit_seal
from pacesetter.units.models import Unit
from pacesetter.units.services import unit_update
from pacesetter.units.tests.factories import UnitFactory


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def hand_made(target: Unit, **fields: Any) -> AuditEntry:
    """An unchained row put into the table by other means than the application."""
    values: dict[str, Any] = {
        "seq": None,
        "entry_hash": None,
        "created_at": timezone.now(),
        "action": "unit.update",
        "target_type": "units.unit",
        "target_id": str(target.pk),
        "target_repr": str(target),
        "changes": {"employees": [1, 2]},
        "key_id": "test",
        **fields,
    }
    return AuditEntry.objects.create(**values)


def test_entries_are_chained_after_the_commit_in_the_order_written_and_a_rolled_back_row_leaves_no_gap(  # noqa: E501
    world, django_capture_on_commit_callbacks
):
    staff = world.users["committee_staff"]
    audit_seal()
    head = AuditChainHead.objects.get(pk=1).last_seq
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        unit_update(actor=staff, unit=world.own, employees=10)
        with pytest.raises(Exception):  # a row of an import that fails: its savepoint goes
            unit_update(
                actor=staff,
                unit=world.child,
                active_from=dt.date(2024, 5, 1),
                active_to=dt.date(2024, 1, 1),
            )
        unit_update(actor=staff, unit=world.child, employees=12)
        # Written, with their seals, and not chained: no lock on the chain's head.
        pending = AuditEntry.objects.filter(seq__isnull=True)
        assert pending.count() == 2 and all(e.insert_mac for e in pending)
        assert AuditChainHead.objects.get(pk=1).last_seq == head
    entries = AuditEntry.objects.filter(seq__gt=head).order_by("seq")
    assert [(e.seq, e.target_id, e.changes["employees"][1]) for e in entries] == [
        (head + 1, str(world.own.pk), 10),
        (head + 2, str(world.child.pk), 12),
    ]
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_chain_first_break() is None


def test_the_history_of_a_unit_shows_entries_not_chained_yet_newest_first(world, client):
    staff = world.users["committee_staff"]
    unit_update(actor=staff, unit=world.own, employees=10)
    unit_update(actor=staff, unit=world.own, employees=11)
    assert not AuditEntry.objects.filter(target_id=str(world.own.pk), seq__isnull=False).exists()
    client.force_login(staff)
    page = client.get(f"/units/{world.own.pk}/history/").content.decode()
    assert page.index("10 → 11") < page.index("— → 10")  # newest first, before any sealing


def test_an_unchained_row_put_in_by_other_means_is_never_chained_and_is_reported(world):
    audit_seal()
    hand_made(world.own, created_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    result = audit_seal()
    assert result.sealed == 0 and [e.action for e in result.refused] == ["unit.update"]
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1
    broken = audit_chain_first_break()
    assert broken is not None and "does not carry the application's seal" in broken.reason
    assert "2026-12-01T09:00:00" in broken.reason
    with pytest.raises(CommandError, match="not written by the application"):
        call_command("audit_seal", stdout=StringIO())


def test_a_row_with_a_seal_forged_without_the_key_or_changed_before_sealing_is_not_chained(
    world,
):
    audit_seal()
    forged = hand_made(world.own, nonce="0" * 32)
    _key_id, key = current_key()
    forged.insert_mac = insert_mac_of(forged, key=b"a guessed key")
    forged.save(update_fields=["insert_mac"])
    unit_update(actor=world.users["committee_staff"], unit=world.child, employees=40)
    genuine = AuditEntry.objects.get(seq__isnull=True, target_id=str(world.child.pk))
    AuditEntry.objects.filter(pk=genuine.pk).update(changes={"employees": [None, 4000]})
    assert insert_mac_of(genuine, key=key) == genuine.insert_mac  # as written, it was sealed
    result = audit_seal()
    assert result.sealed == 0 and {e.pk for e in result.refused} == {forged.pk, genuine.pk}
    assert "does not carry the application's seal" in audit_chain_first_break().reason


def test_a_copy_of_a_genuine_row_is_refused(world):
    audit_seal()
    unit_update(actor=world.users["committee_staff"], unit=world.child, employees=40)
    genuine = AuditEntry.objects.get(seq__isnull=True)
    copy = {f.attname: getattr(genuine, f.attname) for f in AuditEntry._meta.concrete_fields}
    copy.pop("id")
    with pytest.raises(DatabaseError), transaction.atomic():  # the seal's unique index
        AuditEntry.objects.create(**copy)
    assert audit_seal().sealed == 1


def test_an_entry_left_unchained_longer_than_the_grace_is_an_error(world, settings, _clock):
    settings.AUDIT_SEAL_GRACE = 300
    audit_seal()
    unit_update(actor=world.users["committee_staff"], unit=world.own, employees=10)
    assert "1 entries wait to be chained" in verify()
    _clock.shift(dt.timedelta(minutes=6))
    with pytest.raises(CommandError, match="still not chained 5 minutes after") as caught:
        verify()
    assert "audit_seal --schedule" in str(caught.value)
    # What the sealer job does for it:
    assert "Chained 1 audit entries." in call_command_out("audit_seal")
    assert audit_chain_verify().unsealed == 0 and "intact" in verify()


def test_a_restored_backup_s_entries_that_waited_for_the_sealer_are_no_error(world, _clock):
    audit_seal()
    unit_update(actor=world.users["committee_staff"], unit=world.own, employees=10)
    _clock.shift(dt.timedelta(days=2))  # the backup is restored two days later
    assert "1 entries wait to be chained" in call_command_out("audit_verify", "--after-restore")
    assert "Chained 1 audit entries." in call_command_out("audit_seal")


def call_command_out(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_failed_sealing_after_the_commit_leaves_the_write_done_for_the_job(
    world, django_capture_on_commit_callbacks
):
    audit_seal()
    with (
        mock.patch.object(services, "audit_seal", side_effect=DatabaseError("lock timeout")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        unit_update(actor=world.users["committee_staff"], unit=world.own, employees=10)
    assert Unit.objects.get(pk=world.own.pk).employees == 10
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1
    assert audit_seal().sealed == 1  # the job's next run


def test_many_entries_are_chained_in_short_batches_in_order(world, monkeypatch):
    monkeypatch.setattr(services, "SEAL_BATCH", 3)
    audit_seal()
    head = AuditChainHead.objects.get(pk=1).last_seq
    for employees in range(1, 8):
        unit_update(actor=None, unit=world.own, employees=employees)
    assert audit_seal().sealed == 7
    entries = AuditEntry.objects.filter(seq__gt=head).order_by("seq")
    assert [e.changes["employees"][1] for e in entries] == [1, 2, 3, 4, 5, 6, 7]
    assert audit_chain_first_break() is None


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    unit = UnitFactory()
    with pytest.raises(transaction.TransactionManagementError):
        audit_record(actor=None, action="unit.touch", target=unit)


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
def test_the_sealer_job_chains_what_a_crash_left_and_keeps_one_successor_waiting(settings):
    settings.AUDIT_SEAL_EVERY = 60
    # A write whose process stopped between its commit and its sealing.
    with mock.patch.object(services, "_seal_on_commit"):
        UnitFactory()
    assert AuditEntry.objects.filter(seq__isnull=True).exists()
    assert "enqueued" in call_command_out("audit_seal", "--schedule")
    assert "already waiting" in call_command_out("audit_seal", "--schedule")
    run_worker()
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_chain_first_break() is None
    (successor,) = DBTaskResult.objects.filter(
        task_path=tasks.audit_seal_job.module_path, status=TaskResultStatus.READY
    )
    assert successor.run_after > timezone.now() + dt.timedelta(seconds=30)


@pytest.mark.django_db(transaction=True)
def test_a_long_audited_transaction_does_not_hold_other_audited_writes(world):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks are exercised on PostgreSQL; SQLite serializes writers")
    staff = world.users["committee_staff"]
    importing, release = threading.Event(), threading.Event()
    done: dict[str, object] = {}

    def long_import() -> None:
        try:
            with transaction.atomic():
                unit_update(actor=staff, unit=Unit.objects.get(pk=world.own.pk), employees=1)
                importing.set()
                assert release.wait(timeout=20)  # the import goes on for a while
                unit_update(actor=staff, unit=Unit.objects.get(pk=world.own.pk), employees=2)
            done["import"] = "committed"
        except Exception as exc:  # pragma: no cover - reported by the assertions
            done["import"] = exc
        finally:
            connections.close_all()

    def other_write() -> None:
        try:
            with connection.cursor() as cursor:
                # Without waiting for the import's transaction: fail fast if it blocks,
                # the write and its sealing after the commit alike.
                cursor.execute("SET lock_timeout = '3s'")
            with transaction.atomic():
                unit_update(actor=staff, unit=Unit.objects.get(pk=world.child.pk), employees=7)
            done["other"] = "committed"
        except Exception as exc:  # pragma: no cover
            done["other"] = exc
        finally:
            connections.close_all()

    importer = threading.Thread(target=long_import)
    importer.start()
    assert importing.wait(timeout=20)
    writer = threading.Thread(target=other_write)
    writer.start()
    writer.join(timeout=20)
    assert done.get("other") == "committed"  # while the import's transaction is open
    # ... and already chained, ahead of the import's entries written before it.
    child = AuditEntry.objects.filter(target_id=str(world.child.pk)).latest("pk")
    assert child.seq is not None
    release.set()
    importer.join(timeout=20)
    assert done.get("import") == "committed"
    last = list(AuditEntry.objects.filter(seq__isnull=False).order_by("-seq")[:3])
    assert [e.target_id for e in reversed(last)] == [
        str(world.child.pk),
        str(world.own.pk),
        str(world.own.pk),
    ]
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_chain_first_break() is None


@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_chain_each_entry_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sealers need PostgreSQL's row locks")
    with mock.patch.object(services, "_seal_on_commit"):
        for employees in range(1, 41):
            with transaction.atomic():
                unit_update(actor=None, unit=Unit.objects.get(pk=world.own.pk), employees=employees)
    barrier = threading.Barrier(2)
    sealed: list[int] = []

    def seal() -> None:
        try:
            barrier.wait(timeout=10)
            sealed.append(audit_seal().sealed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(sealed) == 40
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_chain_first_break() is None
