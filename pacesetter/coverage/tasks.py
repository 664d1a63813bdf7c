"""Background jobs (django-tasks, run by ``manage.py db_worker``): the daily deadline
scan (which first rebuilds the day's open blind spots) and the mail of each deadline's
stage (the rules live in :mod:`.deadlines`).

The scan keeps itself going like work plans' reminder scan: when it has run it enqueues
the next one for the next day at :data:`SCAN_HOUR` (local time), unless one is waiting.
``manage.py schedule_deadline_scan`` starts the chain; running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import deadlines
from .blind_spots import open_blind_spots_rebuild

#: PostgreSQL advisory lock taken while deciding whether to enqueue a scan.
SCAN_LOCK = 0x636F7665  # "cove"
#: The local hour the daily scan runs at.
SCAN_HOUR = 7


@task()
def deadlines_scan(today: str | None = None) -> dict[str, int]:
    """Find the deadlines to remind and escalate on ``today`` (ISO date; default: the
    local date), enqueue each mail, and schedule the next scan."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    try:
        # The day's open blind spots first: the default view of the blind-spot list reads
        # them (until this has run on a new day, the list is computed).
        stored = open_blind_spots_rebuild(day)
        with transaction.atomic():
            waiting = deadlines.scan(day)
            for deadline_id, stage in waiting:
                deadline_notify.enqueue(deadline_id, stage, today=day.isoformat())
    finally:
        scan_schedule(run_after=next_run())
    return {"queued": len(waiting), "blind_spots": stored}


@task()
def deadline_notify(deadline_id: int, stage: str, today: str | None = None) -> str:
    """Mail one stage of one deadline (at most once, see :func:`deadlines.notify`)."""
    return deadlines.notify(deadline_id, stage, dt.date.fromisoformat(today) if today else None)


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """Tomorrow at :data:`SCAN_HOUR`, local time."""
    local = timezone.localtime(now or timezone.now())
    tomorrow = local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(SCAN_HOUR)))


def scan_waiting() -> bool:
    """Whether a scan is enqueued and not started yet (a running one schedules its
    successor itself)."""
    return DBTaskResult.objects.filter(
        task_path=deadlines_scan.module_path, status=TaskResultStatus.READY
    ).exists()


def scan_schedule(*, run_after: dt.datetime | None = None) -> bool:
    """Enqueue a scan (at ``run_after``, or as soon as a worker is free) unless one is
    waiting; returns whether one was enqueued."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
        if scan_waiting():
            return False
        job = deadlines_scan.using(run_after=run_after) if run_after else deadlines_scan
        job.enqueue()
        return True
