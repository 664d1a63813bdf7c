from typing import Any

import factory

from pacesetter.chains.models import Chain
from pacesetter.chains.services import chain_create
from pacesetter.units.tests.factories import UnitFactory


class ChainFactory(factory.django.DjangoModelFactory):
    """A chain kept and led by one unit, without members (``chain_create``; pass
    ``members=[...]``, upstream first)."""

    class Meta:
        model = Chain

    owner_unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Chain {n}")
    leader_unit = factory.SelfAttribute("owner_unit")

    @classmethod
    def _create(cls, model_class: type[Chain], *args: Any, **kwargs: Any) -> Chain:
        return chain_create(actor=kwargs.pop("actor", None), **kwargs)
