"""Reads of scoring data: registration progress, the ranking, score sheets, reviewer queues."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from pacesetter.campaigns.models import Campaign, ReviewPoint, ReviewPointState, TieBreak
from pacesetter.campaigns.policies import participant_policy, review_point_policy
from pacesetter.clusters.models import Cluster
from pacesetter.core.scopes import NOTHING
from pacesetter.core.translations import ordered, tr_sql
from pacesetter.units.models import Unit

from .methods import q2
from .models import (
    BASE_KINDS,
    CriterionKind,
    ItemState,
    Registration,
    ScoreItem,
    TitleAim,
)
from .policies import score_item_policy
from .workflows import GUARDS_IN_SQL, score_item_workflow

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
PCT = DecimalField(max_digits=12, decimal_places=4)


def registration_gaps(campaign: Campaign, cluster: Cluster) -> list[tuple[Unit, int]]:
    """Units of the cluster with quantitative criteria not yet registered, and how many."""
    if campaign.scoring_table is None:
        return []
    needed = campaign.scoring_table.criteria.filter(kind=CriterionKind.QUANTITATIVE).count()
    done = (
        Registration.objects.filter(
            campaign=campaign, unit=OuterRef("unit_id"), criterion__kind=CriterionKind.QUANTITATIVE
        )
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    participants = (
        campaign.participants.filter(cluster=cluster)
        .select_related("unit")
        .annotate(done=Coalesce(Subquery(done), 0))
        .order_by(ordered("unit__name"))
    )
    return [(p.unit, needed - p.done) for p in participants if p.done < needed]


def _first_group_id(campaign: Campaign) -> int | None:
    if campaign.scoring_table_id is None:
        return None
    return (
        campaign.scoring_table.criteria.filter(kind=CriterionKind.GROUP, parent__isnull=True)  # type: ignore[union-attr]
        .order_by("position", "pk")
        .values_list("pk", flat=True)
        .first()
    )


_ORDER_SQL = {
    TieBreak.BASE_PERCENTAGE: "base_percentage DESC NULLS LAST",
    TieBreak.FEWER_PENALTY: "penalty ASC",
    TieBreak.FIRST_GROUP: "first_group DESC",
}
_NUMERIC = ("base_earned", "base_assigned", "bonus", "penalty", "first_group", "total")
_PERCENT = ("percentage", "base_percentage")


def ranking_sql(
    review_point: ReviewPoint, *, published_only: bool = False
) -> tuple[str, list[Any]]:
    """The ranking query and its parameters (see :func:`ranking`)."""
    from pacesetter.campaigns.models import Participant
    from pacesetter.clusters.models import Cluster
    from pacesetter.units.models import Unit, UnitType

    from .models import Criterion

    campaign = review_point.campaign
    order = ["veto ASC", "percentage DESC NULLS LAST"] + [
        _ORDER_SQL[key] for key in campaign.tie_breaks or [] if key in _ORDER_SQL
    ]
    order_sql = ", ".join(order)
    base_kinds = ", ".join(f"'{kind}'" for kind in BASE_KINDS)
    assigned = "i.not_assigned = FALSE"
    base = f"{assigned} AND c.kind IN ({base_kinds})"
    # Only table names, fixed kinds and the fixed tie-break clauses are formatted in;
    # every value is a parameter.
    sql = f"""
        WITH agg AS (
            SELECT i.unit_id,
                SUM(CASE WHEN {base} THEN i.score ELSE 0 END) AS base_earned,
                SUM(CASE WHEN {base} THEN c.max_points ELSE 0 END) AS base_assigned,
                SUM(CASE WHEN {assigned} AND c.kind = 'bonus' THEN i.score ELSE 0 END) AS bonus,
                SUM(CASE WHEN {assigned} AND c.kind = 'penalty' THEN i.score ELSE 0 END)
                    AS penalty,
                SUM(CASE WHEN {base} AND c.root_id = %s THEN i.score ELSE 0 END) AS first_group,
                MAX(CASE WHEN {assigned} AND c.kind = 'veto' AND i.passed = TRUE
                    THEN 1 ELSE 0 END) AS veto
            FROM {ScoreItem._meta.db_table} i
            JOIN {Criterion._meta.db_table} c ON c.id = i.criterion_id
            WHERE i.review_point_id = %s {"AND i.state = %s" if published_only else ""}
            GROUP BY i.unit_id
        ),
        scored AS (
            SELECT p.unit_id, {tr_sql("u", "name")} AS unit_name, u.code AS unit_code,
                u.unit_type_id, {tr_sql("t", "name")} AS unit_type_name,
                p.cluster_id,
                CASE WHEN cl.id IS NULL THEN NULL ELSE {tr_sql("cl", "name")} END
                    AS cluster_name,
                a.base_earned, a.base_assigned, a.bonus, a.penalty, a.first_group, a.veto,
                a.base_earned + a.bonus - a.penalty AS total,
                CASE WHEN a.base_assigned = 0 THEN NULL
                    ELSE (a.base_earned + a.bonus - a.penalty) * 100.0 / a.base_assigned
                END AS percentage,
                CASE WHEN a.base_assigned = 0 THEN NULL
                    ELSE a.base_earned * 100.0 / a.base_assigned
                END AS base_percentage
            FROM agg a
            JOIN {Participant._meta.db_table} p ON p.unit_id = a.unit_id AND p.campaign_id = %s
            JOIN {Unit._meta.db_table} u ON u.id = p.unit_id
            JOIN {UnitType._meta.db_table} t ON t.id = u.unit_type_id
            LEFT JOIN {Cluster._meta.db_table} cl ON cl.id = p.cluster_id
        )
        SELECT scored.*,
            RANK() OVER (PARTITION BY cluster_id ORDER BY {order_sql}) AS rank_in_cluster,
            RANK() OVER (PARTITION BY unit_type_id ORDER BY {order_sql}) AS rank_in_type,
            RANK() OVER (ORDER BY {order_sql}) AS rank_overall
        FROM scored
        ORDER BY cluster_name, rank_in_cluster, unit_name
    """  # noqa: S608
    params: list[Any] = [_first_group_id(campaign) or 0, review_point.pk]
    if published_only:
        params.append(ItemState.PUBLISHED)
    params.append(campaign.pk)
    return sql, params


def ranking(review_point: ReviewPoint, *, published_only: bool = False) -> list[dict[str, Any]]:
    """One row per participant: earned and assigned base points, bonus, penalty, total,
    percentages, veto, and its rank within its cluster, its unit type and overall.

    One SQL statement, run in the database: the items are summed per unit first (one
    pass over the review point's items and their criteria), then joined to the
    participants, and ranked with RANK() window functions ordered by veto (eligible
    first), percentage, then the campaign's tie-breaks. To show one cluster or unit type
    use :func:`ranking_rows`, which keeps the ranks of the whole review point.
    """
    sql, params = ranking_sql(review_point, published_only=published_only)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [col[0] for col in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        # SQLite hands back floats and ints; keep the stored precision everywhere.
        for key in _NUMERIC:
            row[key] = q2(Decimal(str(row[key] or 0)))
        for key in _PERCENT:
            if row[key] is not None:
                row[key] = Decimal(str(row[key])).quantize(Decimal("0.0001"))
        row["veto"] = int(row["veto"] or 0)
    return rows


def ranking_rows(
    review_point: ReviewPoint,
    *,
    cluster_id: int | None = None,
    unit_type_id: int | None = None,
    published_only: bool = False,
) -> list[dict[str, Any]]:
    """The ranking's rows for one cluster and/or unit type, ranked among all participants.

    The window functions must see every participant, and a WHERE clause would run
    before them; the rows are few (one per participant), so they are filtered here.
    """
    return [
        row
        for row in ranking(review_point, published_only=published_only)
        if (cluster_id is None or row["cluster_id"] == cluster_id)
        and (unit_type_id is None or row["unit_type_id"] == unit_type_id)
    ]


@dataclass(frozen=True)
class RankingFilters:
    """The filters of the ranking's surfaces (page, export, API): ids, None for all."""

    cluster_id: int | None = None
    unit_type_id: int | None = None


#: What of a review point's ranking a user sees (``Ranking.mode``): every row, live or
#: published (the organizer's staff); the published ranking; the live rows of the
#: clusters the user leads; nothing yet.
LIVE, PUBLISHED, CLUSTERS, NOTHING_YET = "live", "published", "clusters", ""


@dataclass(frozen=True)
class Ranking:
    review_point: ReviewPoint
    mode: str
    rows: list[dict[str, Any]]
    #: What the user may do to the review point (``review_point_policy``'s actions).
    actions: frozenset[str] = frozenset()

    @property
    def shown(self) -> bool:
        return self.mode != NOTHING_YET

    @property
    def published(self) -> bool:
        return self.review_point.state == ReviewPointState.PUBLISHED

    @property
    def live(self) -> bool:
        """Rows are shown and may still change."""
        return self.shown and not self.published


def ranking_for(
    user: Any, review_point: ReviewPoint, filters: RankingFilters | None = None
) -> Ranking:
    """The ranking of a review point as ``user`` may see it, filtered; what the ranking
    page, its .xlsx export and the API show.

    - Everyone who sees the review point sees its published ranking.
    - Before publication (``review_point_policy``'s ``view_live_ranking``) the
      organizer's staff see every row, and a cluster's leader the rows of the
      clusters they lead (``participant_policy``'s ``view_live_ranking``), without the
      ranks by unit type and overall, which would reveal other clusters' standings.
    - Anyone else sees no rows (``mode`` is ``NOTHING_YET``).

    The ranks are those of the whole review point: the filters only pick rows. Filtered
    by unit type alone, the rows come in the order of their rank in the unit type.
    """
    filters = filters or RankingFilters()
    may = review_point_policy.allowed_actions(user, [review_point])[review_point.pk]
    published = review_point.state == ReviewPointState.PUBLISHED
    if "view" not in may:
        mode = NOTHING_YET
    elif "manage" in may:
        mode = LIVE
    elif published:
        mode = PUBLISHED
    elif "view_live_ranking" in may:
        mode = CLUSTERS
    else:
        mode = NOTHING_YET
    if mode == NOTHING_YET:
        return Ranking(review_point=review_point, mode=mode, rows=[], actions=may)
    rows = ranking(review_point, published_only=mode == PUBLISHED)
    if mode == CLUSTERS:
        led = set(
            participant_policy.visible(user, "view_live_ranking")
            .filter(campaign_id=review_point.campaign_id)
            .values_list("unit_id", flat=True)
        )
        rows = [row for row in rows if row["unit_id"] in led]
    rows = [
        row
        for row in rows
        if (filters.cluster_id is None or row["cluster_id"] == filters.cluster_id)
        and (filters.unit_type_id is None or row["unit_type_id"] == filters.unit_type_id)
    ]
    if filters.unit_type_id is not None and filters.cluster_id is None:
        rows.sort(key=lambda row: (row["rank_in_type"], row["unit_name"]))
    if mode == CLUSTERS:
        for row in rows:
            row["rank_in_type"] = row["rank_overall"] = None
    return Ranking(review_point=review_point, mode=mode, rows=rows, actions=may)


def published_ranking(review_point: ReviewPoint) -> list[dict[str, Any]]:
    """The published ranking of a review point, as anyone who sees it reads it (from
    the published items only); no rows before the review point is published. What the
    public pages show, for a public campaign (``campaigns.selectors``)."""
    if review_point.state != ReviewPointState.PUBLISHED:
        return []
    return ranking(review_point, published_only=True)


def score_sheet(review_point: ReviewPoint, unit_id: int) -> QuerySet[ScoreItem]:
    """A unit's items at a review point in table order, with criterion and evidence counts."""
    from django.db.models import Count

    return (
        ScoreItem.objects.filter(review_point=review_point, unit_id=unit_id)
        .select_related("criterion", "criterion__parent")
        .annotate(evidence_count=Count("evidence"))
        .order_by("criterion__position", "criterion_id")
    )


def sheet_totals(items: Iterable[ScoreItem]) -> dict[str, Any]:
    """The score sheet's totals, the ranking's formula (``ranking_sql``) over the items
    already read for the sheet (each with its ``criterion``): earned and assigned base
    points, bonus, penalty, the vetoes passed, the total and its percentage. No query."""
    earned = assigned = bonus = penalty = Decimal("0")
    veto = 0
    for item in items:
        if item.not_assigned:
            continue
        kind = item.criterion.kind
        if kind in BASE_KINDS:
            earned += item.score
            assigned += item.criterion.max_points
        elif kind == CriterionKind.BONUS:
            bonus += item.score
        elif kind == CriterionKind.PENALTY:
            penalty += item.score
        elif kind == CriterionKind.VETO and item.passed:
            veto += 1
    total = earned + bonus - penalty
    return {
        "base_earned": earned,
        "base_assigned": assigned,
        "bonus": bonus,
        "penalty": penalty,
        "veto": veto,
        "total": total,
        "percentage": total * 100 / assigned if assigned else None,
    }


#: The steps the reviewer's queue lists, in the order its label prefers when a user may
#: take several on one item (a leader who also cross-inspects inspects first).
QUEUE_STEPS = ("answer", "finalize", "inspect", "review")


def _waiting_for(user: Any, step: str) -> Q:
    """Items on which the workflow's table offers ``step`` to ``user``: for each of its
    rows, the row's states among the items its action lets the user act on, and the
    row's guard as SQL (``GUARDS_IN_SQL``)."""
    q = NOTHING
    for row in score_item_workflow.transitions:
        if row.name != step:
            continue
        rows = score_item_policy.visible(user, row.action).filter(state__in=row.sources)
        if row.guard is not None:
            rows = rows.filter(GUARDS_IN_SQL[row.guard]())
        q |= Q(pk__in=rows.values("pk"))
    return q


def reviewer_queue(user: Any, step: str = "") -> QuerySet[ScoreItem]:
    """Items waiting for this user, read from the score item's table: to inspect, to
    review (after the cross-inspection, or right after self-scoring when no inspector
    was assigned), to finalize, or returned to their unit to answer; only ``step``'s
    when given. Every step waits for an open review point (the table's ``when``)."""
    q = NOTHING
    for name in (step,) if step else QUEUE_STEPS:
        q |= _waiting_for(user, name)
    return (
        ScoreItem.objects.filter(q)
        .filter(review_point__state="open")
        .select_related("criterion", "unit", "review_point", "review_point__campaign")
        .order_by("review_point__due", ordered("unit__name"), "criterion__position")
    )


# --- titles a unit aims for (the pact) -------------------------------------------------


def aimable_awards() -> QuerySet[Any]:
    """The awards of the active catalog that a unit may aim for (those given to units).

    The catalog belongs to ``awards``, a layer above scoring; it is read through the
    model that the aim refers to by string (no import of ``awards``)."""
    award_model = TitleAim._meta.get_field("award").related_model
    return award_model._default_manager.filter(is_active=True, recipient_kind="unit").order_by(
        "preset", "position", "code"
    )


def title_aims_of(participant_ids: Any) -> QuerySet[TitleAim]:
    """The aims of the given participants (ids or a query), with their awards."""
    return (
        TitleAim.objects.filter(participant_id__in=participant_ids)
        .select_related("award", "participant__unit")
        .order_by("participant_id", "award__preset", "award__position", "award__code")
    )
