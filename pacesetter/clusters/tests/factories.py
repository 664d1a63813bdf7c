import datetime as dt

import factory

from pacesetter.clusters.models import Cluster, ClusterMembership
from pacesetter.clusters.services import cluster_create
from pacesetter.testing.factories import ServiceFactory
from pacesetter.units.tests.factories import UnitFactory


class ClusterFactory(ServiceFactory):
    """A cluster through ``cluster_create``; ``name="…"`` is English unless
    ``source_language`` is given."""

    class Meta:
        model = Cluster

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Cluster No. {n}")
    owner_unit = factory.SubFactory(UnitFactory)

    _service = staticmethod(cluster_create)


class ClusterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMembership

    cluster = factory.SubFactory(ClusterFactory)
    unit = factory.SubFactory(UnitFactory)
    start = dt.date(2024, 1, 1)
