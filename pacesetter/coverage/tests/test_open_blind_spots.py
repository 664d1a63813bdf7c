"""The stored open blind spots: kept by the services (through ``deadlines_sync``) and
rebuilt by the daily scan, they give today's list the same rows in the same order as the
list computed over the register; at any other date, or once the rules change, the list
is computed (docs/coverage.md, "Blind spots")."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from pacesetter.coverage import rules as rule_engine
from pacesetter.coverage import tasks
from pacesetter.coverage.blind_spots import (
    blind_spots,
    open_blind_spots_rebuild,
    stored_answers,
)
from pacesetter.coverage.models import CoverageKind, OpenBlindSpot, OpenBlindSpotsState
from pacesetter.coverage.selectors import CoverageFilters
from pacesetter.coverage.services import building_record, organization_update, status_record

from .factories import organization
from .test_rules import make_rule

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ROOT = type("Root", (), {"is_authenticated": True, "is_active": True, "is_superuser": True})()


def days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def listed(user, stored, **filters):
    """The list as the page reads it: each row's id, first deadline, forms and follow-up."""
    at = timezone.localdate()
    rules = list(rule_engine.rules_at(at))
    found = blind_spots(user, CoverageFilters(at=at, **filters), rules, stored=stored)
    return [
        (o.pk, o.first_due, o.form_party, o.form_union, o.has_follow_up, o.town_id) for o in found
    ]


def same_either_way(world):
    """The stored and the computed list agree, for the staff, an officer and a filter."""
    for user, filters in (
        (ROOT, {}),
        (world.users["committee_staff"], {}),
        (world.users["unit_officer"], {}),
        (ROOT, {"sector": "social"}),
        (ROOT, {"town": world.sibling}),
    ):
        computed = listed(user, False, **filters)
        assert listed(user, True, **filters) == computed, (user, filters)
    return listed(ROOT, False)


@pytest.fixture
def register(world):
    """Four rules of three primitives over two kinds, and organizations in two towns whose
    state changes over the last year and a half."""
    make_rule("dual", "build_within_days", {"days": 90, "min_full_members": 1})
    make_rule("three", "standalone_if_members", {"min_full_members": 3})
    make_rule(
        "large",
        "standalone_by_date_if_size",
        {"min_staff": 100, "by": days(-30).isoformat()},
    )
    make_rule("union", "build_within_days", {"days": 60, "min_staff": 10}, kind="union")
    party = CoverageKind.objects.get(code="party")
    union = CoverageKind.objects.get(code="union")
    found = {
        "old_four": organization(world.own, registered_on=days(-600), party_members_full=4),
        "new_one": organization(
            world.own, registered_on=days(-100), party_members_full=1, staff_count=30
        ),
        "twin_a": organization(
            world.sibling, registered_on=days(-200), party_members_full=1, staff_count=30
        ),
        "twin_b": organization(
            world.sibling, registered_on=days(-200), party_members_full=1, staff_count=30
        ),
        "large": organization(
            world.own, registered_on=days(-500), staff_count=250, kind="social_group"
        ),
        "covered": organization(
            world.own, registered_on=days(-450), party_members_full=5, staff_count=5
        ),
        "closing": organization(world.sibling, registered_on=days(-300), party_members_full=3),
        "quiet": organization(world.sibling, registered_on=days(-300), staff_count=3),
    }
    building_record(
        actor=None, organization=found["covered"], kind=party, on=days(-400), form="standalone"
    )
    building_record(
        actor=None, organization=found["large"], kind=union, on=days(-480), form="joint_region"
    )
    building_record(
        actor=None, organization=found["twin_a"], kind=party, on=days(-150), form="joint_region"
    )
    return found


def test_the_stored_and_the_computed_list_agree_on_a_worked_example(world, register):
    party = CoverageKind.objects.get(code="party")
    seen = []
    for step, day in enumerate((-380, -140, -40, 0)):
        with time_machine.travel(days(day), tick=False):
            today = timezone.localdate()
            rules = list(rule_engine.rules_at(today))
            assert not stored_answers(today, rules)  # not rebuilt today yet: computed
            open_blind_spots_rebuild()
            assert stored_answers(today, rules)
            assert not stored_answers(today - dt.timedelta(days=1), rules)  # a past date
            before = same_either_way(world)
            # Changes through the services keep the stored list in step, in their
            # transactions, without a rebuild.
            registered = [o for o in register.values() if o.registered_on < today]
            first, second, third = (registered * 3)[step : step + 3]
            building_record(
                actor=None, organization=first, kind=party, on=today, form="joint_industry"
            )
            second.refresh_from_db()
            toggled = "operating" if second.status == "suspended" else "suspended"
            status_record(actor=None, organization=second, on=today, status=toggled)
            organization_update(
                actor=None,
                organization=third,
                party_members_full=third.party_members_full + 3,
                staff_count=third.staff_count + 120,
            )
            after = same_either_way(world)
            assert OpenBlindSpot.objects.count() == len(after)
            seen.append((len(before), len(after)))
    # The example moves: blind spots appear and disappear from one day to the next.
    assert len(set(seen)) > 1
    assert any(before != after for before, after in seen)


def test_ties_keep_the_computed_order(world, register):
    open_blind_spots_rebuild()
    ids = [row[0] for row in same_either_way(world)]
    # twin_a (joint) fails the union rule, twin_b the union and the dual rule: the same
    # first deadline (registration + 60 days) and staff, so by id
    assert ids.index(register["twin_a"].pk) + 1 == ids.index(register["twin_b"].pk)


def test_a_change_of_the_rules_falls_back_to_the_computed_list(world, register):
    open_blind_spots_rebuild()
    today = timezone.localdate()
    assert stored_answers(today, list(rule_engine.rules_at(today)))
    make_rule("two", "standalone_if_members", {"min_full_members": 2})
    rules = list(rule_engine.rules_at(today))
    assert not stored_answers(today, rules)
    assert blind_spots(ROOT, CoverageFilters(at=today), rules).query.order_by[0] == "first_due"


def test_the_daily_scan_rebuilds_the_day_s_list(world, register):
    OpenBlindSpot.objects.all().delete()
    tasks.deadlines_scan.call(today=days(0).isoformat())
    assert OpenBlindSpotsState.objects.get().as_of == days(0)
    assert [pk for pk, *_ in listed(ROOT, True)] == [pk for pk, *_ in listed(ROOT, False)]
    assert OpenBlindSpot.objects.exists()


def test_the_page_reads_the_stored_list_in_a_fixed_number_of_queries(
    client, world, register, django_assert_num_queries
):
    open_blind_spots_rebuild()
    client.force_login(world.users["committee_staff"])
    client.get("/coverage/blind-spots/")
    with django_assert_num_queries(11) as first:
        response = client.get("/coverage/blind-spots/")
    assert any("coverage_openblindspot" in q["sql"] for q in first.captured_queries)
    shown = [row.organization.pk for row in response.context["rows"]]
    for n in range(6):
        organization(world.own, name=f"More {n}", registered_on=days(-20), party_members_full=3)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/coverage/blind-spots/")
    assert response.context["page_obj"].paginator.count == len(shown) + 6
    past = client.get(f"/coverage/blind-spots/?at={days(-1).isoformat()}")
    assert past.status_code == 200  # computed, not stored
