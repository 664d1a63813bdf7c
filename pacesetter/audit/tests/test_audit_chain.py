import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from pacesetter.audit.models import AuditEntry
from pacesetter.audit.selectors import audit_chain_first_break, audit_entries_for
from pacesetter.audit.services import audit_record
from pacesetter.units.services import unit_update
from pacesetter.units.tests.factories import UnitFactory


def test_every_service_write_leaves_a_chained_entry(world):
    staff = world.users["committee_staff"]
    unit_update(actor=staff, unit=world.own, employees=120, address="1 Lam Son Street")
    entry = audit_entries_for(world.own).first()
    assert entry.action == "unit.update"
    assert entry.actor == staff
    assert entry.changes == {"employees": [None, 120], "address": ["", "1 Lam Son Street"]}
    previous = AuditEntry.objects.get(seq=entry.seq - 1)
    assert entry.prev_hash == previous.entry_hash
    assert audit_chain_first_break() is None


def test_audit_verify_reports_the_first_tampered_row(world, capsys):
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out
    victim = AuditEntry.objects.order_by("seq")[3]
    AuditEntry.objects.filter(pk=victim.pk).update(changes={"name": ["a", "forged"]})
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


def test_deleting_the_last_entries_is_caught(world):
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
