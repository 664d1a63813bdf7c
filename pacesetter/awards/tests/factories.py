import datetime as dt

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
from pacesetter.awards.people_services import person_create
from pacesetter.awards.services import (
    award_create,
    eligibility_rule_add,
    grant_record,
    proposal_nominate,
)
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class AwardFactory(ServiceFactory):
    """A provincial award for units, without quota or rules (``award_create``)."""

    class Meta:
        model = Award

    code = factory.Sequence(lambda n: f"award-{n}")
    name = factory.Sequence(lambda n: f"Award {n}")
    level = AwardLevel.PROVINCIAL
    recipient_kind = RecipientKind.UNIT
    issuer = "Provincial People's Committee"

    _service = staticmethod(award_create)


class EligibilityRuleFactory(ServiceFactory):
    """A rule version from 2024 on: first place only (``eligibility_rule_add``)."""

    class Meta:
        model = EligibilityRule

    award = factory.SubFactory(AwardFactory)
    valid_from = dt.date(2024, 1, 1)
    rule = factory.LazyFunction(lambda: {"rank_at_most": {"rank": 1}})

    _service = staticmethod(eligibility_rule_add)


class PersonFactory(ServiceFactory):
    """Someone of a unit who can receive personal awards (``person_create``)."""

    class Meta:
        model = Person

    unit = factory.SubFactory(UnitFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")

    _service = staticmethod(person_create)


class ProposalFactory(ServiceFactory):
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

    _service = staticmethod(proposal_nominate)


class AwardGrantFactory(ServiceFactory):
    """A unit award of 2024 recorded outside a proposal (``grant_record``)."""

    class Meta:
        model = AwardGrant

    award = factory.SubFactory(AwardFactory)
    decision = factory.SubFactory(DecisionFactory)
    year = 2024
    unit = factory.SubFactory(UnitFactory)

    _service = staticmethod(grant_record)
