"""The importers a background job can run, registered by the apps that own them (in their
``AppConfig.ready``).

An importer takes the uploader, the job's parameters and the uploaded file (a Django
``File`` named as uploaded), checks the uploader's permissions again (they may have
changed since the upload), and returns a result dataclass (the kit's
:class:`~pacesetter.core.spreadsheets.ImportResult` or one that adds counts) or raises
:class:`~pacesetter.core.spreadsheets.ImportFailed` (or ``ValidationError`` for a file it
cannot use, ``PermissionDenied`` / ``Http404`` when the uploader may no longer import).
The same importer runs during the request for a small file. ``result_template`` shows
its counts on the job's page (``result`` is then the counts as a dict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pacesetter.core.spreadsheets import open_workbook

Importer = Callable[[Any, dict[str, Any], Any], Any]


@dataclass(frozen=True)
class Entry:
    run: Importer
    result_template: str = "core/import_counts.html"


_entries: dict[str, Entry] = {}


def register(kind: str, run: Importer, *, result_template: str | None = None) -> None:
    _entries[kind] = Entry(run, result_template or Entry.result_template)


def entry(kind: str) -> Entry:
    try:
        return _entries[kind]
    except KeyError:
        raise LookupError(f"No importer is registered as {kind!r}.") from None


def run(kind: str, actor: Any, params: dict[str, Any], file: Any) -> Any:
    return entry(kind).run(actor, params, file)


def with_workbook(importer: Callable[[Any, dict[str, Any], Any], Any]) -> Importer:
    """An importer of an opened .xlsx workbook as one of an uploaded file."""

    def run(actor: Any, params: dict[str, Any], file: Any) -> Any:
        workbook = open_workbook(file)
        try:
            return importer(actor, params, workbook)
        finally:
            workbook.close()

    return run
