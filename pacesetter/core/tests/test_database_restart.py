"""A real PostgreSQL restart under the pages: 503 while the server is down, the page
again once it is back (docs/security.md, Faults). PostgreSQL only
(``PACESETTER_TEST_DB=postgres``); it stops and starts a copy of the test server, never
the suite's own, which other test processes share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
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
