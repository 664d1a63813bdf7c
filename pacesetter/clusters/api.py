"""JSON API for clusters, their membership periods and yearly leaders: /api/v1/clusters.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt

from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Version, Year
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    text_input,
    text_patch,
    translations,
)
from pacesetter.decisions.policies import decision_policy
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef, UnitTypeRef
from pacesetter.units.policies import unit_policy

from .models import Cluster, ClusterLeadership, ClusterMembership
from .policies import cluster_policy
from .selectors import cluster_leaders, cluster_members, cluster_search
from .services import (
    cluster_create,
    cluster_leader_set,
    cluster_member_add,
    cluster_member_end,
    cluster_update,
)

router = Router(tags=["clusters"])


# --- schemas ---------------------------------------------------------------------------


class ClusterRef(Schema):
    """A cluster as other apps' schemas refer to it."""

    id: Id
    code: str
    name: str
    source_language: str


class DecisionRef(Schema):
    id: Id
    number: str
    date: dt.date
    issuer: str
    source_language: str


class MemberUnitOut(UnitRef):
    unit_type: UnitTypeRef


class MembershipOut(Schema):
    id: Id
    unit: MemberUnitOut
    start: dt.date
    end: dt.date | None


class LeadershipOut(Schema):
    id: Id
    year: Year
    role: str
    unit: UnitRef
    assigned_on: dt.date
    ended_on: dt.date | None
    note: str


class ClusterOut(Schema):
    id: Id
    code: str
    name: str
    source_language: str
    owner_unit: UnitRef
    decision: DecisionRef | None
    description: str
    is_active: bool
    member_count: int


class ClusterDetailOut(ClusterOut):
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT
    members: list[MembershipOut]
    leaders: list[LeadershipOut]

    @staticmethod
    def resolve_translations(obj: Cluster) -> dict[str, dict[str, str]]:
        return translations(obj)

    @staticmethod
    def resolve_member_count(obj: Cluster) -> int:
        return cluster_members(obj).count()

    @staticmethod
    def resolve_members(obj: Cluster) -> list[ClusterMembership]:
        return list(cluster_members(obj))

    @staticmethod
    def resolve_leaders(obj: Cluster) -> list[ClusterLeadership]:
        return list(cluster_leaders(obj))


class ClusterIn(Schema):
    owner_unit_id: Id
    code: str
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    decision_id: Id | None = None
    description: text_input() = ""  # type: ignore[valid-type]


class ClusterPatch(Schema):
    """Only the fields sent are changed; ``decision_id: null`` unlinks the decision."""

    code: str | None = None
    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    decision_id: Id | None = None
    description: text_patch() = None  # type: ignore[valid-type]
    is_active: bool | None = None
    version: Version | None = VERSION_IN


class MembershipIn(Schema):
    unit_id: Id
    start: dt.date
    end: dt.date | None = None


class MembershipEndIn(Schema):
    end: dt.date


class LeaderIn(Schema):
    year: Year
    role: str
    unit_id: Id
    assigned_on: dt.date
    note: str = ""


class ClusterFilters(Schema):
    q: str = ""
    owner: Id | None = None
    active: bool | None = None


# --- endpoints -------------------------------------------------------------------------


@router.get("", response=list[ClusterOut])
@paginate(Paged)
def cluster_list(request: HttpRequest, filters: Query[ClusterFilters]) -> models.QuerySet[Cluster]:
    """Clusters the user may see, by name, with their current member count.

    ``q`` searches code and name (in any language, accents and case aside); ``owner``
    keeps clusters whose lead body lies in that unit's subtree; ``active`` filters on
    the active flag.
    """
    owner = (
        resolve_ref(unit_policy, request.user, filters.owner, "view", "owner")
        if filters.owner
        else None
    )
    qs = cluster_search(request.user, query=filters.q.strip(), owner=owner)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs


@router.get("/{int:cluster_id}", response=ClusterDetailOut)
def cluster_detail(request: HttpRequest, cluster_id: Id) -> Cluster:
    """One cluster with its current members and every leader and deputy, by year.

    A replaced leader stays in ``leaders`` with ``ended_on`` set.
    """
    return cluster_policy.access(request.user, cluster_id)


@router.post("", response={201: ClusterDetailOut})
def cluster_create_endpoint(request: HttpRequest, payload: ClusterIn) -> Status[Cluster]:
    """Set up a cluster led by ``owner_unit_id``; needs the right to manage that unit."""
    user = request.user
    owner = resolve_ref(unit_policy, user, payload.owner_unit_id, "manage", "owner_unit_id")
    decision = (
        resolve_ref(decision_policy, user, payload.decision_id, "view", "decision_id")
        if payload.decision_id is not None
        else None
    )
    cluster = cluster_create(
        actor=user,
        owner_unit=owner,
        code=payload.code,
        source_language=payload.source_language or content_language(),
        name=payload.name,
        decision=decision,
        description=payload.description,
    )
    return Status(201, cluster)


@router.patch("/{int:cluster_id}", response=ClusterDetailOut)
def cluster_update_endpoint(request: HttpRequest, cluster_id: Id, payload: ClusterPatch) -> Cluster:
    """Change a cluster's details; only the fields sent are changed."""
    user = request.user
    cluster = cluster_policy.access(user, cluster_id, "update")
    fields = payload.dict(exclude_unset=True)
    if "decision_id" in fields:
        decision_id = fields.pop("decision_id")
        fields["decision"] = (
            resolve_ref(decision_policy, user, decision_id, "view", "decision_id")
            if decision_id is not None
            else None
        )
    return cluster_update(actor=user, cluster=cluster, **fields)


@router.post("/{int:cluster_id}/members", response={201: MembershipOut})
def cluster_member_add_endpoint(
    request: HttpRequest, cluster_id: Id, payload: MembershipIn
) -> Status[ClusterMembership]:
    """Add a membership period for a unit; a unit's periods in one cluster may not overlap."""
    user = request.user
    cluster = cluster_policy.access(user, cluster_id, "update")
    unit = resolve_ref(unit_policy, user, payload.unit_id, "view", "unit_id")
    membership = cluster_member_add(
        actor=user, cluster=cluster, unit=unit, start=payload.start, end=payload.end
    )
    return Status(201, membership)


@router.post("/{int:cluster_id}/members/{int:membership_id}/end", response=MembershipOut)
def cluster_member_end_endpoint(
    request: HttpRequest, cluster_id: Id, membership_id: Id, payload: MembershipEndIn
) -> ClusterMembership:
    """Close a membership period on ``end``; the period stays in the history."""
    cluster = cluster_policy.access(request.user, cluster_id, "update")
    membership = get_object_or_404(cluster.memberships.select_related("unit"), pk=membership_id)
    membership = cluster_member_end(actor=request.user, membership=membership, end=payload.end)
    return membership


@router.post("/{int:cluster_id}/leaders", response={201: LeadershipOut})
def cluster_leader_set_endpoint(
    request: HttpRequest, cluster_id: Id, payload: LeaderIn
) -> Status[ClusterLeadership]:
    """Make a member unit the leader or deputy (``role``: leader, deputy) for ``year``.

    The previous holder of the post is ended on ``assigned_on`` and kept in the history.
    """
    user = request.user
    cluster = cluster_policy.access(user, cluster_id, "update")
    unit = resolve_ref(unit_policy, user, payload.unit_id, "view", "unit_id")
    leadership = cluster_leader_set(
        actor=user,
        cluster=cluster,
        year=payload.year,
        role=payload.role,
        unit=unit,
        assigned_on=payload.assigned_on,
        note=payload.note,
    )
    return Status(201, leadership)
