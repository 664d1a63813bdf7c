"""The figures of a review report, read from the record each time (nothing retyped):
participants, targets against actuals per criterion group, the ranking, the units that
met plan, awards proposed and decided, meetings held in the period and the same review
point of the predecessor campaign. Each read goes through the domain's own selector or
policy, so a cluster's leader sees in the report what they see on the domain's pages.

A fixed number of queries whatever the number of units, criteria, awards or meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from pacesetter.awards.policies import proposal_policy
from pacesetter.campaigns.models import Campaign, Participant, ReviewPoint
from pacesetter.clusters.models import Cluster
from pacesetter.core.translations import ordered
from pacesetter.meetings.models import MeetingState
from pacesetter.meetings.policies import meeting_policy
from pacesetter.scoring.models import Criterion, CriterionKind, Direction, Registration, ScoreItem
from pacesetter.scoring.selectors import Ranking, RankingFilters, ranking_for

from .models import Report, ReportVersion


@dataclass(frozen=True)
class ClusterCount:
    name: str
    participants: int


@dataclass
class CriterionFigures:
    """One quantitative criterion: its targets against its actuals over the units."""

    code: str
    title: str
    measure: str
    assigned: int = 0
    met: int = 0
    target: Decimal = Decimal("0")
    actual: Decimal = Decimal("0")
    #: The predecessor's same review point: the actual total (None: no comparison).
    previous_actual: Decimal | None = None

    @property
    def achieved(self) -> Decimal | None:
        """The actual total as a percentage of the target total."""
        if not self.target:
            return None
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"))


@dataclass
class GroupFigures:
    code: str
    title: str
    criteria: list[CriterionFigures] = field(default_factory=list)


@dataclass(frozen=True)
class UnitPlan:
    """A unit's targets met, of those assigned to it."""

    unit_id: int
    name: str
    cluster: str
    assigned: int
    met: int

    @property
    def met_plan(self) -> bool:
        return self.assigned > 0 and self.met == self.assigned


@dataclass(frozen=True)
class AwardLine:
    award: str
    cluster: str
    state: str
    candidates: int
    granted: int


@dataclass(frozen=True)
class MeetingLine:
    date: dt.date
    title: str
    kind: str
    organizer: str


@dataclass(frozen=True)
class Comparison:
    """The predecessor campaign's review point with the same code."""

    review_point: ReviewPoint
    participants: int
    met_plan: int


@dataclass
class ReviewFigures:
    review_point: ReviewPoint
    campaign: Campaign
    cluster: Cluster | None
    period_start: dt.date
    period_end: dt.date
    participants: int
    by_cluster: list[ClusterCount]
    groups: list[GroupFigures]
    ranking: Ranking
    units: list[UnitPlan]
    awards: list[AwardLine]
    meetings: list[MeetingLine]
    comparison: Comparison | None

    @property
    def met_plan(self) -> list[UnitPlan]:
        return [unit for unit in self.units if unit.met_plan]

    @property
    def title(self) -> str:
        return report_title(self.review_point, self.cluster)


def report_title(review_point: ReviewPoint, cluster: Cluster | None) -> str:
    if cluster is None:
        return _("Review report: %(campaign)s, %(review)s") % {
            "campaign": review_point.campaign.name,
            "review": review_point.name,
        }
    return _("Review report: %(campaign)s, %(review)s, %(cluster)s") % {
        "campaign": review_point.campaign.name,
        "review": review_point.name,
        "cluster": cluster.name,
    }


def period_of(review_point: ReviewPoint) -> tuple[dt.date, dt.date]:
    """From the day after the campaign's previous review point ends (or the campaign's
    start) to this review point's end."""
    previous = (
        ReviewPoint.objects.filter(
            campaign_id=review_point.campaign_id, period_end__lt=review_point.period_end
        )
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    start = previous + dt.timedelta(days=1) if previous else review_point.campaign.start
    return start, review_point.period_end


def _participants(campaign_id: int, cluster: Cluster | None) -> QuerySet[Participant]:
    qs = Participant.objects.filter(campaign_id=campaign_id)
    return qs.filter(cluster=cluster) if cluster is not None else qs


def _met(direction: str, target: Decimal, actual: Decimal) -> bool:
    return actual <= target if direction == Direction.LOWER else actual >= target


@dataclass
class _Plans:
    criteria: dict[int, CriterionFigures]
    units: dict[int, list[int]]  # unit id -> [assigned, met]


def _plans(review_point: ReviewPoint, unit_ids: QuerySet[Any]) -> _Plans:
    """Targets against actuals of every quantitative item of the units: one query."""
    target = Registration.objects.filter(
        campaign_id=review_point.campaign_id,
        unit_id=OuterRef("unit_id"),
        criterion_id=OuterRef("criterion_id"),
        not_assigned=False,
    ).values("target")[:1]
    rows = (
        ScoreItem.objects.filter(
            review_point=review_point,
            unit_id__in=unit_ids,
            criterion__kind=CriterionKind.QUANTITATIVE,
            not_assigned=False,
        )
        .values("unit_id", "criterion_id", "criterion__code", "criterion__direction", "actual")
        .annotate(target=Subquery(target))
        .order_by()
    )
    plans = _Plans({}, defaultdict(lambda: [0, 0]))
    for row in rows:
        goal = row["target"]
        if not goal:
            continue  # no target, or zero: not assigned (as scoring treats it)
        goal = Decimal(str(goal))
        actual = Decimal(str(row["actual"])) if row["actual"] is not None else None
        figures = plans.criteria.setdefault(
            row["criterion_id"], CriterionFigures(code=row["criterion__code"], title="", measure="")
        )
        figures.assigned += 1
        figures.target += goal
        unit = plans.units[row["unit_id"]]
        unit[0] += 1
        if actual is not None:
            figures.actual += actual
            if _met(row["criterion__direction"], goal, actual):
                figures.met += 1
                unit[1] += 1
    return plans


def _groups(campaign: Campaign, plans: _Plans, previous: _Plans | None) -> list[GroupFigures]:
    """The table's quantitative criteria under their top groups, in the table's order."""
    if campaign.scoring_table_id is None:
        return []
    criteria = (
        Criterion.objects.filter(table_id=campaign.scoring_table_id)
        .filter(Q(kind=CriterionKind.QUANTITATIVE) | Q(kind=CriterionKind.GROUP, parent=None))
        .order_by("position", "pk")
    )
    groups: dict[int | None, GroupFigures] = {}
    previous_by_code = (
        {figures.code: figures.actual for figures in previous.criteria.values()}
        if previous is not None
        else None
    )
    ungrouped = GroupFigures(code="", title=_("Other criteria"))
    for criterion in criteria:
        if criterion.kind == CriterionKind.GROUP:
            groups[criterion.pk] = GroupFigures(code=criterion.code, title=criterion.title)
            continue
        figures = plans.criteria.get(criterion.pk) or CriterionFigures(
            code=criterion.code, title="", measure=""
        )
        figures.title = criterion.title
        figures.measure = criterion.measure
        if previous_by_code is not None:
            figures.previous_actual = previous_by_code.get(criterion.code)
        group = groups.get(criterion.root_id) if criterion.root_id else None
        (group or ungrouped).criteria.append(figures)
    out = [group for group in groups.values() if group.criteria]
    if ungrouped.criteria:
        out.append(ungrouped)
    return out


def _awards(user: Any, review_point: ReviewPoint, cluster: Cluster | None) -> list[AwardLine]:
    proposals = proposal_policy.visible(user).filter(
        review_point__campaign_id=review_point.campaign_id
    )
    if cluster is not None:
        proposals = proposals.filter(cluster=cluster)
    proposals = (
        proposals.select_related("award", "cluster")
        .annotate(
            n_candidates=Count("candidates", distinct=True),
            n_granted=Count("grants", filter=Q(grants__revoked_at=None), distinct=True),
        )
        .order_by("award__position", ordered("award__name"), "pk")
    )
    return [
        AwardLine(
            award=proposal.award.name,
            cluster=proposal.cluster.name if proposal.cluster is not None else "",
            state=proposal.get_state_display(),
            candidates=proposal.n_candidates,
            granted=proposal.n_granted,
        )
        for proposal in proposals
    ]


def _meetings(
    user: Any, campaign: Campaign, cluster: Cluster | None, start: dt.date, end: dt.date
) -> list[MeetingLine]:
    meetings = meeting_policy.visible(user).filter(
        state=MeetingState.HELD, starts_at__date__gte=start, starts_at__date__lte=end
    )
    if cluster is not None:
        meetings = meetings.filter(
            organizer_unit_id__in=_participants(campaign.pk, cluster).values("unit_id")
        )
    else:
        meetings = meetings.filter(
            Q(organizer_unit__path__startswith=campaign.organizer.path)
            | Q(organizer_unit_id__in=_participants(campaign.pk, None).values("unit_id"))
        )
    return [
        MeetingLine(
            date=meeting.starts_at.date(),
            title=meeting.title,
            kind=meeting.get_kind_display(),
            organizer=meeting.organizer_unit.name,
        )
        for meeting in meetings.select_related("organizer_unit").order_by("starts_at", "pk")
    ]


def _comparison(
    review_point: ReviewPoint, cluster: Cluster | None
) -> tuple[Comparison | None, _Plans | None]:
    campaign = review_point.campaign
    if campaign.predecessor_id is None:
        return None, None
    previous = (
        ReviewPoint.objects.select_related("campaign")
        .filter(campaign_id=campaign.predecessor_id, code=review_point.code)
        .first()
    )
    if previous is None:
        return None, None
    units = _participants(previous.campaign_id, cluster).values("unit_id")
    plans = _plans(previous, units)
    met = sum(1 for assigned, done in plans.units.values() if assigned and done == assigned)
    return Comparison(review_point=previous, participants=units.count(), met_plan=met), plans


def review_figures(user: Any, review_point: ReviewPoint, cluster: Cluster | None) -> ReviewFigures:
    """The figures of the review report of ``review_point`` (for ``cluster``), as
    ``user`` may see them, in the active language."""
    campaign = Campaign.objects.select_related("organizer").get(pk=review_point.campaign_id)
    review_point.campaign = campaign
    start, end = period_of(review_point)
    participants = _participants(campaign.pk, cluster)
    counts = (
        participants.values("cluster_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("cluster_id", "n")
    )
    by_id: dict[int | None, int] = dict(counts)
    names = {
        c.pk: c.name
        for c in Cluster.objects.filter(pk__in=[pk for pk in by_id if pk is not None]).order_by(
            ordered("name"), "pk"
        )
    }
    by_cluster = [ClusterCount(name, by_id[pk]) for pk, name in names.items()]
    if None in by_id:
        by_cluster.append(ClusterCount(_("In no cluster"), by_id[None]))
    comparison, previous_plans = _comparison(review_point, cluster)
    plans = _plans(review_point, participants.values("unit_id"))
    ranking = ranking_for(
        user, review_point, RankingFilters(cluster_id=cluster.pk if cluster is not None else None)
    )
    units = [
        UnitPlan(
            unit_id=participant.unit_id,
            name=participant.unit.name,
            cluster=participant.cluster.name if participant.cluster is not None else "",
            assigned=plans.units.get(participant.unit_id, (0, 0))[0],
            met=plans.units.get(participant.unit_id, (0, 0))[1],
        )
        for participant in participants.select_related("unit", "cluster").order_by(
            ordered("cluster__name"), ordered("unit__name"), "pk"
        )
    ]
    return ReviewFigures(
        review_point=review_point,
        campaign=campaign,
        cluster=cluster,
        period_start=start,
        period_end=end,
        participants=sum(by_id.values()),
        by_cluster=by_cluster,
        groups=_groups(campaign, plans, previous_plans),
        ranking=ranking,
        units=units,
        awards=_awards(user, review_point, cluster),
        meetings=_meetings(user, campaign, cluster, start, end),
        comparison=comparison,
    )


def report_of(review_point: ReviewPoint, cluster: Cluster | None) -> Report | None:
    return (
        Report.objects.select_related("finalized_by", "created_by")
        .filter(review_point=review_point, cluster=cluster)
        .first()
    )


def versions_of(report: Report) -> list[ReportVersion]:
    """Every saved version, newest first, with who saved it."""
    return list(report.versions.select_related("saved_by").order_by("-number"))
