"""The job worker (``manage.py db_worker``) as a process of its own over the test database,
to be killed where a test wants it (core/tests/test_worker_faults.py).

    worker = WorkerProcess(stop_at=StopAt("pacesetter.workplans.reminders.scan", after=True))
    worker.wait_stopped()   # it has run the scan and now waits, in the job's transaction
    worker.kill()           # SIGKILL, as the out-of-memory killer or a power cut would

A stop point replaces a module's function (looked up by name when called, as the
project's modules call each other) with one that, on its ``call``-th call, writes a file
and then waits for ever — before calling the real function or after it returned. The
test waits for the file: no sleeping and hoping the worker got there. Run as
``python -m pacesetter.testing.worker``, the process sets the test's clock (the tests
run at ``testing.clock.TEST_NOW``, not the wall clock) and the settings the test gives
(``overrides``: the mail server, say), then runs ``db_worker``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

#: How long a worker may take to reach its stop point, or to finish its jobs.
WAIT_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class StopAt:
    #: ``package.module.function``
    target: str
    #: Stop on this call of it (1: the first).
    call: int = 1
    #: Stop after the call returned (still inside the caller's transaction, if any),
    #: rather than before it.
    after: bool = False


def database_url(settings_dict: dict[str, Any]) -> str:
    """The test database (committed data only: a transactional test's) as a URL for the
    worker: a SQLite file, or the database on the suite's PostgreSQL server over TCP."""
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        return (
            f"postgres://{settings_dict['USER']}@127.0.0.1:{settings_dict['PORT']}/"
            f"{settings_dict['NAME']}"
        )
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:memorydb"):
        raise ValueError("a worker process needs a SQLite file database")
    return f"sqlite:///{name}"


class WorkerProcess:
    """``db_worker`` in a subprocess over the test database, with its output kept."""

    def __init__(
        self,
        tmp_path: Path,
        settings_dict: dict[str, Any],
        now: dt.datetime,
        *,
        stop_at: StopAt | None = None,
        batch: bool = True,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        from django.conf import settings

        self.stopped_file = tmp_path / f"stopped-{time.monotonic_ns()}"
        self.log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("w+")
        args = ["db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2", "-v1"]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
            "DATABASE_URL": database_url(settings_dict),
            "PACESETTER_WORKER_NOW": now.isoformat(),
            "PACESETTER_WORKER_STOP": json.dumps(dataclasses.asdict(stop_at) if stop_at else None),
            "PACESETTER_WORKER_STOPPED_FILE": str(self.stopped_file),
            "PACESETTER_WORKER_SETTINGS": json.dumps(overrides or {}),
        }
        environment.pop("PACESETTER_TEST_DB", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pacesetter.testing.worker", *args, *(["--batch"] * batch)],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def wait_stopped(self) -> None:
        """Until the worker has reached its stop point (fails if it ended instead)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.stopped_file.exists():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the worker never reached its stop point"
            time.sleep(0.05)

    def wait(self) -> None:
        """Until the worker (``--batch``) has run every job due and exited."""
        try:
            code = self.process.wait(WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the worker did not finish:\n" + self.output()) from None
        assert code == 0, self.output()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(WAIT_SECONDS)

    def close(self) -> None:
        self.kill()
        self.log.close()


def _install(stop: StopAt, stopped_file: str) -> None:
    module_name, _, name = stop.target.rpartition(".")
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    calls = 0

    def halt() -> None:
        Path(stopped_file).write_text(str(os.getpid()))
        threading.Event().wait()  # until killed

    @functools.wraps(real)
    def stopping(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == stop.call and not stop.after:
            halt()
        result = real(*args, **kwargs)
        if calls == stop.call and stop.after:
            halt()
        return result

    setattr(module, name, stopping)


def main(argv: list[str]) -> None:
    import django
    import time_machine
    from django.core.management import call_command

    now = os.environ.get("PACESETTER_WORKER_NOW")
    if now:
        time_machine.travel(dt.datetime.fromisoformat(now), tick=True).start()
    django.setup()
    from django.conf import settings

    for name, value in json.loads(os.environ.get("PACESETTER_WORKER_SETTINGS") or "{}").items():
        setattr(settings, name, value)
    stop = json.loads(os.environ.get("PACESETTER_WORKER_STOP") or "null")
    if stop:
        _install(StopAt(**stop), os.environ["PACESETTER_WORKER_STOPPED_FILE"])
    call_command(*argv)


if __name__ == "__main__":
    main(sys.argv[1:])
