"""The ranking's .xlsx export: who may see which ranking, its rows, the workbook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from pacesetter.accounts.scopes import scope_of
from pacesetter.campaigns.models import Campaign, ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import campaign_policy
from pacesetter.core.spreadsheets import (
    FMT_INT,
    FMT_PERCENT,
    FMT_POINTS,
    Column,
    append_row,
    export_workbook,
    number_formats,
)

from .. import selectors
from .common import title_rows

# --- who may see which ranking ---------------------------------------------------------


@dataclass(frozen=True)
class RankingAccess:
    """What of a review point's ranking a user may see."""

    published_only: bool
    cluster_ids: frozenset[int] | None = None  # None: every cluster


class RankingRules:
    """Who sees which ranking of a campaign's review points: the organizer's staff see
    the live ranking; a cluster leader the live ranking of the clusters they lead;
    everyone else who sees the campaign only a published ranking."""

    def __init__(self, user: Any, campaign: Campaign) -> None:
        self.staff = campaign_policy.allows(user, "update", campaign)
        led = scope_of(user).leader_cluster_ids
        self.led_clusters = (
            frozenset(
                campaign.participants.filter(cluster_id__in=led).values_list(
                    "cluster_id", flat=True
                )
            )
            if led and not self.staff
            else frozenset()
        )

    def access(self, review_point: ReviewPoint) -> RankingAccess | None:
        if self.staff:
            return RankingAccess(published_only=False)
        if review_point.state == ReviewPointState.PUBLISHED:
            return RankingAccess(published_only=True)
        if self.led_clusters:
            return RankingAccess(published_only=False, cluster_ids=self.led_clusters)
        return None


def ranking_access(user: Any, review_point: ReviewPoint) -> RankingAccess | None:
    """What of the review point's ranking the user may see (None: nothing)."""
    return RankingRules(user, review_point.campaign).access(review_point)


def visible_ranking_rows(review_point: ReviewPoint, access: RankingAccess) -> list[dict[str, Any]]:
    """Who may see which rows: the ranking's rows that ``access`` allows, ranked among
    all participants. The one place the export decides this (a shared ranking selector
    is to replace it)."""
    rows = list(selectors.ranking(review_point, published_only=access.published_only))
    if access.cluster_ids is not None:
        rows = [r for r in rows if r["cluster_id"] in access.cluster_ids]
        # Ranks across clusters would reveal other clusters' unpublished standings.
        for row in rows:
            row["rank_in_type"] = row["rank_overall"] = None
    return rows


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


def ranking_rows(
    review_point: ReviewPoint,
    access: RankingAccess,
    *,
    cluster_id: int | None = None,
    unit_type_id: int | None = None,
) -> list[dict[str, Any]]:
    """The rows the ranking screen shows. The selector's own filters apply before the
    ranks are computed, so filter here, after, as the screen does: ranks stay those of
    the whole cluster and unit type."""
    rows = visible_ranking_rows(review_point, access)
    if cluster_id is not None:
        rows = [r for r in rows if r["cluster_id"] == cluster_id]
    if unit_type_id is not None:
        rows = [r for r in rows if r["unit_type_id"] == unit_type_id]
        if cluster_id is None:
            rows.sort(key=lambda r: (r["rank_in_type"] or 0, r["unit_name"]))
    return rows


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
