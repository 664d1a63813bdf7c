from decimal import Decimal

import factory

from pacesetter.scoring.models import Criterion, CriterionKind, ScoringTable
from pacesetter.scoring.services import criterion_add, table_create
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class ScoringTableFactory(ServiceFactory):
    """A draft table of 2024 (``table_create``, which numbers its version)."""

    class Meta:
        model = ScoringTable

    owner_unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Table {n}")
    year = 2024

    _service = staticmethod(table_create)


class CriterionFactory(ServiceFactory):
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

    _service = staticmethod(criterion_add)
