"""The preset catalogs: well-formed, idempotent to load, updated in place when re-run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from pacesetter.audit.models import AuditEntry
from pacesetter.awards import eligibility, presets
from pacesetter.awards.models import Award, EligibilityRule, LegalReference, Person
from pacesetter.awards.services import rule_at

ALL = [item for catalog in presets.read_catalogs().values() for item in catalog.awards]


def test_the_presets_cover_the_required_awards():
    codes = {item.code for item in ALL}
    assert {
        "vn-government-flag",
        "vn-provincial-flag",
        "vn-certificate-of-merit",
        "vn-excellent-collective",
        "vn-advanced-collective",
        "vn-grassroots-fighter",
        "vn-provincial-fighter",
        "cn-may1-award",
        "cn-may1-medal",
        "cn-worker-pioneer",
        "cn-model-worker-national",
        "cn-model-worker-provincial",
        "cn-model-worker-municipal",
        "cn-innovation-studio",
        "gen-advanced-unit",
        "gen-outstanding-individual",
        "gen-best-progress",
    } <= codes
    assert len(codes) == len(ALL)


@pytest.mark.parametrize("item", ALL, ids=lambda i: i.code)
def test_every_preset_is_complete_and_its_rules_validate(item):
    # Every shipped award is named, and issued, in each content language.
    assert set(item.name) == set(item.issuer) == {"en", "vi", "zh-hans"}
    assert item.name[item.source_language] and item.issuer[item.source_language]
    assert item.rules and item.references
    for rule in item.rules:
        eligibility.validate(rule.rule)
        assert rule.description
    starts = [r.valid_from for r in item.rules]
    assert len(starts) == len(set(starts))
    for reference in item.references:
        # Prepared offline: nothing is marked confirmed, and each says what to check.
        assert reference.confirmed is False
        assert reference.note


def _award_codes(rule):
    ((name, body),) = rule.items()
    if name in ("all", "any"):
        return {c for child in body for c in _award_codes(child)}
    if name == "not":
        return _award_codes(body)
    return set(body.get("awards", [])) | ({body["award"]} if "award" in body else set())


def test_rules_name_only_awards_of_the_catalog():
    codes = {item.code for item in ALL}
    for item in ALL:
        for rule in item.rules:
            assert _award_codes(rule.rule) <= codes, item.code


def test_loading_twice_creates_nothing_twice(db):
    first = presets.load()
    assert sorted(first.created) == sorted(i.code for i in ALL)
    counts = (
        Award.objects.count(),
        EligibilityRule.objects.count(),
        LegalReference.objects.count(),
    )
    assert counts == (
        len(ALL),
        sum(len(i.rules) for i in ALL),
        sum(len(i.references) for i in ALL),
    )
    entries = AuditEntry.objects.filter(action="award.preset_load")
    assert entries.count() == len(ALL)

    second = presets.load()
    assert second.created == [] and second.updated == []
    assert len(second.unchanged) == len(ALL)
    assert (
        Award.objects.count(),
        EligibilityRule.objects.count(),
        LegalReference.objects.count(),
    ) == counts
    assert entries.count() == len(ALL)  # nothing changed, nothing audited


def test_reloading_restores_names_and_rules_in_place(db):
    presets.load(["vn"])
    flag = Award.objects.get(code="vn-provincial-flag")
    flag.name_vi = "changed"
    flag.save()
    rule = flag.rules.get(valid_from=dt.date(2024, 1, 1))
    rule.rule = {"no_veto": {}}
    rule.save()
    flag.legal_references.update(note="")
    custom = EligibilityRule.objects.create(
        award=flag, valid_from=dt.date(2026, 1, 1), rule={"no_veto": {}}
    )

    result = presets.load(["vn"])
    assert result.updated == ["vn-provincial-flag"]
    flag.refresh_from_db()
    assert flag.name_vi == "Cờ thi đua cấp tỉnh"
    assert flag.rules.get(pk=rule.pk).rule["all"][0] == {"rank_at_most": {"rank": 1}}
    assert all(r.note for r in flag.legal_references.all())
    assert flag.rules.filter(pk=custom.pk).exists()  # a deployment's own rule is kept
    entry = AuditEntry.objects.filter(action="award.preset_load", target_id=str(flag.pk)).last()
    assert "name_vi" in entry.changes
    assert "rule 2024-01-01" in entry.changes


def test_the_command_loads_one_preset(db):
    out = StringIO()
    call_command("load_award_presets", "--preset", "cn", stdout=out)
    assert set(Award.objects.values_list("preset", flat=True)) == {"cn"}
    assert "7 created" in out.getvalue()
    call_command("load_award_presets", "--preset", "cn", stdout=out)
    assert "0 created, 0 updated, 7 unchanged" in out.getvalue()
    assert Award.objects.count() == 7
    with pytest.raises(CommandError):
        call_command("load_award_presets", "--preset", "xx")


def test_a_malformed_preset_is_refused_before_anything_is_written(db):
    bad = presets.AwardPreset(
        code="bad",
        source_language="en",
        name={"en": "Bad"},
        level="provincial",
        recipient_kind="unit",
        issuer={"en": "x"},
        rules=(presets.Rule(dt.date(2024, 1, 1), {"held_each_year": {"award": "x"}}),),
    )
    with pytest.raises(ValidationError, match=r"bad .*needs: years"):
        presets.load(
            catalogs={
                "x": presets.Catalog(
                    name="x",
                    version="test",
                    awards=(presets.read_catalogs()["generic"].awards[0], bad),
                )
            }
        )
    assert not Award.objects.exists()


def test_a_preset_rule_naming_an_unknown_award_is_refused_before_anything_is_written(db):
    first = presets.read_catalogs()["generic"].awards[0]
    rule = {"not_awarded_within": {"award": "no-such-award", "years": 1}}
    bad = presets.AwardPreset(
        code="bad",
        source_language="en",
        name={"en": "Bad"},
        level="provincial",
        recipient_kind="unit",
        issuer={"en": "x"},
        rules=(presets.Rule(dt.date(2024, 1, 1), rule),),
    )
    catalog = presets.Catalog(name="x", version="test", awards=(first, bad))
    with pytest.raises(
        ValidationError, match=r"bad .*At \$.not_awarded_within.award: There is no award"
    ):
        presets.load(catalogs={"x": catalog})
    assert not Award.objects.exists()
    # A code of the same load, or of an award already stored, is known.
    mine = {"not_awarded_within": {"award": first.code, "years": 1}}
    good = dataclasses.replace(bad, rules=(presets.Rule(dt.date(2024, 1, 1), mine),))
    presets.load(catalogs={"x": dataclasses.replace(catalog, awards=(first, good))})
    assert Award.objects.get(code="bad").rules.get().rule == mine


def test_quotas_and_rule_versions_of_the_vietnamese_presets(db):
    presets.load(["vn"])
    flag = Award.objects.get(code="vn-provincial-flag")
    merit = Award.objects.get(code="vn-certificate-of-merit")
    assert flag.quota_for(12) == 1
    assert merit.quota_percent == D("20.00")
    assert merit.quota_for(12) == 2  # 20% of 12, rounded down
    assert "achievement_unused" not in str(rule_at(flag, dt.date(2023, 6, 1)).rule)
    assert "achievement_unused" in str(rule_at(flag, dt.date(2024, 6, 1)).rule)


def test_every_preset_rule_can_be_checked_and_explained(world):
    presets.load()
    person = Person.objects.create(
        full_name="Nguyễn Văn A", unit=world.own, service_start=dt.date(2015, 1, 1)
    )
    for award in Award.objects.prefetch_related("rules"):
        for rule in award.rules.all():
            ctx = eligibility.Context(
                decision_date=dt.date(2025, 3, 1),
                unit=world.own if award.recipient_kind == "unit" else None,
                person=person if award.recipient_kind == "person" else None,
                rank=1,
                percentage=D("95"),
                award=award,
            )
            rows = eligibility.flatten(eligibility.evaluate(rule.rule, ctx))
            assert all(r["text"] for r in rows)
