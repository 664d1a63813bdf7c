from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files import File
from django.db import transaction

from pacesetter.audit.services import audited_create, audited_update
from pacesetter.core.files import check_upload
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
    """Record a decision; the file, if any, is checked for size and type first (codes
    ``file_too_large``, ``file_type`` on ``file``)."""
    if file is not None:
        check_upload(file)
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
    return audited_create(
        actor=actor, instance=decision, action="decision.create", fields=DECISION_FIELDS
    )


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, **fields: Any) -> Decision:
    """Change the fields given; a new file is checked as :func:`decision_create` does."""
    if fields.get("file"):
        check_upload(fields["file"])
    return audited_update(
        actor=actor,
        instance=decision,
        action="decision.update",
        changes=fields,
        allowed=("number", "date", "issuer", "title", "signer_title", "file"),
        fields=DECISION_FIELDS,
    )
