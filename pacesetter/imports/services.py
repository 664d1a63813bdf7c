"""Background imports: decide, store, enqueue, run (docs/architecture.md, "Background
imports").

A view that has a valid upload asks :func:`runs_in_background`; when the workbook is
large, :func:`job_create` stores the file and enqueues :func:`~.tasks.import_run` in one
transaction, and the uploader is sent to the job's page. The worker's
:func:`job_run` claims the job (one conditional UPDATE: a second worker, or a second run
of the same task, does nothing), opens the stored file, runs the registered importer in
the uploader's language with progress reported on the row, and records the counts or
the errors. The importer's writes are all or nothing as during a request
(:func:`~pacesetter.core.spreadsheets.run_atomically`). The stored file is removed when
the job ends, whatever the outcome.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pacesetter.core import spreadsheets
from pacesetter.core.files import upload_stored
from pacesetter.notifications import kinds as notice
from pacesetter.notifications.services import notify

from . import registry
from .models import ImportJob, JobState

logger = logging.getLogger(__name__)


def declared_rows(upload: Any) -> list[int]:
    """The rows each sheet of an .xlsx upload declares (its dimension; 0 where none is
    given); nothing for another file, or one that does not open (the importer says why)."""
    if PurePath(getattr(upload, "name", "") or "").suffix.lower() != ".xlsx":
        return []
    try:
        workbook = spreadsheets.open_workbook(upload)
    except ValidationError:
        return []
    try:
        return [getattr(sheet, "max_row", None) or 0 for sheet in workbook.worksheets]
    finally:
        workbook.close()
        upload.seek(0)


def runs_in_background(upload: Any) -> bool:
    """Whether an upload is large enough to be imported by the job worker: more rows
    declared than ``IMPORT_BACKGROUND_ROWS``, or a file over ``IMPORT_BACKGROUND_BYTES``
    (a workbook may declare no size; a CSV file declares none). A sheet declaring more
    rows than an import reads at all is not: the request refuses it at once, before
    reading a row."""
    size = getattr(upload, "size", 0) or 0
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if size > settings.SPREADSHEET_MAX_BYTES or suffix not in (".xlsx", ".csv"):
        return False  # refused by the importer during the request, nothing stored
    rows = declared_rows(upload)
    if any(n > settings.SPREADSHEET_MAX_ROWS for n in rows):
        return False
    return sum(rows) > settings.IMPORT_BACKGROUND_ROWS or size > settings.IMPORT_BACKGROUND_BYTES


def job_create(
    *,
    actor: Any,
    kind: str,
    params: dict[str, Any],
    title: str,
    back_url: str,
    upload: File,
) -> ImportJob:
    """Store the upload as a waiting job of ``kind`` and enqueue it, in one transaction."""
    from .tasks import import_run

    registry.entry(kind)  # an unknown kind is a programming error: fail now, not later
    jobs_sweep()
    job = ImportJob(
        kind=kind,
        params=params,
        title=title[:300],
        back_url=back_url[:500],
        actor=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        filename=(upload.name or "import.xlsx")[-255:],
        size=getattr(upload, "size", 0) or 0,
        rows_declared=sum(declared_rows(upload)),
        created_at=timezone.now(),
    )
    if hasattr(upload, "seek"):
        upload.seek(0)
    with transaction.atomic(), upload_stored(job, "upload", upload):
        job.save()
        import_run.enqueue(job.pk)
    return job


def import_or_enqueue(
    request: Any, *, kind: str, params: dict[str, Any], title: str, upload: File
) -> tuple[ImportJob | None, Any]:
    """What an import page does with a valid upload: ``(job, None)`` when it is large
    (stored and enqueued; send the uploader to the job's page), else ``(None, result)``
    of the importer run now. Raises what the importer raises, and StorageFullError."""
    if runs_in_background(upload):
        job = job_create(
            actor=request.user,
            kind=kind,
            params=params,
            title=title,
            back_url=request.get_full_path(),
            upload=upload,
        )
        return job, None
    return None, registry.run(kind, request.user, params, upload)


def _progress(job_id: int) -> spreadsheets.Progress:
    def report(phase: str, rows: int, declared: int) -> None:
        # Best effort: a busy or lost database must not fail the import (nor be taken
        # for a damaged file by read_sheet).
        try:
            if phase == spreadsheets.SAVING:
                ImportJob.objects.filter(pk=job_id).update(state=JobState.SAVING)
            else:
                ImportJob.objects.filter(pk=job_id).update(rows_read=rows)
        except DatabaseError:
            logger.warning("Background import %s: progress not recorded", job_id, exc_info=True)

    return report


def _finish(job: ImportJob, state: str, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.state = state
    job.finished_at = timezone.now()
    stored = job.upload.name or ""
    job.upload.name = ""
    with transaction.atomic():
        job.save()
        notify(
            [job.actor_id],
            notice.IMPORT_SUCCEEDED if state == JobState.SUCCEEDED else notice.IMPORT_FAILED,
            {"title": job.title, "saved": job.result.get("saved", 0)},
            ("imports:detail", [job.pk]),
        )
    if stored:
        job.upload.storage.delete(stored)


def job_run(job_id: int, *, retry: bool = False) -> str:
    """Run a waiting job once; returns its final state (or "skipped" when it was not
    waiting: already taken by another worker, or gone).

    ``retry``: the job's task runs again because its worker died while running it
    (``core.workers.recover``); the job may then be left reading or saving, and nothing of
    it was saved (one transaction), so it is taken again and imported from the start."""
    # A job its page already reports stalled ("upload again") is never started late.
    now = timezone.now()
    unfinished = (JobState.WAITING, JobState.READING, JobState.SAVING)
    claimed = ImportJob.objects.filter(
        pk=job_id,
        state__in=unfinished if retry else (JobState.WAITING,),
        created_at__gte=now - dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT),
    ).update(state=JobState.READING, started_at=now, rows_read=0)
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    with translation.override(job.language):
        try:
            result = _run(job)
        except spreadsheets.ImportFailed as exc:
            _finish(job, JobState.FAILED, errors=exc.messages)
        except ValidationError as exc:  # the stored file no longer opens as a workbook
            _finish(job, JobState.FAILED, errors=list(exc.messages))
        except (PermissionDenied, Http404):
            _finish(
                job,
                JobState.FAILED,
                errors=[_("You may no longer import here; nothing was saved.")],
            )
        except Exception:
            _finish(
                job,
                JobState.FAILED,
                errors=[
                    _(
                        "The import stopped on an unexpected error; nothing was saved. "
                        "The administrator can find it in the server log."
                    )
                ],
            )
            logger.exception("Background import %s (%s) failed", job.pk, job.kind)
        else:
            _finish(job, JobState.SUCCEEDED, result=dataclasses.asdict(result), errors=[])
    return str(job.state)


def _run(job: ImportJob) -> Any:
    try:
        handle = job.upload.open("rb")
    except FileNotFoundError as exc:
        raise spreadsheets.ImportFailed(
            [spreadsheets.CellError("", _("The uploaded file is no longer stored."))]
        ) from exc
    with handle, spreadsheets.reporting(_progress(job.pk)):
        return registry.run(job.kind, job.actor, job.params, File(handle, name=job.filename))


def jobs_sweep(now: dt.datetime | None = None) -> int:
    """Mark the stalled jobs failed and delete their stored files; returns how many.

    A job still waiting ``IMPORT_JOB_TIMEOUT`` seconds after its upload can no longer be
    claimed (:func:`job_run` refuses it), so it is swept at once; one left reading or
    saving (its worker was stopped) after twice that. Each is taken with one conditional
    UPDATE, so a worker finishing it meanwhile keeps its own outcome. Run after each job
    and before each new one (and by ``manage.py imports_sweep``)."""
    now = now or timezone.now()
    limit = dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT)
    old = ImportJob.objects.filter(
        Q(state=JobState.WAITING, created_at__lt=now - limit)
        | Q(state__in=(JobState.READING, JobState.SAVING), created_at__lt=now - 2 * limit)
    ).only("pk", "state", "language", "upload", "actor_id", "title")
    swept = 0
    for job in old:
        with translation.override(job.language):
            error = _(
                "No job worker finished this import in time; nothing was saved. "
                "Upload the file again."
            )
        with transaction.atomic():
            taken = ImportJob.objects.filter(pk=job.pk, state=job.state).update(
                state=JobState.FAILED, finished_at=now, errors=[error], upload=""
            )
            if taken:
                notify(
                    [job.actor_id],
                    notice.IMPORT_FAILED,
                    {"title": job.title},
                    ("imports:detail", [job.pk]),
                )
        if taken:
            swept += 1
            if job.upload.name:
                job.upload.storage.delete(job.upload.name)
    return swept


def stalled(job: ImportJob, now: dt.datetime | None = None) -> bool:
    """Whether an unfinished job has gone on longer than ``IMPORT_JOB_TIMEOUT`` seconds
    since its upload: no worker is running, or the one running it stopped. Its
    writes, all in one transaction, were not saved."""
    if job.finished:
        return False
    limit = dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT)
    return (now or timezone.now()) - job.created_at > limit
