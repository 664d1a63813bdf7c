"""Writing the catalog award by award: creating and changing awards, and adding versions
of their rules (valid from a date, validated, earlier versions kept)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pacesetter.audit.models import AuditEntry
from pacesetter.awards.models import Award, EligibilityRule
from pacesetter.awards.selectors import rules_of
from pacesetter.awards.services import (
    award_create,
    award_update,
    eligibility_rule_add,
    grant_record,
    rule_at,
)
from pacesetter.decisions.services import decision_create

pytestmark = pytest.mark.django_db

RANK_1 = {"all": [{"rank_at_most": {"rank": 1}}, {"no_veto": {}}]}
RANK_2 = {"rank_at_most": {"rank": 2}}


def new_award(actor: Any = None, **extra: Any) -> Award:
    values: dict[str, Any] = {
        "code": "own-flag",
        "name": {"en": "Own Emulation Flag", "vi": "Cờ thi đua"},
        "level": "district",
        "recipient_kind": "unit",
        "issuer": "District People's Committee",
        "quota_count": 1,
        **extra,
    }
    return award_create(actor=actor, **values)


def rule_codes(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in caught.value.error_dict.items()}


# --- awards ----------------------------------------------------------------------------


def test_creating_an_award_stores_its_names_and_writes_its_entry(world):
    staff = world.users["committee_staff"]
    award = new_award(staff, name_zh_hans="竞赛旗", quota_percent=D("20"))
    award.refresh_from_db()
    assert (award.name_en, award.name_vi, award.name_zh_hans) == (
        "Own Emulation Flag",
        "Cờ thi đua",
        "竞赛旗",
    )
    assert award.preset == "" and award.is_active and award.quota_for(10) == 1
    entry = AuditEntry.objects.get(action="award.create")
    assert entry.actor_id == staff.pk and entry.target_id == str(award.pk)
    assert entry.changes["code"] == [None, "own-flag"]
    assert entry.changes["quota_percent"] == [None, "20.00"]


def test_an_award_code_is_unique(world):
    new_award()
    with pytest.raises(ValidationError) as caught:
        new_award(name="Another flag")
    assert set(caught.value.error_dict) == {"code"}
    assert Award.objects.count() == 1


@pytest.mark.parametrize("percent", [D("0"), D("100.01"), D("-5")])
def test_a_quota_percentage_is_above_0_and_at_most_100(world, percent):
    with pytest.raises(ValidationError) as caught:
        new_award(quota_percent=percent)
    assert caught.value.message_dict == {
        "quota_percent": ["Give a percentage above 0 and at most 100."]
    }


def test_changing_an_award_records_old_and_new_values(world):
    award = new_award()
    staff = world.users["committee_staff"]
    award = award_update(actor=staff, award=award, name={"zh-hans": "竞赛旗"}, quota_count=None)
    award.refresh_from_db()
    assert award.name_zh_hans == "竞赛旗" and award.quota_count is None
    entry = AuditEntry.objects.get(action="award.update")
    assert entry.actor_id == staff.pk
    assert entry.changes == {"name_zh_hans": ["", "竞赛旗"], "quota_count": [1, None]}


def test_a_percentage_sent_as_20_is_no_change_from_the_stored_20_00(world):
    award = new_award(quota_percent=D("20"))
    assert Award.objects.get(pk=award.pk).quota_percent == D("20.00")
    award_update(actor=None, award=award, quota_percent=D("20"))
    assert not AuditEntry.objects.filter(action="award.update").exists()


def test_the_code_and_the_preset_cannot_be_changed(world):
    award = new_award()
    with pytest.raises(TypeError):
        award_update(actor=None, award=award, code="renamed")
    with pytest.raises(TypeError):
        award_update(actor=None, award=award, preset="vn")


def test_who_an_award_is_given_to_is_fixed_once_it_was_granted(world):
    award = new_award()
    # Unused, it may still change.
    award = award_update(actor=None, award=award, recipient_kind="person")
    award = award_update(actor=None, award=award, recipient_kind="unit")
    decision = decision_create(
        actor=None, owner_unit=world.committee, number="1/QD", date=dt.date(2025, 1, 5), issuer="X"
    )
    grant_record(actor=None, award=award, decision=decision, year=2024, unit=world.own)
    with pytest.raises(ValidationError) as caught:
        award_update(actor=None, award=award, recipient_kind="person", name="Renamed")
    assert rule_codes(caught) == {"recipient_kind": ["award_in_use"]}
    award.refresh_from_db()
    assert (award.recipient_kind, award.name) == ("unit", "Own Emulation Flag")
    # Its other fields still change.
    award_update(actor=None, award=award, recipient_kind="unit", name="Renamed")
    assert Award.objects.get(pk=award.pk).name == "Renamed"


# --- rule versions ---------------------------------------------------------------------


def test_a_new_rule_version_applies_from_its_date_and_keeps_the_earlier_one(world):
    award = new_award()
    first = eligibility_rule_add(
        actor=None, award=award, valid_from=dt.date(2024, 1, 1), rule=RANK_2
    )
    staff = world.users["committee_staff"]
    second = eligibility_rule_add(
        actor=staff,
        award=award,
        valid_from=dt.date(2026, 1, 1),
        rule=RANK_1,
        description="Decree 2025: first place only.",
    )
    first.refresh_from_db()
    assert (first.valid_from, first.valid_to, first.rule) == (dt.date(2024, 1, 1), None, RANK_2)
    assert rule_at(award, dt.date(2025, 12, 31)) == first
    assert rule_at(award, dt.date(2026, 1, 1)) == second
    # The award's page: the open-ended first version is superseded, not also in force.
    shown = rules_of(award, dt.date(2026, 11, 18))
    assert [(r["rule"], r["in_force"]) for r in shown] == [(second, True), (first, False)]
    entry = AuditEntry.objects.filter(action="award.rule_add").latest("pk")
    assert entry.actor_id == staff.pk and entry.target_id == str(award.pk)
    assert entry.changes == {"rule 2026-01-01": [None, {"valid_to": None, "rule": RANK_1}]}


@pytest.mark.parametrize("valid_from", [dt.date(2026, 1, 1), dt.date(2025, 6, 30)])
def test_a_new_version_must_start_after_the_latest(world, valid_from):
    award = new_award()
    eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2024, 1, 1), rule=RANK_2)
    eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2026, 1, 1), rule=RANK_1)
    with pytest.raises(ValidationError) as caught:
        eligibility_rule_add(actor=None, award=award, valid_from=valid_from, rule=RANK_1)
    assert rule_codes(caught) == {"valid_from": ["valid_from_not_after_latest"]}
    assert "1 January 2026" in caught.value.message_dict["valid_from"][0]
    assert award.rules.count() == 2


def test_a_malformed_rule_is_refused_with_the_path_of_its_bad_node(world):
    award = new_award()
    entries = AuditEntry.objects.count()
    bad = {"all": [{"no_veto": {}}, {"any": [{"not": {"unit_type_in": {}}}]}]}
    with pytest.raises(ValidationError) as caught:
        eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2025, 1, 1), rule=bad)
    assert rule_codes(caught) == {"rule": ["invalid_rule"]}
    assert caught.value.message_dict == {
        "rule": ["At $.all[1].any[0].not.unit_type_in: “unit_type_in” needs: codes."]
    }
    assert not EligibilityRule.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_rule_naming_an_award_that_does_not_exist_is_refused(world):
    award = new_award()
    typo = {"all": [{"no_veto": {}}, {"not_awarded_within": {"award": "vn-merit", "years": 1}}]}
    with pytest.raises(ValidationError) as caught:
        eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2025, 1, 1), rule=typo)
    assert rule_codes(caught) == {"rule": ["invalid_rule"]}
    assert caught.value.message_dict == {
        "rule": ["At $.all[1].not_awarded_within.award: There is no award “vn-merit”."]
    }
    many = {"held_at_least": {"awards": [award.code, "gone"], "times": 1, "years": 3}}
    with pytest.raises(ValidationError) as caught:
        eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2025, 1, 1), rule=many)
    assert caught.value.message_dict == {
        "rule": ["At $.held_at_least.awards[1]: There is no award “gone”."]
    }
    assert not EligibilityRule.objects.exists()
    # The award's own code (and any other that exists) is fine.
    mine = {"not_awarded_within": {"award": award.code, "years": 1}}
    eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2025, 1, 1), rule=mine)
    assert award.rules.count() == 1


def test_a_version_cannot_end_before_it_starts(world):
    award = new_award()
    with pytest.raises(ValidationError):
        eligibility_rule_add(
            actor=None,
            award=award,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2024, 12, 31),
            rule=RANK_1,
        )
    assert not EligibilityRule.objects.exists()
