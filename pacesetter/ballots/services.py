"""Polls: set up, open, cast, close, publish. Each write is one transaction with its
audit entry, except that casting a ballot writes no audit entry that could link a voter
to a ballot (the entitlement's ``voted`` flag is the record that someone voted)."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record
from pacesetter.bodies.models import Body
from pacesetter.clusters.models import Cluster
from pacesetter.core import clock
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.shares import as_share, check_share
from pacesetter.units.models import Unit

from . import tally
from .models import (
    Ballot,
    BallotChoice,
    Base,
    Entitlement,
    Majority,
    Option,
    PaperBallots,
    PaperTally,
    Poll,
    PollKind,
    PollState,
    Verification,
    Vote,
)
from .selectors import roll_for
from .workflows import poll_workflow


def _cast_open(poll: Poll) -> None:
    if poll.state != PollState.OPEN:
        raise ValidationError(
            _("The poll is %(state)s; this cannot be done now.")
            % {"state": PollState(poll.state).label},
            code="poll_closed",
        )


@transaction.atomic
def poll_create(
    *,
    actor: Any,
    owner_unit: Unit,
    title: str,
    kind: str,
    options: Iterable[str],
    cluster: Cluster | None = None,
    body: Body | None = None,
    max_choices: int = 1,
    quorum: Fraction = Fraction(0),
    majority: str = Majority.SIMPLE,
    base: str = Base.VALID,
    verification: str = Verification.INDIVIDUAL,
) -> Poll:
    labels = [label.strip() for label in options if label.strip()]
    if len(labels) > 200 or any(len(label) > 300 for label in labels):
        raise ValidationError(
            {"options": _("At most 200 options, each at most 300 characters long.")}
        )
    if not labels:
        raise ValidationError({"options": _("Add at least one candidate or motion.")})
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": _("Each candidate or motion can appear once.")})
    if (cluster is None) == (body is None):
        raise ValidationError({"cluster": _("Choose the voting cluster or the voting body.")})
    try:
        quorum = as_share(quorum)
        check_share(quorum)
    except ValidationError as exc:
        raise ValidationError({"quorum": exc.messages}) from exc
    if kind == PollKind.APPROVAL and not 1 <= max_choices <= len(labels):
        raise ValidationError(
            {"max_choices": _("Choose between 1 and %(n)s.") % {"n": len(labels)}}
        )
    poll = Poll(
        owner_unit=owner_unit,
        title=title,
        kind=kind,
        cluster=cluster,
        body=body,
        max_choices=max_choices if kind == PollKind.APPROVAL else 1,
        quorum_numerator=quorum.numerator,
        quorum_denominator=quorum.denominator,
        majority=majority,
        base=base,
        verification=verification,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    poll.full_clean()
    poll.save()
    Option.objects.bulk_create(
        [Option(poll=poll, label=label, position=i) for i, label in enumerate(labels)]
    )
    audit_record(
        actor=actor, action="poll.create", target=poll, changes={"options": [None, labels]}
    )
    return poll


@transaction.atomic
def poll_update(*, actor: Any, poll: Poll, verification: str | None = None) -> Poll:
    """Change a draft poll's settings (today: ``verification``). Refused once the poll is
    open: voters may already hold receipts, or have voted trusting that none exist."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    changes: dict[str, list[Any]] = {}
    if verification is not None and verification != poll.verification:
        try:
            poll_workflow.check(poll, "update")
        except ValidationError as exc:
            raise FieldRuleError(
                "verification",
                _(
                    "The verification (receipts or receipt-free) can be changed only while "
                    "the poll is a draft; this poll is %(state)s."
                )
                % {"state": PollState(poll.state).label},
                code="poll_not_draft",
            ) from exc
        if verification not in Verification.values:
            raise ValidationError({"verification": _("Choose individual or receipt-free.")})
        changes["verification"] = [poll.verification, verification]
        poll.verification = verification
    if changes:
        poll.save(update_fields=list(changes))
        audit_record(actor=actor, action="poll.update", target=poll, changes=changes)
    return poll


@transaction.atomic
def poll_open(*, actor: Any, poll: Poll, voters: Mapping[int, Any] | None = None) -> Poll:
    """Open the poll and fix the roll of voters: a cluster's current member units (each
    through its designated account, ``voters`` may name it), or a body's current seats
    held by a person (with their weights)."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    poll_workflow.check(poll, "open")
    rows = roll_for(poll, voters)
    Entitlement.objects.bulk_create(rows)
    poll.state = PollState.OPEN
    poll.opened_at = clock.now()
    poll.save(update_fields=["state", "opened_at"])
    audit_record(
        actor=actor, action="poll.open", target=poll, changes={"entitled": [None, len(rows)]}
    )
    return poll


def _check_choices(poll: Poll, choices: Mapping[int, str]) -> dict[int, str]:
    option_ids = set(poll.options.values_list("pk", flat=True))
    clean: dict[int, str] = {}
    for option_id, vote in choices.items():
        if int(option_id) not in option_ids:
            raise ValidationError({"choices": _("The ballot names an option of another poll.")})
        if vote not in Vote.values:
            raise ValidationError({"choices": _("Vote yes, no or abstain.")})
        clean[int(option_id)] = vote
    if poll.kind == PollKind.APPROVAL:
        chosen = [o for o, v in clean.items() if v == Vote.YES]
        if len(chosen) > poll.max_choices:
            raise ValidationError({"choices": _("Choose at most %(k)s.") % {"k": poll.max_choices}})
        clean = dict.fromkeys(chosen, Vote.YES)
    return clean


def _mark_voted(poll: Poll, entitlement: Entitlement) -> bool:
    """Set the entitlement's ``voted`` flag once; False if it was already set.

    SQLite updates a row in place. PostgreSQL writes every update as a new row version
    at the end of the table, so flagging one entitlement would move it behind the
    others: the table's storage order (what a dump or an unordered ``SELECT`` returns)
    would list the voters in the order they voted, to be zipped with the ballots in the
    order they were added. There the whole roll of the poll is re-written in its own
    order in one statement, so every row moves, none alone, and every row carries the
    same transaction id. The roll is locked first, in id order, so that simultaneous
    casts queue instead of deadlocking.
    """
    if connection.vendor != "postgresql":
        return bool(Entitlement.objects.filter(pk=entitlement.pk, voted=False).update(voted=True))
    table = Entitlement._meta.db_table  # a constant; the ids are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, voted FROM {table} WHERE poll_id = %s ORDER BY id FOR UPDATE",  # noqa: S608
            [poll.pk],
        )
        if dict(cursor.fetchall()).get(entitlement.pk, True):
            return False
        cursor.execute(
            f"UPDATE {table} SET voted = (voted OR id = %s) WHERE poll_id = %s",  # noqa: S608
            [entitlement.pk, poll.pk],
        )
    return True


@transaction.atomic
def ballot_cast(*, voter: Any, poll: Poll, choices: Mapping[int, str]) -> str | None:
    """Record one secret ballot and return the voter's receipt: None in a receipt-free
    poll, whose ballots have none (nothing the voter could show to prove their vote).

    The entitlement's ``voted`` flag is set with a conditional UPDATE, so of any number
    of simultaneous submissions by one voter exactly one succeeds.
    """
    # A shared lock on the poll row: casts run side by side, but closing (which takes the
    # exclusive lock) waits for them, and they wait for it, so no ballot lands mid-close.
    # SQLite serializes writers anyway.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = Poll._meta.db_table  # a constant; the id is a parameter
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR SHARE", [poll.pk])  # noqa: S608
    poll = Poll.objects.get(pk=poll.pk)
    _cast_open(poll)
    clean = _check_choices(poll, choices)
    entitlement = Entitlement.objects.filter(poll=poll, voter=voter).first()
    if entitlement is None:
        raise ValidationError(_("You are not entitled to vote in this poll."), code="not_eligible")
    if not _mark_voted(poll, entitlement):
        raise ValidationError(_("You have already voted in this poll."), code="already_voted")
    receipt = None if poll.receipt_free else secrets.token_urlsafe(12)
    ballot = Ballot.objects.create(poll=poll, receipt=receipt, weight=entitlement.weight)
    BallotChoice.objects.bulk_create(
        [BallotChoice(ballot=ballot, option_id=o, vote=v) for o, v in clean.items()]
    )
    return receipt


@transaction.atomic
def paper_tally_enter(
    *,
    actor: Any,
    poll: Poll,
    ballots: int,
    totals: Mapping[int, tuple[int, int, int]],
) -> None:
    """Enter the hand-counted paper ballots: how many were cast, and per option the
    (yes, no, abstain) totals. Who entered them is kept."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    poll_workflow.check(poll, "paper_tally")
    if ballots < 0 or any(min(t) < 0 for t in totals.values()):
        raise ValidationError({"ballots": _("Counts cannot be negative.")})
    # Nobody votes twice: paper ballots fill at most the places not used online.
    room = poll.entitlements.count() - Ballot.objects.filter(poll=poll).count()
    if ballots > room:
        raise ValidationError(
            {
                "ballots": _(
                    "At most %(n)s paper ballots can have been cast: the others on the "
                    "roll voted online."
                )
                % {"n": max(room, 0)}
            }
        )
    for option_id, (yes, no, abstain) in totals.items():
        if yes + no + abstain > ballots:
            raise ValidationError(
                {"ballots": _("An option has more marks than paper ballots were cast.")}
            )
        option = poll.options.filter(pk=option_id).first()
        if option is None:
            raise ValidationError({"ballots": _("The totals name an option of another poll.")})
        PaperTally.objects.update_or_create(
            poll=poll,
            option=option,
            defaults={
                "yes": yes,
                "no": no,
                "abstain": abstain,
                "entered_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    PaperBallots.objects.update_or_create(
        poll=poll,
        defaults={"count": ballots, "entered_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(
        actor=actor,
        action="poll.paper_tally",
        target=poll,
        changes={
            "paper": [None, {"ballots": ballots, "totals": {str(k): v for k, v in totals.items()}}]
        },
    )


@transaction.atomic
def poll_close(*, actor: Any, poll: Poll) -> Poll:
    """Stop casting; re-write the ballots in random order so storage order tells nothing."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    poll_workflow.check(poll, "close")
    ballots = list(Ballot.objects.filter(poll=poll))
    choices = list(BallotChoice.objects.filter(ballot__poll=poll))
    BallotChoice.objects.filter(pk__in=[c.pk for c in choices]).delete()
    Ballot.objects.filter(pk__in=[b.pk for b in ballots]).delete()
    shuffle = random.SystemRandom().shuffle
    shuffle(ballots)
    shuffle(choices)
    Ballot.objects.bulk_create(ballots)
    BallotChoice.objects.bulk_create(choices)
    poll.state = PollState.CLOSED
    poll.closed_at = clock.now()
    poll.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor, action="poll.close", target=poll, changes={"ballots": [None, len(ballots)]}
    )
    return poll


@transaction.atomic
def poll_publish(*, actor: Any, poll: Poll) -> Poll:
    """Count, and publish the result with the digest of every ballot (over its receipt
    and choices, or its choices alone in a receipt-free poll)."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    poll_workflow.check(poll, "publish")
    poll.result = tally.count(poll)
    poll.digest = tally.poll_digest(poll)
    poll.state = PollState.PUBLISHED
    poll.published_at = clock.now()
    poll.save(update_fields=["result", "digest", "state", "published_at"])
    audit_record(
        actor=actor,
        action="poll.publish",
        target=poll,
        changes={"digest": [None, poll.digest], "valid": [None, poll.result["valid"]]},
    )
    return poll
