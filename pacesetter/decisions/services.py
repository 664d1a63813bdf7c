from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.audit.services import audited_create, audited_update
from pacesetter.core.dates import check_not_after
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.translations import Text, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.units.models import Unit

from .models import Decision

#: Field names as services take them: a translatable field by its columns (``issuer_vi``)
#: or by its name (a text in the source language, or texts by language; see ``expand``).
DECISION_TRANSLATED = ("issuer", "title", "signer_title", "signed_for", "place")
DECISION_EDITABLE = (
    "number",
    "date",
    "source_language",
    *fields_of(*DECISION_TRANSLATED),
    "signer_name",
    "file",
)
DECISION_FIELDS = (*DECISION_EDITABLE, "owner_unit")


def _check_date(day: date) -> None:
    # A decision is recorded once it is signed: its date has come (date_in_future).
    check_not_after("date", day, _("A decision cannot be dated after today."))


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    owner_unit: Unit,
    number: str,
    date: date,
    issuer: str | Text | None = None,
    title: str | Text | None = None,
    signer_title: str | Text | None = None,
    signed_for: str | Text | None = None,
    place: str | Text | None = None,
    file: File | None = None,
    **attrs: Any,
) -> Decision:
    """Record a decision; the file, if any, is checked for size and type first (codes
    ``file_too_large``, ``file_type`` on ``file``), and removed from storage again if the
    row or its audit entry is not written. Its date is not after today
    (``date_in_future`` on ``date``). ``issuer``, ``title``, ``signer_title``,
    ``signed_for`` and ``place`` are texts in ``source_language`` (English unless given)
    or texts by language, or given as their columns (``issuer_vi=``); ``signer_name`` is
    one text."""
    _check_date(date)
    attrs = expand(
        Decision,
        {
            "issuer": issuer,
            "title": title,
            "signer_title": signer_title,
            "signed_for": signed_for,
            "place": place,
            **attrs,
        },
        source=attrs.get("source_language") or "en",
    )
    unknown = set(attrs) - set(DECISION_EDITABLE)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    decision = Decision(
        owner_unit=owner_unit,
        number=number,
        date=date,
        created_by=actor if getattr(actor, "pk", None) else None,
        **attrs,
    )
    if file is None:
        return _create(actor, decision)
    check_upload(file)
    with upload_stored(decision, "file", file):
        return _create(actor, decision)


def _create(actor: Any, decision: Decision) -> Decision:
    return audited_create(
        actor=actor, instance=decision, action="decision.create", fields=DECISION_FIELDS
    )


@transaction.atomic
def decision_update(
    *, actor: Any, decision: Decision, version: int | None = None, **fields: Any
) -> Decision:
    """Change the fields given; a new file is checked and stored as
    :func:`decision_create` does (filed under the decision's year after the change).
    A false ``file`` clears it; a new date is not after today (``date_in_future``).
    A translatable field given by name merges its languages (one left out is kept). A
    ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    fields["version"] = next_version(decision, version)
    fields = expand(
        Decision, fields, source=fields.get("source_language") or decision.source_language
    )
    if fields.get("date") is not None:
        _check_date(fields["date"])
    file = fields.get("file")
    if not file:
        return _update(actor, decision, fields)
    check_upload(file)
    # Only its upload path reads the decision; the row itself is locked and changed by
    # audited_update.
    filed_as = Decision(date=fields.get("date") or decision.date)
    with upload_stored(filed_as, "file", file) as name:
        return _update(actor, decision, {**fields, "file": name})


def _update(actor: Any, decision: Decision, changes: dict[str, Any]) -> Decision:
    return audited_update(
        actor=actor,
        instance=decision,
        action="decision.update",
        changes=changes,
        allowed=(*DECISION_EDITABLE, "version"),
        fields=DECISION_FIELDS,
    )
