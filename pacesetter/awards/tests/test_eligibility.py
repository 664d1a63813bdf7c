"""Worked examples of the eligibility rules: every primitive passing and failing, the
compositions, the rule version chosen by the decision date, and validation messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pacesetter.awards import eligibility
from pacesetter.awards.models import (
    Award,
    AwardGrant,
    Candidate,
    EligibilityRule,
    Person,
    ProposalState,
)
from pacesetter.awards.services import proposal_nominate, rule_at
from pacesetter.decisions.models import Decision

DECIDED = dt.date(2025, 3, 1)  # awards for 2024 are decided early in 2025


@pytest.fixture
def cat(world: Any) -> dict[str, Award]:
    def award(code: str, kind: str = "unit") -> Award:
        return Award.objects.create(
            code=code, name_en=code, level="provincial", recipient_kind=kind, issuer_en="Chairman"
        )

    return {
        "flag": award("flag"),
        "excellent": award("excellent"),
        "merit": award("merit"),
        "fighter": award("fighter", "person"),
    }


_numbers = iter(range(1, 10_000))


def grant(
    world: Any,
    award: Award,
    year: int,
    *,
    unit: Any = None,
    person: Person | None = None,
    key: str = "",
    revoked: bool = False,
) -> AwardGrant:
    decision = Decision.objects.create(
        number=f"{next(_numbers)}/QD",
        date=dt.date(year + 1, 1, 15),
        issuer_en="Province",
        owner_unit=world.committee,
    )
    return AwardGrant.objects.create(
        award=award,
        decision=decision,
        unit=unit if person is None else None,
        person=person,
        year=year,
        achievement_key=key,
        revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if revoked else None,
    )


def check(rule: dict[str, Any], **context: Any) -> dict[str, Any]:
    eligibility.validate(rule)
    context.setdefault("decision_date", DECIDED)
    return eligibility.evaluate(rule, eligibility.Context(**context))


# --- held_each_year -------------------------------------------------------------------

HELD_2 = {"held_each_year": {"award": "excellent", "years": 2}}


def test_held_each_year_passes_with_every_one_of_the_last_years(world, cat):
    grant(world, cat["excellent"], 2023, unit=world.own)
    grant(world, cat["excellent"], 2024, unit=world.own)
    node = check(HELD_2, unit=world.own)
    assert node["passed"] is True
    assert node["facts"] == {"held": [2023, 2024], "missing": []}


def test_held_each_year_fails_with_a_year_missing(world, cat):
    grant(world, cat["excellent"], 2023, unit=world.own)
    grant(world, cat["excellent"], 2025, unit=world.own)  # the decision year does not count
    grant(world, cat["merit"], 2024, unit=world.own)  # another award does not count
    grant(world, cat["excellent"], 2024, unit=world.sibling)  # nor another unit's
    node = check(HELD_2, unit=world.own)
    assert node["passed"] is False
    assert node["facts"] == {"held": [2023], "missing": [2024]}
    assert "missing: 2024" in eligibility.describe(node)


def test_held_each_year_ignores_a_revoked_award(world, cat):
    grant(world, cat["excellent"], 2023, unit=world.own)
    grant(world, cat["excellent"], 2024, unit=world.own, revoked=True)
    assert check(HELD_2, unit=world.own)["facts"]["missing"] == [2024]


# --- held_at_least --------------------------------------------------------------------

HELD_ANY = {"held_at_least": {"awards": ["excellent", "merit"], "times": 2, "years": 3}}


def test_held_at_least_counts_any_award_of_the_set_within_the_window(world, cat):
    grant(world, cat["excellent"], 2022, unit=world.own)  # window: 2022-2024
    grant(world, cat["merit"], 2024, unit=world.own)
    node = check(HELD_ANY, unit=world.own)
    assert node["passed"] is True
    assert node["facts"]["count"] == 2
    assert "found 2" in eligibility.describe(node)


def test_held_at_least_fails_when_one_is_outside_the_window(world, cat):
    grant(world, cat["excellent"], 2021, unit=world.own)  # before the window
    grant(world, cat["merit"], 2024, unit=world.own)
    grant(world, cat["flag"], 2023, unit=world.own)  # not in the set
    node = check(HELD_ANY, unit=world.own)
    assert node["passed"] is False
    assert node["facts"] == {"found": [{"award": "merit", "year": 2024}], "count": 1}


# --- not_awarded_within ---------------------------------------------------------------

NOT_WITHIN = {"not_awarded_within": {"award": "flag", "years": 2}}


def test_not_awarded_within_passes_when_the_last_award_is_older(world, cat):
    grant(world, cat["flag"], 2022, unit=world.own)  # window: 2023-2025
    node = check(NOT_WITHIN, unit=world.own)
    assert node["passed"] is True
    assert node["facts"] == {"years": []}


def test_not_awarded_within_fails_when_awarded_in_the_window(world, cat):
    grant(world, cat["flag"], 2023, unit=world.own)
    node = check(NOT_WITHIN, unit=world.own)
    assert node["passed"] is False
    assert node["facts"] == {"years": [2023]}
    assert "awarded in 2023" in eligibility.describe(node)


# --- achievement_unused ---------------------------------------------------------------

UNUSED: dict[str, Any] = {"achievement_unused": {}}


def test_achievement_unused_passes_without_a_reference_or_when_unused(world, cat):
    grant(world, cat["merit"], 2024, unit=world.own, key="report-2024")
    assert check(UNUSED, unit=world.own)["passed"] is True  # no reference: nothing to compare
    node = check(UNUSED, unit=world.own, achievement_key="initiative-7")
    assert node["passed"] is True
    assert node["facts"] == {"used_by": []}


def test_achievement_unused_fails_when_it_already_backs_a_granted_award(world, cat):
    grant(world, cat["merit"], 2024, unit=world.own, key="report-2024")
    node = check(UNUSED, unit=world.own, achievement_key="report-2024", award=cat["flag"])
    assert node["passed"] is False
    assert node["facts"] == {"used_by": ["merit"]}
    assert "already used for merit" in eligibility.describe(node)


def _nominate(world: Any, award: Award, key: str, day: dt.date = DECIDED) -> Candidate:
    proposal = proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=day,
        committee_unit=world.committee,
        proposer_unit=world.own,
        units=[world.own],
        achievement="Leading the cluster in 2024",
        achievement_key=key,
    )
    return proposal.candidates.get()


def test_achievement_unused_fails_when_it_backs_another_pending_proposal(world, cat):
    rule = {"all": [{"no_veto": {}}, UNUSED]}
    for award in (cat["flag"], cat["merit"]):
        EligibilityRule.objects.create(award=award, valid_from=dt.date(2024, 1, 1), rule=rule)
    first = _nominate(world, cat["flag"], "ranking-2024")
    assert first.eligible is True
    second = _nominate(world, cat["merit"], "ranking-2024")
    assert second.eligible is False
    unused = second.eligibility["tree"]["children"][1]
    assert unused["facts"]["used_by"] == ["flag"]
    # The same achievement cannot back the same award twice either...
    third = _nominate(world, cat["flag"], "ranking-2024")
    assert third.eligibility["tree"]["children"][1]["facts"]["used_by"] == ["flag", "merit"]
    # ...and a rejected proposal or an unselected candidate frees the achievement.
    second.proposal.state = ProposalState.REJECTED
    second.proposal.save()
    third.proposal.state = ProposalState.REJECTED
    third.proposal.save()
    node = check(UNUSED, unit=world.own, achievement_key="ranking-2024", award=cat["merit"])
    assert node["facts"]["used_by"] == ["flag"]
    Candidate.objects.filter(pk=first.pk).update(selected=False)
    assert check(UNUSED, unit=world.own, achievement_key="ranking-2024", award=cat["merit"])[
        "passed"
    ]


# --- ranking facts --------------------------------------------------------------------


@pytest.mark.parametrize(("rank", "passed"), [(1, True), (2, True), (3, False), (None, False)])
def test_rank_at_most(world, rank, passed):
    node = check({"rank_at_most": {"rank": 2}}, unit=world.own, rank=rank)
    assert node["passed"] is passed
    assert node["facts"] == {"rank": rank}


@pytest.mark.parametrize(
    ("percentage", "passed", "shown"),
    [(D("90"), True, "90.00"), (D("95.5"), True, "95.50"), (D("89.99"), False, "89.99")],
)
def test_percentage_at_least(world, percentage, passed, shown):
    node = check({"percentage_at_least": {"percent": 90}}, unit=world.own, percentage=percentage)
    assert node["passed"] is passed
    assert node["facts"] == {"percentage": shown}


def test_percentage_at_least_fails_without_a_score(world):
    node = check({"percentage_at_least": {"percent": "80.5"}}, unit=world.own)
    assert node["passed"] is False
    assert "score: —" in eligibility.describe(node)


def test_no_veto(world):
    assert check({"no_veto": {}}, unit=world.own, veto=False)["passed"] is True
    node = check({"no_veto": {}}, unit=world.own, veto=True)
    assert node["passed"] is False
    assert eligibility.describe(node) == "A veto criterion applies"


def test_unit_type_in_uses_the_unit_or_the_persons_unit(world):
    rule = {"unit_type_in": {"codes": ["enterprise", "union"]}}
    assert check(rule, unit=world.own)["passed"] is True
    node = check(rule, unit=world.committee)
    assert node["passed"] is False
    assert node["facts"] == {"unit_type": world.committee.unit_type.code}
    person = Person.objects.create(full_name="Nguyễn Văn A", unit=world.own)
    assert check(rule, person=person)["passed"] is True


def test_years_of_service_counts_whole_years_to_the_decision_date(world):
    person = Person.objects.create(
        full_name="Trần Thị B", unit=world.own, service_start=dt.date(2022, 3, 2)
    )
    three = {"years_of_service_at_least": {"years": 3}}
    node = check(three, person=person)  # 1 March 2025: one day short of three years
    assert node["passed"] is False
    assert node["facts"] == {"years": 2}
    assert check(three, person=person, decision_date=dt.date(2025, 3, 2))["passed"] is True
    newcomer = Person.objects.create(full_name="Lê C", unit=world.own)
    assert check(three, person=newcomer)["facts"] == {"years": None}
    world.own.active_from = dt.date(2000, 1, 1)
    assert check(three, unit=world.own)["facts"] == {"years": 25}


# --- compositions ---------------------------------------------------------------------

RANK_1 = {"rank_at_most": {"rank": 1}}
SCORE_95 = {"percentage_at_least": {"percent": 95}}
NO_VETO: dict[str, Any] = {"no_veto": {}}


def test_all_needs_every_child_and_keeps_each_result(world):
    rule = {"all": [RANK_1, NO_VETO]}
    assert check(rule, unit=world.own, rank=1)["passed"] is True
    node = check(rule, unit=world.own, rank=1, veto=True)
    assert node["passed"] is False
    assert [c["passed"] for c in node["children"]] == [True, False]


def test_any_needs_one_child(world):
    rule = {"any": [RANK_1, SCORE_95]}
    assert check(rule, unit=world.own, rank=3, percentage=D("96"))["passed"] is True
    assert check(rule, unit=world.own, rank=1)["passed"] is True
    assert check(rule, unit=world.own, rank=2, percentage=D("94"))["passed"] is False


def test_not_inverts_its_child(world, cat):
    rule = {"not": {"held_each_year": {"award": "flag", "years": 1}}}  # no flag last year
    assert check(rule, unit=world.own)["passed"] is True
    grant(world, cat["flag"], 2024, unit=world.own)
    node = check(rule, unit=world.own)
    assert node["passed"] is False
    assert node["children"][0]["passed"] is True


def test_nested_composition_is_explained_row_by_row(world, cat):
    rule = {
        "all": [
            NO_VETO,
            {
                "any": [
                    RANK_1,
                    {"all": [SCORE_95, {"held_each_year": {"award": "merit", "years": 1}}]},
                ]
            },
            {"not": {"not_awarded_within": {"award": "excellent", "years": 1}}},
        ]
    }
    grant(world, cat["excellent"], 2024, unit=world.own)
    grant(world, cat["merit"], 2024, unit=world.own)
    # Second in the cluster but 96% with last year's merit, and excellent last year.
    node = check(rule, unit=world.own, rank=2, percentage=D("96"))
    assert node["passed"] is True
    rows = eligibility.flatten(node)
    assert [(r["depth"], r["passed"]) for r in rows] == [
        (0, True),
        (1, True),
        (1, True),
        (2, False),
        (2, True),
        (3, True),
        (3, True),
        (1, True),
        (2, False),
    ]
    assert rows[0]["text"] == "All of the following"
    assert rows[2]["text"] == "At least one of the following"
    assert rows[7]["text"] == "None of the following"
    assert rows[3]["text"] == "Ranked 1 or better in the cluster — rank: 2"
    # Without last year's merit the inner "all" fails, and so does the whole rule.
    AwardGrant.objects.filter(award=cat["merit"]).delete()
    assert check(rule, unit=world.own, rank=2, percentage=D("96"))["passed"] is False


def test_describe_names_the_award_in_the_users_language(world, cat):
    cat["flag"].name_vi = "Cờ thi đua"
    cat["flag"].save()
    node = check({"not_awarded_within": {"award": "flag", "years": 1}}, unit=world.own)
    with translation.override("vi"):
        assert "Cờ thi đua" in eligibility.describe(node)
    assert "“flag”" in eligibility.describe(node)


# --- versions by decision date --------------------------------------------------------


def test_the_decision_date_selects_the_rule_version(world, cat):
    flag = cat["flag"]
    old = EligibilityRule.objects.create(
        award=flag,
        valid_from=dt.date(2017, 10, 1),
        valid_to=dt.date(2023, 12, 31),
        rule={"no_veto": {}},
    )
    new = EligibilityRule.objects.create(
        award=flag,
        valid_from=dt.date(2024, 1, 1),
        rule={"all": [{"no_veto": {}}, {"held_each_year": {"award": "excellent", "years": 1}}]},
    )
    assert rule_at(flag, dt.date(2017, 9, 30)) is None
    assert rule_at(flag, dt.date(2023, 12, 31)) == old
    assert rule_at(flag, dt.date(2024, 1, 1)) == new

    before = _nominate(world, flag, "", day=dt.date(2023, 12, 20))
    assert before.eligibility["valid_from"] == "2017-10-01"
    assert before.eligible is True
    after = _nominate(world, flag, "", day=dt.date(2024, 1, 15))
    assert after.eligibility["valid_from"] == "2024-01-01"
    assert after.eligible is False  # no Excellent collective in 2023
    assert after.eligibility["tree"]["children"][1]["facts"]["missing"] == [2023]


def test_an_award_without_a_rule_in_force_is_open(world, cat):
    EligibilityRule.objects.create(
        award=cat["flag"], valid_from=dt.date(2030, 1, 1), rule={"no_veto": {}}
    )
    candidate = _nominate(world, cat["flag"], "")
    assert candidate.eligible is True
    assert candidate.eligibility is None


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("rank_at_most", "A rule is an object with exactly one key."),
        ({}, "A rule is an object with exactly one key."),
        ({"no_veto": {}, "rank_at_most": {"rank": 1}}, "A rule is an object with exactly one key."),
        ({"all": []}, "“all” needs a list of rules."),
        ({"any": {"no_veto": {}}}, "“any” needs a list of rules."),
        ({"not": {"veto": {}}}, "There is no rule called “veto”."),
        ({"rank_at_most": 1}, "“rank_at_most” needs an object of settings."),
        ({"held_each_year": {"award": "flag"}}, "“held_each_year” needs: years."),
        ({"held_at_least": {"years": 3}}, "“held_at_least” needs: awards, times."),
        (
            {"all": [{"no_veto": {}}, {"any": [{"not": {"unit_type_in": {}}}]}]},
            "“unit_type_in” needs: codes.",
        ),
    ],
)
def test_validate_rejects_malformed_rules_with_a_clear_message(rule, message):
    with pytest.raises(ValidationError) as caught:
        eligibility.validate(rule)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("rank_at_most", "$"),
        ({"all": []}, "$.all"),
        ({"all": [{"no_veto": {}}, {"veto": {}}]}, "$.all[1]"),
        ({"not": {"rank_at_most": 1}}, "$.not.rank_at_most"),
        (
            {"all": [{"no_veto": {}}, {"any": [{"not": {"unit_type_in": {}}}]}]},
            "$.all[1].any[0].not.unit_type_in",
        ),
        ({"any": [{"rank_at_most": {"rank": "first"}}]}, "$.any[0].rank_at_most.rank"),
        ({"held_at_least": {"awards": [], "times": -1, "years": 2}}, "$.held_at_least"),
    ],
)
def test_validate_names_the_path_of_the_bad_node(rule, path):
    with pytest.raises(eligibility.RuleError) as caught:
        eligibility.validate(rule)
    assert caught.value.path == path
    assert caught.value.code == "invalid_rule"
    assert caught.value.located == f"At {path}: {caught.value.messages[0]}"


def test_validate_bounds_how_deeply_rules_nest():
    rule: dict[str, Any] = {"no_veto": {}}
    for _ in range(eligibility.MAX_DEPTH):
        rule = {"not": rule}
    eligibility.validate(rule)  # as deep as allowed
    with pytest.raises(eligibility.RuleError) as caught:
        eligibility.validate({"all": [rule]})
    assert caught.value.path == "$.all[0]" + ".not" * eligibility.MAX_DEPTH
    assert caught.value.messages == [
        f"The rule is nested too deeply: at most {eligibility.MAX_DEPTH} levels."
    ]


def test_validate_accepts_every_primitive():
    rule: dict[str, list[dict[str, Any]]] = {
        "all": [
            {"held_each_year": {"award": "a", "years": 2}},
            {"held_at_least": {"awards": ["a", "b"], "times": 1, "years": 5}},
            {"not_awarded_within": {"award": "a", "years": 1}},
            {"achievement_unused": {}},
            {"rank_at_most": {"rank": 1}},
            {"percentage_at_least": {"percent": 90}},
            {"no_veto": {}},
            {"unit_type_in": {"codes": ["enterprise"]}},
            {"years_of_service_at_least": {"years": 1}},
        ]
    }
    eligibility.validate(rule)
    # The engine's own primitives; those other apps register are tested there
    # (practices/tests/test_eligibility.py).
    own = set(eligibility.PRIMITIVES) - set(eligibility.DESCRIBERS)
    assert {next(iter(c)) for c in rule["all"]} == own


def test_validate_checks_the_types_of_settings():
    from django.core.exceptions import ValidationError as _VE

    from pacesetter.awards.eligibility import validate

    with pytest.raises(_VE, match="wrong value"):
        validate({"rank_at_most": {"rank": "x"}})
    with pytest.raises(_VE, match="wrong value"):
        validate({"held_at_least": {"awards": [], "times": 1, "years": 2}})
    validate({"percentage_at_least": {"percent": "92.5"}})


@pytest.mark.parametrize(
    ("years", "english"),
    [(1, "Not awarded “X” within 1 year"), (3, "Not awarded “X” within 3 years")],
)
def test_sentences_count_years_in_the_readers_grammar(years, english):
    from pacesetter.awards.selectors import rule_rows

    rule = {"not_awarded_within": {"award": "x", "years": years}}
    with translation.override("en"):
        assert rule_rows(rule, {"x": "X"})[0]["text"] == english
        node = {"rule": "not_awarded_within", "params": rule["not_awarded_within"]}
        assert eligibility.describe({**node, "facts": {"years": []}}, {"x": "X"}) == english
    with translation.override("vi"):
        assert f"{years} năm" in rule_rows(rule, {"x": "X"})[0]["text"]
