"""The home page's dashboards: for each role a user holds, what needs them now and how
things stand, every figure a link to the list behind it (docs/dashboards.md).

Each figure is read through the domain's policy (``visible(user)``) or a selector built
on it, so a figure never counts what the user may not see; and each is one grouped query
(or a fixed few), so the home page's query count does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.accounts.scopes import Scope, scope_of, under
from pacesetter.awards.models import ProposalState
from pacesetter.awards.policies import proposal_policy
from pacesetter.ballots.models import PollState
from pacesetter.ballots.policies import poll_policy
from pacesetter.ballots.selectors import poll_list
from pacesetter.campaigns.models import CampaignState, Participant, ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import campaign_policy, review_point_policy
from pacesetter.coverage.charts import Series, quarter_ends, trend_chart
from pacesetter.coverage.selectors import CoverageFilters, coverage_rates
from pacesetter.meetings.models import Invitation, Meeting, MeetingState
from pacesetter.meetings.policies import meeting_policy
from pacesetter.scoring.charts import Bar, bar_chart
from pacesetter.scoring.models import InspectionAssignment, ItemState
from pacesetter.scoring.policies import score_item_policy
from pacesetter.scoring.selectors import ranking_for, reviewer_queue
from pacesetter.units.models import Unit
from pacesetter.workplans import selectors as work
from pacesetter.workplans.models import PlanState, Task
from pacesetter.workplans.policies import task_policy

#: Campaigns "in progress": between their set-up and their publication.
IN_PROGRESS = (CampaignState.REGISTRATION, CampaignState.RUNNING, CampaignState.SCORING)
#: The states of the proposals still in the flow (not yet decided).
PROPOSAL_FLOW = tuple(s for s in ProposalState if s != ProposalState.DECIDED)
#: The states of score items counted at an open review point, in the order of the steps.
ITEM_STEPS = (
    ItemState.DRAFT,
    ItemState.SUBMITTED,
    ItemState.INSPECTED,
    ItemState.REVIEWED,
    ItemState.RETURNED,
    ItemState.FINAL,
)
#: The queue's steps a user may be waited for at (``scoring.selectors.QUEUE_STEPS``).
QUEUE_STEPS = ("inspect", "review", "finalize", "answer")
#: How many rows a list on a dashboard shows (the link leads to all of them).
LIST_SIZE = 5
#: How many units the "late tasks by unit" chart names.
TOP_UNITS = 5
#: How many rows of a live ranking the cluster leader's dashboard shows.
RANKING_ROWS = 10
#: "Tasks due" are those due within this many days (and every late one): "my work"'s.
TASK_DAYS = 30
#: Meetings starting within this many days.
MEETING_DAYS = 60
#: The coverage trend: the rate at this many quarter ends, up to today.
TREND_POINTS = 4


@dataclass
class Figure:
    """One number with what it counts and the list that shows those records."""

    label: str
    value: int
    url: str = ""


@dataclass
class Line:
    """One record a dashboard names (a review point due, a meeting), with its link."""

    label: str
    url: str
    detail: str = ""
    when: dt.date | dt.datetime | None = None


@dataclass
class StaffDashboard:
    campaigns: list[Figure]
    review_points: list[Line]
    waiting: list[Figure]
    items: list[Figure]
    proposals: list[Figure]
    ballots_open: Figure
    late_by_unit: list[Figure]
    late_total: Figure
    coverage_rate: Decimal | None
    coverage_dates: list[dt.date]
    coverage_trend: list[Decimal | None]
    coverage_url: str
    shows_coverage: bool
    meetings: list[Line]
    items_chart: str = ""
    late_chart: str = ""
    coverage_chart: str = ""

    @property
    def coverage_points(self) -> list[tuple[dt.date, Decimal | None]]:
        """The trend as (date, rate) pairs: the chart's table."""
        return list(zip(self.coverage_dates, self.coverage_trend, strict=True))


@dataclass
class LeaderDashboard:
    to_review: Figure
    rotation: list[Line]
    ranking_title: str
    ranking_url: str
    ranking: list[dict[str, Any]]
    polls: list[Line]
    ranking_chart: str = ""


@dataclass
class OfficerDashboard:
    to_report: list[Line]
    to_report_total: int
    to_answer: Figure
    tasks_due: Figure
    tasks_late: Figure
    meetings: list[Line]
    rank: list[dict[str, Any]]
    rank_title: str
    rank_url: str


@dataclass
class CouncilDashboard:
    polls: list[Line]
    polls_to_vote: Figure
    dossiers: list[Line]


@dataclass
class Dashboards:
    staff: StaffDashboard | None = None
    leader: LeaderDashboard | None = None
    officer: OfficerDashboard | None = None
    council: CouncilDashboard | None = None
    sections: list[str] = field(default_factory=list)


def _url(name: str, *args: Any, **query: Any) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def counts_chart(figures: list[Figure], *, title: str, description: str, id_prefix: str) -> str:
    """Counts as horizontal bars, each with its label and number printed (readable without
    colour); the page shows the same figures as a table beside it."""
    return bar_chart(
        [Bar(f.label, f.value) for f in figures],
        title=title,
        description=description,
        id_prefix=id_prefix,
        scale_max=1,
        suffix="",
        decimals=0,
    )


def _counts(qs: QuerySet[Any], column: str) -> dict[Any, int]:
    return {row[column]: row["n"] for row in qs.values(column).annotate(n=Count("pk"))}


# --- shared reads ------------------------------------------------------------------------


def my_tasks(user: Any, today: dt.date) -> QuerySet[Task]:
    """The open tasks of open plans that the user or the units they lead (as staff or
    officer) lead, with their status: what "my work" lists (its filters aside) and the
    dashboards count. Read through the task policy: never a task the user may not see."""
    scope = scope_of(user)
    leading = scope.staff_paths + scope.officer_paths
    mine = Q(lead_person=user) | under("lead_unit__path", leading)
    tasks = task_policy.visible(user).filter(mine, plan__state=PlanState.OPEN)
    return work.with_status(tasks, today).exclude(status="done")  # type: ignore[misc]


def my_meetings(user: Any, now: dt.datetime) -> QuerySet[Meeting]:
    """Meetings the user or their units are invited to that start soon (or started in the
    last 12 hours), not cancelled, soonest first: "my work"'s meetings."""
    scope = scope_of(user)
    leading = scope.staff_paths + scope.officer_paths
    invited = Invitation.objects.filter(Q(user=user) | under("unit__path", leading))
    return (
        meeting_policy.visible(user)
        .filter(
            pk__in=invited.values("meeting_id"),
            starts_at__gte=now - dt.timedelta(hours=12),
            starts_at__lte=now + dt.timedelta(days=MEETING_DAYS),
        )
        .exclude(state=MeetingState.CANCELLED)
        .select_related("organizer_unit")
        .order_by("starts_at", "pk")
    )


def _meeting_lines(meetings: QuerySet[Meeting]) -> list[Line]:
    return [
        Line(
            label=str(m.title),
            url=reverse("meetings:meeting_detail", args=[m.pk]),
            detail=str(m.organizer_unit),
            when=m.starts_at,
        )
        for m in meetings[:LIST_SIZE]
    ]


def _waiting(user: Any) -> list[Figure]:
    labels = {
        "inspect": _("To cross-inspect"),
        "review": _("To review"),
        "finalize": _("To finalize"),
        "answer": _("To answer"),
    }
    # Each step counted on its own: an item may wait for this user at two steps.
    return [
        Figure(
            label=str(labels[step]),
            value=reviewer_queue(user, step).count(),
            url=_url("scoring:queue", expect=step),
        )
        for step in QUEUE_STEPS
    ]


# --- committee staff ---------------------------------------------------------------------


def staff_dashboard(user: Any, today: dt.date, now: dt.datetime) -> StaffDashboard:
    campaigns = campaign_policy.visible(user)
    by_state = _counts(campaigns.filter(state__in=IN_PROGRESS), "state")
    campaign_figures = [
        Figure(
            label=str(CampaignState(s).label),
            value=by_state.get(s, 0),
            url=_url("campaigns:list", state=s),
        )
        for s in IN_PROGRESS
    ]
    points = (
        review_point_policy.visible(user)
        .filter(
            campaign__state__in=IN_PROGRESS,
            state__in=(ReviewPointState.PLANNED, ReviewPointState.OPEN),
        )
        .select_related("campaign")
        .order_by("due", "pk")[:LIST_SIZE]
    )
    review_points = [
        Line(
            label=str(rp.name),
            url=reverse("campaigns:detail", args=[rp.campaign_id]),
            detail=f"{rp.campaign.name} — {rp.get_state_display()}",
            when=rp.due,
        )
        for rp in points
    ]
    items = score_item_policy.visible(user).filter(review_point__state=ReviewPointState.OPEN)
    item_counts = _counts(items, "state")
    item_figures = [
        Figure(label=str(ItemState(s).label), value=item_counts.get(s, 0)) for s in ITEM_STEPS
    ]
    proposal_counts = _counts(
        proposal_policy.visible(user).filter(state__in=PROPOSAL_FLOW), "state"
    )
    proposals = [
        Figure(
            label=str(ProposalState(s).label),
            value=proposal_counts.get(s, 0),
            url=_url("awards:proposal_list", state=s),
        )
        for s in PROPOSAL_FLOW
    ]
    ballots_open = Figure(
        label=_("Ballots open"),
        value=poll_policy.visible(user).filter(state=PollState.OPEN).count(),
        url=_url("ballots:list", state=PollState.OPEN),
    )
    late = my_tasks(user, today).filter(status="late")  # type: ignore[misc]
    # The units leading the most late tasks, with their counts, in one query.
    per_unit = (
        late.filter(lead_unit=OuterRef("pk"))
        .order_by()
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    top_units = (
        Unit.objects.annotate(late=Subquery(per_unit))
        .filter(late__gt=0)
        .order_by("-late", "code", "pk")[:TOP_UNITS]
    )
    late_by_unit = [
        Figure(
            label=str(unit),
            value=unit.late,
            url=_url("workplans:my_work", status="late", unit=unit.pk),
        )
        for unit in top_units
    ]
    late_total = Figure(
        label=_("Late tasks"), value=late.count(), url=_url("workplans:my_work", status="late")
    )
    # The rate at each quarter end, one grouped query each (and none for the labels:
    # grouped by kind); shown once the user sees an operating organization at one date.
    dates = quarter_ends(today, TREND_POINTS)
    totals = [coverage_rates(user, CoverageFilters(at=day, group_by="kind")).total for day in dates]
    trend = [t.organized_rate for t in totals]
    shows_coverage = any(t.operating for t in totals)
    meetings = (
        meeting_policy.visible(user)
        .filter(state=MeetingState.PLANNED, starts_at__gte=now)
        .select_related("organizer_unit")
        .order_by("starts_at", "pk")
    )
    coverage_chart = ""
    if shows_coverage:
        coverage_chart = trend_chart(
            dates,
            [Series(_("Organizational coverage"), trend)],
            title=_("Organizational coverage at the last quarter ends"),
            description=_("The share of operating organizations with a party organization."),
        )
    return StaffDashboard(
        items_chart=counts_chart(
            item_figures,
            title=_("Score items at open review points, by step"),
            description=_("How many items are at each step of scoring."),
            id_prefix="dash-items",
        ),
        late_chart=counts_chart(
            late_by_unit,
            title=_("Late tasks by lead unit"),
            description=_("The units leading the most late tasks."),
            id_prefix="dash-late",
        )
        if late_by_unit
        else "",
        coverage_chart=coverage_chart,
        campaigns=campaign_figures,
        review_points=review_points,
        waiting=_waiting(user),
        items=item_figures,
        proposals=proposals,
        ballots_open=ballots_open,
        late_by_unit=late_by_unit,
        late_total=late_total,
        coverage_rate=trend[-1] if trend else None,
        coverage_dates=dates,
        coverage_trend=trend,
        coverage_url=_url("coverage:rates", at=today.isoformat()),
        shows_coverage=shows_coverage,
        meetings=_meeting_lines(meetings),
    )


# --- cluster leader ----------------------------------------------------------------------


def _open_points_reviewed(user: Any) -> QuerySet[ReviewPoint]:
    """Open review points at which the user reviews some unit's items (leads its cluster)."""
    reviewed = score_item_policy.visible(user, "review").filter(
        review_point__state=ReviewPointState.OPEN
    )
    return (
        ReviewPoint.objects.filter(pk__in=reviewed.values("review_point_id"))
        .select_related("campaign")
        .order_by("due", "pk")
    )


def leader_dashboard(user: Any, scope: Scope) -> LeaderDashboard:
    to_review = Figure(
        label=_("Items waiting for your review"),
        value=reviewer_queue(user, "review").count(),
        url=_url("scoring:queue", expect="review"),
    )
    points = list(_open_points_reviewed(user)[:LIST_SIZE])
    reviewed = score_item_policy.visible(user, "review").filter(review_point__in=points)
    units = dict(
        reviewed.values("review_point_id")
        .annotate(n=Count("unit_id", distinct=True))
        .values_list("review_point_id", "n")
    )
    assigned = dict(
        InspectionAssignment.objects.filter(
            review_point__in=points, unit_id__in=reviewed.values("unit_id")
        )
        .values("review_point_id")
        .annotate(n=Count("pk"))
        .values_list("review_point_id", "n")
    )
    rotation = [
        Line(
            label=str(rp.name),
            url=reverse("scoring:inspections", args=[rp.pk]),
            detail=_("%(assigned)s of %(units)s units have an inspector")
            % {"assigned": assigned.get(rp.pk, 0), "units": units.get(rp.pk, 0)},
            when=rp.due,
        )
        for rp in points
    ]
    ranking_rows: list[dict[str, Any]] = []
    title = url = ""
    if points:
        first = points[0]
        ranking = ranking_for(user, first)
        ranking_rows = ranking.rows[:RANKING_ROWS]
        title = f"{first.campaign.name} — {first.name}"
        url = reverse("scoring:ranking", args=[first.pk])
    polls = (
        poll_policy.visible(user)
        .filter(state=PollState.OPEN, cluster_id__in=scope.leader_cluster_ids)
        .order_by("-pk")
    )
    chart = ""
    if ranking_rows:
        chart = bar_chart(
            [Bar(str(r["unit_name"]), r["total"]) for r in ranking_rows],
            title=_("Live ranking: %(name)s") % {"name": title},
            description=_("Each unit's total score so far, highest first."),
            id_prefix="dash-ranking",
            scale_max=0,
            suffix="",
            decimals=2,
        )
    return LeaderDashboard(
        ranking_chart=chart,
        to_review=to_review,
        rotation=rotation,
        ranking_title=title,
        ranking_url=url,
        ranking=ranking_rows,
        polls=[
            Line(label=str(p.title), url=reverse("ballots:detail", args=[p.pk]))
            for p in polls[:LIST_SIZE]
        ],
    )


# --- unit officer ------------------------------------------------------------------------


def officer_dashboard(
    user: Any, scope: Scope, today: dt.date, now: dt.datetime
) -> OfficerDashboard:
    drafts = (
        score_item_policy.visible(user, "report")
        .filter(state=ItemState.DRAFT, review_point__state=ReviewPointState.OPEN)
        .filter(under("unit__path", scope.officer_paths))
    )
    groups = list(
        drafts.values("review_point_id", "unit_id")
        .annotate(n=Count("pk"))
        .order_by("review_point__due", "review_point_id", "unit__code")[:LIST_SIZE]
    )
    rps = ReviewPoint.objects.select_related("campaign").in_bulk(
        [g["review_point_id"] for g in groups]
    )
    unit_names = Unit.objects.in_bulk([g["unit_id"] for g in groups])
    to_report = [
        Line(
            label=f"{rps[g['review_point_id']].campaign.name} — {rps[g['review_point_id']].name}",
            url=reverse("scoring:sheet", args=[g["review_point_id"], g["unit_id"]]),
            detail=_("%(unit)s: %(count)s items to report")
            % {"unit": unit_names[g["unit_id"]], "count": g["n"]},
            when=rps[g["review_point_id"]].due,
        )
        for g in groups
    ]
    tasks = my_tasks(user, today).filter(due__lte=today + dt.timedelta(days=TASK_DAYS))
    task_counts = _counts(tasks, "status")
    tasks_due = Figure(
        label=_("Tasks due within %(days)s days") % {"days": TASK_DAYS},
        value=sum(task_counts.values()),
        url=reverse("workplans:my_work"),
    )
    tasks_late = Figure(
        label=_("Late tasks"),
        value=task_counts.get("late", 0),
        url=_url("workplans:my_work", status="late"),
    )
    published = (
        review_point_policy.visible(user)
        .filter(
            state=ReviewPointState.PUBLISHED,
            campaign__participants__in=_own_participants(scope),
        )
        .select_related("campaign")
        .order_by("-published_at", "-pk")
        .distinct()
    )
    latest = published.first()
    rank: list[dict[str, Any]] = []
    title = url = ""
    if latest is not None:
        own = set(
            Unit.objects.filter(under("path", scope.officer_paths)).values_list("pk", flat=True)
        )
        rank = [r for r in ranking_for(user, latest).rows if r["unit_id"] in own][:LIST_SIZE]
        title = f"{latest.campaign.name} — {latest.name}"
        url = reverse("scoring:ranking", args=[latest.pk])
    return OfficerDashboard(
        to_report=to_report,
        to_report_total=drafts.count(),
        to_answer=Figure(
            label=_("Returned items to answer"),
            value=reviewer_queue(user, "answer").count(),
            url=_url("scoring:queue", expect="answer"),
        ),
        tasks_due=tasks_due,
        tasks_late=tasks_late,
        meetings=_meeting_lines(my_meetings(user, now)),
        rank=rank,
        rank_title=title,
        rank_url=url,
    )


def _own_participants(scope: Scope) -> Any:
    return Participant.objects.filter(under("unit__path", scope.officer_paths)).values("pk")


# --- council member ----------------------------------------------------------------------


def council_dashboard(user: Any, scope: Scope) -> CouncilDashboard:
    polls = list(
        poll_list(user).filter(state=PollState.OPEN, body_id__in=scope.council_body_ids)[:LIST_SIZE]
    )
    to_vote = (
        poll_list(user)
        .filter(state=PollState.OPEN, body_id__in=scope.council_body_ids)
        .filter(is_entitled=True, has_voted=False)  # type: ignore[misc]
        .count()
    )
    dossiers = (
        proposal_policy.visible(user)
        .filter(
            state=ProposalState.COUNCIL_VOTE,
            council_poll__body_id__in=scope.council_body_ids,
        )
        .select_related("award")
        .order_by("-year", "-pk")
    )
    return CouncilDashboard(
        polls=[
            Line(
                label=str(p.title),
                url=reverse("ballots:detail", args=[p.pk]),
                detail=_("You have voted")
                if getattr(p, "has_voted", False)
                else (_("Your vote is awaited") if getattr(p, "is_entitled", False) else ""),
            )
            for p in polls
        ],
        polls_to_vote=Figure(
            label=_("Ballots awaiting your vote"),
            value=to_vote,
            url=_url("ballots:list", state=PollState.OPEN),
        ),
        dossiers=[
            Line(
                label=str(d.award),
                url=reverse("awards:proposal", args=[d.pk]),
                detail=str(d.year),
            )
            for d in dossiers[:LIST_SIZE]
        ],
    )


def dashboards_for(user: Any) -> Dashboards:
    """Every dashboard of the roles ``user`` holds (a section per role, in the order of
    the roles' list)."""
    scope = scope_of(user)
    today = timezone.localdate()
    now = timezone.now()
    result = Dashboards()
    if scope.staff_paths:
        result.staff = staff_dashboard(user, today, now)
        result.sections.append("staff")
    if scope.leader_cluster_ids:
        result.leader = leader_dashboard(user, scope)
        result.sections.append("leader")
    if scope.officer_paths:
        result.officer = officer_dashboard(user, scope, today, now)
        result.sections.append("officer")
    if scope.council_body_ids:
        result.council = council_dashboard(user, scope)
        result.sections.append("council")
    return result


__all__ = ["Dashboards", "Figure", "Line", "dashboards_for", "my_meetings", "my_tasks"]
