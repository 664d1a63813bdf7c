"""Counting: quorum and majority rules as pure functions, and the tally of a poll in SQL."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Sum

from pacesetter.core.shares import reached

from .models import Ballot, BallotChoice, Base, Entitlement, Majority, Poll, PollKind, Vote

THRESHOLDS = {
    Majority.ABSOLUTE: (Fraction(1, 2), True),  # strictly more than half
    Majority.TWO_THIRDS: (Fraction(2, 3), False),  # at least two-thirds
    Majority.THREE_QUARTERS: (Fraction(3, 4), False),
}


CENT = Decimal("0.01")


def _d(value: Any) -> Decimal:
    """Weights as two-decimal Decimals, whatever the database returns (SQLite: floats)."""
    return Decimal(str(value or 0)).quantize(CENT)


def quorum_met(*, voted: Decimal, entitled: Decimal, quorum: Fraction) -> bool:
    """At least ``quorum`` (an exact share, 0..1) of the entitled weight took part:
    2 of 3 meets two-thirds."""
    if entitled <= 0:
        return False
    return reached(quorum, present=voted, entitled=entitled)


def passes(*, majority: str, yes: Decimal, no: Decimal, base: Decimal) -> bool:
    """Whether ``yes`` carries under ``majority`` over ``base``.

    Simple: more yes than no (a tie fails). The others: a share of the base, and a
    base of zero never passes.
    """
    if majority == Majority.SIMPLE:
        return yes > no
    if base <= 0:
        return False
    share, strict = THRESHOLDS[Majority(majority)]
    needed = share * Fraction(base)
    return Fraction(yes) > needed if strict else Fraction(yes) >= needed


@dataclass(frozen=True)
class OptionResult:
    option_id: int
    label: str
    yes: Decimal
    no: Decimal
    abstain: Decimal
    passed: bool


def count(poll: Poll) -> dict[str, Any]:
    """The full result: participation, quorum, and each option's votes and outcome.

    Electronic ballots are summed in SQL (weights included) and the paper totals added.
    """
    entitled = _d(Entitlement.objects.filter(poll=poll).aggregate(w=Sum("weight"))["w"])
    electronic = Ballot.objects.filter(poll=poll).aggregate(w=Sum("weight"), n=Count("pk"))
    paper_cast = _d(getattr(getattr(poll, "paper_ballots", None), "count", 0))
    voted = _d(electronic["w"]) + paper_cast
    sums: dict[tuple[int, str], Decimal] = {
        (row["option_id"], row["vote"]): _d(row["w"])
        for row in BallotChoice.objects.filter(ballot__poll=poll)
        .values("option_id", "vote")
        .annotate(w=Sum("ballot__weight"))
    }
    paper = {t.option_id: t for t in poll.paper_tallies.all()}
    options = []
    for option in poll.options.all():
        tally = paper.get(option.pk)
        yes = sums.get((option.pk, Vote.YES), _d(0)) + _d(tally.yes if tally else 0)
        no = sums.get((option.pk, Vote.NO), _d(0)) + _d(tally.no if tally else 0)
        abstain = sums.get((option.pk, Vote.ABSTAIN), _d(0)) + _d(tally.abstain if tally else 0)
        if poll.kind == PollKind.APPROVAL:
            # Approval: not choosing an option counts against it.
            no = voted - yes
            abstain = _d(0)
        if poll.base == Base.VALID:
            base = yes + no
        elif poll.base == Base.CAST:
            base = voted
        else:
            base = entitled
        options.append(
            OptionResult(
                option.pk,
                option.label,
                yes,
                no,
                abstain,
                passes(majority=poll.majority, yes=yes, no=no, base=base),
            )
        )
    valid = quorum_met(voted=voted, entitled=entitled, quorum=poll.quorum)
    elected: list[int] = []
    tie = False
    if poll.kind == PollKind.APPROVAL and valid:
        carried = sorted((o for o in options if o.passed), key=lambda o: o.yes, reverse=True)
        elected = [o.option_id for o in carried[: poll.max_choices]]
        if len(carried) > poll.max_choices:
            tie = carried[poll.max_choices - 1].yes == carried[poll.max_choices].yes
    return {
        "entitled": str(entitled),
        "voted": str(voted),
        "electronic_ballots": electronic["n"],
        "paper_ballots": int(paper_cast),
        "quorum_met": valid,
        "valid": valid,
        "tie_at_the_last_seat": tie,
        "elected": elected,
        "options": [
            {
                "option": o.option_id,
                "label": o.label,
                "yes": str(o.yes),
                "no": str(o.no),
                "abstain": str(o.abstain),
                "passed": o.passed and valid,
            }
            for o in options
        ],
    }


def receipts(poll: Poll) -> list[tuple[str, dict[str, str]]]:
    """Every (receipt, choices) pair, ordered by receipt: what the published tally shows.
    Empty for a receipt-free poll, whose ballots have no receipt."""
    pairs: dict[str, dict[str, str]] = {}
    for receipt, option_id, vote in (
        BallotChoice.objects.filter(ballot__poll=poll, ballot__receipt__isnull=False)
        .values_list("ballot__receipt", "option_id", "vote")
        .order_by("ballot__receipt", "option_id")
    ):
        pairs.setdefault(str(receipt), {})[str(option_id)] = vote
    for receipt in Ballot.objects.filter(poll=poll, receipt__isnull=False).values_list(
        "receipt", flat=True
    ):
        pairs.setdefault(str(receipt), {})  # a blank ballot counts too
    return sorted(pairs.items())


def ballot_marks(poll: Poll) -> list[dict[str, str]]:
    """Every ballot's choices without its receipt, in a canonical order (not the order of
    casting): what the digest of a receipt-free poll covers."""
    marks: dict[Any, dict[str, str]] = {
        pk: {} for pk in Ballot.objects.filter(poll=poll).values_list("pk", flat=True)
    }
    for ballot_id, option_id, vote in BallotChoice.objects.filter(ballot__poll=poll).values_list(
        "ballot_id", "option_id", "vote"
    ):
        marks[ballot_id][str(option_id)] = vote
    return sorted(marks.values(), key=lambda m: json.dumps(m, sort_keys=True))


def poll_digest(poll: Poll) -> str:
    """The digest publication stores and the recount compares: over every (receipt,
    choices) pair, or, in a receipt-free poll, over every ballot's choices alone."""
    if poll.receipt_free:
        return digest(ballot_marks(poll))
    return digest(receipts(poll))


#: Why a published poll shows no (receipt, choices) list, by code.
RECEIPT_FREE = "receipt_free"
UNEQUAL_WEIGHTS = "unequal_weights"


def receipts_withheld(poll: Poll) -> str | None:
    """Why the (receipt, choices) list of ``poll`` is not published, or None when it is.

    A receipt-free poll has no receipts to publish. With unequal weights, a receipt whose
    marks explain an odd share of the totals would point at the one seat with that
    weight; such polls publish the totals and the digest, and each voter still checks
    their own receipt."""
    if poll.receipt_free:
        return RECEIPT_FREE
    if Entitlement.objects.filter(poll=poll).values("weight").distinct().count() > 1:
        return UNEQUAL_WEIGHTS
    return None


def receipts_public(poll: Poll) -> bool:
    """Whether the (receipt, choices) list may be published (see ``receipts_withheld``)."""
    return receipts_withheld(poll) is None


def digest(pairs: list[tuple[str, dict[str, str]]] | list[dict[str, str]]) -> str:
    """SHA-256 over the canonical list of (receipt, choices), or of choices alone: anyone
    holding the same list can recompute it."""
    payload = json.dumps(pairs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
