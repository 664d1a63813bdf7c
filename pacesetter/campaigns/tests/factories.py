import datetime as dt
from typing import Any

import factory

from pacesetter.campaigns.models import Campaign, Participant, ReviewPoint
from pacesetter.campaigns.services import campaign_create, participant_add, review_point_add
from pacesetter.units.tests.factories import UnitFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A draft campaign of 2024 without a scoring table, through ``campaign_create``."""

    class Meta:
        model = Campaign

    organizer = factory.SubFactory(UnitFactory)
    code = factory.Sequence(lambda n: f"CAMP-{n}")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    start = dt.date(2024, 1, 1)
    end = dt.date(2024, 12, 31)

    @classmethod
    def _create(cls, model_class: type[Campaign], *args: Any, **kwargs: Any) -> Campaign:
        return campaign_create(actor=kwargs.pop("actor", None), **kwargs)


class ReviewPointFactory(factory.django.DjangoModelFactory):
    """A review point at the end of its campaign, due two weeks later
    (``review_point_add``)."""

    class Meta:
        model = ReviewPoint

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.Sequence(lambda n: f"Review {n}")
    period_end = factory.SelfAttribute("campaign.end")
    due = factory.LazyAttribute(lambda o: o.period_end + dt.timedelta(days=14))

    @classmethod
    def _create(cls, model_class: type[ReviewPoint], *args: Any, **kwargs: Any) -> ReviewPoint:
        return review_point_add(actor=kwargs.pop("actor", None), **kwargs)


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A unit taking part in a (draft) campaign, in no cluster (``participant_add``)."""

    class Meta:
        model = Participant

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory)

    @classmethod
    def _create(cls, model_class: type[Participant], *args: Any, **kwargs: Any) -> Participant:
        return participant_add(actor=kwargs.pop("actor", None), **kwargs)
