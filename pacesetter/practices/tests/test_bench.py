"""``manage.py bench_practices`` at a tiny size, on the test database.

The command's worker (the child process a run starts on its throw-away database) builds
and measures here in the test's transaction; its tables exist already, so it skips the
migration."""

import io
import json

import pytest
from django.core.management import call_command

from pacesetter.practices.models import Adoption, Practice
from pacesetter.testing import bench

pytestmark = pytest.mark.django_db


def test_the_worker_builds_the_library_and_measures_each_read_beside_its_floor(monkeypatch):
    monkeypatch.setenv(bench.WORKER_ENV, "1")
    monkeypatch.setattr(bench, "migrate", lambda: None)
    out = io.StringIO()

    call_command(
        "bench_practices",
        "--worker",
        "--practices=60",
        "--adoptions=400",
        "--units=30",
        "--runs=1",
        "--explain",
        stdout=out,
    )

    result = json.loads(out.getvalue().strip().removeprefix(bench.RESULT_PREFIX))
    assert Practice.objects.count() == result["practices"] == 60
    assert Adoption.objects.count() == result["adoptions"] == 400
    # the widely adopted practice: every unit took it up
    assert result["spread_total"] == result["units"] == 30
    widest = Practice.objects.order_by("pk").first()
    assert widest is not None and widest.adoptions.count() == 30
    # Vietnamese typed without tone marks and Chinese inside a phrase are found
    assert result["matches"]["an toan"] > 0 and result["matches"]["技能"] > 0
    for key in ("search_p95", "search_floor_p95", "spread", "spread_floor", "page"):
        assert result[key] > 0
    assert result["spread_queries"] >= 1 and result["page_queries"] >= 1
    assert len(result["plans"]) == 2


def test_the_command_refuses_a_worker_it_did_not_start(monkeypatch):
    monkeypatch.delenv(bench.WORKER_ENV, raising=False)
    with pytest.raises(Exception, match="started by bench_practices"):
        call_command("bench_practices", "--worker", "--practices=10", stdout=io.StringIO())
