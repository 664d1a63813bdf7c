"""Migrating a database of a test's own, in a process of its own (the suite itself runs
without migrations): SQLite files, whatever the suite's database, for migrations that
are plain ORM code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def migrate_sqlite(database: Path, *target: str) -> None:
    """``manage.py migrate [app name]`` on the SQLite file ``database``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("PACESETTER_TEST_DB", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", *target, "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
