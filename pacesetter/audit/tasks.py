"""The hourly audit anchor (django-tasks, run by ``manage.py db_worker``).

Like the reminder scan, the job keeps itself going: when it has run it enqueues the
next one for the next full hour, unless one is already waiting. ``manage.py
audit_anchor --schedule`` starts the chain; running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

#: PostgreSQL advisory lock taken while deciding whether to enqueue the next anchor.
ANCHOR_LOCK = 0x61756469  # "audi"


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
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ANCHOR_LOCK])
        if DBTaskResult.objects.filter(
            task_path=audit_anchor_job.module_path, status=TaskResultStatus.READY
        ).exists():
            return False
        job = audit_anchor_job.using(run_after=run_after) if run_after else audit_anchor_job
        job.enqueue()
        return True
