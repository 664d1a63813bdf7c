"""The suite builds its databases from the models (--no-migrations); these tests keep the
migrations honest: they match the models, and they build a fresh database of the suite's
own kind from nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def _manage(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    # In a process of its own: this one runs with the migrations switched off.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.django_db
def test_the_migrations_build_a_fresh_database(tmp_path):
    if connection.vendor == "postgresql":
        name = f"migrate_check_{uuid.uuid4().hex[:8]}"
        import psycopg

        params = connection.settings_dict
        server = {"host": params["HOST"], "port": params["PORT"], "user": params["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                host = quote(params["HOST"], safe="")  # a socket's directory, or an address
                url = f"postgres://{params['USER']}@{host}:{params['PORT']}/{name}"
                result = _manage("migrate", "--noinput", "-v0", database_url=url)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        result = _manage("migrate", "--noinput", "-v0", database_url=url)
    assert result.returncode == 0, result.stderr
    # ... and that schema is the models' (no change left for a new migration).
    check = _manage("makemigrations", "--check", "--dry-run", database_url="sqlite://:memory:")
    assert check.returncode == 0, check.stdout + check.stderr
    # A database built by the migrations has the audit chain's head, which the services
    # would otherwise create on first use.
    if connection.vendor != "postgresql":
        import sqlite3

        with sqlite3.connect(tmp_path / "fresh.sqlite3") as db:
            assert db.execute("select last_seq from audit_auditchainhead").fetchall() == [(0,)]
