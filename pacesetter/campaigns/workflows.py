"""The campaign's and the review point's workflows: one table each for the services, the
pages and the API.

A campaign's moves are named by the state they lead to (``registration``, ``running``,
...), as the transition form and ``POST /campaigns/{id}/transition`` send them. The rules
that read scoring's data (the table is adopted, every item is final) are scoring's,
registered with :mod:`pacesetter.campaigns.checks`; the guards here run them first.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .checks import publish_checks, registration_checks
from .models import Campaign, CampaignState, ReviewPoint, ReviewPointState
from .policies import campaign_policy

C = CampaignState
_c = Transition[Campaign]


def _campaign_refusal(campaign: Campaign, name: str) -> str:
    return _("A campaign cannot go from %(from)s to %(to)s.") % {
        "from": CampaignState(campaign.state).label,
        "to": CampaignState(name).label if name in CampaignState.values else name,
    }


def _no_pact(campaign: Campaign) -> None:
    if campaign.pacts.exists():
        raise ValidationError(
            _("A pact is signed; the campaign cannot go back to drafting."), code="pact_signed"
        )


def _ready_to_register(campaign: Campaign) -> None:
    registration_checks.run(campaign)
    if not campaign.participants.exists():
        raise ValidationError(_("Add the participating units first."), code="no_participants")
    if not campaign.review_points.exists():
        raise ValidationError(_("Add at least one review point first."), code="no_review_point")


def _pacts_signed(campaign: Campaign) -> None:
    clusters = set(
        campaign.participants.exclude(cluster__isnull=True).values_list("cluster_id", flat=True)
    )
    signed = set(campaign.pacts.values_list("cluster_id", flat=True))
    if clusters - signed:
        raise ValidationError(
            _("Every participating cluster must sign its pact first."), code="pact_unsigned"
        )


def _review_point_open(campaign: Campaign) -> None:
    if not campaign.review_points.filter(state=ReviewPointState.OPEN).exists():
        raise ValidationError(_("Open a review point before scoring."), code="no_open_review_point")


def _review_point_published(campaign: Campaign) -> None:
    if not campaign.review_points.filter(state=ReviewPointState.PUBLISHED).exists():
        raise ValidationError(
            _("Publish a review point's ranking first."), code="no_published_review_point"
        )


def _review_point_planned(campaign: Campaign) -> None:
    if not campaign.review_points.filter(state=ReviewPointState.PLANNED).exists():
        raise ValidationError(
            _("There is no later review point to run toward."), code="no_planned_review_point"
        )


def _all_published(campaign: Campaign) -> None:
    if campaign.review_points.exclude(state=ReviewPointState.PUBLISHED).exists():
        raise ValidationError(
            _("Publish every review point before closing."), code="review_point_unpublished"
        )


campaign_workflow: Workflow[Campaign] = Workflow(
    policy=campaign_policy,
    refusal=_campaign_refusal,
    transitions=[
        _c(C.REGISTRATION, (C.DRAFT,), C.REGISTRATION, "update", guard=_ready_to_register),
        _c(C.RUNNING, (C.REGISTRATION,), C.RUNNING, "update", guard=_pacts_signed),
        _c(C.DRAFT, (C.REGISTRATION,), C.DRAFT, "update", guard=_no_pact),
        _c(C.SCORING, (C.RUNNING,), C.SCORING, "update", guard=_review_point_open),
        _c(C.PUBLISHED, (C.SCORING,), C.PUBLISHED, "update", guard=_review_point_published),
        _c(C.RUNNING, (C.SCORING,), C.RUNNING, "update"),
        # After a published review point: run toward the next one, or close.
        _c(C.RUNNING, (C.PUBLISHED,), C.RUNNING, "update", guard=_review_point_planned),
        _c(C.CLOSED, (C.PUBLISHED,), C.CLOSED, "update", guard=_all_published),
    ],
)


R = ReviewPointState
_r = Transition[ReviewPoint]
SCORED = (C.RUNNING, C.SCORING)


def _campaign_scored(review_point: ReviewPoint) -> bool:
    return review_point.campaign.state in SCORED


def _review_point_refusal(review_point: ReviewPoint, name: str) -> str:
    scored = _campaign_scored(review_point)
    if name == "open":
        if not scored:
            return _("A review point opens while the campaign is running.")
        return _("This review point is already open.")
    if review_point.state != R.OPEN:
        return _("Only an open review point can be published.")
    return _("Rankings are published while the campaign is scored.")


def _ready_to_publish(review_point: ReviewPoint) -> None:
    publish_checks.run(review_point)


#: The campaign's organizer staff (campaign ``update``) open and publish review points,
#: while the campaign is running or being scored.
review_point_workflow: Workflow[ReviewPoint] = Workflow(
    policy=campaign_policy,
    via="campaign",
    refusal=_review_point_refusal,
    transitions=[
        _r("open", (R.PLANNED,), R.OPEN, "update", when=_campaign_scored),
        _r(
            "publish",
            (R.OPEN,),
            R.PUBLISHED,
            "update",
            when=_campaign_scored,
            guard=_ready_to_publish,
        ),
    ],
)
