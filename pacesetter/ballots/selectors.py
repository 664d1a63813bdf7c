"""Reads for the ballot screens. Nothing here joins a voter to a ballot: the roll
(Entitlement) and the ballots (Ballot, BallotChoice) are read apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.accounts.models import Role, RoleAssignment
from pacesetter.clusters.selectors import cluster_members
from pacesetter.core.translations import fields_of, ordered

from . import tally
from .models import Ballot, BallotChoice, Entitlement, Option, PaperTally, Poll, PollState, Vote
from .policies import poll_policy


def poll_list(user: Any) -> QuerySet[Poll]:
    """The polls ``user`` may see, newest first, each with ``option_count``, and whether
    the user is on its roll (``is_entitled``) and has voted (``has_voted``)."""
    mine = Entitlement.objects.filter(poll=OuterRef("pk"), voter=user.pk)
    return (
        poll_policy.visible(user)
        .select_related("owner_unit", "cluster", "body")
        .annotate(
            option_count=Count("options", distinct=True),
            is_entitled=Exists(mine),
            has_voted=Exists(mine.filter(voted=True)),
        )
        .order_by("-pk")
    )


def _designated_voter(unit: Any) -> Any:
    """A unit votes through its officer account (the first, by username)."""
    assignment = (
        RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, unit=unit, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return assignment.user if assignment else None


def roll_for(poll: Poll, voters: Any = None) -> list[Entitlement]:
    """The roll the poll would have if it opened now (unsaved): a cluster's current member
    units (each through its designated account, ``voters`` may name it), or a body's
    current seats held by a person (with their weights). Raises ValidationError when it
    cannot be drawn up."""
    voters = voters or {}
    rows: list[Entitlement] = []
    if poll.cluster_id is not None:
        for membership in cluster_members(poll.cluster):  # type: ignore[arg-type]
            voter = voters.get(membership.unit_id) or _designated_voter(membership.unit)
            if voter is None:
                raise ValidationError(
                    _("%(unit)s has no account to vote with; give it a unit officer first.")
                    % {"unit": membership.unit}
                )
            rows.append(Entitlement(poll=poll, voter=voter, unit=membership.unit))
    else:
        today = timezone.localdate()
        for seat in poll.body.members.filter(start__lte=today).exclude(end__lt=today):  # type: ignore[union-attr]
            voter = seat.user or (_designated_voter(seat.unit) if seat.unit else None)
            if voter is None:
                continue
            rows.append(Entitlement(poll=poll, voter=voter, unit=seat.unit, weight=seat.weight))
    if not rows:
        raise ValidationError(_("Nobody is entitled to vote in this poll."))
    if len({r.voter_id for r in rows}) != len(rows):
        raise ValidationError(_("One account would vote twice; name a different voter."))
    return rows


#: Below this many voters, the result alone tells who voted what.
SMALL_ROLL = 3


def secrecy_warnings(poll: Poll) -> list[str]:
    """What the organizer should know before the secret ballot starts or ends: a roll so
    small that the result names the voters, a weight held by one voter only (their
    ballot carries it, so whoever reads the ballots or the weighted totals knows it is
    theirs), and, once closed, a unanimous vote (publishing it tells how each voted)."""
    if poll.state == PollState.DRAFT:
        try:
            weights = [row.weight for row in roll_for(poll)]
        except ValidationError:
            return []
    elif poll.state in (PollState.OPEN, PollState.CLOSED):
        weights = list(poll.entitlements.values_list("weight", flat=True))
    else:
        return []
    warnings = []
    if len(weights) < SMALL_ROLL:
        warnings.append(
            _(
                "Only %(n)s on the roll: the result will show how each of them voted. "
                "The ballot is not secret in so small a poll."
            )
            % {"n": len(weights)}
        )
    lone = sorted({w for w in weights if weights.count(w) == 1})
    if len(set(weights)) > 1 and lone:
        warnings.append(
            _(
                "A weight held by one voter only (%(weights)s): their ballot carries "
                "that weight, so whoever reads the stored ballots can tell it is theirs. "
                "Give seats of equal weight, or accept that these votes are not secret."
            )
            % {"weights": ", ".join(f"{w.normalize():f}" for w in lone)}
        )
    if poll.state == PollState.CLOSED and _unanimous(poll):
        warnings.append(
            _(
                "Every ballot is the same: publishing the result tells how each voter "
                "on the roll who voted voted."
            )
        )
    return warnings


def _unanimous(poll: Poll) -> bool:
    ballots = Ballot.objects.filter(poll=poll).count()
    if ballots < 1:
        return False
    marks = (
        BallotChoice.objects.filter(ballot__poll=poll)
        .values("option_id", "vote")
        .annotate(n=Count("pk"))
    )
    # Alike when each (option, vote) mark is on every ballot (no marks at all: alike too).
    return all(mark["n"] == ballots for mark in marks)


def poll_options(poll: Poll) -> list[Option]:
    return list(poll.options.order_by("position", "pk"))


def poll_roll(poll: Poll) -> list[Entitlement]:
    """Who is entitled to vote and whether they have: never what they voted."""
    return list(
        Entitlement.objects.filter(poll=poll)
        .select_related("voter", "unit")
        .only(
            "weight",
            "voted",
            "voter__username",
            "voter__first_name",
            "voter__last_name",
            "unit__code",
            "unit__source_language",
            *(f"unit__{name}" for name in fields_of("name", "short_name")),
        )
        .order_by(ordered("unit__name"), "voter__username")
    )


def my_entitlement(user: Any, poll: Poll) -> Entitlement | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Entitlement.objects.filter(poll=poll, voter=user).first()


def paper_tallies(poll: Poll) -> dict[int, PaperTally]:
    return {t.option_id: t for t in poll.paper_tallies.select_related("entered_by")}


def paper_ballot_count(poll: Poll) -> int | None:
    paper = getattr(poll, "paper_ballots", None)
    return paper.count if paper is not None else None


@dataclass(frozen=True)
class ChoiceRow:
    label: str
    vote: str
    vote_label: str


def _choice_rows(choices: dict[str, str], labels: dict[str, str]) -> list[ChoiceRow]:
    order = {option_id: i for i, option_id in enumerate(labels)}
    return [
        ChoiceRow(labels.get(option_id, option_id), vote, str(Vote(vote).label))
        for option_id, vote in sorted(choices.items(), key=lambda c: order.get(c[0], len(order)))
    ]


def _labels(poll: Poll) -> dict[str, str]:
    """Option ids (as the receipts list spells them) to labels, in ballot order."""
    return {str(o.pk): o.label for o in poll_options(poll)}


def published_receipts(poll: Poll) -> list[tuple[str, list[ChoiceRow]]]:
    """Every (receipt, choices) pair of a published poll, ordered by receipt."""
    if poll.state != PollState.PUBLISHED:
        return []
    labels = _labels(poll)
    return [(receipt, _choice_rows(choices, labels)) for receipt, choices in tally.receipts(poll)]


#: What the receipt check answers in a receipt-free poll (page and API).
RECEIPT_FREE_CHECK = gettext_lazy(
    "This poll is receipt-free: no voter got a receipt, so there is none to check. "
    "The published totals and digest cover every ballot."
)

#: Why a published poll shows no list of ballots by receipt, by ``tally.receipts_withheld``.
WITHHELD_NOTES = {
    tally.RECEIPT_FREE: gettext_lazy(
        "This poll is receipt-free: no voter got a receipt, so no list of ballots by receipt "
        "is published, only the totals and the digest over every ballot's choices. Nobody "
        "can prove how they voted, and nobody can check their own ballot."
    ),
    tally.UNEQUAL_WEIGHTS: gettext_lazy(
        "The votes carry different weights, so the list of ballots by receipt is not "
        "published: a weight could point at one voter. Each voter can still check their "
        "own receipt."
    ),
}


def receipts_withheld_note(poll: Poll) -> str | None:
    """Why the published ``poll`` shows no (receipt, choices) list, or None when it does
    (or is not published)."""
    if poll.state != PollState.PUBLISHED:
        return None
    reason = tally.receipts_withheld(poll)
    return str(WITHHELD_NOTES[reason]) if reason else None


def receipt_choices(poll: Poll, receipt: str) -> list[ChoiceRow] | None:
    """The choices recorded under ``receipt`` once the poll is published (an empty list
    for a blank ballot), or None when no ballot of this poll has that receipt."""
    if poll.state != PollState.PUBLISHED:
        return None
    ballot = Ballot.objects.filter(poll=poll, receipt=receipt).first()
    if ballot is None:
        return None
    choices = {str(c.option_id): c.vote for c in BallotChoice.objects.filter(ballot=ballot)}
    return _choice_rows(choices, _labels(poll))


@dataclass
class PublishedResult:
    """A published result as the screens show it (read from ``Poll.result``)."""

    entitled: Decimal
    voted: Decimal
    participation: Decimal  # percent of the entitled weight that voted
    quorum_required: Fraction  # a share of the entitled weight
    quorum_met: bool
    valid: bool
    electronic_ballots: int
    paper_ballots: int
    tie: bool
    options: list[dict[str, Any]] = field(default_factory=list)
    elected: list[str] = field(default_factory=list)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def published_result(poll: Poll) -> PublishedResult | None:
    """The stored result of a published poll, or None before publication."""
    if poll.state != PollState.PUBLISHED or not poll.result:
        return None
    result = poll.result
    entitled, voted = _decimal(result.get("entitled")), _decimal(result.get("voted"))
    elected_ids = set(result.get("elected") or [])
    options = [
        {
            "label": o["label"],
            "yes": _decimal(o["yes"]),
            "no": _decimal(o["no"]),
            "abstain": _decimal(o["abstain"]),
            "passed": bool(o["passed"]),
            "elected": o["option"] in elected_ids,
        }
        for o in result.get("options", [])
    ]
    return PublishedResult(
        entitled=entitled,
        voted=voted,
        participation=voted * 100 / entitled if entitled else Decimal(0),
        quorum_required=poll.quorum,
        quorum_met=bool(result.get("quorum_met")),
        valid=bool(result.get("valid")),
        electronic_ballots=int(result.get("electronic_ballots") or 0),
        paper_ballots=int(result.get("paper_ballots") or 0),
        tie=bool(result.get("tie_at_the_last_seat")),
        options=options,
        elected=[o["label"] for o in options if o["elected"]],
    )
