"""The tests of this package read the demo, loaded once for all of them.

Loading it runs every case through its flows (a few seconds on SQLite, three times that
on PostgreSQL), too slow to repeat for each test or even each module. The package's
tests run together on one process (``pytest_xdist_make_scheduler`` in
pacesetter/conftest.py keeps this directory in one work unit), in one transaction opened
before the load and rolled back after the last of them; each test runs in a savepoint
inside it, so what a test changes goes with it.

A test that needs an empty database, or committed data (``live_server``), does not
belong here: see ../test_demo_refused.py and core/tests/test_journeys.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings

from pacesetter.testing.shared import BUILT_AT


@pytest.fixture(scope="package", name="demo_package")
def demo_package_fixture(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            out = StringIO()
            with time_machine.travel(BUILT_AT, tick=True):
                call_command("load_demo", "--port", "8123", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
        connections.close_all()


@pytest.fixture(name="demo")
def demo_fixture(demo_package: str, db: Any) -> str:
    """The load_demo output, with the demo in the database."""
    return demo_package
