"""JSON API for a campaign's phases, review points, participants and pacts, under
/api/v1/campaigns/{id}; the schemas of those objects and of a campaign's ref.

The campaign itself (list, detail, create, change, state moves) answers with its scoring
table: that router is ``pacesetter.workspace.campaigns_api``. Registrations, amendments,
opening a review point and the ranking are scoring's (``pacesetter.scoring.campaign_api``).
``pacesetter/api.py`` mounts the three at /api/v1/campaigns.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from pacesetter.clusters.api import ClusterRef
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import cluster_current_leader
from pacesetter.core.api_types import Id, Position, Version
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import Language, text_input, translations
from pacesetter.units.api import TRANSLATIONS, UnitRef, UnitTypeRef
from pacesetter.units.policies import unit_policy

from .models import Campaign, CampaignPhase, ClusterPact, Participant, ReviewPoint
from .policies import campaign_policy, participant_policy
from .services import (
    campaign_publicity_set,
    cluster_join,
    pact_sign,
    participant_add,
    phase_add,
    review_point_add,
)
from .workflows import review_point_workflow

router = Router(tags=["campaigns"])


# --- read helpers --------------------------------------------------------------------


def _participating_cluster(user: Any, campaign: Campaign, cluster_id: Id) -> Cluster:
    """A cluster taking part in the campaign that the user may see; 404 otherwise."""
    return get_object_or_404(
        cluster_policy.visible(user).filter(participations__campaign=campaign).distinct(),
        pk=cluster_id,
    )


# --- schemas -------------------------------------------------------------------------


class CampaignRef(Schema):
    id: Id
    code: str
    name: str
    source_language: str


class ReviewPointRef(Schema):
    id: Id
    code: str
    name: str
    source_language: str
    state: str
    campaign_id: Id


class ReviewPointOut(ReviewPointRef):
    period_end: dt.date
    due: dt.date
    position: Position
    published_at: dt.datetime | None
    translations: dict[str, dict[str, str]] = TRANSLATIONS

    @staticmethod
    def resolve_translations(obj: ReviewPoint) -> dict[str, dict[str, str]]:
        return translations(obj)


class ReviewPointDetailOut(ReviewPointOut):
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (open, publish), from the review "
        "point's workflow."
    )

    @staticmethod
    def resolve_allowed_actions(obj: ReviewPoint, context: Any) -> list[str]:
        known = getattr(obj, "allowed_actions", None)  # set for many at once by the caller
        if known is not None:
            return review_point_workflow.ordered(obj, known)
        return review_point_workflow.allowed_list(context["request"].user, obj)


class PhaseOut(Schema):
    id: Id
    name: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    start: dt.date
    end: dt.date
    position: Position

    @staticmethod
    def resolve_translations(obj: CampaignPhase) -> dict[str, dict[str, str]]:
        return translations(obj)


class ParticipantUnitOut(UnitRef):
    unit_type: UnitTypeRef


class ParticipantOut(Schema):
    id: Id
    unit: ParticipantUnitOut
    cluster: ClusterRef | None
    is_pilot: bool
    version: Version = Field(
        description="The version of the unit's registration (its targets and the titles "
        "it aims for): send it back with a change of them; a stale one is a 409."
    )


class PactOut(Schema):
    id: Id
    cluster: ClusterRef
    signed_on: dt.date
    signer_unit: UnitRef
    has_document: bool

    @staticmethod
    def resolve_has_document(obj: ClusterPact) -> bool:
        return bool(obj.document)


CHILD_SOURCE = Field(
    None,
    description="The language the name is written in (en, vi, zh-hans); a name sent as a "
    "string is in it. Default: the campaign's source language.",
)


class PhaseIn(Schema):
    source_language: Language | None = CHILD_SOURCE
    name: text_input(200)  # type: ignore[valid-type]
    start: dt.date
    end: dt.date


class ReviewPointIn(Schema):
    code: str
    source_language: Language | None = CHILD_SOURCE
    name: text_input(200)  # type: ignore[valid-type]
    period_end: dt.date
    due: dt.date


class ParticipantIn(Schema):
    unit_id: Id
    cluster_id: Id | None = None
    is_pilot: bool = False


class PactIn(Schema):
    """Without ``signer_unit_id`` the cluster's leader unit for the campaign's year signs."""

    signed_on: dt.date
    signer_unit_id: Id | None = None


class PublicityIn(Schema):
    public: bool = Field(description="Whether the campaign has its public page.")


class PublicityOut(Schema):
    public: bool = Field(
        description="Its public page shows it, its review points and their published "
        "rankings to anyone, without signing in."
    )


# --- the public page --------------------------------------------------------------------


@router.put("/{int:campaign_id}/public", response=PublicityOut)
def campaign_publicity_endpoint(
    request: HttpRequest, campaign_id: Id, payload: PublicityIn
) -> dict[str, bool]:
    """Show the campaign on the public pages (``public``: true) or take it off; the
    organizer's committee staff, in every state (audited)."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    campaign = campaign_publicity_set(actor=request.user, campaign=campaign, public=payload.public)
    return {"public": campaign.is_public}


# --- phases, review points, participants, pacts ---------------------------------------


@router.post("/{int:campaign_id}/phases", response={201: PhaseOut})
def phase_add_endpoint(
    request: HttpRequest, campaign_id: Id, payload: PhaseIn
) -> Status[CampaignPhase]:
    """Add a phase within the campaign's period."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    return Status(201, phase_add(actor=request.user, campaign=campaign, **payload.dict()))


@router.post("/{int:campaign_id}/review-points", response={201: ReviewPointDetailOut})
def review_point_add_endpoint(
    request: HttpRequest, campaign_id: Id, payload: ReviewPointIn
) -> Status[ReviewPoint]:
    """Add a review point (its period ends within the campaign; reports are due after)."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    return Status(201, review_point_add(actor=request.user, campaign=campaign, **payload.dict()))


@router.post("/{int:campaign_id}/participants", response={201: ParticipantOut})
def participant_add_endpoint(
    request: HttpRequest, campaign_id: Id, payload: ParticipantIn
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
    request: HttpRequest, campaign_id: Id, cluster_id: Id
) -> list[Participant]:
    """Add the cluster's members (on the campaign's start, else today's); answers the
    participants added (units already taking part are left as they are)."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id, "update")
    cluster = cluster_policy.access(user, cluster_id)
    return cluster_join(actor=user, campaign=campaign, cluster=cluster)


@router.post("/{int:campaign_id}/clusters/{int:cluster_id}/pact", response={201: PactOut})
def pact_sign_endpoint(
    request: HttpRequest, campaign_id: Id, cluster_id: Id, payload: PactIn
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
