from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from pacesetter.core.translations import matching, ordered
from pacesetter.units.models import Unit

from .models import Cluster, ClusterLeadership, ClusterMembership
from .policies import cluster_policy


def active_membership_q(on: date | None = None, prefix: str = "") -> Q:
    on = on or date.today()
    return Q(**{f"{prefix}start__lte": on}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on})
    )


def cluster_search(user: Any, *, query: str = "", owner: Unit | None = None) -> QuerySet[Cluster]:
    today = date.today()
    qs = cluster_policy.visible(user).select_related("owner_unit", "decision")
    if query:
        qs = matching(qs, query)
    if owner is not None:
        qs = qs.filter(owner_unit__path__startswith=owner.path)
    return qs.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__start__lte=today)
            & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)),
        )
    ).order_by(ordered("name"), "pk")


def cluster_members(cluster: Cluster, *, on: date | None = None) -> QuerySet[ClusterMembership]:
    """Memberships current on ``on`` (today by default), with unit and type."""
    return (
        cluster.memberships.filter(active_membership_q(on))
        .select_related("unit", "unit__unit_type")
        .order_by(ordered("unit__unit_type__name"), ordered("unit__name"))
    )


def cluster_membership_history(cluster: Cluster) -> QuerySet[ClusterMembership]:
    return cluster.memberships.select_related("unit").order_by("-start", ordered("unit__name"))


def cluster_leaders(cluster: Cluster) -> QuerySet[ClusterLeadership]:
    """Every leader and deputy, past holders included, newest year first."""
    return cluster.leaderships.select_related("unit").order_by("-year", "role", "-assigned_on")


def cluster_current_leader(cluster: Cluster, year: int, role: str) -> ClusterLeadership | None:
    return (
        cluster.leaderships.filter(year=year, role=role, ended_on__isnull=True)
        .select_related("unit")
        .first()
    )


def unit_clusters(user: Any, unit: Unit) -> QuerySet[ClusterMembership]:
    """The unit's membership periods in clusters the user may see."""
    return (
        unit.cluster_memberships.filter(cluster__in=cluster_policy.visible(user))
        .select_related("cluster")
        .order_by("-start")
    )


def unit_leader_posts(user: Any, unit: Unit) -> QuerySet[ClusterLeadership]:
    """The leader and deputy posts ``unit`` holds or held, in clusters the user may see."""
    return (
        unit.cluster_leaderships.filter(cluster__in=cluster_policy.visible(user))
        .select_related("cluster")
        .order_by("-year", "role", "-assigned_on")
    )


def cluster_member_units(cluster: Cluster) -> QuerySet[Unit]:
    """Units with any membership period in ``cluster``, past or present."""
    return (
        Unit.objects.filter(cluster_memberships__cluster=cluster)
        .distinct()
        .order_by(ordered("name"), "pk")
    )
