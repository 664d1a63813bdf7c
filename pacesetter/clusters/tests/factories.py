import datetime as dt

import factory

from pacesetter.clusters.models import Cluster, ClusterMembership
from pacesetter.units.tests.factories import UnitFactory


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Cluster No. {n}")
    owner_unit = factory.SubFactory(UnitFactory)


class ClusterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMembership

    cluster = factory.SubFactory(ClusterFactory)
    unit = factory.SubFactory(UnitFactory)
    start = dt.date(2024, 1, 1)
