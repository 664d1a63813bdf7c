"""Worked examples of the rates, as of several dates (docs/coverage.md, "Rates").

Town A (the own unit) and town B (its sibling), under the province:

| org | town | registered | party organization                         | status            |
|-----|------|------------|--------------------------------------------|-------------------|
| o1  | A    | 2023-01-01 | standalone from 2023-06-01                 | operating         |
| o2  | A    | 2023-01-01 | instructor sent 2024-01-10                 | operating         |
| o3  | A    | 2023-05-01 | joint by industry from 2024-02-01          | deregistered 2024-06-01 |
| o4  | A    | 2024-03-01 | standalone from 2024-09-01                 | operating         |
| o5  | B    | 2023-01-01 | standalone when registered (founded 2022)  | operating         |

o1 has a union (joint by region) from 2023-03-01; staff and union members are 100/50
(o1), 20/0 (o2), 10/5 (o3), 30/30 (o4), 40/20 (o5).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pacesetter.coverage.models import CoverageKind
from pacesetter.coverage.selectors import CoverageFilters, coverage_rates, register_at
from pacesetter.coverage.services import building_record, status_record

from .factories import organization

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def register(world):
    party = CoverageKind.objects.get(code="party")
    union = CoverageKind.objects.get(code="union")
    a, b = world.own, world.sibling
    o1 = organization(a, registered_on=D(2023, 1, 1), staff_count=100, union_members=50)
    building_record(actor=None, organization=o1, kind=party, on=D(2023, 6, 1), form="standalone")
    building_record(actor=None, organization=o1, kind=union, on=D(2023, 3, 1), form="joint_region")
    o2 = organization(a, registered_on=D(2023, 1, 1), staff_count=20)
    building_record(
        actor=None,
        organization=o2,
        kind=party,
        on=D(2024, 1, 10),
        form="work_only",
        instructor_name="Instructor",
    )
    o3 = organization(
        a, registered_on=D(2023, 5, 1), kind="social_group", staff_count=10, union_members=5
    )
    building_record(
        actor=None, organization=o3, kind=party, on=D(2024, 2, 1), form="joint_industry"
    )
    status_record(actor=None, organization=o3, on=D(2024, 6, 1), status="deregistered")
    o4 = organization(a, registered_on=D(2024, 3, 1), staff_count=30, union_members=30)
    building_record(actor=None, organization=o4, kind=party, on=D(2024, 9, 1), form="standalone")
    organization(
        b,
        registered_on=D(2023, 1, 1),
        staff_count=40,
        union_members=20,
        buildings={"party": {"form": "standalone", "founded_on": D(2022, 12, 1)}},
    )


def counts(row):
    return (row.operating, row.organized, row.work_covered, row.standalone)


@pytest.mark.parametrize(
    ("day", "total", "town_a"),
    [
        (D(2022, 12, 31), (0, 0, 0, 0), None),
        (D(2023, 12, 31), (4, 2, 2, 2), (3, 1, 1, 1)),
        (D(2024, 3, 31), (5, 3, 4, 2), (4, 2, 3, 1)),
        (D(2024, 12, 31), (4, 3, 4, 3), (3, 2, 3, 2)),
    ],
)
def test_rates_by_town_as_of_several_dates(world, register, day, total, town_a):
    staff = world.users["committee_staff"]
    table = coverage_rates(staff, CoverageFilters(at=day, group_by="town"))
    assert counts(table.total) == total
    by_town = {row.key: row for row in table.rows}
    if town_a is None:
        assert by_town == {}
    else:
        assert counts(by_town[world.own.pk]) == town_a
        assert by_town[world.own.pk].label == world.own.name


def test_the_rates_are_shares_of_the_operating(world, register):
    staff = world.users["committee_staff"]
    total = coverage_rates(staff, CoverageFilters(at=D(2024, 12, 31))).total
    assert total.organized_rate == Decimal("0.75")
    assert total.work_rate == Decimal("1")
    assert total.standalone_rate == Decimal("0.75")
    # Union: o1 only, of 4 operating; members 50+0+30+20 of staff 100+20+30+40.
    assert total.union_rate == Decimal("0.25")
    assert total.union_membership_rate == Decimal("0.5263")


def test_no_operating_organization_gives_no_rate_not_zero(world):
    staff = world.users["committee_staff"]
    total = coverage_rates(staff, CoverageFilters(at=D(2024, 1, 1))).total
    assert total.operating == 0
    assert total.organized_rate is None


def test_newly_built_over_a_period_and_the_rates_at_its_start(world, register):
    staff = world.users["committee_staff"]
    table = coverage_rates(
        staff, CoverageFilters(at=D(2024, 12, 31), group_by="town"), since=D(2023, 12, 31)
    )
    # o4 was built standalone in 2024; o3's joint organization was built too, but o3 is
    # no longer operating; o2 got an instructor, which is not a new organization.
    assert (table.total.newly_built, table.total.newly_standalone) == (1, 1)
    assert table.before is not None
    assert counts(table.before.total) == (4, 2, 2, 2)


def test_grouped_by_kind_and_by_size(world, register):
    staff = world.users["committee_staff"]
    by_kind = coverage_rates(staff, CoverageFilters(at=D(2024, 3, 31), group_by="kind"))
    assert {row.key: row.operating for row in by_kind.rows} == {"private": 4, "social_group": 1}
    by_size = coverage_rates(staff, CoverageFilters(at=D(2024, 3, 31), group_by="size"))
    # 10 to 49 staff: o2, o3, o4, o5; 100 or more: o1.
    assert [(row.key, row.operating) for row in by_size.rows] == [(1, 4), (3, 1)]
    assert by_size.rows[0].label == "10 to 49 staff"


def test_an_officer_sees_the_rates_of_its_own_town_only(world, register):
    officer = world.users["unit_officer"]
    table = coverage_rates(officer, CoverageFilters(at=D(2024, 3, 31), group_by="town"))
    assert [row.key for row in table.rows] == [world.own.pk]
    assert coverage_rates(world.users["nobody"], CoverageFilters(at=D(2024, 3, 31))).rows == []


def test_the_register_lists_the_organizations_behind_a_figure(world, register):
    staff = world.users["committee_staff"]
    uncovered = register_at(
        staff, CoverageFilters(at=D(2024, 3, 31), status="operating", party_form="uncovered")
    )
    assert sorted(o.staff_count for o in uncovered) == [20, 30]


def test_the_rates_take_a_fixed_number_of_queries(world, register, django_assert_num_queries):
    staff = world.users["committee_staff"]
    coverage_rates(staff, CoverageFilters(at=D(2024, 3, 31)))  # the scope is cached per user
    with django_assert_num_queries(2):
        coverage_rates(staff, CoverageFilters(at=D(2024, 3, 31), group_by="town"))
