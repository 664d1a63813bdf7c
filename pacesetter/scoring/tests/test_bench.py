"""``manage.py bench_scoring`` at a small size, on the test database.

The command's worker (the child process a run starts on its throw-away database) builds
and measures here in the test's transaction; its tables exist already, so it skips the
migration."""

import io
import json

import pytest
from django.core.management import call_command

from pacesetter.testing import bench

pytestmark = pytest.mark.django_db


def test_the_worker_times_each_read_beside_its_floor(monkeypatch):
    monkeypatch.setenv(bench.WORKER_ENV, "1")
    monkeypatch.setattr(bench, "migrate", lambda: None)
    out = io.StringIO()

    call_command("bench_scoring", "--worker", "--units=20", "--criteria=8", "--runs=1", stdout=out)

    result = json.loads(out.getvalue().strip().removeprefix(bench.RESULT_PREFIX))
    assert result["items"] == 20 * 8
    for read in ("ranking", "sheet"):
        assert result[read] > 0 and result[f"{read}_floor"] > 0
    assert result["sheet_queries"] == 1  # the totals come from the rows read
