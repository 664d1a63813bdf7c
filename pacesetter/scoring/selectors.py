"""Reads of scoring data: the ranking, score sheets, reviewer queues."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank

from pacesetter.campaigns.models import Campaign, ReviewPoint, TieBreak

from .models import BASE_KINDS, CriterionKind, InspectionAssignment, ItemState, ScoreItem
from .policies import score_item_policy

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
PCT = DecimalField(max_digits=12, decimal_places=4)


def _first_group_id(campaign: Campaign) -> int | None:
    if campaign.scoring_table_id is None:
        return None
    return (
        campaign.scoring_table.criteria.filter(kind=CriterionKind.GROUP, parent__isnull=True)  # type: ignore[union-attr]
        .order_by("position", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _orderings(campaign: Campaign) -> list[OrderBy]:
    order = [F("veto").asc(), F("percentage").desc(nulls_last=True)]
    for key in campaign.tie_breaks or []:
        if key == TieBreak.BASE_PERCENTAGE:
            order.append(F("base_percentage").desc(nulls_last=True))
        elif key == TieBreak.FEWER_PENALTY:
            order.append(F("penalty").asc())
        elif key == TieBreak.FIRST_GROUP:
            order.append(F("first_group").desc())
    return order


def ranking(review_point: ReviewPoint, *, published_only: bool = False) -> QuerySet[Any]:
    """One row per participant: earned and assigned base points, bonus, penalty, total,
    percentages, veto, and its rank within its cluster and within its unit type.

    One SQL query: conditional sums over the items grouped by unit, and RANK() window
    functions ordered by veto (eligible first), percentage, then the campaign's
    tie-breaks. To show one cluster or unit type, use :func:`ranking_rows`, which
    filters after ranking so the ranks stay those of the whole review point.
    """
    campaign = review_point.campaign
    first_group = _first_group_id(campaign)
    assigned = Q(not_assigned=False)
    base = assigned & Q(criterion__kind__in=BASE_KINDS)
    items = ScoreItem.objects.filter(
        review_point=review_point, unit__participations__campaign_id=campaign.pk
    )
    if published_only:
        items = items.filter(state=ItemState.PUBLISHED)
    rows = (
        items.values(
            "unit_id",
            unit_name=F("unit__name"),
            unit_code=F("unit__code"),
            unit_type_id=F("unit__unit_type_id"),
            unit_type_name=F("unit__unit_type__name"),
            cluster_id=F("unit__participations__cluster_id"),
            cluster_name=F("unit__participations__cluster__name"),
        )
        .annotate(
            base_earned=Coalesce(Sum("score", filter=base), ZERO),
            base_assigned=Coalesce(Sum("criterion__max_points", filter=base), ZERO),
            bonus=Coalesce(
                Sum("score", filter=assigned & Q(criterion__kind=CriterionKind.BONUS)), ZERO
            ),
            penalty=Coalesce(
                Sum("score", filter=assigned & Q(criterion__kind=CriterionKind.PENALTY)), ZERO
            ),
            first_group=Coalesce(
                Sum("score", filter=base & Q(criterion__root_id=first_group)), ZERO
            ),
            veto=Coalesce(
                Max(
                    Case(
                        When(
                            assigned & Q(criterion__kind=CriterionKind.VETO, passed=True),
                            then=Value(1),
                        ),
                        default=Value(0),
                        output_field=IntegerField(),
                    )
                ),
                Value(0),
            ),
        )
        .annotate(total=F("base_earned") + F("bonus") - F("penalty"))
        .annotate(
            percentage=Case(
                When(base_assigned=0, then=Value(None)),
                default=ExpressionWrapper(
                    F("total") * Value(Decimal(100)) / F("base_assigned"), output_field=PCT
                ),
                output_field=PCT,
            ),
            base_percentage=Case(
                When(base_assigned=0, then=Value(None)),
                default=ExpressionWrapper(
                    F("base_earned") * Value(Decimal(100)) / F("base_assigned"), output_field=PCT
                ),
                output_field=PCT,
            ),
        )
    )
    order = _orderings(campaign)
    rows = rows.annotate(
        rank_in_cluster=Window(Rank(), partition_by=[F("cluster_id")], order_by=order),
        rank_in_type=Window(Rank(), partition_by=[F("unit_type_id")], order_by=order),
        rank_overall=Window(Rank(), order_by=order),
    ).order_by("cluster_name", "rank_in_cluster", "unit_name")
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


def score_sheet(review_point: ReviewPoint, unit_id: int) -> QuerySet[ScoreItem]:
    """A unit's items at a review point in table order, with criterion and evidence counts."""
    from django.db.models import Count

    return (
        ScoreItem.objects.filter(review_point=review_point, unit_id=unit_id)
        .select_related("criterion", "criterion__parent")
        .annotate(evidence_count=Count("evidence"))
        .order_by("criterion__position", "criterion_id")
    )


def reviewer_queue(user: Any) -> QuerySet[ScoreItem]:
    """Items waiting for this user: to inspect, to review, to finalize, or returned to
    their unit to answer."""
    inspect = score_item_policy.visible(user, "inspect").filter(state=ItemState.SUBMITTED)
    has_inspector = Exists(
        InspectionAssignment.objects.filter(
            review_point_id=OuterRef("review_point_id"), unit_id=OuterRef("unit_id")
        )
    )
    # The leader reviews after the cross-inspection, or right after self-scoring when
    # no inspector was assigned.
    review = score_item_policy.visible(user, "review").filter(
        Q(state=ItemState.INSPECTED) | (Q(state=ItemState.SUBMITTED) & ~has_inspector)
    )
    final = score_item_policy.visible(user, "finalize").filter(state=ItemState.REVIEWED)
    answer = score_item_policy.visible(user, "report").filter(state=ItemState.RETURNED)
    return (
        ScoreItem.objects.filter(
            Q(pk__in=inspect.values("pk"))
            | Q(pk__in=review.values("pk"))
            | Q(pk__in=final.values("pk"))
            | Q(pk__in=answer.values("pk"))
        )
        .filter(review_point__state="open")
        .select_related("criterion", "unit", "review_point", "review_point__campaign")
        .order_by("review_point__due", "unit__name", "criterion__position")
    )
