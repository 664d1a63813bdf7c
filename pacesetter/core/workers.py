"""The job worker's recovery from a dead worker (docs/security.md, "Faults").

django-tasks' database worker marks a job RUNNING when it takes it and FINISHED when it
ends. A worker killed in between (SIGKILL, the out-of-memory killer, a power cut) leaves
the job RUNNING for good: nobody runs it again, and a scan that was cut off schedules no
successor, so its chain of hourly or daily runs stops.

So each worker (``manage.py db_worker``, :mod:`pacesetter.core.management.commands.
db_worker`) holds a **liveness lock** for as long as its process lives, one the
operating system or the database server releases when the process dies:

- on PostgreSQL a session advisory lock keyed by the worker's id, on a connection of its
  own (:data:`LOCK_CLASS`, the crc32 of the id);
- on SQLite (one machine) an exclusive ``flock`` on a file named by the id in
  ``WORKER_LOCK_DIR``.

:func:`recover` (when a worker starts, and after each job it runs) takes every RUNNING
job whose last worker no longer holds its lock and puts it back in the queue (READY), at
most :data:`MAX_ATTEMPTS` runs in all; a job whose worker died that often is marked
failed, not run again (it may be what kills the worker). Every job of the project is
safe to run again after a partial run: its writes are one transaction, or each mail is
claimed once (:mod:`pacesetter.core.outbox`), or the import's job is taken again only
by a retry (``imports.tasks.import_run``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

#: The first key of the workers' advisory locks (the second is the crc32 of the id):
#: "wkrs", apart from the single-key locks of the scans.
LOCK_CLASS = 0x776B7273
#: Runs of one job, the first included, before a job whose worker keeps dying is failed.
MAX_ATTEMPTS = 3


def _lock_key(worker_id: str) -> tuple[int, int]:
    crc = zlib.crc32(worker_id.encode())
    return LOCK_CLASS, crc - 2**32 if crc >= 2**31 else crc


def _lock_path(worker_id: str) -> Path:
    name = hashlib.sha256(worker_id.encode()).hexdigest()[:32]
    return Path(settings.WORKER_LOCK_DIR) / f"{name}.lock"


@contextlib.contextmanager
def alive(worker_id: str, using: str = "default") -> Iterator[None]:
    """Hold ``worker_id``'s liveness lock while the block runs (the worker's life)."""
    if connections[using].vendor == "postgresql":
        # A connection of its own: the worker's closes between jobs (CONN_MAX_AGE).
        wrapper = connections.create_connection(using)
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s::int, %s::int)", _lock_key(worker_id))
            yield
        finally:
            wrapper.close()
        return
    import fcntl

    path = _lock_path(worker_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(path, "a")  # noqa: SIM115 (held for the block, closed below)
        fcntl.flock(handle, fcntl.LOCK_EX)
        # A checker may have removed the file between our open and our lock (it found it
        # unlocked): then lock the one now at the path.
        if path.exists() and os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        handle.close()


def is_alive(worker_id: str, using: str = "default") -> bool:
    """Whether the worker ``worker_id`` still holds its liveness lock."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s::int, %s::int)", _lock_key(worker_id))
            (free,) = cursor.fetchone()
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s::int, %s::int)", _lock_key(worker_id))
        return not free
    import fcntl

    path = _lock_path(worker_id)
    try:
        handle = open(path)  # noqa: SIM115 (closed by the with below)
    except OSError:
        return False  # never created, or removed: its worker is gone
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        path.unlink(missing_ok=True)  # its worker is gone
        return False


def recover(me: str | None = None, using: str = "default") -> list[str]:
    """Put the RUNNING jobs of dead workers back in the queue (or fail those whose
    workers died :data:`MAX_ATTEMPTS` times); returns their ids.

    Each job is taken with one conditional UPDATE (still RUNNING, same start), so two
    workers recovering at once take it once, and a job that ended meanwhile keeps its
    outcome."""
    recovered = []
    running = DBTaskResult.objects.using(using).filter(status=TaskResultStatus.RUNNING)
    for pk, worker_ids, started_at in running.values_list("pk", "worker_ids", "started_at"):
        last = worker_ids[-1] if worker_ids else None
        if last is None or last == me or is_alive(last, using):
            continue
        same = DBTaskResult.objects.using(using).filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        with transaction.atomic(using=using):
            if len(worker_ids) >= MAX_ATTEMPTS:
                taken = same.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path="pacesetter.core.workers.WorkerDied",
                    traceback=f"Its worker died {len(worker_ids)} times while running it.\n",
                )
            else:
                taken = same.update(status=TaskResultStatus.READY)
        if taken:
            recovered.append(str(pk))
            logger.warning(
                "Job %s: its worker %s died while running it; %s.",
                pk,
                last,
                "failed" if len(worker_ids) >= MAX_ATTEMPTS else "queued again",
            )
    return recovered
