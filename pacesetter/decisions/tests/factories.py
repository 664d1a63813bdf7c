import datetime as dt
from typing import Any

import factory

from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.units.tests.factories import UnitFactory


class DecisionFactory(factory.django.DjangoModelFactory):
    """Records a decision through ``decision_create`` (with its audit entry); pass
    ``actor=`` to record who did."""

    class Meta:
        model = Decision

    owner_unit = factory.SubFactory(UnitFactory)
    number = factory.Sequence(lambda n: f"{n}/QD")
    date = dt.date(2024, 1, 15)
    issuer = "Provincial People's Committee"

    @classmethod
    def _create(cls, model_class: type[Decision], *args: Any, **kwargs: Any) -> Decision:
        return decision_create(actor=kwargs.pop("actor", None), **kwargs)
