"""A real PostgreSQL restart under the pages: 503 while the server is down, the page
again once it is back; and under writes from several clients at once: no write half
saved, 503 (never 500) meanwhile, writes again by themselves after (docs/security.md,
Faults). PostgreSQL only
(``PACESETTER_TEST_DB=postgres``); it stops and starts a copy of the test server, never
the suite's own, which other test processes share."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import threading
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connections

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.testing.pgserver import server_control, start_replica

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_server(django_db_blocker: Any) -> Iterator[Any]:
    """Yields a function that moves the default database to a writable copy of the test
    server (made then, with what the test has committed) and answers the copy's settings;
    the default database is the suite's again afterwards."""
    connection = connections["default"]
    if connection.settings_dict["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a server restart needs PostgreSQL (PACESETTER_TEST_DB=postgres)")
    original = dict(connection.settings_dict)
    stops = []

    def move() -> dict[str, Any]:
        # Not a hot standby: promoted at once, it need not wait to answer reads.
        server, stop = start_replica(original, hot_standby=False)
        stops.append(stop)
        server_control(server, "promote")
        connection.close()
        connection.settings_dict.update(HOST=server["HOST"], PORT=server["PORT"])
        return server

    yield move
    connection.close()
    connection.settings_dict.update(HOST=original["HOST"], PORT=original["PORT"])
    for stop in stops:
        stop()


def test_pages_answer_503_while_postgresql_restarts_and_work_again_after(client, own_server):
    user = UserFactory()
    client.force_login(user)
    server = own_server()
    assert client.get("/").status_code == 200  # on the copy, with its open connection
    server_control(server, "stop")  # cuts that connection, as a restart does
    for _ in range(2):  # the cut connection, then a new one refused
        response = client.get("/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "The service is briefly unavailable" in response.content.decode()
        # What Django does at the start of every request (the test client skips it):
        # drop a connection that had errors.
        close_old_connections()
    server_control(server, "start")
    close_old_connections()
    response = client.get("/")
    assert response.status_code == 200
    assert user.username in response.content.decode()


#: Client threads writing at once, and how long each phase may take.
WRITERS = 4
PHASE_SECONDS = 30


class Writers:
    """``WRITERS`` API clients in threads, each adding key tasks to a plan (a task, its
    supporting unit, an audit entry for each) one after the other until stopped, as
    Django's handler does: a connection that had errors is dropped before each request.
    Records every (title, status) answered."""

    def __init__(self, clients: list[Any], plan: Any, lead: Any, support: Any) -> None:
        self.clients, self.plan, self.lead, self.support = clients, plan, lead, support
        self.answers: list[list[tuple[str, int]]] = [[] for _ in clients]
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._write, args=(n,), daemon=True)
            for n in range(len(clients))
        ]

    def _write(self, n: int) -> None:
        api = self.clients[n]
        api.client.raise_request_exception = False  # a 500 is an answer to count
        try:
            for i in itertools.count():
                if self.stopping.is_set():
                    return
                close_old_connections()
                title = f"Task {n}-{i}"
                response = api.post(
                    f"/work-plans/{self.plan.pk}/tasks",
                    {
                        "title": title,
                        "lead_unit_id": self.lead.pk,
                        "supporting_unit_ids": [self.support.pk],
                        "due": "2026-12-31",
                    },
                )
                self.answers[n].append((title, response.status_code))
                if response.status_code == 503:
                    time.sleep(0.05)  # as a client told Retry-After would, briefly
        finally:
            connections.close_all()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_until(self, ready: Any, what: str) -> None:
        deadline = time.monotonic() + PHASE_SECONDS
        while not all(ready(n, list(answers)) for n, answers in enumerate(self.answers)):
            assert all(t.is_alive() for t in self.threads), "a writer stopped"
            assert time.monotonic() < deadline, f"not every writer {what}: {self.answers}"
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(PHASE_SECONDS)
        assert not any(t.is_alive() for t in self.threads)


def test_a_restart_under_writes_leaves_no_half_saved_write_and_answers_503_meanwhile(
    world, own_server
):
    from pacesetter.audit.models import AuditEntry
    from pacesetter.testing.api import ApiClient
    from pacesetter.workplans.models import Task
    from pacesetter.workplans.services import plan_create

    staff = world.users["committee_staff"]
    plan = plan_create(
        actor=staff,
        body=world.council,
        name="Key work 2026",
        kind="year",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    clients = [ApiClient(staff) for _ in range(WRITERS)]
    server = own_server()
    writers = Writers(clients, plan, world.own, world.child)
    writers.start()
    try:
        writers.wait_until(lambda n, a: sum(s == 201 for _, s in a) >= 2, "wrote")
        server_control(server, "stop")
        stopped_at = [len(a) for a in writers.answers]
        writers.wait_until(lambda n, a: 503 in [s for _, s in a[stopped_at[n] :]], "was refused")
        server_control(server, "start")
        restarted_at = [len(a) for a in writers.answers]
        writers.wait_until(lambda n, a: 201 in [s for _, s in a[restarted_at[n] :]], "wrote again")
    finally:
        writers.stop()
    close_old_connections()

    answers = [answer for each in writers.answers for answer in each]
    statuses = collections.Counter(status for _, status in answers)
    assert set(statuses) == {201, 503}, statuses  # never a 500
    # Every writer was refused after the stop, and wrote again after the start by itself.
    for each, stop_mark in zip(writers.answers, stopped_at, strict=True):
        assert 503 in [status for _, status in each[stop_mark:]]

    tasks = Task.objects.filter(plan=plan)
    titles = collections.Counter(str(t.title) for t in tasks)
    assert max(titles.values()) == 1  # no write twice
    answered = dict(answers)
    assert {t for t, s in answered.items() if s == 201} <= set(titles)  # none lost
    assert set(titles) <= set(answered)
    # Every task there is whole: its supporting unit and both audit entries.
    for task in tasks.prefetch_related("supporting_units"):
        assert [u.pk for u in task.supporting_units.all()] == [world.child.pk]
        entries = AuditEntry.objects.filter(target_type="workplans.task", target_id=str(task.pk))
        assert sorted(entries.values_list("action", flat=True)) == [
            "task.create",
            "task.supporting_units",
        ], task.title
    # Nothing else either: no audit entry or supporting row of a task that is not there.
    assert not AuditEntry.objects.filter(target_type="workplans.task").exclude(
        target_id__in=[str(pk) for pk in tasks.values_list("pk", flat=True)]
    )
    assert Task.supporting_units.through.objects.exclude(task__in=tasks).count() == 0
    out = StringIO()
    call_command("audit_verify", stdout=out)  # a broken chain raises CommandError
    assert "Audit chain intact" in out.getvalue()
