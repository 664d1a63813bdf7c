"""``manage.py bench_ballots``: a 1,000-voter secret ballot cast over HTTP by 100
concurrent clients, and the tally.

On a throw-away database (as ``bench_scoring``: the command starts itself again in a
child process whose ``DATABASE_URL`` points at a temporary SQLite file or at a
PostgreSQL server started for the run), the child builds a cluster of ``--voters``
member units, each with its officer account and an API token, creates and opens a
yes/no poll on two candidates through the ballot services, then serves the project on
a free port of 127.0.0.1 with the production server, gunicorn, as ``make serve`` starts
it (``pacesetter/gunicorn_conf.py``: ``--servers`` worker processes of ``--threads``
threads, persistent database connections with health checks) and casts every ballot
through ``POST /api/v1/polls/{id}/vote`` from ``--clients`` client threads, each request
on a new connection. It records each request's latency, then times closing the
poll and publishing its tally (``poll_close`` + ``poll_publish``) and checks the result.
Goals: casting p95 under 100 ms, tally under 1 s.

Users, units and memberships are bulk-inserted and the tokens made with
``accounts.services.api_token_create`` before the clock starts: only the casting and the
tally are measured.
"""

from __future__ import annotations

import json
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.client import HTTPConnection
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.testing import bench
from pacesetter.testing.bench import MANAGE, child_env, ms

CAST_P95_GOAL = 0.1
TALLY_GOAL = 1.0
BATCH = 1000
HOST = "127.0.0.1"
_HIDDEN = "(internal) started by bench_ballots itself."


class Command(BaseCommand):
    help = (
        "Cast a secret ballot of N voters over HTTP from C concurrent clients on 127.0.0.1, "
        "on a throw-away SQLite and/or PostgreSQL database; time casting and the tally."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--voters", type=int, default=1000)
        parser.add_argument("--clients", type=int, default=100)
        parser.add_argument(
            "--servers",
            type=int,
            default=2,
            help="gunicorn's worker processes (default 2: one per core here).",
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="Threads per worker process (default 4)."
        )
        parser.add_argument(
            "--database",
            action="append",
            choices=("sqlite", "postgres"),
            help="Repeat for both; default: sqlite and postgres.",
        )
        parser.add_argument("--worker", action="store_true", help=_HIDDEN)

    def handle(self, *args: Any, **options: Any) -> None:
        if min(options["voters"], options["clients"], options["servers"], options["threads"]) < 1:
            raise CommandError("Use at least 1 voter, 1 client, 1 server and 1 thread.")
        if options["worker"]:
            bench.require_worker("bench_ballots")
            result = _Worker(
                options["voters"], options["clients"], options["servers"], options["threads"]
            ).run()
            self.stdout.write(bench.worker_result(result))
            return
        results = []
        for database in options["database"] or ["sqlite", "postgres"]:
            self.stderr.write(
                f"{database}: {options['voters']} voters, {options['clients']} clients, "
                f"gunicorn {options['servers']} workers x {options['threads']} threads..."
            )
            with bench.throwaway_database(database) as url:
                results.append(self._child(database, url, options))
        self.stdout.write(self._table(results, options))

    def _child(self, database: str, url: str, options: dict[str, Any]) -> dict[str, Any]:
        args = [
            f"--voters={options['voters']}",
            f"--clients={options['clients']}",
            f"--servers={options['servers']}",
            f"--threads={options['threads']}",
        ]
        return bench.run_worker("bench_ballots", database, url, args)

    def _table(self, results: list[dict[str, Any]], options: dict[str, Any]) -> str:
        out = [
            f"{options['voters']:,} voters cast over HTTP by {options['clients']} concurrent "
            f"clients on {HOST}, gunicorn with {options['servers']} workers x "
            f"{options['threads']} threads.",
            "",
            f"  {'database':<10}{'ballots':>8}{'errors':>8}{'per s':>8}{'p50':>9}{'p95':>9}"
            f"{'p99':>9}{'max':>9}{'close':>9}{'publish':>9}{'tally':>9}  goals",
        ]
        for r in results:
            ok = (
                ("p95 ok" if r["p95"] < CAST_P95_GOAL else "P95 SLOW")
                + ", "
                + ("tally ok" if r["tally"] < TALLY_GOAL else "TALLY SLOW")
            )
            out.append(
                f"  {r['database']:<10}{r['ballots']:>8,}{r['errors']:>8}{r['rate']:>8.0f}"
                f"{ms(r['p50']):>9}{ms(r['p95']):>9}{ms(r['p99']):>9}{ms(r['max']):>9}"
                f"{ms(r['close']):>9}{ms(r['publish']):>9}{ms(r['tally']):>9}  {ok}"
            )
        for r in results:
            if r["error_samples"]:
                out.append(f"  {r['database']} errors, e.g.: {'; '.join(r['error_samples'])}")
        out += [
            "",
            f"Goals: casting p95 < {CAST_P95_GOAL * 1000:.0f} ms, tally (close + publish) "
            f"< {TALLY_GOAL * 1000:.0f} ms.",
            "For `make bench`, add: $(MANAGE) bench_ballots --voters 1000 --clients 100 "
            "--database sqlite --database postgres",
        ]
        return "\n".join(out)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _servers(workers: int, threads: int) -> Iterator[int]:
    """gunicorn with the project's server settings (pacesetter/gunicorn_conf.py, as `make
    serve`: ``workers`` processes of ``threads`` threads, connections kept and checked) on
    a free port of HOST, warmed up; stopped on the way out."""
    port = _free_port()
    env = child_env(os.environ["DATABASE_URL"]) | {
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
        "WEB_ACCESS_LOG": os.devnull,
        "CONN_MAX_AGE": "600",  # production's default (settings/production.py)
    }
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:pacesetter.gunicorn_conf",
                "pacesetter.wsgi",
            ],
            cwd=os.path.dirname(MANAGE),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _warm_up(process, port, workers * threads * 4)
        except CommandError as exc:
            process.kill()
            process.wait()
            log.seek(0)
            raise CommandError(f"{exc}\n{log.read()}") from exc
        try:
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _warm_up(process: subprocess.Popen[bytes], port: int, requests: int) -> None:
    """Wait until the server answers, then send ``requests`` requests at once, so that
    every worker has loaded the URLconf, the API's routers and schemas before the clock
    starts (an unauthenticated vote: 401)."""
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise CommandError("gunicorn did not start.")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise CommandError("gunicorn did not start listening.") from None
            time.sleep(0.1)

    def one() -> None:
        connection = HTTPConnection(HOST, port, timeout=60)
        connection.request("POST", "/api/v1/polls/0/vote", body=b"{}")
        connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=one) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class _Worker:
    """Runs in the child process, on the throw-away database."""

    def __init__(self, voters: int, clients: int, servers: int, threads: int) -> None:
        self.n_voters = voters
        self.n_clients = clients
        self.n_servers = servers
        self.n_threads = threads
        self.random = random.Random(2024)  # noqa: S311 - reproducible demo votes

    def run(self) -> dict[str, Any]:
        from django.db import connections

        bench.migrate()
        (poll, tokens), build = bench.timed(self.build)
        connections.close_all()  # the servers write; SQLite wants no open reader here
        with _servers(self.n_servers, self.n_threads) as port:
            casting = self.cast(poll, tokens, port)
        return {"build": build, **casting, **self.tally(poll)}

    # --- building ---------------------------------------------------------------------

    def build(self) -> tuple[Any, list[str]]:
        from django.db import transaction

        from pacesetter.accounts.models import User
        from pacesetter.accounts.services import api_token_create
        from pacesetter.ballots.models import Majority, PollKind
        from pacesetter.ballots.services import poll_create, poll_open
        from pacesetter.clusters.models import Cluster, ClusterMembership
        from pacesetter.units.models import Unit
        from pacesetter.units.services import unit_create, unit_type_create

        with transaction.atomic():
            kind = unit_type_create(actor=None, code="committee", name="Committee")
            committee = unit_create(
                actor=None, parent=None, code="BENCH", name="Benchmark committee", unit_type=kind
            )
            units = Unit.objects.bulk_create(
                [
                    Unit(
                        parent=committee,
                        path="-",
                        depth=1,
                        code=f"V{i:05d}",
                        name_en=f"Voting unit {i:05d}",
                        unit_type=kind,
                    )
                    for i in range(self.n_voters)
                ],
                batch_size=BATCH,
            )
            if any(unit.pk is None for unit in units):
                units = list(Unit.objects.filter(parent=committee).order_by("code"))
            for unit in units:
                unit.path = f"{committee.path}{bench.base36(unit.pk)}/"
            Unit.objects.bulk_update(units, ["path"], batch_size=BATCH)
            cluster = Cluster.objects.create(
                code="BENCH-C", name_en="Benchmark cluster", owner_unit=committee
            )
            ClusterMembership.objects.bulk_create(
                [ClusterMembership(cluster=cluster, unit=u, start=date(2024, 1, 1)) for u in units],
                batch_size=BATCH,
            )
            users = User.objects.bulk_create(
                [User(username=f"voter{i:05d}") for i in range(self.n_voters)], batch_size=BATCH
            )
            if any(user.pk is None for user in users):
                users = list(User.objects.filter(username__startswith="voter").order_by("username"))
            raw = [api_token_create(user=user)[1] for user in users]
            poll = poll_create(
                actor=None,
                owner_unit=committee,
                title="Benchmark: Certificate of Merit",
                kind=PollKind.YES_NO,
                options=["Candidate A", "Candidate B"],
                cluster=cluster,
                majority=Majority.ABSOLUTE,
            )
            poll = poll_open(
                actor=None,
                poll=poll,
                voters={u.pk: user for u, user in zip(units, users, strict=True)},
            )
        return poll, raw

    # --- casting over HTTP ------------------------------------------------------------

    def cast(self, poll: Any, tokens: list[str], port: int) -> dict[str, Any]:
        options = [str(pk) for pk in poll.options.values_list("pk", flat=True)]
        votes = ("yes", "yes", "yes", "no", "abstain")
        work: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        for token in tokens:
            body = {"choices": {o: self.random.choice(votes) for o in options}}
            work.put((token, json.dumps(body).encode()))
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        path = f"/api/v1/polls/{poll.pk}/vote"

        def client() -> None:
            while True:
                try:
                    token, body = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    connection = HTTPConnection(HOST, port, timeout=60)
                    connection.request(
                        "POST",
                        path,
                        body=body,
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                        },
                    )
                    response = connection.getresponse()
                    payload = response.read()
                    connection.close()
                    failure = None
                    if response.status != 201 or b"receipt" not in payload:
                        failure = f"{response.status} {payload[:120]!r}"
                except OSError as exc:
                    failure = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if failure:
                        errors.append(failure)

        threads = [threading.Thread(target=client) for _ in range(self.n_clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        ordered = sorted(latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

        return {
            "ballots": len(latencies) - len(errors),
            "errors": len(errors),
            "error_samples": sorted(set(errors))[:3],
            "wall": wall,
            "rate": len(latencies) / wall if wall else 0.0,
            "p50": statistics.median(ordered),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "max": ordered[-1],
        }

    # --- the tally --------------------------------------------------------------------

    def tally(self, poll: Any) -> dict[str, Any]:
        from pacesetter.ballots.models import Entitlement
        from pacesetter.ballots.services import poll_close, poll_publish

        start = time.perf_counter()
        poll = poll_close(actor=None, poll=poll)
        closed = time.perf_counter()
        poll = poll_publish(actor=None, poll=poll)
        published = time.perf_counter()
        voted = Entitlement.objects.filter(poll=poll, voted=True).count()
        if poll.result["electronic_ballots"] != voted:
            raise CommandError("The tally does not count every ballot cast.")
        return {
            "close": closed - start,
            "publish": published - closed,
            "tally": published - start,
            "counted": poll.result["electronic_ballots"],
        }
