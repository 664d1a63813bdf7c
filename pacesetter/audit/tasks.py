"""The audit chain's jobs (django-tasks, run by ``manage.py db_worker``): the hourly
anchor, and the sealer for the entries a crash left unchained (every
``AUDIT_SEAL_EVERY`` seconds).

Like the reminder scan, each job keeps itself going: when it has run it enqueues the
next one, unless one is already waiting. ``manage.py audit_anchor --schedule`` and
``manage.py audit_seal --schedule`` start them; running them again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

#: PostgreSQL advisory lock taken while deciding whether to enqueue the next anchor.
ANCHOR_LOCK = 0x61756469  # "audi"
#: The same for the next sealer run.
SEAL_LOCK = 0x7365616C  # "seal"


@task()
def audit_anchor_job() -> dict[str, int]:
    """Anchor the chain's head (:func:`~.services.audit_anchor_write`) and schedule the
    next anchor. A broken chain fails the job (and mails the auditors), the chain of jobs
    goes on."""
    from .services import audit_anchor_write

    try:
        anchor, _path, mails = audit_anchor_write()
    finally:
        anchor_schedule(run_after=next_hour())
    return {"seq": anchor.seq, "mails": mails}


def next_hour(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def anchor_schedule(*, run_after: dt.datetime | None = None) -> bool:
    """Enqueue an anchor job (at ``run_after``, or as soon as a worker is free) unless
    one is already waiting (a RUNNING one does not count: see workplans.tasks); returns
    whether one was enqueued."""
    return _schedule(audit_anchor_job, ANCHOR_LOCK, run_after)


@task()
def audit_seal_job() -> dict[str, int]:
    """Chain the committed entries still unchained (:func:`~.services.audit_seal`: those
    whose after-commit sealing did not run, the process having stopped in between), and
    schedule the next run. Rows the sealer refuses are logged; ``audit_verify`` reports
    them."""
    from .services import audit_seal

    try:
        result = audit_seal()
    finally:
        seal_schedule(run_after=timezone.now() + dt.timedelta(seconds=settings.AUDIT_SEAL_EVERY))
    for entry in result.refused:
        logger.error(
            "Audit entry %s (%s of %s) has no valid insert seal: not chained",
            entry.pk,
            entry.action,
            entry.created_at.isoformat(),
        )
    return {"sealed": result.sealed, "refused": len(result.refused)}


def seal_schedule(*, run_after: dt.datetime | None = None) -> bool:
    """Enqueue a sealer job (at ``run_after``, or as soon as a worker is free) unless one
    is already waiting; returns whether one was enqueued."""
    return _schedule(audit_seal_job, SEAL_LOCK, run_after)


def _schedule(job_task: Any, lock: int, run_after: dt.datetime | None) -> bool:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        if DBTaskResult.objects.filter(
            task_path=job_task.module_path, status=TaskResultStatus.READY
        ).exists():
            return False
        job = job_task.using(run_after=run_after) if run_after else job_task
        job.enqueue()
        return True
