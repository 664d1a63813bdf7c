"""The scoring parts of /api/v1/campaigns/{id}: opening a review point, the units'
registrations and their amendments, and the ranking.

They read and write scoring's data of one campaign, so they live in scoring, on a router
that ``pacesetter/api.py`` mounts at /api/v1/campaigns beside the campaign's own; the
paths and operation ids are the ones they always had.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.campaigns.api import ReviewPointDetailOut, ReviewPointOut
from pacesetter.campaigns.models import Campaign, Participant, ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import (
    campaign_policy,
    participant_policy,
    review_point_policy,
)
from pacesetter.core.api_types import Id, Paged, Version
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import ordered
from pacesetter.units.api import UnitRef
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from .api import CriterionRef
from .models import AmendmentState, Criterion, Registration, TargetAmendment, TitleAim
from .policies import registration_policy
from .selectors import RankingFilters, ranking_for, title_aims_of
from .services import (
    amendment_decide,
    amendment_request,
    registration_set,
    review_point_open,
    title_aims_set,
)

router = Router(tags=["campaigns"])
#: The operation ids the endpoints had in ``pacesetter.campaigns.api``, kept for API clients.
_OPERATION_ID = "pacesetter_campaigns_api_{}"


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


# --- schemas -------------------------------------------------------------------------


class AmendmentOut(Schema):
    id: Id
    old_target: Decimal | None
    new_target: Decimal | None
    reason: str
    state: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


class RegistrationOut(Schema):
    id: Id
    unit: UnitRef
    criterion: CriterionRef
    target: Decimal | None
    not_assigned: bool
    note: str
    updated_at: dt.datetime
    amendments: list[AmendmentOut]
    version: Version = Field(
        description="The version of the unit's registration (all its targets and the "
        "titles it aims for, as the participant's `version`): send it back with a change; "
        "a stale one is a 409."
    )

    @staticmethod
    def resolve_version(obj: Registration) -> int:
        # Annotated by the list, set by the service on a save: no query of its own.
        return int(obj.participant_version)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_amendments(obj: Registration) -> list[TargetAmendment]:
        # Prefetched by the list; a single registration costs one query.
        return list(obj.amendments.all())


class RegistrationIn(Schema):
    unit_id: Id
    criterion_id: Id
    target: Decimal | None = None
    not_assigned: bool = False
    note: str = ""
    version: Version | None = Field(
        None,
        description="The version of the unit's registration read; a stale one is a 409 "
        "and nothing is changed. Each target saved raises it by one.",
    )


class AimedAwardRef(Schema):
    """An award of the catalog, as a unit's aim names it."""

    id: Id
    code: str
    name: str


class TitleAimOut(Schema):
    id: Id
    unit: UnitRef
    award: AimedAwardRef
    note: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_unit(obj: TitleAim) -> Unit:
        return obj.participant.unit


class TitleAimIn(Schema):
    award_id: Id
    note: str = Field("", max_length=500)


class TitleAimsIn(Schema):
    unit_id: Id
    aims: list[TitleAimIn] = Field(default_factory=list, max_length=200)
    version: Version | None = Field(
        None,
        description="The version of the unit's registration read (the aims are part of "
        "it); a stale one is a 409 and nothing is changed. A save raises it.",
    )


class AmendmentIn(Schema):
    unit_id: Id
    criterion_id: Id
    new_target: Decimal | None
    reason: str


class AmendmentDetailOut(AmendmentOut):
    registration_id: Id
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
    unit_id: Id
    unit_code: str
    unit_name: str
    unit_type_id: Id
    unit_type_name: str
    cluster_id: Id | None
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


# --- opening a review point ------------------------------------------------------------


@router.post(
    "/{int:campaign_id}/review-points/{int:review_point_id}/open",
    response=ReviewPointDetailOut,
    operation_id=_OPERATION_ID.format("review_point_open_endpoint"),
)
def review_point_open_endpoint(
    request: HttpRequest, campaign_id: Id, review_point_id: Id
) -> ReviewPoint:
    """Open a planned review point while the campaign runs: one score item per
    participant and criterion."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    review_point = _review_point_of(request.user, campaign, review_point_id, "manage")
    review_point_open(actor=request.user, review_point=review_point)
    review_point.refresh_from_db()
    return review_point


# --- registrations and amendments ----------------------------------------------------


@router.get(
    "/{int:campaign_id}/registrations",
    response=list[RegistrationOut],
    operation_id=_OPERATION_ID.format("registration_list"),
)
@paginate(Paged)
def registration_list(
    request: HttpRequest, campaign_id: Id, unit: Id | None = None
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
        .annotate(
            participant_version=Subquery(
                Participant.objects.filter(
                    campaign_id=OuterRef("campaign_id"), unit_id=OuterRef("unit_id")
                ).values("version")[:1]
            )
        )
    )
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    return qs.order_by(ordered("unit__name"), "criterion__position", "pk")


@router.put(
    "/{int:campaign_id}/registrations",
    response=RegistrationOut,
    operation_id=_OPERATION_ID.format("registration_set_endpoint"),
)
def registration_set_endpoint(
    request: HttpRequest, campaign_id: Id, payload: RegistrationIn
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
        version=payload.version,
    )


@router.get(
    "/{int:campaign_id}/title-aims",
    response=list[TitleAimOut],
    operation_id=_OPERATION_ID.format("title_aim_list"),
)
@paginate(Paged)
def title_aim_list(
    request: HttpRequest, campaign_id: Id, unit: Id | None = None
) -> models.QuerySet[TitleAim]:
    """The titles and awards the units aim for (the other half of their pact), of the
    units whose registration the user may see; ``unit`` keeps one unit's."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    participants = participant_policy.visible(user, "view_unpublished").filter(campaign=campaign)
    if unit is not None:
        participants = participants.filter(unit_id=unit)
    return title_aims_of(participants.values("pk")).order_by(
        ordered("participant__unit__name"), "award__position", "award__code", "pk"
    )


@router.put(
    "/{int:campaign_id}/title-aims",
    response=list[TitleAimOut],
    operation_id=_OPERATION_ID.format("title_aims_set_endpoint"),
)
def title_aims_set_endpoint(
    request: HttpRequest, campaign_id: Id, payload: TitleAimsIn
) -> list[TitleAim]:
    """Set the titles a unit aims for (exactly the list sent, each with its note) while
    registration is open and its cluster's pact is not signed (officers and staff over
    the unit). Awards are active awards of the catalog for units."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id)
    unit = resolve_ref(unit_policy, user, payload.unit_id, "update", "unit_id")
    aims = {aim.award_id: aim.note for aim in payload.aims}
    title_aims_set(actor=user, campaign=campaign, unit=unit, aims=aims, version=payload.version)
    participant = campaign.participants.get(unit=unit)
    return list(title_aims_of([participant.pk]))


@router.get(
    "/{int:campaign_id}/amendments",
    response=list[AmendmentDetailOut],
    operation_id=_OPERATION_ID.format("amendment_list"),
)
@paginate(Paged)
def amendment_list(
    request: HttpRequest,
    campaign_id: Id,
    state: AmendmentState | None = None,
    unit: Id | None = None,
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


@router.post(
    "/{int:campaign_id}/amendments",
    response={201: AmendmentDetailOut},
    operation_id=_OPERATION_ID.format("amendment_request_endpoint"),
)
def amendment_request_endpoint(
    request: HttpRequest, campaign_id: Id, payload: AmendmentIn
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


@router.post(
    "/{int:campaign_id}/amendments/{int:amendment_id}/decide",
    response=AmendmentDetailOut,
    operation_id=_OPERATION_ID.format("amendment_decide_endpoint"),
)
def amendment_decide_endpoint(
    request: HttpRequest, campaign_id: Id, amendment_id: Id, payload: AmendmentDecisionIn
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


@router.get(
    "/{int:campaign_id}/ranking",
    response=RankingOut,
    operation_id=_OPERATION_ID.format("campaign_ranking"),
)
def campaign_ranking(
    request: HttpRequest,
    campaign_id: Id,
    review_point: Id | None = None,
    cluster: Id | None = None,
    unit_type: Id | None = None,
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
