"""Coverage rules: loading the versioned data, and worked examples of each primitive as of
several dates (the sentence in Python, the blind-spot filter in SQL, agreeing)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pacesetter.coverage import rules as engine
from pacesetter.coverage.blind_spots import blind_spots
from pacesetter.coverage.models import CoverageKind, CoverageRule, Organization
from pacesetter.coverage.selectors import CoverageFilters
from pacesetter.coverage.services import building_record, status_record

from .factories import organization

pytestmark = pytest.mark.django_db
D = dt.date


def make_rule(code, primitive, params, kind="party", valid_from=D(2012, 1, 1), **fields):
    return CoverageRule.objects.create(
        code=code,
        kind=CoverageKind.objects.get(code=kind),
        primitive=primitive,
        params=params,
        valid_from=valid_from,
        source_language="en",
        name_en=fields.pop("name", code),
        **fields,
    )


def state(rule, org, at):
    """The Python check at ``at``, and whether the SQL of the blind-spot list agrees."""
    org = Organization.objects.get(pk=org.pk)
    period = org.buildings.filter(kind=rule.kind, valid_from__lte=at).order_by("-valid_from")
    form = period.values_list("form", flat=True).first()
    status = org.status_periods.filter(valid_from__lte=at).order_by("-valid_from").first()
    result = engine.check(rule, org, at, form, status is not None and status.status == "operating")
    superuser = type(
        "Root", (), {"is_authenticated": True, "is_active": True, "is_superuser": True}
    )
    in_sql = blind_spots(superuser(), CoverageFilters(at=at), [rule]).filter(pk=org.pk).exists()
    assert in_sql == result.unmet, (at, result)
    return result


# --- loading -----------------------------------------------------------------------


def test_the_shipped_rules_load_and_load_again_unchanged():
    for path in engine.shipped_files():
        count = engine.load_rules(path)
        assert count == len(json.loads(path.read_text())["rules"])
        assert engine.load_rules(path) == count
    dual = CoverageRule.objects.get(code="cn-dual-sync-party")
    assert dual.params == {"days": 90, "min_full_members": 1}
    assert "local choice" in dual.note
    assert dual.name_zh_hans == "双同步：90日内建立党组织"
    above = CoverageRule.objects.get(code="cn-above-scale-standalone")
    assert above.params["min_staff"] == 100 and above.params["min_revenue_band"] == "20m"
    assert CoverageRule.objects.get(code="cn-standalone-3-members").params == {
        "min_full_members": 3
    }


GOOD = {
    "code": "r1",
    "kind": "party",
    "primitive": "build_within_days",
    "params": {"days": 90},
    "valid_from": "2024-01-01",
    "name": {"en": "A rule"},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"primitive": "standalone_if_tall"}, "unknown check “standalone_if_tall”"),
        ({"params": {}}, "the parameter “days” is missing"),
        ({"params": {"days": "ninety"}}, "the parameter “days” has a wrong value"),
        ({"params": {"days": 90, "colour": "red"}}, "unknown parameter “colour”"),
        ({"kind": "choir"}, "unknown kind “choir”"),
        ({"valid_to": "2023-01-01"}, "valid_to after it"),
        ({"name": {"vi": "Quy tắc"}}, "no name in the source language"),
        (
            {"primitive": "standalone_by_date_if_size", "params": {"by": "2025-12-31"}},
            "say the size",
        ),
    ],
)
def test_a_bad_rule_is_refused_naming_the_file_and_the_rule(tmp_path, change, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"source_language": "en", "rules": [{**GOOD, **change}]}))
    with pytest.raises(ValidationError) as caught:
        engine.load_rules(path)
    text = str(caught.value)
    assert "bad.json, rule r1:" in text and message in text
    assert not CoverageRule.objects.exists()


# --- standalone_if_members ------------------------------------------------------------


def test_standalone_if_members_as_of_several_dates(world):
    rule = make_rule("three", "standalone_if_members", {"min_full_members": 3})
    party = rule.kind
    org = organization(world.own, registered_on=D(2023, 1, 1), party_members_full=3)
    building_record(actor=None, organization=org, kind=party, on=D(2023, 6, 1), form="joint_region")
    building_record(actor=None, organization=org, kind=party, on=D(2024, 3, 1), form="standalone")

    assert state(rule, org, D(2022, 12, 31)).state == engine.NOT_APPLICABLE
    before = state(rule, org, D(2023, 3, 1))
    assert before.state == engine.DUE and before.due_on is None
    assert before.sentence == (
        "3 full party members: a standalone Party organization should be built; it is not built."
    )
    joint = state(rule, org, D(2023, 7, 1))
    assert joint.sentence == (
        "3 full party members: a standalone Party organization should be built; it is joint."
    )
    met = state(rule, org, D(2024, 3, 1))
    assert met.state == engine.MET and met.sentence.endswith("; it is standalone.")

    few = organization(world.own, registered_on=D(2023, 1, 1), party_members_full=2)
    assert state(rule, few, D(2024, 3, 1)).state == engine.NOT_APPLICABLE


def test_standalone_if_members_with_days_falls_due_then_overdue(world):
    rule = make_rule(
        "three-180", "standalone_if_members", {"min_full_members": 3, "within_days": 180}
    )
    org = organization(world.own, registered_on=D(2023, 1, 1), party_members_full=5)
    due = state(rule, org, D(2023, 6, 30))
    assert (due.state, due.due_on) == (engine.DUE, D(2023, 6, 30))
    assert due.sentence.endswith("it is not built, due on 30 June 2023.")
    late = state(rule, org, D(2023, 7, 1))
    assert late.state == engine.OVERDUE
    assert late.sentence.endswith("it is not built, overdue since 1 July 2023.")
    status_record(actor=None, organization=org, on=D(2023, 8, 1), status="suspended")
    assert state(rule, org, D(2023, 8, 1)).state == engine.NOT_APPLICABLE  # not operating


# --- build_within_days ----------------------------------------------------------------


def test_build_within_days_as_of_several_dates(world):
    rule = make_rule(
        "dual-union",
        "build_within_days",
        {"days": 90, "min_staff": 10},
        kind="union",
        valid_from=D(2024, 1, 1),
    )
    union = rule.kind
    org = organization(world.own, registered_on=D(2024, 1, 10), staff_count=40)
    building_record(actor=None, organization=org, kind=union, on=D(2024, 5, 1), form="joint_unit")

    due = state(rule, org, D(2024, 4, 9))
    assert (due.state, due.due_on) == (engine.DUE, D(2024, 4, 9))
    assert due.sentence == (
        "Registered on 10 January 2024: the Trade union should be built within 90 days; "
        "it is not built, due on 9 April 2024."
    )
    assert state(rule, org, D(2024, 4, 10)).state == engine.OVERDUE
    met = state(rule, org, D(2024, 5, 1))
    assert met.state == engine.MET and met.sentence.endswith("; it is joint.")

    older = organization(world.own, registered_on=D(2023, 12, 31), staff_count=40)
    assert state(rule, older, D(2024, 6, 1)).state == engine.NOT_APPLICABLE  # before the rule
    small = organization(world.own, registered_on=D(2024, 2, 1), staff_count=9)
    assert state(rule, small, D(2024, 6, 1)).state == engine.NOT_APPLICABLE


def test_an_instructor_is_not_a_built_organization(world):
    rule = make_rule("dual-party", "build_within_days", {"days": 30})
    org = organization(world.own, registered_on=D(2024, 1, 1))
    building_record(
        actor=None,
        organization=org,
        kind=rule.kind,
        on=D(2024, 1, 15),
        form="work_only",
        instructor_name="Li Ming",
    )
    result = state(rule, org, D(2024, 3, 1))
    assert result.state == engine.OVERDUE
    assert "only an instructor or liaison is sent, overdue since 1 February 2024" in result.sentence


# --- standalone_by_date_if_size --------------------------------------------------------


def test_standalone_by_date_if_size_as_of_several_dates(world):
    rule = make_rule(
        "above-scale",
        "standalone_by_date_if_size",
        {"min_staff": 100, "min_revenue_band": "20m", "by": "2025-12-31", "sectors": ["economic"]},
        valid_from=D(2024, 9, 1),
    )
    big = organization(world.own, registered_on=D(2020, 1, 1), staff_count=120)
    rich = organization(world.own, registered_on=D(2020, 1, 1), staff_count=20, revenue_band="100m")
    small = organization(world.own, registered_on=D(2020, 1, 1), staff_count=20, revenue_band="5m")
    social = organization(
        world.own, registered_on=D(2020, 1, 1), staff_count=300, kind="social_group"
    )
    building_record(
        actor=None, organization=big, kind=rule.kind, on=D(2025, 10, 1), form="standalone"
    )

    first = state(rule, big, D(2025, 1, 1))
    assert (first.state, first.due_on) == (engine.DUE, D(2025, 12, 31))
    assert first.sentence == (
        "120 staff: a standalone Party organization should be built by 31 December 2025; "
        "it is not built, due on 31 December 2025."
    )
    assert state(rule, big, D(2025, 10, 1)).state == engine.MET
    assert state(rule, rich, D(2026, 1, 1)).state == engine.OVERDUE
    assert state(rule, rich, D(2026, 1, 1)).sentence.startswith(
        "Annual revenue 100 million or more:"
    )
    assert state(rule, small, D(2026, 1, 1)).state == engine.NOT_APPLICABLE
    assert state(rule, social, D(2026, 1, 1)).state == engine.NOT_APPLICABLE


def test_the_sentence_names_the_kind_in_the_readers_language(world):
    rule = make_rule("three", "standalone_if_members", {"min_full_members": 3})
    org = organization(world.own, registered_on=D(2023, 1, 1), party_members_full=4)
    with translation.override("zh-hans"):
        assert "党组织" in state(rule, org, D(2024, 1, 1)).sentence


def test_rules_in_force_follow_their_versions():
    make_rule("dual", "build_within_days", {"days": 90}, valid_to=D(2025, 1, 1))
    make_rule("dual", "build_within_days", {"days": 60}, valid_from=D(2025, 1, 1))
    assert [r.params["days"] for r in engine.rules_at(D(2024, 12, 31))] == [90]
    assert [r.params["days"] for r in engine.rules_at(D(2025, 1, 1))] == [60]
    assert list(engine.rules_at(D(2011, 12, 31))) == []
