import datetime as dt
from typing import Any

import factory

from pacesetter.awards.models import (
    Award,
    AwardGrant,
    AwardLevel,
    EligibilityRule,
    Person,
    Proposal,
    RecipientKind,
)
from pacesetter.awards.services import (
    award_create,
    eligibility_rule_add,
    grant_record,
    person_create,
    proposal_nominate,
)
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.units.tests.factories import UnitFactory


class AwardFactory(factory.django.DjangoModelFactory):
    """A provincial award for units, without quota or rules (``award_create``)."""

    class Meta:
        model = Award

    code = factory.Sequence(lambda n: f"award-{n}")
    name = factory.Sequence(lambda n: f"Award {n}")
    level = AwardLevel.PROVINCIAL
    recipient_kind = RecipientKind.UNIT
    issuer = "Provincial People's Committee"

    @classmethod
    def _create(cls, model_class: type[Award], *args: Any, **kwargs: Any) -> Award:
        return award_create(actor=kwargs.pop("actor", None), **kwargs)


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    """A rule version from 2024 on: first place only (``eligibility_rule_add``)."""

    class Meta:
        model = EligibilityRule

    award = factory.SubFactory(AwardFactory)
    valid_from = dt.date(2024, 1, 1)
    rule = factory.LazyFunction(lambda: {"rank_at_most": {"rank": 1}})

    @classmethod
    def _create(
        cls, model_class: type[EligibilityRule], *args: Any, **kwargs: Any
    ) -> EligibilityRule:
        return eligibility_rule_add(actor=kwargs.pop("actor", None), **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    """Someone of a unit who can receive personal awards (``person_create``)."""

    class Meta:
        model = Person

    unit = factory.SubFactory(UnitFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        return person_create(actor=kwargs.pop("actor", None), **kwargs)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft proposal by nomination (``proposal_nominate``): a unit under the deciding
    committee proposes itself for a unit award. For a person award pass ``people=[...]``
    and ``units=()``."""

    class Meta:
        model = Proposal

    award = factory.SubFactory(AwardFactory)
    year = 2024
    decision_date = dt.date(2024, 12, 1)
    committee_unit = factory.SubFactory(UnitFactory)
    proposer_unit = factory.SubFactory(
        UnitFactory, parent=factory.SelfAttribute("..committee_unit")
    )
    units = factory.LazyAttribute(lambda o: [o.proposer_unit])

    @classmethod
    def _create(cls, model_class: type[Proposal], *args: Any, **kwargs: Any) -> Proposal:
        return proposal_nominate(actor=kwargs.pop("actor", None), **kwargs)


class AwardGrantFactory(factory.django.DjangoModelFactory):
    """A unit award of 2024 recorded outside a proposal (``grant_record``)."""

    class Meta:
        model = AwardGrant

    award = factory.SubFactory(AwardFactory)
    decision = factory.SubFactory(DecisionFactory)
    year = 2024
    unit = factory.SubFactory(UnitFactory)

    @classmethod
    def _create(cls, model_class: type[AwardGrant], *args: Any, **kwargs: Any) -> AwardGrant:
        return grant_record(actor=kwargs.pop("actor", None), **kwargs)
