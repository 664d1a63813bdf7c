"""Scoring's spreadsheet imports as the background job runs them (``pacesetter.imports``):
criteria into a draft table, targets of a campaign, actuals of a review point. Each
checks the uploader's access again, as the import page did."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import Campaign, ReviewPoint
from pacesetter.campaigns.policies import campaign_policy, review_point_policy
from pacesetter.core.spreadsheets import ImportResult
from pacesetter.imports import registry

from . import excel
from .policies import score_item_policy, scoring_table_policy

TABLE, TARGETS, ACTUALS = "scoring.table", "scoring.targets", "scoring.actuals"


def registering_campaign(user: Any, pk: Any) -> Campaign:
    """The campaign, if ``user`` registers targets for one of its units."""
    campaign = campaign_policy.access(user, pk)
    if not excel.registrable_units(user, campaign).exists():
        raise PermissionDenied(_("You do not register targets for any unit of this campaign."))
    return campaign


def reporting_review_point(user: Any, pk: Any) -> ReviewPoint:
    """The review point, if ``user`` reports for one of its units."""
    review_point = review_point_policy.access(user, pk)
    if not score_item_policy.visible(user, "report").filter(review_point=review_point).exists():
        raise PermissionDenied(_("You do not report for any unit at this review point."))
    return review_point


def import_table(actor: Any, params: dict[str, Any], workbook: Any) -> ImportResult:
    table = scoring_table_policy.access(actor, params["table"], "update")
    return excel.import_table(actor=actor, table=table, workbook=workbook)


def import_targets(actor: Any, params: dict[str, Any], workbook: Any) -> ImportResult:
    campaign = registering_campaign(actor, params["campaign"])
    return excel.import_targets(actor=actor, campaign=campaign, workbook=workbook)


def import_actuals(actor: Any, params: dict[str, Any], workbook: Any) -> ImportResult:
    review_point = reporting_review_point(actor, params["review_point"])
    return excel.import_actuals(actor=actor, review_point=review_point, workbook=workbook)


def register() -> None:
    registry.register(TABLE, registry.with_workbook(import_table))
    registry.register(TARGETS, registry.with_workbook(import_targets))
    registry.register(ACTUALS, registry.with_workbook(import_actuals))
