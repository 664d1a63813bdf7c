"""The import of an existing list of practices as the background job runs it
(``pacesetter.imports``); a small file runs the same importer during the request."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from pacesetter.imports import registry
from pacesetter.units.models import Unit

from . import excel

PRACTICES = "practices.library"


def import_practices(
    actor: Any, params: dict[str, Any], workbook: Any
) -> excel.PracticeImportResult:
    """The owner unit is checked again by :func:`excel.import_practices`."""
    try:
        owner_unit = Unit.objects.get(pk=params["owner_unit"])
    except Unit.DoesNotExist as exc:
        raise Http404 from exc
    return excel.import_practices(actor=actor, owner_unit=owner_unit, workbook=workbook)


def register() -> None:
    registry.register(
        PRACTICES,
        registry.with_workbook(import_practices),
        result_template="practices/import/counts.html",
    )
