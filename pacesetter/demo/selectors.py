"""What the demo offers a person who just loaded it: its accounts and what each may do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pacesetter.accounts.models import RoleAssignment, User
from pacesetter.awards.models import AwardGrant, Proposal
from pacesetter.ballots.models import Poll, PollState
from pacesetter.campaigns.models import Campaign

from .data import ADMIN_USERNAME, AWARD_DECISIONS, AWARD_PROPOSALS, CAMPAIGNS, CASES


@dataclass(frozen=True)
class DemoLogin:
    username: str
    roles: tuple[tuple[str, str], ...]  # (role, scope), as stored in the database


@dataclass(frozen=True)
class DemoGroup:
    title: str
    logins: tuple[DemoLogin, ...]


def demo_logins() -> list[DemoGroup]:
    """The demo accounts that exist, case by case, with the roles they really hold."""
    usernames = [account.username for case in CASES for account in case.accounts]
    roles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    assignments = (
        RoleAssignment.objects.filter(user__username__in=usernames)
        .select_related("user", "unit", "cluster", "body")
        .order_by("pk")
    )
    for assignment in assignments:
        scope = assignment.unit or assignment.cluster or assignment.body
        roles[assignment.user.username].append((assignment.get_role_display(), str(scope)))
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    groups = [
        DemoGroup(
            case.title,
            tuple(
                DemoLogin(account.username, tuple(roles[account.username]))
                for account in case.accounts
                if account.username in existing
            ),
        )
        for case in CASES
    ]
    if User.objects.filter(username=ADMIN_USERNAME, is_superuser=True).exists():
        groups.append(
            DemoGroup(
                "Administration",
                (DemoLogin(ADMIN_USERNAME, (("Superuser", "everything, and /admin/"),)),),
            )
        )
    return [group for group in groups if group.logins]


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    state: str
    review_points: tuple[tuple[str, str], ...]  # (name, state), in the campaign's order


def demo_campaigns() -> list[DemoCampaign]:
    """The demo's campaigns that exist, with their state and review points."""
    campaigns = (
        Campaign.objects.filter(code__in=[campaign.code for campaign in CAMPAIGNS])
        .prefetch_related("review_points")
        .order_by("organizer__path", "start", "pk")
    )
    return [
        DemoCampaign(
            campaign.name,
            campaign.get_state_display(),
            tuple(
                (point.name, point.get_state_display()) for point in campaign.review_points.all()
            ),
        )
        for campaign in campaigns
    ]


@dataclass(frozen=True)
class DemoAwards:
    grants: int
    proposals: tuple[tuple[str, int], ...]  # (state label, how many)
    polls: int
    published_polls: int


def demo_awards() -> DemoAwards:
    """The demo's granted awards, proposals by state and the proposals' polls."""
    grants = AwardGrant.objects.filter(
        decision__number__in=[d.number for d in AWARD_DECISIONS], revoked_at__isnull=True
    ).count()
    proposals = Proposal.objects.filter(
        proposer_unit__code__in={p.proposer for p in AWARD_PROPOSALS}
    )
    states: dict[str, int] = defaultdict(int)
    for proposal in proposals:
        states[proposal.get_state_display()] += 1
    polls = Poll.objects.filter(cluster_proposal__in=proposals) | Poll.objects.filter(
        council_proposal__in=proposals
    )
    return DemoAwards(
        grants=grants,
        proposals=tuple(sorted(states.items())),
        polls=polls.count(),
        published_polls=polls.filter(state=PollState.PUBLISHED).count(),
    )


@dataclass(frozen=True)
class DemoMeeting:
    title: str
    date: str
    place: str
    present: int
    expected: int


@dataclass(frozen=True)
class DemoPlan:
    name: str
    tasks: int
    progress: str
    closed: bool = False


def demo_key_work() -> tuple[list[DemoMeeting], list[DemoPlan]]:
    """The demo's meetings (with attendance) and work plans (with their roll-up)."""
    from pacesetter.meetings.models import Meeting
    from pacesetter.meetings.selectors import attendance
    from pacesetter.workplans.models import PlanState, WorkPlan
    from pacesetter.workplans.selectors import plan_rollup

    from .data import MEETINGS, PLANS
    from .specs import english

    meetings = []
    titles = [english(m.title) for m in MEETINGS]
    for meeting in Meeting.objects.filter(title_en__in=titles).order_by("starts_at"):
        counts = attendance(meeting)
        meetings.append(
            DemoMeeting(
                meeting.title,
                f"{meeting.starts_at:%Y-%m-%d}",
                meeting.place,
                counts.present,
                counts.expected,
            )
        )
    plans = []
    for plan in WorkPlan.objects.filter(name_en__in=[english(p.name) for p in PLANS]).order_by(
        "period_start"
    ):
        result = plan_rollup(plan, plan.period_end)
        progress = f"{result.plan}%" if result.plan is not None else "-"
        plans.append(
            DemoPlan(plan.name, plan.tasks.count(), progress, plan.state == PlanState.CLOSED)
        )
    return meetings, plans
