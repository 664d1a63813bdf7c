from decimal import Decimal
from typing import Any

import factory

from pacesetter.scoring.models import Criterion, CriterionKind, ScoringTable
from pacesetter.scoring.services import criterion_add, table_create
from pacesetter.units.tests.factories import UnitFactory


class ScoringTableFactory(factory.django.DjangoModelFactory):
    """A draft table of 2024 (``table_create``, which numbers its version)."""

    class Meta:
        model = ScoringTable

    owner_unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Table {n}")
    year = 2024

    @classmethod
    def _create(cls, model_class: type[ScoringTable], *args: Any, **kwargs: Any) -> ScoringTable:
        return table_create(actor=kwargs.pop("actor", None), **kwargs)


class CriterionFactory(factory.django.DjangoModelFactory):
    """A top-level quantitative criterion worth 10 points, scored in proportion to its
    target (``criterion_add``: the table must be a draft; a ``parent`` group's children
    may not exceed its maximum)."""

    class Meta:
        model = Criterion

    table = factory.SubFactory(ScoringTableFactory)
    code = factory.Sequence(lambda n: f"K{n}")
    title = factory.Sequence(lambda n: f"Criterion {n}")
    kind = CriterionKind.QUANTITATIVE
    max_points = Decimal(10)

    @classmethod
    def _create(cls, model_class: type[Criterion], *args: Any, **kwargs: Any) -> Criterion:
        return criterion_add(actor=kwargs.pop("actor", None), **kwargs)
