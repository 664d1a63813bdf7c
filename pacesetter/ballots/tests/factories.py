import factory

from pacesetter.ballots.models import Poll, PollKind
from pacesetter.ballots.services import poll_create
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class PollFactory(ServiceFactory):
    """A draft yes/no poll on one motion (``poll_create``), voted by a body of its owner
    unless a ``cluster`` is given (a poll is voted by exactly one of them)."""

    class Meta:
        model = Poll

    owner_unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"Poll {n}")
    kind = PollKind.YES_NO
    options = ("Motion",)
    cluster = None
    body = factory.Maybe(
        "cluster",
        yes_declaration=None,
        no_declaration=factory.SubFactory(
            BodyFactory, owner_unit=factory.SelfAttribute("..owner_unit")
        ),
    )

    _service = staticmethod(poll_create)
