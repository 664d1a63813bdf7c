"""``manage.py bench_coverage`` at a tiny size, on the test database.

The command's worker (the child process a run starts on its throw-away database) builds
and measures here in the test's transaction; its tables exist already (with the kinds and
rules the migrations seed), so it skips the migration."""

import io
import json

import pytest
from django.core.management import call_command

from pacesetter.coverage import rules
from pacesetter.coverage.models import (
    Building,
    CoverageRule,
    OpenBlindSpot,
    Organization,
    StatusPeriod,
)
from pacesetter.testing import bench

pytestmark = pytest.mark.django_db


def test_the_worker_builds_the_register_and_measures_each_read_beside_its_floor(monkeypatch):
    monkeypatch.setenv(bench.WORKER_ENV, "1")
    monkeypatch.setattr(bench, "migrate", lambda: None)
    if not CoverageRule.objects.exists():  # the shipped rules, as migration 0003 loads them
        for path in rules.shipped_files():
            rules.load_rules(path)
    out = io.StringIO()

    call_command(
        "bench_coverage",
        "--worker",
        "--organizations=60",
        "--towns=3",
        "--runs=1",
        "--explain",
        stdout=out,
    )

    result = json.loads(out.getvalue().strip().removeprefix(bench.RESULT_PREFIX))
    assert Organization.objects.count() == 60
    assert result["periods"] == StatusPeriod.objects.count() + Building.objects.count()
    assert result["periods"] > 60 * 4  # a status period and three kinds at least
    # the floor counts the same operating organizations as coverage_rates
    assert 0 < result["operating"] == result["floor_operating"] <= 60
    for key in (
        "rates",
        "rates_floor",
        "blind_spots",
        "blind_spots_floor",
        "page",
        "stored",
        "stored_floor",
        "page_today",
        "rebuild",
    ):
        assert result[key] > 0
    assert result["rates_queries"] >= 1
    assert result["page_queries"] >= 1
    assert result["page_today_queries"] >= 1
    assert result["stored_count"] == OpenBlindSpot.objects.count()
    assert set(result["plans"]) == {
        "coverage_rates",
        "blind_spots (one page)",
        "blind_spots today (stored, one page)",
    }


def test_the_command_refuses_a_worker_it_did_not_start(monkeypatch):
    monkeypatch.delenv(bench.WORKER_ENV, raising=False)
    with pytest.raises(Exception, match="started by bench_coverage"):
        call_command("bench_coverage", "--worker", "--organizations=10", stdout=io.StringIO())
