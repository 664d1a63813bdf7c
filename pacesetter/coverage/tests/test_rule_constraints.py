"""Each constraint of the rules, deadlines and follow-ups says what is wrong, with its
code, when broken (the project-wide test checks that every constraint has both)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pacesetter.coverage.models import CoverageRule, Deadline, FollowUp
from pacesetter.workplans.tests.factories import TaskFactory

from .factories import organization
from .test_rules import make_rule

pytestmark = pytest.mark.django_db
D = dt.date


def broken(instance, code):
    with pytest.raises(ValidationError) as caught:
        instance.validate_constraints()
    (error,) = [e for errors in caught.value.error_dict.values() for e in errors]
    assert error.code == code
    return error.messages[0]


def test_every_constraint_of_the_rules_deadlines_and_follow_ups(world):
    rule = make_rule("dual", "build_within_days", {"days": 90})
    twin = CoverageRule(
        code="dual",
        kind=rule.kind,
        primitive=rule.primitive,
        params={},
        valid_from=rule.valid_from,
        source_language="en",
        name_en="Again",
    )
    assert broken(twin, "rule_start_taken") == "A version of this rule already starts on this date."
    reversed_ = CoverageRule(
        code="other",
        kind=rule.kind,
        primitive=rule.primitive,
        params={},
        valid_from=D(2024, 1, 1),
        valid_to=D(2023, 1, 1),
        source_language="en",
        name_en="X",
    )
    assert broken(reversed_, "dates_reversed") == "A rule must end after it starts."
    nameless = CoverageRule(
        code="nameless",
        kind=rule.kind,
        primitive=rule.primitive,
        params={},
        valid_from=D(2024, 1, 1),
        source_language="vi",
        name_en="Only English",
    )
    assert "source language" in broken(nameless, "required")

    org = organization(world.own, registered_on=timezone.localdate() - dt.timedelta(days=3))
    existing = Deadline.objects.get(organization=org)
    again = Deadline(organization=org, rule=rule, due_on=existing.due_on)
    assert broken(again, "deadline_exists") == (
        "This organization already has a deadline for this rule."
    )
    task = TaskFactory(plan__body=world.council)
    FollowUp.objects.create(organization=org, task=task)
    assert broken(FollowUp(organization=org, task=task), "follow_up_exists") == (
        "This task already follows up this organization."
    )
