"""Background jobs (django-tasks, run by ``manage.py db_worker``): the hourly reminder
scan and the delivery of each reminder.

The scan keeps itself going: when it has run it enqueues the next one for the next full
hour, unless a scan is already waiting. ``manage.py schedule_reminders`` starts the chain
the same way, so running it again changes nothing. The rules live in :mod:`.reminders`.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import reminders

#: PostgreSQL advisory lock taken while deciding whether to enqueue a scan, so that two
#: scans finishing at once do not both enqueue a successor. (SQLite's transactions here
#: start with BEGIN IMMEDIATE, which already serializes them.)
SCAN_LOCK = 0x70616365  # "pace"


@task()
def reminders_scan(today: str | None = None) -> dict[str, int]:
    """Write the reminders due on ``today`` (ISO date; default: the local date), enqueue
    the delivery of every unsent one, and schedule the next scan."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    try:
        with transaction.atomic():
            waiting = reminders.scan(day)
            for reminder_id in waiting:
                reminder_deliver.enqueue(reminder_id, today=day.isoformat())
    finally:
        # Even after a failure: one bad scan must not stop the hourly chain.
        scan_schedule(run_after=next_hour())
    return {"queued": len(waiting)}


@task()
def reminder_deliver(reminder_id: int, today: str | None = None) -> str:
    """Send one reminder (exactly once, see :func:`reminders.deliver`)."""
    return reminders.deliver(reminder_id, dt.date.fromisoformat(today) if today else None)


def next_hour(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def scan_waiting() -> bool:
    """Whether a scan is enqueued and not started yet.

    A running scan does not count: it schedules its successor itself when it ends (and
    must not find itself), and one whose worker died stays RUNNING forever without
    scheduling any, so ``schedule_reminders`` (after a deploy that killed the worker) and
    the successor logic start a new scan whatever is RUNNING. A scan running twice does
    no harm: the rows are unique and each mail is claimed once."""
    return DBTaskResult.objects.filter(
        task_path=reminders_scan.module_path, status=TaskResultStatus.READY
    ).exists()


def scan_schedule(*, run_after: dt.datetime | None = None) -> bool:
    """Enqueue a scan (to run at ``run_after``, or as soon as a worker is free) unless one
    is already waiting; returns whether one was enqueued."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
        if scan_waiting():
            return False
        job = reminders_scan.using(run_after=run_after) if run_after else reminders_scan
        job.enqueue()
        return True
