"""What the ``bench_*`` management commands share: a throw-away database per run, the
child process that builds and measures on it, timing, query plans and printing.

A benchmark never touches the configured database. For each ``--database`` the command
(the parent) opens :func:`throwaway_database` and starts itself again with
:func:`run_worker`: the child gets ``DATABASE_URL`` pointing at the throw-away database
and :data:`WORKER_ENV` set (checked by :func:`require_worker`), migrates, builds,
measures and prints one :func:`worker_result` line that the parent reads back.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

RESULT_PREFIX = "BENCH-RESULT "
#: Set by the parent for its child: the database is a throw-away one.
WORKER_ENV = "PACESETTER_BENCH_WORKER"
MANAGE = str(Path(__file__).resolve().parents[2] / "manage.py")
DATABASES = ("sqlite", "postgres")


# --- the throw-away database and the child process ------------------------------------


@contextmanager
def throwaway_database(database: str) -> Iterator[str]:
    """The URL of an empty database for one run: a SQLite file in a temporary folder
    (removed afterwards), or a database on a PostgreSQL server started for the run."""
    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pacesetter-bench-") as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
        return
    import psycopg

    from pacesetter.testing.pgserver import start_test_server

    server = start_test_server()  # stopped and removed when this process exits
    host = "127.0.0.1"  # over TCP, as an application server reaches its database
    with psycopg.connect(
        host=host,
        port=int(server["PORT"]),
        user=server["USER"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute("CREATE DATABASE bench")
    yield f"postgres://{server['USER']}@{host}:{server['PORT']}/bench"


def child_env(url: str) -> dict[str, str]:
    """The environment of a child process working on the database at ``url``."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        WORKER_ENV: "1",
    }
    env.pop("PACESETTER_TEST_DB", None)
    return env


def require_worker(command: str, flags: str = "--worker is") -> None:
    """Refuse to run as a worker unless started by the benchmark itself (which set up a
    throw-away database): a worker migrates and fills whatever database it is given."""
    if os.environ.get(WORKER_ENV) != "1":
        raise CommandError(f"{flags} started by {command} itself.")


def run_worker(command: str, database: str, url: str, args: Sequence[str]) -> dict[str, Any]:
    """Run ``manage.py <command> --worker <args>`` on ``url``; its result, with
    ``"database"`` added. Raises CommandError with the child's output if it failed."""
    done = subprocess.run(
        [sys.executable, MANAGE, command, "--worker", *args],
        env=child_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        raise CommandError(f"The {database} benchmark failed:\n{done.stderr}{done.stdout}")
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    result["database"] = database
    return result


def worker_result(result: dict[str, Any]) -> str:
    """The line a worker prints for its parent."""
    return RESULT_PREFIX + json.dumps(result)


def migrate() -> None:
    """Create the tables on the (throw-away) database of the worker."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- timing ---------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()``'s result and how long it took, in seconds."""
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def median_time(fn: Callable[[], Any], runs: int) -> float:
    """The median time of ``runs`` calls of ``fn``, after one call that warms the caches
    and the connection."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def side_by_side(
    read: Callable[[], Any], floor: Callable[[], Any], runs: int
) -> tuple[list[float], list[float]]:
    """The times of ``runs`` calls of ``read`` and of its ``floor``, one after the other
    in turns (after one call of each), so that both meet the same load of a shared
    machine: their ratio holds better than their absolute times."""
    read()
    floor()
    read_times, floor_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        read()
        read_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor()
        floor_times.append(time.perf_counter() - start)
    return read_times, floor_times


def p95(times: Sequence[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(times)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def query_plan(sql: str, params: Sequence[Any]) -> str:
    """The plan of a raw SQL statement on the current database: ``EXPLAIN (ANALYZE,
    BUFFERS)`` on PostgreSQL (it runs the statement), ``EXPLAIN QUERY PLAN`` on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(" ".join(str(v) for v in row) for row in cursor.fetchall())


# --- building and printing ------------------------------------------------------------


def base36(number: int) -> str:
    """``number`` in base 36: short distinct codes for the rows a benchmark builds."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def ms(seconds: float) -> str:
    """A duration in milliseconds for the results table: "1,234 ms", "4.2 ms"."""
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
