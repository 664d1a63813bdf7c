import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from pacesetter.audit.models import AuditEntry
from pacesetter.audit.selectors import audit_chain_first_break, audit_entries_for
from pacesetter.audit.services import audit_record, audit_seal
from pacesetter.units.services import unit_update
from pacesetter.units.tests.factories import UnitFactory


def test_every_service_write_leaves_an_entry_the_sealer_chains(world):
    staff = world.users["committee_staff"]
    audit_seal()
    unit_update(actor=staff, unit=world.own, employees=120, address="1 Lam Son Street")
    entry = audit_entries_for(world.own).first()
    assert entry.action == "unit.update"
    assert entry.actor == staff
    assert entry.changes == {"employees": [None, 120], "address": ["", "1 Lam Son Street"]}
    assert entry.seq is None and entry.insert_mac  # written with its seal, not chained
    assert audit_seal().sealed == 1
    entry.refresh_from_db()
    assert entry.seq is not None
    previous = AuditEntry.objects.get(seq=entry.seq - 1)
    assert entry.prev_hash == previous.entry_hash
    assert audit_chain_first_break() is None


def test_audit_verify_reports_the_first_tampered_row(world, capsys):
    audit_seal()
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out
    victim = AuditEntry.objects.order_by("seq")[3]
    AuditEntry.objects.filter(pk=victim.pk).update(changes={"name": ["a", "forged"]})
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


def test_deleting_the_last_entries_is_caught(world):
    audit_seal()
    last = AuditEntry.objects.order_by("-seq").first()
    AuditEntry.objects.filter(pk=last.pk).delete()
    broken = audit_chain_first_break()
    assert broken is not None and broken.seq == last.seq


def test_a_failed_service_leaves_no_entry(world):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):
        unit_update(
            actor=None,
            unit=world.own,
            active_from=dt.date(2024, 5, 1),
            active_to=dt.date(2024, 1, 1),
        )
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    unit = UnitFactory()
    with pytest.raises(transaction.TransactionManagementError):
        audit_record(actor=None, action="unit.touch", target=unit)


LEGACY_ENTRIES = """
from datetime import UTC, datetime
from django.db import connection
from pacesetter.audit.chain import GENESIS_HASH, entry_digest
prev = GENESIS_HASH
with connection.cursor() as cursor:
    for seq in (1, 2, 3):
        fields = dict(seq=seq, created_at=datetime(2026, 1, seq, 8, 0, 0, 123456, tzinfo=UTC),
                      actor_id=None, actor_repr="", action="unit.update",
                      target_type="units.unit", target_id="1", target_repr="Unit",
                      changes={"employees": [seq, seq + 1]})
        digest = entry_digest(prev_hash=prev, **fields)
        cursor.execute(
            "INSERT INTO audit_auditentry (seq, created_at, actor_repr, action, target_type,"
            " target_id, target_repr, changes, prev_hash, entry_hash)"
            " VALUES (%s, %s, '', 'unit.update', 'units.unit', '1', 'Unit', %s, %s, %s)",
            [seq, fields["created_at"], '{"employees": [%d, %d]}' % (seq, seq + 1), prev, digest],
        )
        prev = digest
    cursor.execute("UPDATE audit_auditchainhead SET last_seq = 3, last_hash = %s", [prev])
"""

KEYED_ENTRY = """
from django.db import transaction
from pacesetter.audit.models import AuditEntry
from pacesetter.audit.services import audit_record, audit_seal
with transaction.atomic():
    entry = audit_record(actor=None, action="audit.test", target=AuditEntry.objects.first())
print(sorted(AuditEntry.objects.values_list("seq", "version", "key_id")))
"""


def test_entries_from_before_the_key_stay_unkeyed_and_the_chain_goes_on_keyed(tmp_path):
    """The migration to keyed hashes, on a database holding unkeyed entries (SQLite, in
    a process of its own: the suite runs without migrations)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}",
    }
    env.pop("PACESETTER_TEST_DB", None)

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0", "audit", "0002")
    manage("shell", "-c", LEGACY_ENTRIES)
    manage("migrate", "--noinput", "-v0", "audit")
    assert "3 entries verified" in manage("audit_verify")
    printed = manage("shell", "-c", KEYED_ENTRY)
    assert "[(1, 1, ''), (2, 1, ''), (3, 1, ''), (4, 2, 'test')]" in printed
    assert "4 entries verified" in manage("audit_verify")
