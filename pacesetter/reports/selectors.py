"""The figures of a review report, read from the record each time (nothing retyped):
participants, targets against actuals per criterion group, the ranking, the units that
met plan, awards proposed and decided, meetings held in the period, the same review
point of the predecessor campaign, the key tasks of the period (work plans), the
practices found (the practice library) and coverage and its change (the coverage
register, for an organizer that keeps one). Each read goes through the domain's own selector or
policy, so a cluster's leader sees in the report what they see on the domain's pages.

A fixed number of queries whatever the number of units, criteria, awards or meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from pacesetter.awards.policies import proposal_policy
from pacesetter.campaigns.models import Campaign, Participant, ReviewPoint
from pacesetter.clusters.models import Cluster
from pacesetter.core.translations import ordered
from pacesetter.coverage.selectors import CoverageFilters, RateRow, coverage_rates, keeps_register
from pacesetter.meetings.models import MeetingState
from pacesetter.meetings.policies import meeting_policy
from pacesetter.meetings.selectors import meeting_day
from pacesetter.practices.models import Practice, PracticeState
from pacesetter.practices.policies import practice_policy
from pacesetter.scoring.models import Criterion, CriterionKind, Direction, Registration, ScoreItem
from pacesetter.scoring.selectors import Ranking, RankingFilters, ranking_for
from pacesetter.units.models import Unit
from pacesetter.workplans.forms import STATUS_LABELS
from pacesetter.workplans.models import WorkPlan
from pacesetter.workplans.policies import task_policy
from pacesetter.workplans.selectors import STATUSES, with_status

from .models import Report, ReportKind, ReportVersion


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
class TaskLine:
    """A key task of the period, with its status at the period's end."""

    plan: str
    code: str
    title: str
    lead_unit: str
    due: dt.date | None
    progress: Decimal | None
    status: str  # one of workplans.selectors.STATUSES

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class PracticeLine:
    title: str
    kind: str
    state: str
    year: int
    owner: str
    recognized: bool


@dataclass(frozen=True)
class CoverageLine:
    """One town's coverage at the period's end beside its start (rates as shares)."""

    town: str
    operating: int
    organized_before: Decimal | None
    organized: Decimal | None
    work: Decimal | None
    union_before: Decimal | None
    union: Decimal | None
    newly_built: int

    @property
    def organized_change(self) -> Decimal | None:
        if self.organized is None or self.organized_before is None:
            return None
        return self.organized - self.organized_before


@dataclass
class CoverageFigures:
    """The organizer's towns in the coverage register, at ``start`` and at ``end``."""

    start: dt.date
    end: dt.date
    towns: list[CoverageLine]
    total: CoverageLine


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
    tasks: list[TaskLine] = field(default_factory=list)
    practices: list[PracticeLine] = field(default_factory=list)
    #: None when the organizer's unit keeps no coverage register.
    coverage: CoverageFigures | None = None

    @property
    def task_counts(self) -> dict[str, int]:
        """The key tasks of the period by status, every status listed."""
        counts = dict.fromkeys(STATUSES, 0)
        for task in self.tasks:
            counts[task.status] += 1
        return counts

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
    # A meeting's day is the day where it is held (its own time zone, as its page shows
    # it), not the server's: the query keeps those starting within two days of the
    # period, each is then placed by its own day.
    margin = dt.timedelta(days=2)
    meetings = meeting_policy.visible(user).filter(
        state=MeetingState.HELD,
        starts_at__date__gte=start - margin,
        starts_at__date__lte=end + margin,
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
    lines = []
    for meeting in meetings.select_related("organizer_unit").order_by("starts_at", "pk"):
        day = meeting_day(meeting)
        if start <= day <= end:
            lines.append(
                MeetingLine(
                    date=day,
                    title=meeting.title,
                    kind=meeting.get_kind_display(),
                    organizer=meeting.organizer_unit.name,
                )
            )
    return lines


def _tasks(
    user: Any, campaign: Campaign, cluster: Cluster | None, start: dt.date, end: dt.date
) -> list[TaskLine]:
    """Key tasks of the work plans of the campaign's organizer (of the cluster's units'
    bodies, for a cluster's report) due, done or under way in the period, as
    ``task_policy`` lets the reader see them, with their status at the period's end."""
    tasks = task_policy.visible(user)
    if cluster is not None:
        tasks = tasks.filter(
            plan__body__owner_unit_id__in=_participants(campaign.pk, cluster).values("unit_id")
        )
    else:
        tasks = tasks.filter(plan__body__owner_unit_id=campaign.organizer_id)
    in_period = (
        Q(due__gte=start, due__lte=end)
        | Q(done_on__gte=start, done_on__lte=end)
        | Q(start__lte=end, due__gte=start)
        | Q(start__lte=end, due=None, done_on=None)
    )
    tasks = with_status(tasks.filter(in_period), end).select_related("plan", "lead_unit")
    return [
        TaskLine(
            plan=task.plan.name,
            code=task.code,
            title=task.title,
            lead_unit=task.lead_unit.name,
            due=task.due,
            progress=task.progress,
            status=task.status,  # type: ignore[attr-defined]
        )
        for task in tasks.order_by(
            ordered("plan__name"), "plan_id", F("due").asc(nulls_last=True), "position", "pk"
        )
    ]


def _practices(user: Any, review_point: ReviewPoint, cluster: Cluster | None) -> list[PracticeLine]:
    """Practices linked to this review point, as ``practice_policy`` lets the reader see
    them (for a cluster's report, those coming from one of its units): recognized ones
    (recognized or published) first."""
    recognized = (PracticeState.RECOGNIZED, PracticeState.PUBLISHED)
    practices = practice_policy.visible(user).filter(review_point=review_point)
    if cluster is not None:
        through = Practice.source_units.through.objects.filter(
            unit_id__in=_participants(review_point.campaign_id, cluster).values("unit_id")
        )
        practices = practices.filter(pk__in=through.values("practice_id"))
    practices = practices.annotate(
        first=Case(
            When(state__in=recognized, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).select_related("owner_unit")
    return [
        PracticeLine(
            title=practice.title,
            kind=practice.get_kind_display(),
            state=practice.get_state_display(),
            year=practice.year,
            owner=practice.owner_unit.name,
            recognized=practice.state in recognized,
        )
        for practice in practices.order_by("first", ordered("title"), "pk")
    ]


def _coverage(user: Any, organizer: Unit, start: dt.date, end: dt.date) -> CoverageFigures | None:
    """Coverage in the organizer's towns at the period's end and at its start
    (``coverage_rates`` at the two dates, as the reader may see the register), or None
    when the organizer's unit keeps no register."""
    if not keeps_register(organizer):
        return None
    table = coverage_rates(user, CoverageFilters(at=end, town=organizer), since=start)
    before: dict[Any, RateRow] = (
        {row.key: row for row in table.before.rows} if table.before is not None else {}
    )
    empty = RateRow(key=None, label="")

    def line(row: RateRow, earlier: RateRow | None) -> CoverageLine:
        earlier = earlier or empty
        return CoverageLine(
            town=row.label,
            operating=row.operating,
            organized_before=earlier.organized_rate,
            organized=row.organized_rate,
            work=row.work_rate,
            union_before=earlier.union_rate,
            union=row.union_rate,
            newly_built=row.newly_built,
        )

    towns = [line(row, before.get(row.key)) for row in table.rows]
    total = line(table.total, table.before.total if table.before is not None else None)
    return CoverageFigures(start=start, end=end, towns=towns, total=total)


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
        tasks=_tasks(user, campaign, cluster, start, end),
        practices=_practices(user, review_point, cluster),
        coverage=_coverage(user, campaign.organizer, start, end),
    )


def report_of(review_point: ReviewPoint, cluster: Cluster | None) -> Report | None:
    return (
        Report.objects.select_related("finalized_by", "created_by")
        .filter(kind=ReportKind.REVIEW, review_point=review_point, cluster=cluster)
        .first()
    )


def work_report_of(plan: WorkPlan, as_of: dt.date) -> Report | None:
    return (
        Report.objects.select_related("finalized_by", "created_by")
        .filter(kind=ReportKind.WORK, plan=plan, as_of=as_of)
        .first()
    )


def work_reports_of(plan: WorkPlan) -> list[Report]:
    """The plan's work reports, the latest day first."""
    return list(Report.objects.filter(kind=ReportKind.WORK, plan=plan).order_by("-as_of", "pk"))


def versions_of(report: Report) -> list[ReportVersion]:
    """Every saved version, newest first, with who saved it."""
    return list(report.versions.select_related("saved_by").order_by("-number"))
