from typing import Any

import factory

from pacesetter.units.models import Unit, UnitType
from pacesetter.units.services import unit_create


class UnitTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"type-{n}")
    name = factory.Sequence(lambda n: f"Type {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    """Builds units through the ``unit_create`` service so paths are right."""

    class Meta:
        model = Unit

    parent = None
    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    unit_type = factory.SubFactory(UnitTypeFactory)

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return unit_create(actor=None, **kwargs)
