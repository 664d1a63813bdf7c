"""The ranking's .xlsx export. Which rows a user sees is the ranking selector's
(:func:`pacesetter.scoring.selectors.ranking_for`), as for the page and the API."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPoint
from pacesetter.core.spreadsheets import (
    FMT_INT,
    FMT_PERCENT,
    FMT_POINTS,
    Column,
    Workbook,
    append_row,
    export_workbook,
    number_formats,
)

from .common import title_rows

# --- the workbook ---------------------------------------------------------------------

RANKING_COLUMNS = (
    Column("rank_in_cluster", 10, number_format=FMT_INT),
    Column("rank_in_type", 10, number_format=FMT_INT),
    Column("unit_code", 12),
    Column("unit_name", 32),
    Column("unit_type_name", 18),
    Column("cluster_name", 22),
    Column("base_earned", 12, number_format=FMT_POINTS),
    Column("base_assigned", 12, number_format=FMT_POINTS),
    Column("bonus", 10, number_format=FMT_POINTS),
    Column("penalty", 10, number_format=FMT_POINTS),
    Column("total", 12, number_format=FMT_POINTS),
    Column("percentage", 12, number_format=FMT_PERCENT),
    Column("veto", 8),
)


def ranking_workbook(review_point: ReviewPoint, rows: Sequence[dict[str, Any]]) -> Workbook:
    campaign = review_point.campaign
    workbook = export_workbook(_("Ranking"), f"{campaign.name} — {review_point.name}")
    sheet = workbook.active
    labels = [
        _("Rank in cluster"),
        _("Rank in unit type"),
        _("Unit code"),
        _("Unit"),
        _("Unit type"),
        _("Cluster"),
        _("Base points earned"),
        _("Base points assigned"),
        _("Bonus"),
        _("Penalty"),
        _("Total"),
        _("Percentage"),
        _("Veto"),
    ]
    first = title_rows(sheet, campaign, review_point, labels, RANKING_COLUMNS)
    yes = _("Yes")
    for row in rows:
        percentage = row["percentage"]
        append_row(
            sheet,
            [
                row["rank_in_cluster"],
                row["rank_in_type"],
                row["unit_code"],
                row["unit_name"],
                row["unit_type_name"],
                row["cluster_name"],
                row["base_earned"],
                row["base_assigned"],
                row["bonus"],
                row["penalty"],
                row["total"],
                None if percentage is None else Decimal(percentage) / 100,
                yes if row["veto"] else None,
            ],
        )
    number_formats(sheet, RANKING_COLUMNS, first)
    return workbook
