"""The register import as the background job runs it (``pacesetter.imports``): .xlsx
or .csv, with the date its changes take effect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pacesetter.imports import registry

from . import importing

REGISTER = "coverage.register"


def import_register(actor: Any, params: dict[str, Any], upload: Any) -> Any:
    """The keeper's towns are checked again by :func:`importing.import_register`."""
    return importing.import_register(
        actor=actor, upload=upload, on=dt.date.fromisoformat(params["on"])
    )


def register() -> None:
    registry.register(REGISTER, import_register, result_template="coverage/import_counts.html")
