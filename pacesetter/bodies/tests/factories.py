import factory

from pacesetter.bodies.models import Body, BodyKind
from pacesetter.units.tests.factories import UnitFactory


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Council {n}")
    kind = BodyKind.COUNCIL
    owner_unit = factory.SubFactory(UnitFactory)
