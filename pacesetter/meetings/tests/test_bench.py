"""``manage.py bench_meetings`` at its smallest size, on the test database.

The command's worker (the child process a run starts on its throw-away database) builds
and measures here in the test's transaction; its tables exist already, so it skips the
migration."""

import io
import json

import pytest
from django.core.management import call_command

from pacesetter.meetings.models import Invitation
from pacesetter.testing import bench

pytestmark = pytest.mark.django_db


def test_the_worker_builds_a_meeting_and_times_its_page_beside_its_floor(monkeypatch):
    monkeypatch.setenv(bench.WORKER_ENV, "1")
    monkeypatch.setattr(bench, "migrate", lambda: None)
    out = io.StringIO()

    call_command(
        "bench_meetings", "--worker", "--units=10", "--invitations=60", "--runs=1", stdout=out
    )

    result = json.loads(out.getvalue().strip().removeprefix(bench.RESULT_PREFIX))
    assert Invitation.objects.count() == 60
    assert Invitation.objects.filter(checked_in_at__isnull=False).count() == 20
    variants = {v["name"]: v for v in result["variants"]}
    # 50 a page: the first page is full, the second holds the other 10
    assert variants["first page"]["rows"] == 50
    assert variants["page 2 of 2"]["rows"] == 10
    assert variants["search (a unit's code)"]["rows"] == 1
    assert all(v["floor"] > 0 and v["median"] > 0 for v in variants.values())
