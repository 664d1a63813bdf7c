"""Reads of campaigns that no policy answers: what the public pages show.

A campaign is public when its organizer's staff marked it so (``Campaign.is_public``,
``services.campaign_publicity_set``); its public page shows it and its review points,
and each review point's ranking only once published (``scoring.selectors``)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from pacesetter.core.translations import ordered

from .models import Campaign, ReviewPoint, ReviewPointState


def public_campaigns() -> QuerySet[Campaign]:
    """The public campaigns, newest first, each with ``published_points`` (how many of
    its review points are published)."""
    return (
        Campaign.objects.filter(is_public=True)
        .select_related("organizer")
        .annotate(
            published_points=Count(
                "review_points", filter=Q(review_points__state=ReviewPointState.PUBLISHED)
            )
        )
        .order_by("-start", ordered("name"), "pk")
    )


def public_campaign(pk: int) -> Campaign | None:
    """The campaign if it is public, else ``None`` (the page answers 404)."""
    return Campaign.objects.filter(is_public=True).select_related("organizer").filter(pk=pk).first()


def public_review_points(campaign: Campaign) -> QuerySet[ReviewPoint]:
    """A public campaign's review points in their order (published or not: their names
    and dates are the campaign's calendar; their rankings show once published)."""
    return ReviewPoint.objects.filter(campaign=campaign, campaign__is_public=True).order_by(
        "position", "period_end", "pk"
    )


def public_review_point(pk: int) -> ReviewPoint | None:
    """A published review point of a public campaign, else ``None``."""
    return (
        ReviewPoint.objects.filter(
            pk=pk, state=ReviewPointState.PUBLISHED, campaign__is_public=True
        )
        .select_related("campaign__organizer")
        .first()
    )
