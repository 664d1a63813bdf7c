"""``manage.py bench_workplans`` at the smallest size it accepts, on the test database.

The command's worker (the child process a run starts on its throw-away database) builds
and measures here in the test's transaction; its tables exist already, so it skips the
migration."""

import io
import json

import pytest
from django.core.management import call_command

from pacesetter.testing import bench

pytestmark = pytest.mark.django_db


def test_the_worker_builds_and_measures_the_smallest_plan(monkeypatch):
    monkeypatch.setenv(bench.WORKER_ENV, "1")
    monkeypatch.setattr(bench, "migrate", lambda: None)
    out = io.StringIO()

    call_command(
        "bench_workplans",
        "--worker",
        "--units=50",
        "--tasks=100",
        "--projects=5",
        "--runs=1",
        stdout=out,
    )

    result = json.loads(out.getvalue().strip().removeprefix(bench.RESULT_PREFIX))
    variants = {v["name"]: v for v in result["variants"]}
    assert variants["board"]["tasks"] == 100
    assert len(variants) == 6
    # every unit sits under the one district: the district's filter and its officer's
    # board cover the whole plan
    assert variants["as a district's officer"]["tasks"] == 100
    assert result["scan"]["rows"] > 0
    # each variant is timed beside its hand-written floor, which read the page's rows
    assert all(v["floor"] > 0 for v in variants.values())
