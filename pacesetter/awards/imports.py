"""The past-awards import as the background job runs it (``pacesetter.imports``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from pacesetter.imports import registry
from pacesetter.units.models import Unit

from . import excel

GRANTS = "awards.grants"


def import_grants(actor: Any, params: dict[str, Any], workbook: Any) -> excel.GrantImportResult:
    """The owner unit is checked again by :func:`excel.import_grants` (manage)."""
    try:
        owner_unit = Unit.objects.get(pk=params["owner_unit"])
    except Unit.DoesNotExist as exc:
        raise Http404 from exc
    return excel.import_grants(actor=actor, owner_unit=owner_unit, workbook=workbook)


def register() -> None:
    registry.register(
        GRANTS, registry.with_workbook(import_grants), result_template="awards/import/counts.html"
    )
