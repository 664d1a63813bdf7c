from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files import File
from django.db import transaction

from pacesetter.audit.services import audit_record, diff, snapshot
from pacesetter.units.models import Unit

from .models import Decision

DECISION_FIELDS = ("number", "date", "issuer", "title", "signer_title", "file", "owner_unit")


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    owner_unit: Unit,
    number: str,
    date: date,
    issuer: str,
    title: str = "",
    signer_title: str = "",
    file: File | None = None,
) -> Decision:
    """Record a decision; the file, if any, is checked for size and type first."""
    decision = Decision(
        owner_unit=owner_unit,
        number=number,
        date=date,
        issuer=issuer,
        title=title,
        signer_title=signer_title,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if file is not None:
        decision.file = file
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="decision.create",
        target=decision,
        changes=diff({}, snapshot(decision, DECISION_FIELDS)),
    )
    return decision


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, **fields: Any) -> Decision:
    allowed = {"number", "date", "issuer", "title", "signer_title", "file"}
    if set(fields) - allowed:
        raise TypeError(f"Unknown fields: {set(fields) - allowed}")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    before = snapshot(decision, DECISION_FIELDS)
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.full_clean()
    decision.save()
    changes = diff(before, snapshot(decision, DECISION_FIELDS))
    if changes:
        audit_record(actor=actor, action="decision.update", target=decision, changes=changes)
    return decision
