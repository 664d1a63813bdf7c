from typing import Any

import factory

from pacesetter.units.models import Unit, UnitType
from pacesetter.units.services import unit_create, unit_type_create


class UnitTypeFactory(factory.django.DjangoModelFactory):
    """A unit type through its service; a code already made gives that type back."""

    class Meta:
        model = UnitType

    code = factory.Sequence(lambda n: f"type-{n}")
    name = factory.Sequence(lambda n: f"Type {n}")

    @classmethod
    def _create(cls, model_class: type[UnitType], *args: Any, **kwargs: Any) -> UnitType:
        found = UnitType.objects.filter(code=kwargs["code"]).first()
        return found or unit_type_create(actor=None, **kwargs)


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
