"""The register's report pages read from a real streaming replica of the test PostgreSQL
(docs/deployment.md, "A read replica"): other users see the replica's state, the writer
sees their own write at once, and a replica too far behind is not read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from pacesetter.core.routers import LAG_SQL, REPLICA, replica_fresh
from pacesetter.testing.pgserver import start_replica

from .factories import credit_code, organization

#: The replica is a database of these tests; as a mirror of the primary, the test
#: machinery neither creates nor flushes it (it is read-only), but lets the tests reach it.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """A streaming replica of the test server, registered as the ``replica`` database
    for this module (before the tests' database setup, which must know it)."""
    with django_db_blocker.unblock():
        primary = connections["default"].settings_dict
        if primary["ENGINE"] != "django.db.backends.postgresql":
            pytest.skip("a streaming replica needs PostgreSQL (PACESETTER_TEST_DB=postgres)")
        server, stop = start_replica(primary)
    settings = {**server, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    connections.settings[REPLICA] = settings
    yield settings
    use_replica(None)
    stop()


def use_replica(settings: dict[str, Any] | None) -> None:
    """Drops this thread's connection to the replica and, with ``settings``, points the
    alias at that server (``None``: removes the alias)."""
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
    if settings is not None:
        connections.settings[REPLICA] = settings
    replica_fresh.reset()


@pytest.fixture
def replica(replica_server: dict[str, Any], settings: Any) -> Iterator[Any]:
    """The replica, caught up with the primary, at an allowed lag of a minute."""
    settings.DATABASE_REPLICA_MAX_LAG = 60
    replica_fresh.reset()
    caught_up()
    yield connections[REPLICA]
    resume(connections[REPLICA])
    replica_fresh.reset()


def caught_up() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + 20
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [lsn])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the replica did not catch up in 20 s"
            time.sleep(0.05)


def pause(replica: Any) -> None:
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def resume(replica: Any) -> None:
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def register_form(world: Any, name: str) -> dict[str, Any]:
    return {
        "source_language": "en",
        "name_en": name,
        "credit_code": credit_code(),
        "kind": "private",
        "town": world.own.pk,
        "registered_on": "2024-08-15",
        "staff_count": "12",
        "party_members_full": "0",
        "party_members_probationary": "0",
        "union_members": "3",
    }


def test_others_read_the_replica_and_the_writer_reads_their_own_write(
    client: Any, world: Any, replica: Any, django_user_model: Any
) -> None:
    from django.test import Client

    organization(world.own, name="Own Leather Works")
    caught_up()
    pause(replica)

    officer = client
    officer.force_login(world.users["unit_officer"])
    created = officer.post("/coverage/new/", register_form(world, "Second Leather Works"))
    assert created.status_code == 302

    staff = Client()
    staff.force_login(world.users["committee_staff"])
    with CaptureQueriesContext(replica) as on_replica:
        page = staff.get("/coverage/").content.decode()
    assert "Own Leather Works" in page and "Second Leather Works" not in page
    assert any("coverage_organization" in q["sql"] for q in on_replica.captured_queries)

    with CaptureQueriesContext(replica) as on_replica:
        page = officer.get("/coverage/").content.decode()
    assert "Second Leather Works" in page
    assert on_replica.captured_queries == []

    resume(replica)
    caught_up()
    assert "Second Leather Works" in staff.get("/coverage/").content.decode()


def test_a_replica_behind_by_more_than_the_allowed_lag_is_not_read(
    client: Any, world: Any, replica: Any, settings: Any
) -> None:
    pause(replica)
    organization(world.own, name="Written While Paused")
    settings.DATABASE_REPLICA_MAX_LAG = 0.5
    time.sleep(0.6)
    replica_fresh.reset()
    client.force_login(world.users["committee_staff"])
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get("/coverage/").content.decode()
    assert "Written While Paused" in page
    assert [q["sql"] for q in on_replica.captured_queries] == [LAG_SQL]


def test_an_unreachable_replica_is_not_read(
    client: Any, world: Any, replica_server: dict[str, Any]
) -> None:
    use_replica({**replica_server, "PORT": "1"})
    try:
        organization(world.own, name="Read From The Primary")
        client.force_login(world.users["committee_staff"])
        assert "Read From The Primary" in client.get("/coverage/").content.decode()
    finally:
        use_replica(replica_server)
