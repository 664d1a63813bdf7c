import datetime as dt

import factory
from django.utils import timezone

from pacesetter.meetings.models import AgendaItem, Invitation, Meeting, MeetingKind, Resolution
from pacesetter.meetings.services import (
    agenda_item_add,
    invitation_add,
    meeting_create,
    resolution_create,
)
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class MeetingFactory(ServiceFactory):
    """A planned council meeting a week from now, two hours long, in the server's time
    zone (``meeting_create``)."""

    class Meta:
        model = Meeting

    kind = MeetingKind.COUNCIL
    title = factory.Sequence(lambda n: f"Meeting {n}")
    organizer_unit = factory.SubFactory(UnitFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))

    _service = staticmethod(meeting_create)


class InvitationFactory(ServiceFactory):
    """An invitation with its check-in code (``invitation_add``): of a guest named by
    ``label`` unless a ``user`` or ``unit`` is given."""

    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    user = None
    unit = None
    label = factory.Maybe(
        factory.LazyAttribute(lambda o: o.user is None and o.unit is None),
        yes_declaration=factory.Sequence(lambda n: f"Invitee {n}"),
        no_declaration="",
    )

    _service = staticmethod(invitation_add)


class AgendaItemFactory(ServiceFactory):
    """An item at the end of the meeting's agenda (``agenda_item_add``)."""

    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Agenda item {n}")

    _service = staticmethod(agenda_item_add)


class ResolutionFactory(ServiceFactory):
    """A resolution numbered next in its meeting, adopted on the meeting's day, without
    tasks (``resolution_create``)."""

    class Meta:
        model = Resolution

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Resolution {n}")

    _service = staticmethod(resolution_create)
