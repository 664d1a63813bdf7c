"""The library's rules: the vetting workflow and its steps, the kinds' facts, the body's
sanitizing and the languages a practice is written in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pacesetter.audit.models import AuditEntry
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices.models import Practice, PracticeState
from pacesetter.practices.services import practice_propose, practice_transition, practice_update
from pacesetter.practices.workflows import practice_workflow

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db
S = PracticeState


def code_of(exc: pytest.ExceptionInfo[ValidationError], field: str | None = None) -> str | None:
    error = exc.value
    if field is not None:
        return error.error_dict[field][0].code
    return error.code


def move(practice, name, actor=None, **extra):
    return practice_transition(actor=actor, practice=practice, name=name, **extra)


def test_a_practice_goes_from_proposed_to_retired_and_every_step_is_kept(world):
    staff = world.users["committee_staff"]
    decision = DecisionFactory(owner_unit=world.root, number="15/QD-LDLD")
    practice = PracticeFactory(owner_unit=world.own, actor=world.users["unit_officer"])
    practice = move(practice, "review", staff, assessment="revise", comment="Add the figures.")
    practice = move(practice, "return", staff, comment="Figures for 2023 please.")
    assert practice.state == S.PROPOSED
    practice = move(practice, "review", staff, assessment="recommend", comment="Now complete.")
    with pytest.raises(ValidationError) as refused:
        move(practice, "recognize", staff)
    assert code_of(refused, "decision") == "decision_required"
    practice = move(practice, "recognize", staff, decision=decision)
    practice = move(practice, "publish", staff)
    assert practice.published_at is not None
    practice = move(practice, "retire", staff, comment="Replaced by the 2025 method.")
    steps = list(practice.steps.values_list("name", "from_state", "to_state"))
    assert steps == [
        ("propose", "", S.PROPOSED),
        ("review", S.PROPOSED, S.REVIEWED),
        ("return", S.REVIEWED, S.PROPOSED),
        ("review", S.PROPOSED, S.REVIEWED),
        ("recognize", S.REVIEWED, S.RECOGNIZED),
        ("publish", S.RECOGNIZED, S.PUBLISHED),
        ("retire", S.PUBLISHED, S.RETIRED),
    ]
    recognized = practice.steps.get(name="recognize")
    assert recognized.decision == decision and recognized.actor == staff
    assert practice.steps.filter(name="review").first().assessment == "revise"
    actions = list(
        AuditEntry.objects.filter(target_type="practices.practice", target_id=str(practice.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "practice.propose",
        "practice.links",
        "practice.review",
        "practice.return",
        "practice.review",
        "practice.recognize",
        "practice.publish",
        "practice.retire",
    ]
    assert Practice.objects.get(pk=practice.pk).decision == decision


def test_a_move_the_table_does_not_have_is_refused_with_its_code(world):
    practice = PracticeFactory(owner_unit=world.own)
    with pytest.raises(ValidationError) as refused:
        move(practice, "publish")
    assert code_of(refused) == "invalid_transition"
    assert "Proposed" in refused.value.messages[0]
    retired = move(practice, "retire", comment="Duplicate.")
    with pytest.raises(ValidationError) as refused:
        practice_update(actor=None, practice=retired, title="New")
    assert code_of(refused) == "invalid_transition"


def test_a_review_needs_an_assessment_and_a_comment(world):
    practice = PracticeFactory(owner_unit=world.own)
    with pytest.raises(ValidationError) as refused:
        move(practice, "review", comment="Fine.")
    assert code_of(refused, "assessment") == "required"
    with pytest.raises(ValidationError) as refused:
        move(practice, "review", assessment="recommend")
    assert code_of(refused, "comment") == "required"
    assert Practice.objects.get(pk=practice.pk).state == S.PROPOSED


def test_a_comment_is_a_step_that_does_not_move(world):
    practice = PracticeFactory(owner_unit=world.own)
    practice = move(practice, "comment", world.users["unit_officer"], comment="Photos added.")
    step = practice.steps.get(name="comment")
    assert (step.from_state, step.to_state, step.comment) == (
        S.PROPOSED,
        S.PROPOSED,
        "Photos added.",
    )
    assert AuditEntry.objects.filter(action="practice.comment").count() == 1


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        ("unit_officer", S.PROPOSED, ["edit", "comment"]),
        ("committee_staff", S.PROPOSED, ["edit", "comment", "review", "retire"]),
        ("committee_staff", S.REVIEWED, ["edit", "comment", "return", "recognize", "retire"]),
        ("unit_officer", S.REVIEWED, ["comment"]),
        ("viewer", S.PROPOSED, []),
        ("nobody", S.PUBLISHED, []),
        ("committee_staff", S.RETIRED, []),
    ],
)
def test_only_the_moves_allowed_are_offered(world, role, state, expected):
    practice = PracticeFactory(owner_unit=world.own)
    Practice.objects.filter(pk=practice.pk).update(
        state=state, decision=DecisionFactory(owner_unit=world.root)
    )
    practice.refresh_from_db()
    assert practice_workflow.allowed_list(world.users[role], practice) == expected


def test_the_body_is_sanitized_on_every_write(world):
    practice = PracticeFactory(
        owner_unit=world.own,
        body={
            "en": '<p onclick="steal()">Rotating <strong>shifts</strong></p>'
            "<script>alert(1)</script>"
            '<a href="javascript:alert(2)">click</a> <a href="https://example.org/x">source</a>',
            "vi": "<p style='color:red'>Ca luân phiên</p><iframe src='https://x'></iframe>",
        },
    )
    assert practice.body_en == (
        "<p>Rotating <strong>shifts</strong></p>"
        '<a rel="noopener noreferrer">click</a> '
        '<a href="https://example.org/x" rel="noopener noreferrer">source</a>'
    )
    assert practice.body_vi == "<p>Ca luân phiên</p>"
    updated = practice_update(
        actor=None,
        practice=practice,
        body={
            "zh-hans": '<p>轮班<img src=x onerror="alert(3)"></p>'
            '<table><tr><td onmouseover="x()">1</td></tr></table>'
        },
    )
    assert updated.body_zh_hans == "<p>轮班</p><table><tbody><tr><td>1</td></tr></tbody></table>"
    assert "script" not in updated.search_key and "rotating shifts" in updated.search_key


def test_each_kind_asks_for_its_facts_and_refuses_the_others(world):
    with pytest.raises(ValidationError) as refused:
        practice_propose(actor=None, owner_unit=world.own, kind="studio", year=2024, title="S")
    assert set(refused.value.error_dict) >= {"lead_person", "studio_level"}
    with pytest.raises(ValidationError) as refused:
        practice_propose(
            actor=None,
            owner_unit=world.own,
            kind="experience",
            year=2024,
            title="E",
            studio_level="provincial",
        )
    assert code_of(refused, "studio_level") == "other_kind"
    with pytest.raises(ValidationError) as refused:
        practice_propose(
            actor=None, owner_unit=world.own, kind="model", year=2024, title="M", subject="person"
        )
    assert "person_name" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        practice_propose(actor=None, owner_unit=world.own, kind="initiative", year=2024, title="I")
    assert "influence_scope" in refused.value.error_dict
    studio = practice_propose(
        actor=None,
        owner_unit=world.own,
        kind="studio",
        year=2020,
        title={"zh-hans": "湘电劳模创新工作室", "en": "Xiangdian model-worker innovation studio"},
        source_language="zh-hans",
        lead_person="Lead (demo)",
        team_size=12,
        studio_level="provincial_demo",
        funding_amount="80000",
        funding_currency="CNY",
    )
    assert studio.languages == ["en", "zh-hans"]
    # Changing the kind empties the facts of the kind left.
    experience = practice_update(actor=None, practice=studio, kind="experience")
    assert (experience.lead_person, experience.studio_level, experience.team_size) == ("", "", None)


def test_the_source_units_default_to_the_owner_and_links_are_audited(world):
    practice = PracticeFactory(owner_unit=world.own)
    assert list(practice.source_units.all()) == [world.own]
    practice_update(actor=None, practice=practice, source_units=[world.own, world.child])
    entry = AuditEntry.objects.filter(action="practice.links").order_by("-pk").first()
    assert entry.changes == {
        "source_units": [[world.own.pk], sorted([world.own.pk, world.child.pk])]
    }
    with pytest.raises(ValidationError) as refused:
        practice_update(actor=None, practice=practice, source_units=[])
    assert code_of(refused, "source_units") == "required"
