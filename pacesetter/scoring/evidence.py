"""Evidence files attached to a score item by its unit."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record
from pacesetter.campaigns.models import ReviewPointState
from pacesetter.core.files import validate_upload

from .models import Evidence, ScoreEvent, ScoreItem
from .services import UNIT_EDITABLE


def evidence_add(*, actor: Any, item: ScoreItem, file: File) -> Evidence:
    """Attach a file to an item the unit may still change (draft or returned, review
    point open). The file passes the upload limits; the row, a ``ScoreEvent`` and the
    audit entry are written together, and the stored file is removed if they are not."""
    try:
        validate_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    evidence: Evidence | None = None
    try:
        with transaction.atomic():
            current = (
                ScoreItem.objects.select_for_update().select_related("review_point").get(pk=item.pk)
            )
            if current.review_point.state != ReviewPointState.OPEN:
                raise ValidationError(_("This review point is not open for scoring."))
            if current.state not in UNIT_EDITABLE:
                raise ValidationError(
                    _("Evidence can be added while the item is a draft or has been returned.")
                )
            name = PurePath(file.name or "file").name
            content_type = getattr(file, "content_type", None) or (
                mimetypes.guess_type(name)[0] or ""
            )
            evidence = Evidence(
                item=current,
                file=file,
                name=name[:255],
                size=file.size or 0,
                content_type=content_type[:100],
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            evidence.save()
            ScoreEvent.objects.create(
                item=current,
                action="evidence",
                from_state=current.state,
                to_state=current.state,
                note=evidence.name,
                actor=evidence.uploaded_by,
            )
            audit_record(
                actor=actor,
                action="score.evidence_add",
                target=current,
                changes={"evidence": [None, evidence.name]},
            )
    except Exception:
        # The row was rolled back; do not leave its file behind.
        if evidence is not None and evidence.file:
            evidence.file.delete(save=False)
        raise
    return evidence
