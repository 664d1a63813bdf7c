import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from pacesetter.meetings.models import AgendaItem, Invitation, Meeting, MeetingKind, Resolution
from pacesetter.meetings.services import (
    agenda_item_add,
    invitation_add,
    meeting_create,
    resolution_create,
)
from pacesetter.units.tests.factories import UnitFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned council meeting a week from now, two hours long, in the server's time
    zone (``meeting_create``)."""

    class Meta:
        model = Meeting

    kind = MeetingKind.COUNCIL
    title = factory.Sequence(lambda n: f"Meeting {n}")
    organizer_unit = factory.SubFactory(UnitFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))

    @classmethod
    def _create(cls, model_class: type[Meeting], *args: Any, **kwargs: Any) -> Meeting:
        return meeting_create(actor=kwargs.pop("actor", None), **kwargs)


class InvitationFactory(factory.django.DjangoModelFactory):
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

    @classmethod
    def _create(cls, model_class: type[Invitation], *args: Any, **kwargs: Any) -> Invitation:
        return invitation_add(actor=kwargs.pop("actor", None), **kwargs)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    """An item at the end of the meeting's agenda (``agenda_item_add``)."""

    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Agenda item {n}")

    @classmethod
    def _create(cls, model_class: type[AgendaItem], *args: Any, **kwargs: Any) -> AgendaItem:
        return agenda_item_add(actor=kwargs.pop("actor", None), **kwargs)


class ResolutionFactory(factory.django.DjangoModelFactory):
    """A resolution numbered next in its meeting, adopted on the meeting's day, without
    tasks (``resolution_create``)."""

    class Meta:
        model = Resolution

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Resolution {n}")

    @classmethod
    def _create(cls, model_class: type[Resolution], *args: Any, **kwargs: Any) -> Resolution:
        return resolution_create(actor=kwargs.pop("actor", None), **kwargs)
