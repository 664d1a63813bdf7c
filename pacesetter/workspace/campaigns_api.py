"""JSON API for campaigns as a whole: /api/v1/campaigns (list, create) and
/api/v1/campaigns/{id} (detail, change, state moves).

Every answer is the campaign with its scoring table, and the detail with its review
points and what this user may do to them: it combines campaigns and scoring, so the
router lives with the pages that combine domains, mounted at /api/v1/campaigns beside
the campaign app's own endpoints (phases, review points, participants, pacts) and
scoring's (registrations, amendments, the ranking). The paths and operation ids are the
ones they always had.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from typing import Any

from django.db import models
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.campaigns.api import (
    CampaignRef,
    PactOut,
    ParticipantOut,
    PhaseOut,
    ReviewPointDetailOut,
)
from pacesetter.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignPhase,
    CampaignState,
    ClusterPact,
    OrganizingLevel,
    Participant,
    ReviewPoint,
)
from pacesetter.campaigns.policies import campaign_policy
from pacesetter.campaigns.services import campaign_create, campaign_transition, campaign_update
from pacesetter.campaigns.workflows import campaign_workflow, review_point_workflow
from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Version
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    matching,
    ordered,
    text_input,
    text_patch,
    translations,
)
from pacesetter.scoring.api import TableRef
from pacesetter.scoring.policies import scoring_table_policy
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.policies import unit_policy

router = Router(tags=["campaigns"])
#: The operation ids the endpoints had in ``pacesetter.campaigns.api``, kept for API clients.
_OPERATION_ID = "pacesetter_campaigns_api_{}"


# --- schemas -------------------------------------------------------------------------


class CampaignOut(CampaignRef):
    kind: str
    organizing_level: str
    state: str
    organizer: UnitRef
    start: dt.date
    end: dt.date
    scoring_table: TableRef | None
    predecessor: CampaignRef | None
    registration_due: dt.date | None
    tie_breaks: list[str]
    description: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS

    @staticmethod
    def resolve_translations(obj: Campaign) -> dict[str, dict[str, str]]:
        return translations(obj)


class CampaignDetailOut(CampaignOut):
    version: Version = VERSION_OUT
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
                ordered("cluster__name"), ordered("unit__name")
            )
        )

    @staticmethod
    def resolve_pacts(obj: Campaign) -> list[ClusterPact]:
        return list(
            obj.pacts.select_related("cluster", "signer_unit").order_by(
                ordered("cluster__name"), "pk"
            )
        )


class CampaignIn(Schema):
    organizer_id: Id
    code: str
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    start: dt.date
    end: dt.date
    kind: CampaignKind = CampaignKind.MOVEMENT
    organizing_level: OrganizingLevel = OrganizingLevel.BODY
    scoring_table_id: Id | None = None
    predecessor_id: Id | None = None
    registration_due: dt.date | None = None
    tie_breaks: list[str] | None = None
    description: text_input() = ""  # type: ignore[valid-type]


class CampaignPatch(Schema):
    """Only the fields sent are changed; ``scoring_table_id``/``predecessor_id: null``
    unlinks. The organizer cannot change."""

    code: str | None = None
    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    kind: CampaignKind | None = None
    organizing_level: OrganizingLevel | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    scoring_table_id: Id | None = None
    predecessor_id: Id | None = None
    registration_due: dt.date | None = None
    tie_breaks: list[str] | None = None
    description: text_patch() = None  # type: ignore[valid-type]
    version: Version | None = VERSION_IN


class CampaignFilters(Schema):
    q: str = ""
    state: CampaignState | None = None
    organizer: Id | None = None


class TransitionIn(Schema):
    to_state: str


# --- campaigns -----------------------------------------------------------------------


@router.get("", response=list[CampaignOut], operation_id=_OPERATION_ID.format("campaign_list"))
@paginate(Paged)
def campaign_list(
    request: HttpRequest, filters: Query[CampaignFilters]
) -> models.QuerySet[Campaign]:
    """Campaigns the user may see, newest first.

    ``q`` searches code and name (any language, accents and case aside); ``state``
    filters; ``organizer`` keeps campaigns organized within that unit's subtree.
    """
    qs = campaign_policy.visible(request.user).select_related(
        "organizer", "scoring_table", "predecessor"
    )
    qs = matching(qs, filters.q.strip())
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.organizer:
        organizer = resolve_ref(unit_policy, request.user, filters.organizer, "view", "organizer")
        qs = qs.filter(organizer__path__startswith=organizer.path)
    return qs.order_by("-start", ordered("name"), "pk")


@router.get(
    "/{int:campaign_id}",
    response=CampaignDetailOut,
    operation_id=_OPERATION_ID.format("campaign_detail"),
)
def campaign_detail(request: HttpRequest, campaign_id: Id) -> Campaign:
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


@router.post(
    "",
    response={201: CampaignDetailOut},
    operation_id=_OPERATION_ID.format("campaign_create_endpoint"),
)
def campaign_create_endpoint(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    """Draft a campaign organized by ``organizer_id`` (committee staff over that unit)."""
    user = request.user
    fields = payload.dict()
    organizer = resolve_ref(unit_policy, user, fields.pop("organizer_id"), "manage", "organizer_id")
    if fields["tie_breaks"] is None:
        del fields["tie_breaks"]
    fields["source_language"] = fields["source_language"] or content_language()
    fields = _links(user, fields)
    return Status(201, campaign_create(actor=user, organizer=organizer, **fields))


@router.patch(
    "/{int:campaign_id}",
    response=CampaignDetailOut,
    operation_id=_OPERATION_ID.format("campaign_update_endpoint"),
)
def campaign_update_endpoint(
    request: HttpRequest, campaign_id: Id, payload: CampaignPatch
) -> Campaign:
    """Change a campaign; only the fields sent are changed. The scoring table changes
    only while drafting."""
    user = request.user
    campaign = campaign_policy.access(user, campaign_id, "update")
    fields = _links(user, payload.dict(exclude_unset=True))
    if fields.get("source_language", "") is None:
        del fields["source_language"]
    return campaign_update(actor=user, campaign=campaign, **fields)


@router.post(
    "/{int:campaign_id}/transition",
    response=CampaignDetailOut,
    operation_id=_OPERATION_ID.format("campaign_transition_endpoint"),
)
def campaign_transition_endpoint(
    request: HttpRequest, campaign_id: Id, payload: TransitionIn
) -> Campaign:
    """Move the campaign to ``to_state`` (draft, registration, running, scoring,
    published, closed). A move that is not allowed, or whose rule does not hold,
    answers 422 with the rule's message."""
    campaign = campaign_policy.access(request.user, campaign_id, "update")
    return campaign_transition(actor=request.user, campaign=campaign, to_state=payload.to_state)
