"""The production server (``make serve``): gunicorn with the production settings over a
migrated database of its own, over HTTP on 127.0.0.1 — SQLite always, PostgreSQL too when
the suite runs on PostgreSQL (a database of its own on the suite's server): the login
page and its headers, static files, a session login, an API client casting a ballot,
and the job worker running a queued job. ``check --deploy``: test_settings.py."""

from __future__ import annotations

import importlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path

import pytest
from django.conf import settings

#: How long gunicorn may take to stop once told to (SIGTERM), its graceful timeout included.
STOP_LIMIT = 10
PASSWORD = "a-smoke-test-password-4711"


def _production_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.production",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "PACESETTER_AUDIT_KEY": "an-audit-chain-key-of-at-least-32-characters",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PACESETTER_VAR_DIR": str(tmp_path),
        "PACESETTER_AUDIT_ANCHOR_DIR": str(tmp_path / "anchors"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": database_url,
    }
    for name in ("PACESETTER_TEST_DB", "DJANGO_ALLOW_ASYNC_UNSAFE", "CONN_MAX_AGE"):
        env.pop(name, None)
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for the server: a SQLite file, or a new database on the suite's
    PostgreSQL server (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'serve.sqlite3'}"
        return
    suite = settings.DATABASES["default"]
    if suite["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the suite runs on SQLite (PACESETTER_TEST_DB=postgres for this one)")
    import psycopg

    name = f"serve_{uuid.uuid4().hex[:12]}"
    server = {"host": "127.0.0.1", "port": int(suite["PORT"]), "user": suite["USER"]}
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{suite['USER']}@127.0.0.1:{suite['PORT']}/{name}"
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _Server:
    """gunicorn as `make serve` starts it (one worker of two threads), on a free port."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:pacesetter.gunicorn_conf",
                "pacesetter.wsgi",
            ],
            cwd=settings.BASE_DIR,
            env={**env, "PORT": str(self.port), "WEB_CONCURRENCY": "1", "WEB_THREADS": "2"}
            | {"WEB_GRACEFUL_TIMEOUT": "5"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while True:
            assert self.process.poll() is None, self.process.communicate()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start listening"
                time.sleep(0.2)

    def request(
        self,
        method: str,
        path: str,
        *,
        https: bool = True,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[HTTPResponse, bytes]:
        """A request as the HTTPS proxy in front passes it on (X-Forwarded-Proto)."""
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {"X-Forwarded-Proto": "https"} if https else {}
        connection.request(method, path, body=body, headers=all_headers | (headers or {}))
        response = connection.getresponse()
        content = response.read()
        connection.close()
        return response, content

    def stop(self) -> tuple[float, str]:
        """SIGTERM; how long it took to stop, and its access log (standard output)."""
        started = time.monotonic()
        self.process.terminate()
        try:
            out, err = self.process.communicate(timeout=STOP_LIMIT * 3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        took = time.monotonic() - started
        assert self.process.returncode == 0, err
        return took, out


def _cookies(response: HTTPResponse) -> dict[str, str]:
    """Each cookie the response sets: its value, then its attributes."""
    return {
        header.split("=", 1)[0]: header.split("=", 1)[1]
        for header in response.headers.get_all("Set-Cookie") or []
    }


#: Run by ``manage.py shell`` with the production settings: a council with the smoke
#: user on it, and an open yes/no poll it votes in.
OPEN_POLL = f"""
import datetime, json
from pacesetter.accounts.models import User
from pacesetter.ballots.services import poll_create, poll_open
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
user = User.objects.create_user(username="smoke", password={PASSWORD!r})
body = BodyFactory()
body_member_add(actor=None, body=body, start=datetime.date(2020, 1, 1), user=user)
poll = poll_create(
    actor=None, owner_unit=body.owner_unit, title="Smoke", kind="yes_no",
    options=["Motion"], body=body,
)
poll = poll_open(actor=None, poll=poll)
print(json.dumps({{"poll": poll.pk, "option": poll.options.get().pk}}))
"""


def test_gunicorn_serves_with_the_production_settings(tmp_path, database_url):
    env = _production_env(tmp_path, database_url)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    ids = json.loads(_manage(env, "shell", "-v0", "-c", OPEN_POLL).strip().splitlines()[-1])
    server = _Server(env)
    try:
        # Plain HTTP straight to the server is sent to HTTPS.
        response, _ = server.request("GET", "/accounts/login/", https=False)
        assert response.status == 301
        assert response.headers["Location"] == f"https://127.0.0.1:{server.port}/accounts/login/"
        # ... except the proxy's health probe, which answers once the database does.
        response, body = server.request("GET", "/healthz", https=False)
        assert (response.status, body) == (200, b"ok\n")

        response, page = server.request("GET", "/accounts/login/")
        assert response.status == 200
        assert response.headers["Server"] == "gunicorn"
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        csrf_cookie = _cookies(response)["csrftoken"]
        assert "Secure" in csrf_cookie

        # The stylesheet, by its hashed name, from WhiteNoise: compressed, cached for good.
        stylesheet = re.search(rb'href="(/static/core/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, page[:2000]
        response, css = server.request(
            "GET", stylesheet[1].decode(), headers={"Accept-Encoding": "gzip"}
        )
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Strict-Transport-Security"]
        assert css[:2] == b"\x1f\x8b"  # gzip's magic number

        # Logging in writes the session to the database; the session works on the next page.
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token
        response, _ = server.request(
            "POST",
            "/accounts/login/",
            body=f"csrfmiddlewaretoken={token[1].decode()}&username=smoke&password={PASSWORD}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie.split(';')[0]}",
                "Origin": f"https://127.0.0.1:{server.port}",
            },
        )
        assert response.status == 302, response.headers
        session = _cookies(response)["sessionid"]
        assert "Secure" in session
        assert "HttpOnly" in session
        response, _ = server.request(
            "GET", "/accounts/profile/", headers={"Cookie": f"sessionid={session.split(';')[0]}"}
        )
        assert response.status == 200

        # An API client takes a token and casts a ballot, once.
        json_headers = {"Content-Type": "application/json"}
        response, body = server.request(
            "POST",
            "/api/v1/auth/token",
            body=json.dumps({"username": "smoke", "password": PASSWORD}),
            headers=json_headers,
        )
        assert response.status == 200, body.decode()[:3000]
        bearer = {"Authorization": f"Bearer {json.loads(body)['token']}"} | json_headers
        response, body = server.request(
            "POST",
            f"/api/v1/polls/{ids['poll']}/vote",
            body=json.dumps({"choices": {str(ids["option"]): "yes"}}),
            headers=bearer,
        )
        assert response.status == 201, body
        assert json.loads(body)["receipt"]
        response, body = server.request(
            "POST",
            f"/api/v1/polls/{ids['poll']}/vote",
            body=json.dumps({"choices": {str(ids["option"]): "no"}}),
            headers=bearer,
        )
        assert response.status == 422, body
        response, body = server.request("GET", f"/api/v1/polls/{ids['poll']}", headers=bearer)
        assert json.loads(body)["has_voted"] is True
    finally:
        took, access_log = server.stop()
    assert took < STOP_LIMIT
    assert '"GET /accounts/login/ HTTP/1.1" 200' in access_log
    assert '"POST /accounts/login/ HTTP/1.1" 302' in access_log

    # The job worker: the hourly audit anchor, queued, then run by `db_worker` (as `make
    # serve` starts it), which writes the chain's head outside the database.
    assert "enqueued" in _manage(env, "audit_anchor", "--schedule")
    _manage(env, "db_worker", "--batch", "--no-startup-delay", "-v0")
    anchors = (tmp_path / "anchors" / "anchors.jsonl").read_text().splitlines()
    assert len(anchors) == 1 and json.loads(anchors[0])["seq"] >= 1


def test_production_keeps_connections_and_checks_them_and_sqlite_waits_for_locks(tmp_path):
    env = _production_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    script = (
        "import json; from django.conf import settings; from django.db import connection; "
        "c = connection.cursor(); "
        "print(json.dumps({**{k: settings.DATABASES['default'][k] for k in "
        "('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}, "
        "'journal_mode': c.execute('PRAGMA journal_mode').fetchone()[0], "
        "'busy_timeout': c.execute('PRAGMA busy_timeout').fetchone()[0]}))"
    )
    assert json.loads(_manage(env, "shell", "-v0", "-c", script)) == {
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "journal_mode": "wal",
        "busy_timeout": 20000,
    }
    fresh = json.loads(_manage({**env, "CONN_MAX_AGE": "0"}, "shell", "-v0", "-c", script))
    assert fresh["CONN_MAX_AGE"] == 0


def test_the_server_settings_default_to_two_cores_behind_a_local_proxy(monkeypatch):
    for name in ("PACESETTER_BIND", "PORT", "WEB_CONCURRENCY", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PACESETTER_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16")
    from pacesetter import gunicorn_conf

    conf = importlib.reload(gunicorn_conf)
    assert conf.bind == ["127.0.0.1:8000"]
    assert (conf.worker_class, conf.workers, conf.threads) == ("gthread", 2, 4)
    assert conf.accesslog == "-"
    assert conf.graceful_timeout == 30
    assert conf.forwarded_allow_ips == "127.0.0.1,::1,10.0.0.5,10.1.0.0/16"

    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("WEB_THREADS", "1")
    conf = importlib.reload(gunicorn_conf)
    assert (conf.bind, conf.workers, conf.threads) == (["127.0.0.1:9000"], 5, 1)
