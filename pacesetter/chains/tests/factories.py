import factory

from pacesetter.chains.models import Chain
from pacesetter.chains.services import chain_create
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class ChainFactory(ServiceFactory):
    """A chain kept and led by one unit, without members (``chain_create``; pass
    ``members=[...]``, upstream first)."""

    class Meta:
        model = Chain

    owner_unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Chain {n}")
    leader_unit = factory.SelfAttribute("owner_unit")

    _service = staticmethod(chain_create)
