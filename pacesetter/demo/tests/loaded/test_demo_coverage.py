"""Huadu's coverage register in the demo: the picture of the 15 August 2024 meeting and
the year of progress since, all of it demo data."""

from __future__ import annotations

import datetime as dt

from pacesetter.accounts.models import User
from pacesetter.coverage.models import Organization
from pacesetter.coverage.selectors import CoverageFilters, coverage_rates
from pacesetter.demo.coverage import TOWNS
from pacesetter.units.models import Unit

MEETING = dt.date(2024, 8, 15)


def test_every_town_and_street_keeps_its_register_of_demo_organizations(demo):
    counts = {
        unit.code: Organization.objects.filter(town=unit).count()
        for unit in Unit.objects.filter(code__in=[t.code for t in TOWNS])
    }
    assert counts == {t.code: t.count for t in TOWNS}
    assert not Organization.objects.filter(is_demo=False).exists()
    assert not Organization.objects.exclude(name_zh_hans__startswith="花都区演示").exists()


def test_the_rates_rose_in_the_year_after_the_meeting(demo):
    staff = User.objects.get(username="staff.huadu")
    district = Unit.objects.get(code="HUADU")
    then = coverage_rates(staff, CoverageFilters(at=MEETING, town=district)).total
    now = coverage_rates(
        staff, CoverageFilters(at=dt.date(2025, 11, 30), town=district), since=MEETING
    )
    assert then.operating > 800
    rate_then, rate_now = then.organized_rate, now.total.organized_rate
    standalone_then, standalone_now = then.standalone_rate, now.total.standalone_rate
    assert rate_then is not None and rate_now is not None
    assert standalone_then is not None and standalone_now is not None
    assert 0.3 < rate_then < 0.7
    assert rate_now > rate_then
    assert standalone_now > standalone_then
    assert now.total.newly_built > 50 and now.total.newly_standalone > 20
    # Shiling, the leather goods town, is one line of the table by town.
    by_town = {row.label: row for row in now.rows}
    assert by_town["Shiling Town"].operating > 100
