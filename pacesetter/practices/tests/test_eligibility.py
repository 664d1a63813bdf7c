"""Worked examples of the awards primitive "has a recognized initiative or model at level L
within N years" (``practices/eligibility.py``), registered into the awards engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from pacesetter.awards import eligibility
from pacesetter.awards.tests.factories import PersonFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices.services import practice_transition

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db

CHECKED = dt.date(2025, 3, 1)
RULE = {"recognized_practice_within": {"kinds": ["initiative"], "level": "provincial", "years": 3}}


def recognized(practice, on, *, publish=False, retire=False):
    decision = DecisionFactory(owner_unit=practice.owner_unit, number=f"{practice.pk}/QĐ", date=on)
    practice = practice_transition(
        actor=None, practice=practice, name="review", assessment="recommend", comment="Sound."
    )
    practice = practice_transition(
        actor=None, practice=practice, name="recognize", decision=decision
    )
    if publish:
        practice = practice_transition(actor=None, practice=practice, name="publish")
    if retire:
        practice = practice_transition(
            actor=None, practice=practice, name="retire", comment="Withdrawn."
        )
    return practice


def initiative(world, scope="provincial", **kwargs):
    return PracticeFactory(
        owner_unit=world.root,
        source_units=[world.own],
        kind="initiative",
        influence_scope=scope,
        effect="Saves 5% of the energy.",
        **kwargs,
    )


def check(world, rule=RULE, **ctx):
    ctx.setdefault("unit", world.own)
    return eligibility.evaluate(rule, eligibility.Context(decision_date=CHECKED, **ctx))


def test_a_provincial_initiative_recognized_two_years_ago_counts_and_is_named(world):
    practice = recognized(initiative(world, title="Solar drying"), dt.date(2023, 5, 10))
    node = check(world)
    assert node["passed"] is True
    assert node["facts"]["found"] == [
        {
            "practice": practice.pk,
            "title": "Solar drying",
            "kind": "initiative",
            "level": "provincial",
            "decision": f"{practice.pk}/QĐ",
            "date": "2023-05-10",
        }
    ]
    assert eligibility.describe(node) == (
        "Has a recognized practice of kind Innovation initiative, at the level “The province” "
        "or higher, within 3 years — found: “Solar drying” "
        f"(decision {practice.pk}/QĐ of 10/05/2023)"
    )


def test_a_national_initiative_counts_for_a_provincial_rule_a_unit_level_one_does_not(world):
    national = recognized(initiative(world, "national", title="National"), dt.date(2024, 1, 2))
    assert check(world)["facts"]["found"][0]["practice"] == national.pk
    assert check(world)["passed"]

    other = initiative(world, "unit", title="Within the unit")
    other.source_units.set([world.sibling])
    recognized(other, dt.date(2024, 1, 2))
    node = check(world, unit=world.sibling)
    assert node["passed"] is False
    assert node["facts"]["not_counted"][0]["reason"] == "level"
    assert "“Within the unit”" in eligibility.describe(node)
    assert eligibility.describe(node).endswith(": at a lower level")


def test_too_old_later_retired_and_not_yet_recognized_do_not_count_each_says_why(world):
    recognized(initiative(world, title="Old"), dt.date(2022, 2, 28))  # the window opens 1/3/2022
    recognized(initiative(world, title="Later"), dt.date(2025, 3, 2))
    recognized(initiative(world, title="Retired"), dt.date(2024, 6, 1), publish=True, retire=True)
    initiative(world, title="Proposed")
    node = check(world)
    assert node["passed"] is False
    reasons = {fact["title"]: fact["reason"] for fact in node["facts"]["not_counted"]}
    assert reasons == {
        "Old": "too_old",
        "Later": "later",
        "Retired": "retired",
        "Proposed": "not_recognized",
    }
    text = eligibility.describe(node)
    assert "none found since 01/03/2022" in text
    assert "“Retired” (decision" in text and "retired" in text
    assert "“Proposed”: not recognized yet" in text


def test_the_first_day_of_the_window_counts_and_a_published_practice_too(world):
    recognized(initiative(world, title="Edge"), dt.date(2022, 3, 1), publish=True)
    assert check(world)["passed"] is True


def test_kinds_and_a_rule_without_level(world):
    model = PracticeFactory(
        owner_unit=world.root, source_units=[world.own], kind="model", subject="collective"
    )
    recognized(model, dt.date(2024, 4, 1))
    with_level = {
        "recognized_practice_within": {
            "kinds": ["initiative", "model"],
            "level": "local",
            "years": 2,
        }
    }
    node = check(world, rule=with_level)
    assert node["passed"] is False
    assert node["facts"]["not_counted"][0]["reason"] == "no_level"  # none recorded for it
    any_level = {"recognized_practice_within": {"kinds": ["model"], "years": 2}}
    assert check(world, rule=any_level)["passed"] is True
    assert (
        check(world, rule={"recognized_practice_within": {"kinds": ["studio"], "years": 2}})[
            "passed"
        ]
        is False
    )


def test_a_model_and_an_experience_count_by_their_own_level(world):
    model = PracticeFactory(
        owner_unit=world.root,
        source_units=[world.own],
        kind="model",
        subject="collective",
        level="provincial",
        title="Lam Son's collective",
    )
    recognized(model, dt.date(2024, 4, 1))
    experience = PracticeFactory(
        owner_unit=world.root,
        source_units=[world.own],
        kind="experience",
        level="local",
        title="District exchange",
    )
    recognized(experience, dt.date(2024, 4, 1))
    rule = {
        "recognized_practice_within": {
            "kinds": ["model", "experience"],
            "level": "provincial",
            "years": 3,
        }
    }
    node = check(world, rule=rule)
    assert node["passed"] is True
    assert [(f["title"], f["level"]) for f in node["facts"]["found"]] == [
        ("Lam Son's collective", "provincial")
    ]
    assert [(f["title"], f["reason"]) for f in node["facts"]["not_counted"]] == [
        ("District exchange", "level")
    ]
    # A national rule counts neither; a local one both.
    national = {
        "recognized_practice_within": {**rule["recognized_practice_within"], "level": "national"}
    }
    assert check(world, rule=national)["passed"] is False
    local = {"recognized_practice_within": {**rule["recognized_practice_within"], "level": "local"}}
    assert len(check(world, rule=local)["facts"]["found"]) == 2


def test_a_person_counts_through_a_model_naming_them_from_their_unit(world):
    person = PersonFactory(unit=world.own, full_name="Nguyễn Văn An")
    model = PracticeFactory(
        owner_unit=world.root,
        source_units=[world.own],
        kind="model",
        subject="person",
        person_name="Nguyễn  văn An",
    )
    recognized(model, dt.date(2024, 4, 1))
    rule = {"recognized_practice_within": {"kinds": ["model"], "years": 3}}
    assert check(world, rule=rule, unit=None, person=person)["passed"] is True
    someone_else = PersonFactory(unit=world.own, full_name="Trần Thị Bình")
    assert check(world, rule=rule, unit=None, person=someone_else)["passed"] is False


def test_the_explanation_is_in_every_language_with_the_title_in_that_language(world):
    practice = initiative(
        world,
        source_language="vi",
        title={"vi": "Sấy bằng năng lượng mặt trời", "zh-hans": "太阳能干燥"},
    )
    recognized(practice, dt.date(2024, 5, 10))
    node = check(world)
    with translation.override("vi"):
        text = eligibility.describe(node)
        assert "“Sấy bằng năng lượng mặt trời”" in text and "10/05/2024" in text
        assert "Has a recognized" not in text
    with translation.override("zh-hans"):
        text = eligibility.describe(node)
        assert "“太阳能干燥”" in text and "Has a recognized" not in text
    rows = eligibility.flatten({"rule": "all", "passed": True, "children": [node]})
    assert rows[1]["passed"] is True and "found" in rows[1]["text"]


def test_the_rule_is_validated_like_the_engines_own(world):
    eligibility.validate(RULE)
    for bad, path in (
        ({"recognized_practice_within": {"years": 3}}, "$.recognized_practice_within"),
        (
            {"recognized_practice_within": {"kinds": ["poem"], "years": 3}},
            "$.recognized_practice_within.kinds",
        ),
        (
            {"recognized_practice_within": {"kinds": ["model"], "years": 3, "level": "moon"}},
            "$.recognized_practice_within.level",
        ),
    ):
        with pytest.raises(eligibility.RuleError) as caught:
            eligibility.validate(bad)
        assert caught.value.path == path
    assert "recognized_practice_within" in eligibility.PRIMITIVES


def test_the_engines_own_rules_cannot_be_replaced_by_a_registered_one():
    for name in ("no_veto", "all"):
        with pytest.raises(ValueError):
            eligibility.register_primitive(
                name, lambda ctx, p: {}, required={}, describe=lambda node, cache: ""
            )
    assert eligibility.PRIMITIVES["no_veto"] is not None


def test_an_awards_rule_with_the_primitive_checks_a_nominated_unit(world):
    from pacesetter.awards.models import Award
    from pacesetter.awards.services import eligibility_rule_add, proposal_nominate

    award = Award.objects.create(
        code="labour-flag",
        name_en="Labour flag",
        level="provincial",
        recipient_kind="unit",
        issuer_en="Chairman",
    )
    eligibility_rule_add(actor=None, award=award, valid_from=dt.date(2020, 1, 1), rule=RULE)

    def nominate():
        proposal = proposal_nominate(
            actor=None,
            award=award,
            year=2024,
            decision_date=CHECKED,
            committee_unit=world.committee,
            proposer_unit=world.own,
            units=[world.own],
        )
        return proposal.candidates.get()

    candidate = nominate()
    assert candidate.eligible is False
    practice = recognized(initiative(world, title="Solar drying"), dt.date(2024, 9, 1))
    candidate = nominate()
    assert candidate.eligible is True
    rows = eligibility.flatten(candidate.eligibility["tree"])
    assert rows[0]["text"].endswith(
        f"found: “Solar drying” (decision {practice.pk}/QĐ of 01/09/2024)"
    )


def test_the_awards_page_states_the_rule_and_titles_are_read_once_per_page(
    world, django_assert_num_queries
):
    from pacesetter.awards.selectors import rule_rows

    assert rule_rows(RULE, {}) == [
        {
            "depth": 0,
            "text": "Has a recognized practice of kind Innovation initiative, at the level "
            "“The province” or higher, within 3 years",
        }
    ]
    recognized(initiative(world, title="Solar drying"), dt.date(2024, 9, 1))
    nodes = [check(world), check(world)]
    names: dict[str, str] = {}
    with django_assert_num_queries(1):
        texts = [eligibility.flatten(node, names=names)[0]["text"] for node in nodes]
    assert texts[0] == texts[1] and "“Solar drying”" in texts[0]
