"""The replica router's rules that hold whatever the database (the reads on a real
streaming replica: coverage/tests/test_replica_reads.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import RequestFactory

from pacesetter.core.routers import (
    REPLICA,
    ReplicaRouter,
    reads_from_replica,
    replica_configured,
    replica_reads,
)
from pacesetter.units.models import Unit

router = ReplicaRouter()


def test_without_a_replica_every_read_stays_on_the_primary():
    assert not replica_configured()
    with replica_reads():
        assert router.db_for_read(Unit) is None
    assert router.db_for_write(Unit) == "default"


def test_the_request_machinery_is_never_read_from_the_replica(monkeypatch):
    monkeypatch.setitem(connections.settings, REPLICA, connections.settings["default"])
    with replica_reads():
        assert router.db_for_read(Session) is None


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(REPLICA, "units") is False
    assert router.allow_migrate("default", "units") is None


def test_a_view_reads_from_the_replica_on_get_and_head_only():
    seen = []

    @reads_from_replica
    def view(request):
        from pacesetter.core import routers

        seen.append(routers._wanted.get())
        return None

    factory = RequestFactory()
    view(factory.get("/"))
    view(factory.head("/"))
    view(factory.post("/"))
    assert seen == [True, True, False]


def test_the_replica_comes_from_its_url_on_postgresql_only(tmp_path):
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({a: [d['ENGINE'], d.get('NAME'), d.get('TEST', {}).get('MIRROR')] "
        "for a, d in settings.DATABASES.items()}))"
    )

    def databases(database_url):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pacesetter.settings.base",
            "PACESETTER_VAR_DIR": str(tmp_path),
            "DATABASE_URL": database_url,
            "DATABASE_REPLICA_URL": "postgres://reader@replica.example.org:5432/pacesetter",
        }
        env.pop("PACESETTER_TEST_DB", None)
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout)

    on_postgres = databases("postgres://app@primary.example.org:5432/pacesetter")
    assert on_postgres[REPLICA] == ["django.db.backends.postgresql", "pacesetter", "default"]
    assert REPLICA not in databases(f"sqlite:///{tmp_path / 'db.sqlite3'}")
