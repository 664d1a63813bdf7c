"""The shapes of the demo data: plain, frozen records the loader turns into service calls.

Records refer to each other by code (units, clusters) or by key (decisions, bodies),
so a data module reads like the report it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from pacesetter.bodies.models import MemberPosition
from pacesetter.core.translations import Text
from pacesetter.scoring.models import Direction, Method, ZeroTarget

#: A text of the demo: a plain string (English, the source) or ``T(vi=..., en=...)``.
Txt = str | Text


def T(**texts: str) -> dict[str, str]:
    """A text by language; the first language given is the record's source language
    (``zh_hans`` stands for ``zh-hans``)."""
    return {language.replace("_", "-"): text for language, text in texts.items()}


def source_of(*texts: Txt) -> str:
    """The source language of a record whose texts are ``texts``: the first language of
    its first text given by language, else English."""
    for text in texts:
        if not isinstance(text, str) and text:
            return next(iter(text))
    return "en"


def english(text: Txt) -> str:
    """The English value of a demo text (for the loader's own lookups and output)."""
    return text if isinstance(text, str) else text.get("en", next(iter(text.values()), ""))


@dataclass(frozen=True)
class UnitTypeSpec:
    code: str
    name: Txt
    description: Txt = ""


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: Txt
    unit_type: str  # a UnitTypeSpec code
    short_name: Txt = ""
    ownership_type: str = ""
    industry: Txt = ""
    area: Txt = ""
    children: tuple[UnitSpec, ...] = ()


@dataclass(frozen=True)
class DecisionSpec:
    key: str
    number: str
    date: date
    issuer: Txt
    recorded_by: str  # unit code
    title: Txt = ""
    signer_title: Txt = ""
    signed_for: Txt = ""
    place: Txt = ""
    file_name: str = ""  # a one-page PDF placeholder is generated when set
    file_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeaderSpec:
    year: int
    role: str  # LeadershipRole value
    unit: str
    assigned_on: date


@dataclass(frozen=True)
class ClusterSpec:
    code: str
    name: Txt
    owner: str  # unit code
    members: tuple[str, ...]
    members_from: date
    decision: str = ""  # decision key
    description: Txt = ""
    leaders: tuple[LeaderSpec, ...] = ()


@dataclass(frozen=True)
class TermSpec:
    name: Txt
    start: date
    end: date | None = None


@dataclass(frozen=True)
class SeatSpec:
    """A seat held by a unit (through its representative) or by a demo account."""

    start: date
    unit: str = ""
    username: str = ""
    position: str = MemberPosition.MEMBER


@dataclass(frozen=True)
class BodyPollSpec:
    """A body's secret yes/no poll: ``votes`` maps the usernames who cast a ballot to
    their vote by option label; the other seats are entitled but do not vote."""

    body: str  # body key
    owner: str  # unit code
    title: str
    options: tuple[str, ...]
    manager: str  # username of the committee staff who runs it
    votes: dict[str, dict[str, str]]
    held_on: date | None = None  # the day it is opened, voted, closed and published


@dataclass(frozen=True)
class BodySpec:
    key: str
    name: Txt
    kind: str  # BodyKind value
    owner: str  # unit code
    description: Txt = ""
    term: TermSpec | None = None
    seats: tuple[SeatSpec, ...] = ()


@dataclass(frozen=True)
class GrantSpec:
    """A role over a unit subtree (unit code), a cluster (code) or a body (key)."""

    role: str
    unit: str = ""
    cluster: str = ""
    body: str = ""


@dataclass(frozen=True)
class AccountSpec:
    username: str
    grants: tuple[GrantSpec, ...]


@dataclass(frozen=True)
class CaseSpec:
    """One real case of the product brief: an organization and its network."""

    title: str
    root: UnitSpec
    #: Where the organization works: its root unit's time zone, which its units and
    #: their meetings take.
    time_zone: str = ""
    #: Where it is (ISO 3166 alpha-2): its root unit's country, which its units take and
    #: whose award catalog they propose from.
    country: str = ""
    decisions: tuple[DecisionSpec, ...] = ()
    clusters: tuple[ClusterSpec, ...] = ()
    bodies: tuple[BodySpec, ...] = ()
    accounts: tuple[AccountSpec, ...] = ()


# --- campaigns and scoring ------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    """A group or criterion of a scoring table; ``parent`` is the code of its group."""

    code: str
    title: Txt
    kind: str  # CriterionKind value
    position: int
    max_points: Decimal = Decimal(0)
    parent: str = ""
    method: str = Method.PROPORTIONAL
    direction: str = Direction.HIGHER
    points_per_item: Decimal = Decimal(0)
    measure: Txt = ""
    zero_target: str = ZeroTarget.NOT_ASSIGNED
    guidance: Txt = ""


@dataclass(frozen=True)
class TableSpec:
    """An adopted scoring table. With ``cloned_from`` (a table key) it is that table
    cloned into ``year``, then changed criterion by criterion to match ``criteria``."""

    key: str
    name: Txt
    owner: str  # unit code
    year: int
    criteria: tuple[CriterionSpec, ...]
    author: str  # the username of the committee staff who set it up
    cloned_from: str = ""
    description: Txt = ""
    adopted_on: date | None = None  # by default the second day of its year


@dataclass(frozen=True)
class PhaseSpec:
    name: Txt
    start: date
    end: date


@dataclass(frozen=True)
class ReviewPointSpec:
    code: str
    name: Txt
    period_end: date
    due: date


@dataclass(frozen=True)
class TargetSpec:
    """One line of a unit's pact: a target, or the criterion marked not assigned."""

    criterion: str
    target: Decimal | None = None
    not_assigned: bool = False
    note: str = ""


@dataclass(frozen=True)
class PactSpec:
    cluster: str
    signed_on: date
    signer_unit: str
    signed_by: str  # username
    file_name: str = ""
    file_lines: tuple[str, ...] = ()


#: What a unit reports for a criterion: an actual (quantitative), a count (count, bonus,
#: penalty) or whether it is met / applies (pass/fail, veto).
Result = Decimal | int | bool


@dataclass(frozen=True)
class ItemStepSpec:
    """A reviewer's change to one item at one step (``inspect``, ``review`` or
    ``finalize``): a different score with a note, or first a question that returns the
    item to the unit, which answers and resubmits."""

    unit: str
    criterion: str
    step: str
    score: Decimal | None = None
    note: str = ""
    question: str = ""
    answer: str = ""


@dataclass(frozen=True)
class ReviewRunSpec:
    """A review point worked through: opened, reported and self-scored by every unit,
    cross-inspected, reviewed, finalized and published."""

    code: str
    results: dict[str, dict[str, Result]]  # unit code -> criterion code -> result
    inspections: tuple[tuple[str, str], ...] = ()  # (unit, inspector unit)
    steps: tuple[ItemStepSpec, ...] = ()


@dataclass(frozen=True)
class CampaignSpec:
    """A campaign and how far it has gone. Actors: ``staff`` (the organizer's committee
    staff), ``leader`` (the cluster leader's account) and ``officers`` (unit code ->
    the account that reports for the unit)."""

    code: str
    name: Txt
    kind: str  # CampaignKind value
    organizer: str  # unit code
    start: date
    end: date
    table: str  # table key
    staff: str
    officers: dict[str, str]
    leader: str = ""
    predecessor: str = ""  # campaign code
    registration_due: date | None = None
    description: Txt = ""
    phases: tuple[PhaseSpec, ...] = ()
    review_points: tuple[ReviewPointSpec, ...] = ()
    clusters: tuple[str, ...] = ()  # joined with their members
    pilots: tuple[tuple[str, str], ...] = ()  # (unit, cluster) joined as pilot units
    targets: dict[str, tuple[TargetSpec, ...]] = field(default_factory=dict)
    pact: PactSpec | None = None
    reviews: tuple[ReviewRunSpec, ...] = ()
    then_open: str = ""  # a review point opened once the reviews are published
    close: bool = False


# --- awards -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardSpec:
    """An award of the catalog, created by the demo only when the award presets
    (``load_award_presets``) are not installed; the presets update it by code."""

    code: str
    name: str
    name_vi: str
    name_zh: str
    level: str  # AwardLevel value
    recipient_kind: str  # RecipientKind value
    issuer: str
    preset: str = ""
    quota_count: int | None = None
    quota_percent: Decimal | None = None
    rule_from: date | None = None
    rule: dict[str, object] | None = None
    rule_description: str = ""


@dataclass(frozen=True)
class LocalRuleSpec:
    """A rule version the demo's committee applies for a while (award code), kept
    apart from the presets' versions by its dates; ``author`` (a username) adds it."""

    award: str
    valid_from: date
    valid_to: date
    rule: dict[str, object]
    description: str
    author: str


@dataclass(frozen=True)
class GrantHistorySpec:
    """Awards granted in a past year by a recorded decision (decision key)."""

    decision: str
    award: str  # award code
    year: int
    units: tuple[str, ...]
    achievement: str = ""
    recorded_by: str = ""  # the username of the committee staff who records them


@dataclass(frozen=True)
class ProposalSpec:
    """A proposal drafted from a published ranking (``campaign`` and ``review_point``
    codes) or, without them, by nominating ``units``; taken as far as ``until`` (a
    ProposalState value: ``sent`` or ``decided``).

    Actors: ``proposed_by`` (the cluster leader's or the proposer unit's account) drafts,
    runs the cluster vote and sends; ``committee_staff`` closes and publishes the vote,
    accepts and records the decision. ``votes`` maps a voter's username to the votes
    it casts (candidate unit code -> yes/no/abstain); anyone else entitled votes yes.
    """

    key: str
    award: str  # award code
    proposer: str  # unit code
    proposed_by: str  # username
    committee: str  # unit code
    committee_staff: str  # username
    decision_date: date
    until: str
    achievement_report: str = ""
    campaign: str = ""
    review_point: str = ""
    cluster: str = ""
    year: int | None = None
    units: tuple[str, ...] = ()
    achievement: str = ""
    achievement_key: str = ""
    cluster_vote: bool = False
    voted_on: date | None = None  # the cluster vote's day
    votes: dict[str, dict[str, str]] = field(default_factory=dict)
    decision: str = ""  # decision key, when decided


# --- key work and meetings (issue 5) ---------------------------------------------


@dataclass(frozen=True)
class ChainSpec:
    key: str
    name: Txt
    owner: str  # unit code
    leader: str  # unit code
    members: tuple[str, ...]  # unit codes, upstream first
    description: Txt = ""


@dataclass(frozen=True)
class MilestoneSpec:
    title: Txt
    due: date
    done_on: date | None = None


@dataclass(frozen=True)
class KeyTaskSpec:
    """A key task; ``progress`` and ``note`` are the lead's report as of the demo's
    reporting date, ``done_on`` when it was finished."""

    code: str
    title: Txt
    lead: str  # unit code
    start: date
    due: date
    scope: Txt = ""
    measures: Txt = ""
    lead_person: str = ""  # username
    supporting: tuple[str, ...] = ()
    chain: str = ""  # chain key
    progress: Decimal | None = None
    note: str = ""
    done_on: date | None = None
    milestones: tuple[MilestoneSpec, ...] = ()
    outcome: tuple[str, str] = ("", "")  # (rating, narrative)


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: Txt
    lead: str  # unit code
    description: Txt = ""
    chain: str = ""
    tasks: tuple[KeyTaskSpec, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    key: str
    body: str  # body key
    name: Txt
    kind: str  # PlanKind value
    start: date
    end: date
    manager: str  # username of the committee staff who keeps it
    projects: tuple[ProjectSpec, ...] = ()
    tasks: tuple[KeyTaskSpec, ...] = ()  # key tasks placed directly in the plan
    #: The day the leads' reports (a task's ``progress`` and ``note``) and the reviews
    #: are as of; by default the plan's last day. A task done reports on its ``done_on``.
    reported_on: date | None = None


@dataclass(frozen=True)
class AgendaSpec:
    title: Txt
    minutes: int = 0
    speaker: str = ""
    speaker_unit: str = ""
    children: tuple[AgendaSpec, ...] = ()


@dataclass(frozen=True)
class ResolutionSpec:
    text: Txt
    plan: str = ""  # plan key of the tasks it creates
    tasks: tuple[KeyTaskSpec, ...] = ()


@dataclass(frozen=True)
class FindingSpec:
    unit: str
    topic: str
    text: str
    follow_up: KeyTaskSpec | None = None


@dataclass(frozen=True)
class InviteeGroupSpec:
    """``count`` invitees who are not individually named in the report (``label`` gets a
    number), of whom ``present`` came."""

    label: str
    count: int
    present: int
    role: str = "member"


@dataclass(frozen=True)
class DelegationSpec:
    """A unit's delegation (``unit``, a unit code) or an organization's outside the tree
    (``label``) of ``size`` people, of whom ``present`` came (``None``: all; 0: the
    delegation did not come)."""

    size: int
    unit: str = ""
    label: str = ""
    present: int | None = None
    head: str = ""
    role: str = "member"


@dataclass(frozen=True)
class MeetingSpec:
    key: str
    kind: str  # MeetingKind value
    title: Txt
    organizer: str  # unit code
    organized_by: str  # username of the committee staff who runs it
    starts_at: str  # ISO local date-time
    ends_at: str
    place: Txt
    chair: str = ""
    description: Txt = ""
    topics: tuple[str, ...] = ()
    body: str = ""  # body key: its members are invited
    chain: str = ""
    quorum: Fraction = Fraction(0)
    unit_invitees: tuple[str, ...] = ()  # unit codes, all present
    unit_guests: tuple[str, ...] = ()  # unit codes invited as guests, all present
    absent_units: tuple[str, ...] = ()
    groups: tuple[InviteeGroupSpec, ...] = ()
    delegations: tuple[DelegationSpec, ...] = ()
    agenda: tuple[AgendaSpec, ...] = ()
    resolutions: tuple[ResolutionSpec, ...] = ()
    visited: tuple[str, ...] = ()
    findings: tuple[FindingSpec, ...] = ()
    follow_up_plan: str = ""
    held: bool = True
    minutes: str = ""  # "", "draft" (drafted from the record) or "final" (then locked)
    timezone: str = "Asia/Shanghai"
