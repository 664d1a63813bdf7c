"""JSON API for campaigns, their registrations and their ranking: /api/v1/campaigns.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from pacesetter.clusters.api import ClusterRef
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import cluster_current_leader
from pacesetter.core.refs import resolve_ref
from pacesetter.scoring.api import CriterionRef, ReviewPointDetailOut, ReviewPointOut, TableRef
from pacesetter.scoring.models import AmendmentState, Criterion, Registration, TargetAmendment
from pacesetter.scoring.policies import registration_policy, scoring_table_policy
from pacesetter.scoring.selectors import RankingFilters, ranking_for
from pacesetter.scoring.services import (
    amendment_decide,
    amendment_request,
    registration_set,
    review_point_open,
)
from pacesetter.units.api import UnitRef, UnitTypeRef
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from .models import (
    Campaign,
    CampaignKind,
    CampaignPhase,
    CampaignState,
    ClusterPact,
    Participant,
    ReviewPoint,
    ReviewPointState,
)
from .policies import campaign_policy, participant_policy, review_point_policy
from .services import (
    campaign_create,
    campaign_transition,
    campaign_update,
    cluster_join,
    pact_sign,
    participant_add,
    phase_add,
    review_point_add,
)
from .workflows import campaign_workflow, review_point_workflow

router = Router(tags=["campaigns"])


# --- read helpers --------------------------------------------------------------------


def _criterion_of(campaign: Campaign, pk: int, field: str) -> Criterion:
    """A criterion of the campaign's table; any other id is an invalid value of ``field``."""
    criterion = (
        Criterion.objects.filter(table_id=campaign.scoring_table_id, pk=pk).first()
        if campaign.scoring_table_id is not None
        else None
    )
    if criterion is None:
        raise ValidationError({field: _("Choose a criterion of the campaign's table.")})
    return criterion


def _review_point_of(user: Any, campaign: Campaign, pk: int, action: str = "view") -> ReviewPoint:
    """A review point of ``campaign`` (404 for any other), that the user may ``action``."""
    review_point = review_point_policy.access(user, pk, action)
    if review_point.campaign_id != campaign.pk:
        raise Http404(_("Not found."))
    return review_point


def _participating_cluster(user: Any, campaign: Campaign, cluster_id: int) -> Cluster:
    """A cluster taking part in the campaign that the user may see; 404 otherwise."""
    return get_object_or_404(
        cluster_policy.visible(user).filter(participations__campaign=campaign).distinct(),
        pk=cluster_id,
    )


# --- schemas -------------------------------------------------------------------------


class CampaignRef(Schema):
    id: int
    code: str
    name: str


class CampaignOut(CampaignRef):
    kind: str
    state: str
    organizer: UnitRef
    start: dt.date
    end: dt.date
    scoring_table: TableRef | None
    predecessor: CampaignRef | None
    registration_due: dt.date | None
    tie_breaks: list[str]
    description: str


class PhaseOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date
    position: int


class ParticipantUnitOut(UnitRef):
    unit_type: UnitTypeRef


class ParticipantOut(Schema):
    id: int
    unit: ParticipantUnitOut
    cluster: ClusterRef | None
    is_pilot: bool


class PactOut(Schema):
    id: int
    cluster: ClusterRef
    signed_on: dt.date
    signer_unit: UnitRef
    has_document: bool

    @staticmethod
    def resolve_has_document(obj: ClusterPact) -> bool:
        return bool(obj.document)


class CampaignDetailOut(CampaignOut):
    phases: list[PhaseOut]
    review_points: list[ReviewPointDetailOut]
    participants: list[ParticipantOut]
    pacts: list[PactOut]
    allowed_actions: list[str] = Field(
        description="The states this user may move the campaign to now (POST "
        "/campaigns/{id}/transition), from the campaign's workflow."
    )

    @staticmethod
    def resolve_allowed_actions(obj: Campaign, context: Any) -> list[str]:
        return campaign_workflow.allowed_list(context["request"].user, obj)

    @staticmethod
    def resolve_phases(obj: Campaign) -> list[CampaignPhase]:
        return list(obj.phases.order_by("position", "start"))

    @staticmethod
    def resolve_review_points(obj: Campaign, context: Any) -> list[ReviewPoint]:
        points = list(obj.review_points.order_by("position", "period_end"))
        allowed = review_point_workflow.allowed_many(context["request"].user, points)
        for point in points:
            point.allowed_actions = allowed[point.pk]  # type: ignore[attr-defined]
        return points

    @staticmethod
    def resolve_participants(obj: Campaign) -> list[Participant]:
        return list(
            obj.participants.select_related("unit", "unit__unit_type", "cluster").order_by(
                "cluster__name", "unit__name"
            )
        )

    @staticmethod
    def resolve_pacts(obj: Campaign) -> list[ClusterPact]:
        return list(obj.pacts.select_related("cluster", "signer_unit").order_by("cluster__name"))


class CampaignIn(Schema):
    organizer_id: int
    code: str
    name: str
    start: dt.date
    end: dt.date
    kind: CampaignKind = CampaignKind.MOVEMENT
    scoring_table_id: int | None = None
    predecessor_id: int | None = None
    registration_due: dt.date | None = None
    tie_breaks: list[str] | None = None
    description: str = ""


class CampaignPatch(Schema):
    """Only the fields sent are changed; ``scoring_table_id``/``predecessor_id: null``
    unlinks. The organizer cannot change."""

    code: str | None = None
    name: str | None = None
    kind: CampaignKind | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    scoring_table_id: int | None = None
    predecessor_id: int | None = None
    registration_due: dt.date | None = None
    tie_breaks: list[str] | None = None
    description: str | None = None


class CampaignFilters(Schema):
    q: str = ""
    state: CampaignState | None = None
    organizer: int | None = None


class TransitionIn(Schema):
    to_state: str


class PhaseIn(Schema):
    name: str
    start: dt.date
    end: dt.date


class ReviewPointIn(Schema):
    code: str
    name: str
    period_end: dt.date
    due: dt.date


class ParticipantIn(Schema):
    unit_id: int
    cluster_id: int | None = None
    is_pilot: bool = False


class PactIn(Schema):
    """Without ``signer_unit_id`` the cluster's leader unit for the campaign's year signs."""

    signed_on: dt.date
    signer_unit_id: int | None = None


class AmendmentOut(Schema):
    id: int
    old_target: Decimal | None
    new_target: Decimal | None
    reason: str
    state: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class RegistrationOut(Schema):
    id: int
    unit: UnitRef
    criterion: CriterionRef
    target: Decimal | None
    not_assigned: bool
    note: str
    updated_at: dt.datetime
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_amendments(obj: Registration) -> list[TargetAmendment]:
        # Prefetched by the list; a single registration costs one query.
        return list(obj.amendments.all())


class RegistrationIn(Schema):
    unit_id: int
    criterion_id: int
    target: Decimal | None = None
    not_assigned: bool = False
    note: str = ""


class AmendmentIn(Schema):
    unit_id: int
    criterion_id: int
    new_target: Decimal | None
    reason: str


class AmendmentDetailOut(AmendmentOut):
    registration_id: int
    unit: UnitRef
    criterion: CriterionRef

    @staticmethod
    def resolve_unit(obj: TargetAmendment) -> Unit:
        return obj.registration.unit

    @staticmethod
    def resolve_criterion(obj: TargetAmendment) -> Criterion:
        return obj.registration.criterion


class AmendmentDecisionIn(Schema):
    approve: bool
    note: str = ""


class RankingRow(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    unit_type_id: int
    unit_type_name: str
    cluster_id: int | None
    cluster_name: str | None
    base_earned: Decimal
    base_assigned: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    percentage: Decimal | None
    base_percentage: Decimal | None
    veto: bool
    rank_in_cluster: int
    rank_in_type: int | None
    rank_overall: int | None


class RankingOut(Schema):
    review_point: ReviewPointOut | None
    published: bool
    live: bool
    rows: list[RankingRow]


# --- campaigns -----------------------------------------------------------------------


@router.get("", response=list[CampaignOut])
@paginate(PageNumberPagination)
def campaign_list(
    request: HttpRequest, filters: Query[CampaignFilters]
) -> models.QuerySet[Campaign]:
    """Campaigns the user may see, newest first.

    ``q`` searches code and name; ``state`` filters; ``organizer`` keeps campaigns
    organized within that unit's subtree.
    """
    qs = campaign_policy.visible(request.user).select_related(
        "organizer", "scoring_table", "predecessor"
    )
    query = filters.q.strip()
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.organizer:
        organizer = resolve_ref(unit_policy, request.user, filters.organizer, "view", "organizer")
        qs = qs.filter(organizer__path__startswith=organizer.path)
    return qs.order_by("-start", "name", "pk")


@router.get("/{int:campaign_id}", response=CampaignDetailOut)
def campaign_detail(request: HttpRequest, campaign_id: int) -> Campaign:
    """One campaign with its phases, review points (with their state), participants
    (with cluster and pilot flag) and signed pacts."""
    return campaign_policy.access(request.user, campaign_id)


def _links(user: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """Turn ``scoring_table_id``/``predecessor_id`` into objects the user may see."""
    if "scoring_table_id" in fields:
        pk = fields.pop("scoring_table_id")
        fields["scoring_table"] = (
            resolve_ref(scoring_table_policy, user, pk, "view", "scoring_table_id")
            if pk is not None
            else None
        )
    if "predecessor_id" in fields:
        pk = fields.pop("predecessor_id")
        fields["predecessor"] = (
            resolve_ref(campaign_policy, user, pk, "view", "predecessor_id")
            if pk is not None
            else None
        )
    return fields


@router.post("", response={201: CampaignDetailOut})
def campaign_create_endpoint(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    """Draft a campaign organized by ``organizer_id`` (committee staff over that unit)."""
    user = request.user
    fields = payload.dict()
    organizer = resolve_ref(unit_policy, user, fields.pop("organizer_id"), "manage", "organizer_id")
    if fields["tie_breaks"] is None:
        del fields["tie_breaks"]
    fields = _links(user, fields)
    return Status(201, campaign_create(actor=user, organizer=organizer, **fields))


@router.patch("/{int:campaign_id}", response=CampaignDetailOut)
def campaign_update_endpoint(
    request: HttpRequest, campaign_id: int, payload: CampaignPatch
) -> Campaign:
    """Change a campaign; only the fields sent are changed. The scoring table changes
    only while drafting."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id, "update")
    fields = _links(user, payload.dict(exclude_unset=True))
    return campaign_update(actor=user, campaign=campaign, **fields)


@router.post("/{int:campaign_id}/transition", response=CampaignDetailOut)
def campaign_transition_endpoint(
    request: HttpRequest, campaign_id: int, payload: TransitionIn
) -> Campaign:
    """Move the campaign to ``to_state`` (draft, registration, running, scoring,
    published, closed). A move that is not allowed, or whose rule does not hold,
    answers 422 with the rule's message."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    return campaign_transition(actor=request.user, campaign=campaign, to_state=payload.to_state)


@router.post("/{int:campaign_id}/phases", response={201: PhaseOut})
def phase_add_endpoint(
    request: HttpRequest, campaign_id: int, payload: PhaseIn
) -> Status[CampaignPhase]:
    """Add a phase within the campaign's period."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    return Status(201, phase_add(actor=request.user, campaign=campaign, **payload.dict()))


@router.post("/{int:campaign_id}/review-points", response={201: ReviewPointDetailOut})
def review_point_add_endpoint(
    request: HttpRequest, campaign_id: int, payload: ReviewPointIn
) -> Status[ReviewPoint]:
    """Add a review point (its period ends within the campaign; reports are due after)."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    return Status(201, review_point_add(actor=request.user, campaign=campaign, **payload.dict()))


@router.post(
    "/{int:campaign_id}/review-points/{int:review_point_id}/open", response=ReviewPointDetailOut
)
def review_point_open_endpoint(
    request: HttpRequest, campaign_id: int, review_point_id: int
) -> ReviewPoint:
    """Open a planned review point while the campaign runs: one score item per
    participant and criterion."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    review_point = _review_point_of(request.user, campaign, review_point_id, "manage")
    review_point_open(actor=request.user, review_point=review_point)
    review_point.refresh_from_db()
    return review_point


@router.post("/{int:campaign_id}/participants", response={201: ParticipantOut})
def participant_add_endpoint(
    request: HttpRequest, campaign_id: int, payload: ParticipantIn
) -> Status[Participant]:
    """Add a participating unit, ranked within ``cluster_id`` (of which it must be a
    member) if given; ``is_pilot`` marks a pilot unit of a special action."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id, "update")
    unit = resolve_ref(unit_policy, user, payload.unit_id, "view", "unit_id")
    cluster = (
        resolve_ref(cluster_policy, user, payload.cluster_id, "view", "cluster_id")
        if payload.cluster_id is not None
        else None
    )
    participant = participant_add(
        actor=user, campaign=campaign, unit=unit, cluster=cluster, is_pilot=payload.is_pilot
    )
    return Status(201, participant)


@router.post("/{int:campaign_id}/clusters/{int:cluster_id}/join", response=list[ParticipantOut])
def cluster_join_endpoint(
    request: HttpRequest, campaign_id: int, cluster_id: int
) -> list[Participant]:
    """Add the cluster's members (on the campaign's start, else today's); answers the
    participants added (units already taking part are left as they are)."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id, "update")
    cluster = cluster_policy.access(user, cluster_id)
    return cluster_join(actor=user, campaign=campaign, cluster=cluster)


@router.post("/{int:campaign_id}/clusters/{int:cluster_id}/pact", response={201: PactOut})
def pact_sign_endpoint(
    request: HttpRequest, campaign_id: int, cluster_id: int, payload: PactIn
) -> Status[ClusterPact]:
    """The cluster's leader signs its pact while registration is open; every member
    must have registered its targets, and the cluster's registrations then lock."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    cluster = _participating_cluster(user, campaign, cluster_id)
    leads = participant_policy.visible(user, "review").filter(campaign=campaign, cluster=cluster)
    if not leads.exists():
        raise PermissionDenied(_("Only the cluster's leader signs its pact."))
    if payload.signer_unit_id is not None:
        signer = get_object_or_404(campaign.participants, unit_id=payload.signer_unit_id).unit
    else:
        leadership = cluster_current_leader(cluster, campaign.start.year, "leader")
        if leadership is None:
            raise ValidationError(
                {"signer_unit_id": _("The cluster has no leader this year; name the signer.")}
            )
        signer = leadership.unit
    pact = pact_sign(
        actor=user,
        campaign=campaign,
        cluster=cluster,
        signed_on=payload.signed_on,
        signer_unit=signer,
    )
    return Status(201, pact)


# --- registrations and amendments ----------------------------------------------------


@router.get("/{int:campaign_id}/registrations", response=list[RegistrationOut])
@paginate(PageNumberPagination)
def registration_list(
    request: HttpRequest, campaign_id: int, unit: int | None = None
) -> models.QuerySet[Registration]:
    """Registered targets, with their amendments, of the units whose unpublished data
    the user may see (their own subtrees; the members of a cluster they lead; all for
    the organizer's staff). ``unit`` keeps one unit's."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    qs = (
        registration_policy.visible(user)
        .filter(campaign=campaign)
        .select_related("unit", "criterion")
        .prefetch_related("amendments")
    )
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    return qs.order_by("unit__name", "criterion__position", "pk")


@router.put("/{int:campaign_id}/registrations", response=RegistrationOut)
def registration_set_endpoint(
    request: HttpRequest, campaign_id: int, payload: RegistrationIn
) -> Registration:
    """Register (or change, until the cluster's pact is signed) a unit's target for a
    criterion, or mark it not assigned (officers and staff over the unit)."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    unit = resolve_ref(unit_policy, user, payload.unit_id, "update", "unit_id")
    criterion = _criterion_of(campaign, payload.criterion_id, "criterion_id")
    return registration_set(
        actor=user,
        campaign=campaign,
        unit=unit,
        criterion=criterion,
        target=payload.target,
        not_assigned=payload.not_assigned,
        note=payload.note,
    )


@router.get("/{int:campaign_id}/amendments", response=list[AmendmentDetailOut])
@paginate(PageNumberPagination)
def amendment_list(
    request: HttpRequest,
    campaign_id: int,
    state: AmendmentState | None = None,
    unit: int | None = None,
) -> models.QuerySet[TargetAmendment]:
    """Target amendments, newest first, of the units whose unpublished data the user may
    see; ``state`` (pending, approved, rejected) and ``unit`` filter."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    registrations = registration_policy.visible(user).filter(campaign=campaign)
    qs = TargetAmendment.objects.filter(registration__in=registrations).select_related(
        "registration__unit", "registration__criterion"
    )
    if state is not None:
        qs = qs.filter(state=state)
    if unit is not None:
        qs = qs.filter(registration__unit_id=unit)
    return qs.order_by("-requested_at", "-pk")


@router.post("/{int:campaign_id}/amendments", response={201: AmendmentDetailOut})
def amendment_request_endpoint(
    request: HttpRequest, campaign_id: int, payload: AmendmentIn
) -> Status[TargetAmendment]:
    """After the pact is signed, ask to change a registered target (officers and staff
    over the unit); the committee decides, and both values are kept."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    unit = resolve_ref(unit_policy, user, payload.unit_id, "update", "unit_id")
    criterion = _criterion_of(campaign, payload.criterion_id, "criterion_id")
    registration = Registration.objects.filter(
        campaign=campaign, unit=unit, criterion=criterion
    ).first()
    if registration is None:
        raise ValidationError({"criterion_id": _("No target is registered for this criterion.")})
    amendment = amendment_request(
        actor=user, registration=registration, new_target=payload.new_target, reason=payload.reason
    )
    return Status(201, amendment)


@router.post("/{int:campaign_id}/amendments/{int:amendment_id}/decide", response=AmendmentDetailOut)
def amendment_decide_endpoint(
    request: HttpRequest, campaign_id: int, amendment_id: int, payload: AmendmentDecisionIn
) -> TargetAmendment:
    """The committee (staff over the organizer) approves or rejects an amendment; an
    approved target applies at once to the open review points."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    amendment = get_object_or_404(
        TargetAmendment.objects.filter(registration__campaign=campaign), pk=amendment_id
    )
    return amendment_decide(
        actor=request.user, amendment=amendment, approve=payload.approve, note=payload.note
    )


# --- ranking -------------------------------------------------------------------------


def _default_review_point(user: Any, campaign: Campaign) -> ReviewPoint | None:
    """The latest published review point, or one still open whose live ranking the user
    follows."""
    live = review_point_policy.visible(user, "view_live_ranking").filter(campaign=campaign)
    return (
        campaign.review_points.filter(
            Q(state=ReviewPointState.PUBLISHED)
            | Q(state=ReviewPointState.OPEN, pk__in=live.values("pk"))
        )
        .order_by("-position", "-period_end", "-pk")
        .first()
    )


@router.get("/{int:campaign_id}/ranking", response=RankingOut)
def campaign_ranking(
    request: HttpRequest,
    campaign_id: int,
    review_point: int | None = None,
    cluster: int | None = None,
    unit_type: int | None = None,
) -> dict[str, Any]:
    """The ranking at a review point: per unit earned and assigned base points, bonus,
    penalty, total, percentages, veto flag and its rank within its cluster, its unit
    type and overall, in rank order within each cluster. ``cluster`` and ``unit_type``
    (ids) filter the rows; filtered by ``unit_type`` alone, they come in the order of
    their rank within the unit type.

    Without ``review_point`` it is the latest published review point, or for those who
    see the live ranking the latest open or published one.

    Who sees what: everyone who may view the campaign sees a published review point's
    ranking. The live (unpublished) ranking of an open review point is seen by the
    organizer's staff, and by a cluster's leader for that cluster's rows only (``live``
    is true). For anyone else an unpublished review point answers 200 with
    ``published: false`` and no rows, not 404: the review points and their states are
    public within the campaign anyway.
    """
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    point: ReviewPoint | None
    if review_point is not None:
        point = _review_point_of(user, campaign, review_point)
    else:
        point = _default_review_point(user, campaign)
    if point is None:
        return {"review_point": None, "published": False, "live": False, "rows": []}
    point.campaign = campaign
    result = ranking_for(user, point, RankingFilters(cluster_id=cluster, unit_type_id=unit_type))
    return {
        "review_point": point,
        "published": result.published,
        "live": result.live,
        "rows": result.rows,
    }
