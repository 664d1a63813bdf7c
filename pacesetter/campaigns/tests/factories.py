import datetime as dt

import factory

from pacesetter.campaigns.models import Campaign, Participant, ReviewPoint
from pacesetter.campaigns.services import campaign_create, participant_add, review_point_add
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class CampaignFactory(ServiceFactory):
    """A draft campaign of 2024 without a scoring table, through ``campaign_create``."""

    class Meta:
        model = Campaign

    organizer = factory.SubFactory(UnitFactory)
    code = factory.Sequence(lambda n: f"CAMP-{n}")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    start = dt.date(2024, 1, 1)
    end = dt.date(2024, 12, 31)

    _service = staticmethod(campaign_create)


class ReviewPointFactory(ServiceFactory):
    """A review point at the end of its campaign, due two weeks later
    (``review_point_add``)."""

    class Meta:
        model = ReviewPoint

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.Sequence(lambda n: f"Review {n}")
    period_end = factory.SelfAttribute("campaign.end")
    due = factory.LazyAttribute(lambda o: o.period_end + dt.timedelta(days=14))

    _service = staticmethod(review_point_add)


class ParticipantFactory(ServiceFactory):
    """A unit taking part in a (draft) campaign, in no cluster (``participant_add``)."""

    class Meta:
        model = Participant

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(UnitFactory)

    _service = staticmethod(participant_add)
