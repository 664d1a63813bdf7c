"""Practices and fields of work for tests, made through the services."""

from __future__ import annotations

import factory

from pacesetter.practices.models import Practice, WorkField
from pacesetter.practices.services import practice_propose, work_field_create
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class WorkFieldFactory(ServiceFactory):
    class Meta:
        model = WorkField

    code = factory.Sequence(lambda n: f"field-{n}")
    name = factory.Sequence(lambda n: f"Field {n}")

    _service = staticmethod(work_field_create)


class PracticeFactory(ServiceFactory):
    """Proposes a practice through ``practice_propose`` (state ``proposed``, its first
    step and audit entry); an experience unless ``kind=`` says otherwise."""

    class Meta:
        model = Practice

    owner_unit = factory.SubFactory(UnitFactory)
    kind = "experience"
    year = 2024
    title = factory.Sequence(lambda n: f"Practice {n}")

    _service = staticmethod(practice_propose)


def published(practice: Practice) -> Practice:
    """``practice`` moved through review, recognition and publication."""
    from pacesetter.decisions.tests.factories import DecisionFactory
    from pacesetter.practices.services import practice_transition

    decision = DecisionFactory(owner_unit=practice.owner_unit)
    for name, extra in (
        ("review", {"assessment": "recommend", "comment": "Sound."}),
        ("recognize", {"decision": decision}),
        ("publish", {}),
    ):
        practice = practice_transition(actor=None, practice=practice, name=name, **extra)
    return practice
