import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.production",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "PACESETTER_AUDIT_KEY": "an-audit-chain-key-of-at-least-32-characters",
        "ALLOWED_HOSTS": "pacesetter.example.org",
        "PACESETTER_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("PACESETTER_TEST_DB", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixture, never in deployment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.production",
        "PACESETTER_VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    env.pop("PACESETTER_TEST_DB", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "audit_key", [None, "short", "x" * 20 + "-a-long-random-production-secret-key-0123456789"]
)
def test_production_refuses_to_start_without_its_own_audit_chain_key(tmp_path, audit_key):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.production",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "PACESETTER_VAR_DIR": str(tmp_path),
    }
    env.pop("PACESETTER_AUDIT_KEY", None)
    if audit_key is not None:
        env["PACESETTER_AUDIT_KEY"] = audit_key  # the last one: the SECRET_KEY again
    env.pop("PACESETTER_TEST_DB", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PACESETTER_AUDIT_KEY" in result.stderr
