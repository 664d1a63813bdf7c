"""The rules scoring adds to a campaign's steps (:mod:`pacesetter.campaigns.checks`),
registered in ``ScoringConfig.ready()``: each reads scoring's data, which campaigns,
below scoring, does not import."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pacesetter.campaigns.checks import pact_checks, publish_checks, registration_checks
from pacesetter.campaigns.models import Campaign, ReviewPoint
from pacesetter.clusters.models import Cluster

from .models import ItemState, TableState
from .selectors import registration_gaps


def table_adopted(campaign: Campaign) -> None:
    """A campaign opens registration with an adopted scoring table."""
    if campaign.scoring_table is None or campaign.scoring_table.state != TableState.ADOPTED:
        raise ValidationError(
            _("Adopt a scoring table for the campaign first."), code="table_not_adopted"
        )


def targets_registered(campaign: Campaign, cluster: Cluster) -> None:
    """A cluster's pact is signed once each of its units has registered its targets."""
    gaps = registration_gaps(campaign, cluster)
    if gaps:
        unit, missing = gaps[0]
        raise ValidationError(
            _("%(unit)s has not registered %(n)s target(s) yet.") % {"unit": unit, "n": missing}
        )


def items_final(review_point: ReviewPoint) -> None:
    """A review point's ranking is published once every assigned item is final."""
    waiting = review_point.items.filter(not_assigned=False).exclude(state=ItemState.FINAL).count()
    if waiting:
        raise ValidationError(
            _("%(n)s item(s) are not final yet; finalize them before publishing.") % {"n": waiting},
            code="items_not_final",
        )


def register() -> None:
    registration_checks.register(table_adopted)
    pact_checks.register(targets_registered)
    publish_checks.register(items_final)
