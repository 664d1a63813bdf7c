import factory

from pacesetter.bodies.models import Body, BodyKind
from pacesetter.bodies.services import body_create
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class BodyFactory(ServiceFactory):
    """A body through ``body_create``; ``name="…"`` is English unless
    ``source_language`` is given."""

    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Council {n}")
    kind = BodyKind.COUNCIL
    owner_unit = factory.SubFactory(UnitFactory)

    _service = staticmethod(body_create)
