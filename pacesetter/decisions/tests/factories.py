import datetime as dt

import factory

from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class DecisionFactory(ServiceFactory):
    """Records a decision through ``decision_create`` (with its audit entry); pass
    ``actor=`` to record who did."""

    class Meta:
        model = Decision

    owner_unit = factory.SubFactory(UnitFactory)
    number = factory.Sequence(lambda n: f"{n}/QD")
    date = dt.date(2024, 1, 15)
    issuer = "Provincial People's Committee"

    _service = staticmethod(decision_create)
