"""Adoption: a unit takes up a published practice (with a key task in its plan in the
same step), reports how the trial went; the spread roll-up; every constraint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.audit.models import AuditEntry
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.practices.models import Adoption, AdoptionOutcome
from pacesetter.practices.selectors import practice_spread
from pacesetter.practices.services import (
    adoption_create,
    adoption_evidence_add,
    adoption_report,
)
from pacesetter.units.tests.factories import UnitFactory
from pacesetter.workplans.tests.factories import WorkPlanFactory

from .factories import PracticeFactory, published

pytestmark = pytest.mark.django_db
Outcome = AdoptionOutcome


def adopt(practice, unit, on=dt.date(2024, 3, 1), **extra):
    return adoption_create(actor=None, practice=practice, unit=unit, adopted_on=on, **extra)


def report(adoption, outcome, rating=4, on=None, **extra):
    return adoption_report(
        actor=None,
        adoption=adoption,
        outcome=outcome,
        rating=rating,
        reported_on=on or adoption.adopted_on + dt.timedelta(days=90),
        **extra,
    )


def codes(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    """Every error's code, on a field or not."""
    error = exc.value
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def test_a_unit_adopts_with_a_key_task_in_its_plan_and_reports_back(world):
    officer = world.users["unit_officer"]
    practice = published(PracticeFactory(owner_unit=world.sibling, title="Shift handover card"))
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.own))
    adoption = adoption_create(
        actor=officer,
        practice=practice,
        unit=world.own,
        adopted_on=dt.date(2024, 3, 1),
        plan=plan,
        note="On the two assembly lines first.",
    )
    assert adoption.task.plan == plan
    assert adoption.task.lead_unit == world.own
    assert adoption.task.title == "Shift handover card"
    assert not adoption.is_reported
    adoption = report(adoption, Outcome.PARTLY, rating=4, report="Line 2 only.")
    assert (adoption.outcome, adoption.rating, adoption.report) == (
        Outcome.PARTLY,
        4,
        "Line 2 only.",
    )
    pdf = SimpleUploadedFile("trial.pdf", b"%PDF-1.4 trial", content_type="application/pdf")
    evidence = adoption_evidence_add(actor=officer, adoption=adoption, file=pdf, title="Trial")
    assert evidence.adoption == adoption
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "practice.adopt",
        "practice.adoption_report",
        "practice.adoption_evidence_add",
    } <= actions


def test_only_a_published_practice_is_adopted(world):
    practice = PracticeFactory(owner_unit=world.sibling)
    with pytest.raises(ValidationError) as refused:
        adopt(practice, world.own)
    assert codes(refused) == {"not_published"}


def test_the_plan_must_be_the_units_own_and_nothing_is_left_when_refused(world):
    practice = published(PracticeFactory(owner_unit=world.sibling))
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.sibling))
    with pytest.raises(ValidationError) as refused:
        adopt(practice, world.own, plan=plan)
    assert codes(refused) == {"plan_of_other_unit"}
    assert not Adoption.objects.exists()
    assert not plan.tasks.exists()


def test_a_second_adoption_by_the_same_unit_is_refused_before_any_task_is_made(world):
    practice = published(PracticeFactory(owner_unit=world.sibling))
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.own))
    adopt(practice, world.own)
    with pytest.raises(ValidationError) as refused:
        adopt(practice, world.own, plan=plan)
    assert codes(refused) == {"already_adopted"}
    assert not plan.tasks.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"outcome": "adopted", "rating": 0, "reported_on": dt.date(2024, 6, 1)}, "rating_range"),
        ({"outcome": "partly", "rating": 6, "reported_on": dt.date(2024, 6, 1)}, "rating_range"),
        ({"outcome": "adopted", "rating": 3}, "report_incomplete"),
        ({"rating": 3, "reported_on": dt.date(2024, 6, 1)}, "report_incomplete"),
        (
            {"outcome": "adopted", "rating": 3, "reported_on": dt.date(2023, 1, 1)},
            "report_before_adoption",
        ),
    ],
)
def test_every_check_constraint_gives_its_message_and_code(world, changes, code):
    practice = published(PracticeFactory(owner_unit=world.sibling))
    adoption = adopt(practice, world.own)
    for name, value in changes.items():
        setattr(adoption, name, value)
    with pytest.raises(ValidationError) as refused:
        adoption.validate_constraints()
    assert codes(refused) == {code}
    constraint = next(c for c in Adoption._meta.constraints if c.violation_error_code == code)
    assert str(constraint.violation_error_message) in str(refused.value)


def test_every_adoption_constraint_has_a_message_and_a_code():
    for constraint in Adoption._meta.constraints:
        assert constraint.violation_error_code
        assert constraint.violation_error_message != constraint.default_violation_error_message


def test_the_report_refuses_a_rating_out_of_range_and_a_date_before_adoption(world):
    adoption = adopt(published(PracticeFactory(owner_unit=world.sibling)), world.own)
    with pytest.raises(ValidationError) as refused:
        report(adoption, Outcome.ADOPTED, rating=9)
    assert codes(refused) == {"rating_range"}
    with pytest.raises(ValidationError) as early:
        report(adoption, Outcome.ADOPTED, on=dt.date(2024, 1, 1))
    assert codes(early) == {"report_before_adoption"}
    with pytest.raises(ValidationError) as no_outcome:
        report(adoption, "maybe")
    assert codes(no_outcome) == {"required"}
    adoption.refresh_from_db()
    assert not adoption.is_reported


def test_spread_counts_by_outcome_and_year_and_groups_under_the_top_units(world):
    """Worked example: six units adopt; 3 adopted, 1 partly, 1 abandoned, 1 not yet
    reported; 2023: 2, 2024: 3, 2025: 1 → replicated in 4 units; under Province 5
    (own, child, sibling and two more), under Other root 1."""
    practice = published(PracticeFactory(owner_unit=world.committee))
    extra = [UnitFactory(parent=world.root), UnitFactory(parent=world.sibling)]
    plan = [
        (world.own, dt.date(2023, 4, 1), Outcome.ADOPTED),
        (world.child, dt.date(2023, 9, 1), Outcome.ADOPTED),
        (world.sibling, dt.date(2024, 2, 1), Outcome.PARTLY),
        (extra[0], dt.date(2024, 5, 1), Outcome.ABANDONED),
        (extra[1], dt.date(2024, 7, 1), None),
        (world.other, dt.date(2025, 1, 10), Outcome.ADOPTED),
    ]
    for unit, on, outcome in plan:
        adoption = adopt(practice, unit, on=on)
        if outcome:
            report(adoption, outcome)
    spread = practice_spread(world.users["superuser"], practice)
    assert spread.total == 6
    assert spread.replicated == 4
    assert spread.by_outcome == {"": 1, Outcome.ADOPTED: 3, Outcome.PARTLY: 1, Outcome.ABANDONED: 1}
    assert spread.by_year == [(2023, 2), (2024, 3), (2025, 1)]
    assert [(g.unit, g.count) for g in spread.groups] == sorted(
        [(world.root, 5), (world.other_root, 1)], key=lambda pair: pair[0].path
    )
    # A reader sees the spread over the adoptions they see: the same for a published
    # practice, whoever reads it.
    assert practice_spread(world.users["nobody"], practice).total == 6


def test_spread_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    practice = published(PracticeFactory(owner_unit=world.committee))
    user = world.users["superuser"]
    adopt(practice, world.own)
    # Whether the user sees the practice, every count in one grouped query, the top
    # units: the rows are never read for the counts.
    with django_assert_num_queries(3):
        practice_spread(user, practice)
    for unit in (world.child, world.sibling, world.other, UnitFactory(parent=world.other)):
        adopt(practice, unit)
    with django_assert_num_queries(3):
        spread = practice_spread(user, practice)
    assert spread.total == 5
    assert sum(group.count for group in spread.groups) == 5
