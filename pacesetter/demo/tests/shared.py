"""The demo loaded once per test module: loading it runs every campaign through its
flow, which is too slow to repeat for each test. Each test runs in a savepoint inside
the module's transaction, which is rolled back at the end of the module."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings


@pytest.fixture(scope="module", name="demo_module")
def demo_module_fixture(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            out = StringIO()
            call_command("load_demo", "--port", "8123", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
        connections.close_all()


@pytest.fixture(name="demo")
def demo_fixture(demo_module: str, db: Any) -> str:
    """The load_demo output, with the demo in the database."""
    return demo_module
