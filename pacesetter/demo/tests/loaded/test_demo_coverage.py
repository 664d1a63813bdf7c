"""Huadu's coverage register in the demo: the picture of the 15 August 2024 meeting and
the year of progress since, the blind spots followed up in the dual-synchronization plan,
and the light-industry top-200 enterprises' union coverage, all of it demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pacesetter.accounts.models import User
from pacesetter.coverage.codes import validate_credit_code
from pacesetter.coverage.models import FollowUp, Organization
from pacesetter.coverage.selectors import CoverageFilters, coverage_rates
from pacesetter.demo.coverage import SOCIAL, TOWNS
from pacesetter.demo.data import huadu, light_industry
from pacesetter.demo.data import light_industry_delegations as top_200
from pacesetter.units.models import Unit
from pacesetter.workplans.models import Task

MEETING = dt.date(2024, 8, 15)


def test_every_town_and_street_keeps_its_register_of_demo_organizations(demo):
    counts = {
        unit.code: Organization.objects.filter(town=unit).count()
        for unit in Unit.objects.filter(code__in=[t.code for t in TOWNS])
    }
    assert counts == {t.code: t.count for t in TOWNS}
    assert not Organization.objects.filter(is_demo=False).exists()
    huadu_orgs = Organization.objects.filter(town__code__startswith="HUADU")
    assert huadu_orgs.count() == sum(t.count for t in TOWNS)
    assert not huadu_orgs.exclude(name_zh_hans__startswith="花都区演示").exists()


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


def test_the_plans_projects_follow_up_blind_spots_of_the_meeting(demo):
    follow_ups = FollowUp.objects.select_related("task__project", "task__plan", "organization")
    by_project: dict[str, list[FollowUp]] = {}
    for follow_up in follow_ups:
        assert follow_up.task.project is not None
        by_project.setdefault(follow_up.task.project.code, []).append(follow_up)
    assert set(by_project) == {code for code, _selection, _count in huadu.FOLLOW_UPS}
    assert 20 <= follow_ups.count() <= 60  # tens, not thousands
    staff = User.objects.get(username="staff.huadu")
    for follow_up in follow_ups:
        task, org = follow_up.task, follow_up.organization
        assert task.plan.period_start == huadu.START
        assert task.lead_unit_id == org.town_id
        assert org.town.code.startswith("HUADU-")
        assert follow_up.created_by == staff
        # Followed up from the blind-spot list of the meeting: registered by then.
        assert org.registered_on <= MEETING
        assert str(org.pk) in task.scope_en
    standalone = [f.organization for f in by_project["P12"]]
    assert len(standalone) == 8 and all(o.party_members_full >= 3 for o in standalone)
    social = [f.organization for f in by_project["P15"]]
    assert len(social) == 8
    assert all(o.kind in SOCIAL for o in social)
    survey = by_project["P14"]
    assert len({f.organization.town_id for f in survey}) == len(TOWNS)
    # Each organization once; the projects' own key tasks are still there.
    assert len({f.organization_id for f in follow_ups}) == follow_ups.count()
    assert Task.objects.filter(code="P14.1", project__code="P14").exists()


def test_the_light_industry_top_200_union_coverage(demo):
    staff = User.objects.get(username="staff.lightindustry")
    federation = Unit.objects.get(code=light_industry.ROOT)
    enterprises = Organization.objects.filter(town=federation)
    assert enterprises.count() == top_200.ENTERPRISE_COUNT
    assert set(enterprises.values_list("name_en", flat=True)) == set(top_200.TOP_ENTERPRISES)
    codes = list(enterprises.values_list("credit_code", flat=True))
    assert len(set(codes)) == len(codes) and all(code[2:8] == "110000" for code in codes)
    for code in codes:
        validate_credit_code(code)  # raises on a bad check character
    with_union = top_200.ENTERPRISE_COUNT - len(top_200.WITHOUT_UNION)
    before = coverage_rates(staff, CoverageFilters(at=dt.date(2022, 3, 31), town=federation))
    at_exchange = coverage_rates(staff, CoverageFilters(at=dt.date(2024, 6, 6), town=federation))
    assert before.total.union_organized == 0
    assert at_exchange.total.operating == top_200.ENTERPRISE_COUNT
    assert at_exchange.total.union_organized == with_union == 188
    assert at_exchange.total.union_rate == Decimal("0.9400")
    assert at_exchange.total.organized == 0  # no party figures in the data: not built
