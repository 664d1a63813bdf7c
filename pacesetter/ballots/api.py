"""JSON API for secret ballots: /api/v1/polls.

Secrecy: no endpoint returns anything that links a voter to a choice. The roll shows
managers who has voted (yes/no) and never what; the ballots appear only once the poll is
published, as (receipt, choices) pairs with no voter; a voter checks their own ballot by
its receipt. The result, the receipts and the digest stay hidden until publication. A
receipt-free poll (``verification``) hands out no receipt and publishes no pairs: only
the totals and the digest.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.bodies.api import BodyRef
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.api import ClusterRef
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.api_types import (
    VERSION_IN,
    VERSION_OUT,
    Id,
    Paged,
    Position,
    Quantity,
    ShareIn,
    ShareOut,
    Version,
)
from pacesetter.core.refs import resolve_ref
from pacesetter.units.api import UnitRef
from pacesetter.units.policies import unit_policy

from . import selectors, tally
from .models import (
    Ballot,
    BallotChoice,
    Base,
    Entitlement,
    Majority,
    Poll,
    PollKind,
    PollState,
    Verification,
    Vote,
)
from .policies import may_vote, poll_policy
from .services import (
    ballot_cast,
    paper_tally_enter,
    poll_close,
    poll_create,
    poll_open,
    poll_publish,
    poll_update,
)
from .workflows import poll_workflow

router = Router(tags=["polls"])


# --- schemas -------------------------------------------------------------------------


class OptionOut(Schema):
    id: Id
    label: str
    position: Position


class PollOut(Schema):
    id: Id
    title: str
    kind: PollKind
    state: PollState
    owner_unit: UnitRef
    cluster: ClusterRef | None
    body: BodyRef | None
    max_choices: int
    quorum: ShareOut = Field(description="Share of the entitled weight that must vote: n/d.")
    majority: Majority
    base: Base
    verification: Verification = Field(
        description="individual: each voter gets a receipt to check (and could show) "
        "their ballot; receipt_free: no receipts, and no (receipt, choices) list."
    )
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    published_at: dt.datetime | None


class OptionResultOut(Schema):
    option: Id
    label: str
    yes: Decimal
    no: Decimal
    abstain: Decimal
    passed: bool


class ResultOut(Schema):
    """The published count (weights included; paper ballots added)."""

    entitled: Decimal
    voted: Decimal
    electronic_ballots: int
    paper_ballots: int
    quorum_met: bool
    valid: bool
    tie_at_the_last_seat: bool
    elected: list[int]
    options: list[OptionResultOut]


class PublishedBallotOut(Schema):
    """One published ballot: the voter's random receipt and the marks, keyed by option id.
    No voter, no time, no weight."""

    receipt: str
    choices: dict[str, Vote]


class PollDetailOut(PollOut):
    version: Version = VERSION_OUT
    options: list[OptionOut]
    entitled_count: int = Field(description="Voters on the roll (0 before opening).")
    voted_count: int = Field(description="How many of them have voted.")
    may_vote: bool = Field(description="Whether the requesting user may cast a ballot now.")
    has_voted: bool = Field(description="Whether the requesting user has cast their ballot.")
    result: ResultOut | None = Field(description="Only once the poll is published.")
    digest: str | None = Field(description="SHA-256 over the published ballots.")
    receipts: list[PublishedBallotOut] | None = Field(
        description="Only once published, and only in an individual poll whose votes all "
        "weigh the same (see receipts_withheld)."
    )
    receipts_withheld: str | None = Field(
        description="Once published, why there is no receipts list: receipt_free (the "
        "poll hands out no receipts) or unequal_weights (a weight could point at a "
        "voter); null when the list is published."
    )
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (open, close, paper_tally, "
        "publish), from the poll's workflow."
    )


class RollEntryOut(Schema):
    """Who is on the roll and whether they have voted: never what they voted."""

    voter: str
    unit: UnitRef | None
    weight: Decimal
    voted: bool


class PollFilters(Schema):
    q: str = ""
    state: PollState | None = None
    cluster: Id | None = None
    body: Id | None = None


class PollIn(Schema):
    """A cluster poll (one vote per member unit) names ``cluster_id``; a body's poll
    names ``body_id``; exactly one of them."""

    owner_unit_id: Id
    title: str
    kind: PollKind = PollKind.YES_NO
    options: list[str]
    cluster_id: Id | None = None
    body_id: Id | None = None
    max_choices: int = Field(1, ge=1, le=1000)
    quorum: ShareIn = Field(Fraction(0))
    majority: Majority = Majority.SIMPLE
    base: Base = Base.VALID
    verification: Verification = Field(
        Verification.INDIVIDUAL,
        description="individual (a receipt per voter, the pairs published) or "
        "receipt_free (no receipt, only totals and digest published).",
    )


class PollPatch(Schema):
    """Settings of a draft poll; only the fields sent change. Refused once it is open."""

    verification: Verification | None = None
    version: Version | None = VERSION_IN


class TotalsIn(Schema):
    yes: Quantity = Field(0, ge=0)
    no: Quantity = Field(0, ge=0)
    abstain: Quantity = Field(0, ge=0)


class PaperTallyIn(Schema):
    """How many paper ballots were cast and, per option id, the hand-counted totals."""

    ballots: Quantity = Field(ge=0)
    totals: dict[int, TotalsIn]


class VoteIn(Schema):
    """The marks, keyed by option id: ``yes``, ``no`` or ``abstain`` (approval polls:
    ``yes`` on up to K options)."""

    choices: dict[int, Vote]


class ReceiptOut(Schema):
    receipt: str | None = Field(
        description="Keep it to check the published tally; null in a receipt-free poll."
    )


class VerifyIn(Schema):
    receipt: str = Field(max_length=64)


class VerifyOut(Schema):
    receipt: str
    counted: bool
    choices: dict[str, Vote]
    digest: str


# --- read helpers --------------------------------------------------------------------


def _detail(poll: Poll, user: Any) -> dict[str, Any]:
    counts = Entitlement.objects.filter(poll=poll).aggregate(
        n=Count("pk"), voted=Count("pk", filter=Q(voted=True))
    )
    mine = selectors.my_entitlement(user, poll)
    published = poll.state == PollState.PUBLISHED
    withheld = tally.receipts_withheld(poll) if published else None
    return {
        **{f: getattr(poll, f) for f in PollOut.model_fields},
        "version": poll.version,
        "options": list(poll.options.all()),
        "entitled_count": counts["n"],
        "voted_count": counts["voted"],
        "may_vote": bool(may_vote(user, poll)),
        "has_voted": bool(mine and mine.voted),
        "result": poll.result if published else None,
        "digest": poll.digest if published else None,
        "receipts": (
            [{"receipt": r, "choices": c} for r, c in tally.receipts(poll)]
            if published and withheld is None
            else None
        ),
        "receipts_withheld": withheld,
        "allowed_actions": poll_workflow.allowed_list(user, poll),
    }


def _polls() -> models.QuerySet[Poll]:
    return Poll.objects.select_related("owner_unit", "cluster", "body")


def poll_detail_out(poll: Poll, user: Any) -> dict[str, Any]:
    """The poll as ``PollDetailOut`` shows it to ``user`` (with its ``allowed_actions``):
    for endpoints elsewhere that create a poll, such as a meeting's ballot."""
    return _detail(_polls().get(pk=poll.pk), user)


def _access(user: Any, poll_id: Id, action: str = "view") -> Poll:
    poll = poll_policy.access(user, poll_id, action)
    return _polls().get(pk=poll.pk)


# --- polls ---------------------------------------------------------------------------


@router.get("", response=list[PollOut])
@paginate(Paged)
def poll_list(request: HttpRequest, filters: Query[PollFilters]) -> models.QuerySet[Poll]:
    """Polls the user may see (its voters, its managers, and the viewers of the voting
    cluster or body), newest first. ``q`` searches the title; ``state``, ``cluster`` and
    ``body`` (ids) filter."""
    qs = poll_policy.visible(request.user, "view").select_related("owner_unit", "cluster", "body")
    if filters.q.strip():
        qs = qs.filter(title__icontains=filters.q.strip())
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.cluster is not None:
        qs = qs.filter(cluster_id=filters.cluster)
    if filters.body is not None:
        qs = qs.filter(body_id=filters.body)
    return qs.order_by("-pk")


@router.get("/{int:poll_id}", response=PollDetailOut)
def poll_detail(request: HttpRequest, poll_id: Id) -> dict[str, Any]:
    """A poll with its options and state. ``result``, ``digest`` and ``receipts`` are
    null until the poll is published."""
    return _detail(_access(request.user, poll_id), request.user)


@router.get("/{int:poll_id}/roll", response=list[RollEntryOut])
def poll_roll(request: HttpRequest, poll_id: Id) -> list[dict[str, Any]]:
    """The roll (managers only): each voter, the unit they vote for, their weight and
    whether they have voted. Never what they voted."""
    poll = _access(request.user, poll_id, "manage")
    return [
        {
            "voter": row.voter.get_full_name() or row.voter.get_username(),
            "unit": row.unit,
            "weight": row.weight,
            "voted": row.voted,
        }
        for row in selectors.poll_roll(poll)
    ]


@router.post("", response={201: PollDetailOut})
def poll_create_endpoint(request: HttpRequest, payload: PollIn) -> Status[dict[str, Any]]:
    """Set up a poll (a draft) organized by ``owner_unit_id``; needs committee staff over
    that unit, who then manage the poll."""
    user = request.user
    owner = resolve_ref(unit_policy, user, payload.owner_unit_id, "manage", "owner_unit_id")
    cluster = (
        resolve_ref(cluster_policy, user, payload.cluster_id, "update", "cluster_id")
        if payload.cluster_id is not None
        else None
    )
    body = (
        resolve_ref(body_policy, user, payload.body_id, "update", "body_id")
        if payload.body_id is not None
        else None
    )
    voting = cluster or body
    if voting is not None and voting.owner_unit_id != owner.pk:
        # The poll belongs to whoever runs the voting cluster or body, as on the screen.
        raise ValidationError(
            {"owner_unit_id": _("A poll is organized by the unit that runs its voters.")}
        )
    poll = poll_create(
        actor=user,
        owner_unit=owner,
        title=payload.title,
        kind=payload.kind,
        options=payload.options,
        cluster=cluster,
        body=body,
        max_choices=payload.max_choices,
        quorum=payload.quorum,
        majority=payload.majority,
        base=payload.base,
        verification=payload.verification,
    )
    return Status(201, _detail(_polls().get(pk=poll.pk), user))


@router.patch("/{int:poll_id}", response=PollDetailOut)
def poll_update_endpoint(request: HttpRequest, poll_id: Id, payload: PollPatch) -> dict[str, Any]:
    """Change a draft poll's ``verification`` (managers). Once the poll is open it is
    refused with 422 ``poll_not_draft`` on the field: voters may hold receipts already,
    or have voted trusting that none exist."""
    poll = _access(request.user, poll_id, "manage")
    poll_update(actor=request.user, poll=poll, **payload.dict(exclude_unset=True))
    return _detail(_polls().get(pk=poll.pk), request.user)


@router.post("/{int:poll_id}/open", response=PollDetailOut)
def poll_open_endpoint(request: HttpRequest, poll_id: Id) -> dict[str, Any]:
    """Open the poll and fix the roll: a cluster's current member units (each through its
    unit officer account) or a body's current members, with their weights."""
    poll = _access(request.user, poll_id, "manage")
    poll_open(actor=request.user, poll=poll)
    return _detail(_polls().get(pk=poll.pk), request.user)


@router.post("/{int:poll_id}/close", response=PollDetailOut)
def poll_close_endpoint(request: HttpRequest, poll_id: Id) -> dict[str, Any]:
    """Stop casting (managers)."""
    poll = _access(request.user, poll_id, "manage")
    poll_close(actor=request.user, poll=poll)
    return _detail(_polls().get(pk=poll.pk), request.user)


@router.post("/{int:poll_id}/publish", response=PollDetailOut)
def poll_publish_endpoint(request: HttpRequest, poll_id: Id) -> dict[str, Any]:
    """Count and publish the result, every (receipt, choices) pair and their digest."""
    poll = _access(request.user, poll_id, "manage")
    poll_publish(actor=request.user, poll=poll)
    return _detail(_polls().get(pk=poll.pk), request.user)


@router.post("/{int:poll_id}/paper-tally", response=PollDetailOut)
def paper_tally_endpoint(
    request: HttpRequest, poll_id: Id, payload: PaperTallyIn
) -> dict[str, Any]:
    """Enter the hand-counted paper ballots (managers; while open or closed): the number
    cast and per option id ``{"yes", "no", "abstain"}``. Who entered them is kept."""
    poll = _access(request.user, poll_id, "manage")
    paper_tally_enter(
        actor=request.user,
        poll=poll,
        ballots=payload.ballots,
        totals={k: (t.yes, t.no, t.abstain) for k, t in payload.totals.items()},
    )
    return _detail(_polls().get(pk=poll.pk), request.user)


@router.post("/{int:poll_id}/vote", response={201: ReceiptOut})
def poll_vote(request: HttpRequest, poll_id: Id, payload: VoteIn) -> Status[dict[str, str | None]]:
    """Cast the requesting user's secret ballot and answer its random receipt (keep it to
    check the published tally). In a receipt-free poll ``receipt`` is null: there is none,
    so nobody can make the voter prove how they voted.

    Refusals, in the one error shape: a poll the user cannot see is 404; a user who sees
    the poll but is not on its roll is 403 (``forbidden``); a second ballot
    (``already_voted``), a poll that is not open (``poll_closed``), or marks that do not
    fit the poll (``invalid``) are 422. Nothing links
    the ballot to the voter: no audit entry is written.
    """
    user = request.user
    refusal: Exception | None = None
    if user.is_active:
        # A voter on the roll may see the poll (the policy's ``view`` rule), and the cast
        # reads the roll itself, under its lock: so the poll's access is checked only
        # for a refusal, to answer 404 for a poll the user cannot see and 403 for one
        # they see but are not on the roll of (docs/performance.md, the hot path).
        try:
            receipt = ballot_cast(voter=user, poll=Poll(pk=poll_id), choices=payload.choices)
        except (ValidationError, Poll.DoesNotExist) as exc:
            refusal = exc
        else:
            return Status(201, {"receipt": receipt})
    poll = poll_policy.access(user, poll_id)
    if (
        not isinstance(refusal, ValidationError)
        or getattr(refusal, "code", None) == "not_eligible"
        or not may_vote(user, poll)
    ):
        raise PermissionDenied(_("You are not entitled to vote in this poll."))
    raise refusal


@router.post("/{int:poll_id}/verify", response=VerifyOut)
def poll_verify(request: HttpRequest, poll_id: Id, payload: VerifyIn) -> dict[str, Any]:
    """Check a receipt against the published tally: answers the choices recorded under
    it. Before publication, and for a receipt not in the tally, 404. A receipt-free poll
    has no receipts to check: 422 ``receipt_free``."""
    poll = poll_policy.access(request.user, poll_id)
    if poll.receipt_free:
        raise ValidationError(str(selectors.RECEIPT_FREE_CHECK), code="receipt_free")
    if poll.state != PollState.PUBLISHED:
        raise Http404(_("The result is not published yet."))
    ballot = (
        Ballot.objects.filter(poll=poll, receipt=payload.receipt.strip())
        .prefetch_related(Prefetch("choices", queryset=BallotChoice.objects.all()))
        .first()
    )
    if ballot is None:
        raise Http404(_("No ballot has this receipt."))
    return {
        "receipt": ballot.receipt,
        "counted": True,
        "choices": {str(c.option_id): c.vote for c in ballot.choices.all()},
        "digest": poll.digest,
    }
