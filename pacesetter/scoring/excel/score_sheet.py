"""A unit's score sheet at a review point as an .xlsx export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPoint
from pacesetter.core.spreadsheets import (
    FMT_INT,
    FMT_POINTS,
    FMT_VALUE,
    Column,
    Workbook,
    append_row,
    export_workbook,
    number_formats,
)

from .. import selectors
from ..models import Registration, ScoreItem
from ..policies import score_item_policy
from .common import criterion_title, title_rows

SHEET_COLUMNS = (
    Column("code", 10),
    Column("title", 44),
    Column("max", 10, number_format=FMT_POINTS),
    Column("target", 14, number_format=FMT_VALUE),
    Column("actual", 14, number_format=FMT_VALUE),
    Column("count", 8, number_format=FMT_INT),
    Column("met", 8),
    Column("computed", 11, number_format=FMT_POINTS),
    Column("self", 11, number_format=FMT_POINTS),
    Column("inspector", 11, number_format=FMT_POINTS),
    Column("leader", 11, number_format=FMT_POINTS),
    Column("final", 11, number_format=FMT_POINTS),
    Column("score", 11, number_format=FMT_POINTS),
    Column("state", 26),
)


def visible_sheet_items(user: Any, review_point: ReviewPoint, unit_id: Any) -> list[ScoreItem]:
    """The unit's items at the review point that the user may view, in table order."""
    visible = score_item_policy.visible(user, "view").filter(
        review_point=review_point, unit_id=unit_id
    )
    return list(
        selectors.score_sheet(review_point, unit_id)
        .filter(pk__in=visible.values("pk"))
        .select_related("unit")
    )


def sheet_workbook(review_point: ReviewPoint, items: Sequence[ScoreItem]) -> Workbook:
    campaign = review_point.campaign
    unit = items[0].unit
    targets = dict(
        Registration.objects.filter(campaign=campaign, unit=unit).values_list(
            "criterion_id", "target"
        )
    )
    workbook = export_workbook(
        _("Score sheet"), f"{campaign.name} — {review_point.name} — {unit.name}"
    )
    sheet = workbook.active
    labels = [
        _("Code"),
        _("Criterion"),
        _("Maximum"),
        _("Target"),
        _("Actual"),
        _("Count"),
        _("Met / applies"),
        _("Computed"),
        _("Self-score"),
        _("Inspector"),
        _("Leader"),
        _("Final"),
        _("Score"),
        _("State"),
    ]
    first = title_rows(sheet, campaign, review_point, labels, SHEET_COLUMNS, unit=unit)
    yes, no = _("Yes"), _("No")
    for item in items:
        criterion = item.criterion
        state = item.get_state_display()
        if item.not_assigned:
            state = _("%(state)s (not assigned)") % {"state": state}
        append_row(
            sheet,
            [
                criterion.code,
                criterion_title(criterion),
                criterion.max_points,
                targets.get(criterion.pk),
                item.actual,
                item.count,
                None if item.passed is None else (yes if item.passed else no),
                item.computed,
                item.self_score,
                item.inspected_score,
                item.reviewed_score,
                item.final_score,
                item.score,
                state,
            ],
        )
    number_formats(sheet, SHEET_COLUMNS, first)
    return workbook
