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

:func:`recover` (when a worker starts, and after a job at most every
:data:`RECOVER_EVERY` seconds) takes every RUNNING
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
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

#: The first key of the workers' advisory locks (the second is the crc32 of the id):
#: "wkrs", apart from the single-key locks of the scans.
LOCK_CLASS = 0x776B7273
#: Seconds between two recoveries by a busy worker (one runs after a job when this long
#: has passed since the last; a worker always recovers when it starts).
RECOVER_EVERY = 60
#: Runs of one job, the first included, before a job whose worker keeps dying is failed.
MAX_ATTEMPTS = 3


def _lock_key(worker_id: str) -> tuple[int, int]:
    crc = zlib.crc32(worker_id.encode())
    return LOCK_CLASS, crc - 2**32 if crc >= 2**31 else crc


def _lock_path(worker_id: str) -> Path:
    name = hashlib.sha256(worker_id.encode()).hexdigest()[:32]
    return Path(settings.WORKER_LOCK_DIR) / f"{name}.lock"


class Liveness:
    """A worker's liveness lock (see the module's docstring), held from :meth:`hold` to
    :meth:`release`."""

    def __init__(self, worker_id: str, using: str = "default") -> None:
        self.worker_id, self.using = worker_id, using
        self.postgres = connections[using].vendor == "postgresql"
        self.wrapper: Any = None
        self.handle: Any = None

    def hold(self) -> None:
        if self.postgres:
            # A connection of its own: the worker's closes between jobs (CONN_MAX_AGE).
            # Waits while another process holds the id (an earlier life of this worker
            # that the server has not seen end yet).
            self.wrapper = connections.create_connection(self.using)
            with self.wrapper.cursor() as cursor:
                key = _lock_key(self.worker_id)
                cursor.execute("SELECT pg_advisory_lock(%s::int, %s::int)", key)
            return
        import fcntl

        path = _lock_path(self.worker_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = open(path, "a")  # noqa: SIM115 (held until release)
            fcntl.flock(handle, fcntl.LOCK_EX)
            # A checker may have removed the file between our open and our lock (it
            # found it unlocked): then lock the one now at the path.
            if path.exists() and os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                self.handle = handle
                return
            handle.close()

    def ensure(self) -> None:
        """Hold the lock again if its connection was lost (a database restart ends the
        session, and its lock with it): called before each job."""
        if not self.postgres:
            return  # a file lock lasts as long as the process
        try:
            with self.wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.warning("Worker %s: liveness lock lost; holding it again.", self.worker_id)
            self.wrapper.close()
            self.hold()

    def release(self) -> None:
        if self.wrapper is not None:
            self.wrapper.close()
        if self.handle is not None:
            _lock_path(self.worker_id).unlink(missing_ok=True)
            self.handle.close()


@contextlib.contextmanager
def alive(worker_id: str, using: str = "default") -> Iterator[Liveness]:
    """Hold ``worker_id``'s liveness lock while the block runs (the worker's life)."""
    liveness = Liveness(worker_id, using)
    liveness.hold()
    try:
        yield liveness
    finally:
        liveness.release()


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
    workers died :data:`MAX_ATTEMPTS` times); returns their ids. ``me``: the id of the
    worker that recovers, between two of its jobs.

    Each job is taken with one conditional UPDATE (still RUNNING, same start), so two
    workers recovering at once take it once, and a job that ended meanwhile keeps its
    outcome."""
    recovered = []
    running = DBTaskResult.objects.using(using).filter(status=TaskResultStatus.RUNNING)
    for pk, worker_ids, started_at in running.values_list("pk", "worker_ids", "started_at"):
        last = worker_ids[-1] if worker_ids else None
        # A job last taken by ``me`` is not running: the worker recovers between its jobs.
        # It was left by an earlier life of a worker started with the same id.
        if last is None or (last != me and is_alive(last, using)):
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
