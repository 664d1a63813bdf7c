"""Long imports chain their audit entries when they end (``audit_deferred``), so they do
not hold every other audited write behind the chain's head for their whole run."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from pacesetter.audit.models import AuditChainHead, AuditEntry
from pacesetter.audit.selectors import audit_chain_first_break
from pacesetter.audit.services import audit_deferred, audit_record
from pacesetter.units.models import Unit
from pacesetter.units.services import unit_update


def test_entries_of_a_deferred_block_are_chained_when_it_ends_and_a_rolled_back_row_leaves_no_gap(
    world,
):
    staff = world.users["committee_staff"]
    head = AuditChainHead.objects.get(pk=1).last_seq
    with transaction.atomic(), audit_deferred():
        unit_update(actor=staff, unit=world.own, employees=10)
        with pytest.raises(Exception):  # a row of the import that fails: its savepoint goes
            unit_update(
                actor=staff,
                unit=world.child,
                active_from=datetime(2024, 5, 1, tzinfo=UTC).date(),
                active_to=datetime(2024, 1, 1, tzinfo=UTC).date(),
            )
        unit_update(actor=staff, unit=world.child, employees=12)
        pending = AuditEntry.objects.filter(seq__isnull=True)
        assert pending.count() == 2  # written, not chained yet
    entries = AuditEntry.objects.filter(seq__gt=head).order_by("seq")
    assert [(e.seq, e.target_id, e.changes["employees"][1]) for e in entries] == [
        (head + 1, str(world.own.pk), 10),
        (head + 2, str(world.child.pk), 12),
    ]
    assert audit_chain_first_break() is None


def test_nested_deferred_blocks_are_chained_by_the_outermost(world):
    with transaction.atomic(), audit_deferred():
        with audit_deferred():
            audit_record(actor=None, action="unit.touch", target=world.own)
        assert AuditEntry.objects.filter(seq__isnull=True).count() == 1
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_chain_first_break() is None


@pytest.mark.django_db(transaction=True)
def test_a_deferred_block_needs_a_transaction():
    with pytest.raises(transaction.TransactionManagementError), audit_deferred():
        pass


def test_an_unchained_row_put_in_by_other_means_is_reported(world):
    AuditEntry.objects.create(
        seq=None,
        entry_hash=None,
        created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        action="unit.update",
        target_type="units.unit",
        target_id=str(world.own.pk),
        changes={"employees": [1, 2]},
    )
    broken = audit_chain_first_break()
    assert broken is not None and "no place in the chain" in broken.reason
    assert "2026-12-01T09:00:00" in broken.reason


@pytest.mark.django_db(transaction=True)
def test_a_long_import_does_not_hold_other_audited_writes(world):
    if connection.vendor != "postgresql":
        pytest.skip("real row locks are exercised on PostgreSQL; SQLite serializes writers")
    staff = world.users["committee_staff"]
    importing, release = threading.Event(), threading.Event()
    done: dict[str, object] = {}

    def long_import() -> None:
        try:
            with transaction.atomic(), audit_deferred():
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
            with transaction.atomic():
                # Without waiting for the import's transaction: fail fast if it blocks.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
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
    release.set()
    importer.join(timeout=20)
    assert done.get("import") == "committed"
    last = list(AuditEntry.objects.order_by("-seq")[:3])
    assert [e.target_id for e in reversed(last)] == [
        str(world.child.pk),
        str(world.own.pk),
        str(world.own.pk),
    ]
    assert audit_chain_first_break() is None
