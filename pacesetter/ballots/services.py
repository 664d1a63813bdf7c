"""Polls: set up, open, cast, close, publish. Each write is one transaction with its
audit entry, except that casting a ballot writes no audit entry that could link a voter
to a ballot (the entitlement's ``voted`` flag is the record that someone voted)."""

from __future__ import annotations

import json
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
from pacesetter.core.versions import next_version
from pacesetter.notifications import kinds as notice
from pacesetter.notifications.services import notify
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
def poll_update(
    *, actor: Any, poll: Poll, verification: str | None = None, version: int | None = None
) -> Poll:
    """Change a draft poll's settings (today: ``verification``). Refused once the poll is
    open: voters may already hold receipts, or have voted trusting that none exist. A
    ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(poll, version)
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
        poll.version = next_
        poll.save(update_fields=[*changes, "version"])
        audit_record(actor=actor, action="poll.update", target=poll, changes=changes)
    return poll


def _check_choices(poll: Poll, option_ids: set[int], choices: Mapping[int, str]) -> dict[int, str]:
    """The marks to store, by option id, with every option named checked against the
    poll's own. In an approval poll only the options chosen (yes) are kept."""
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


_random = secrets.SystemRandom()


def _empty_ballots(poll: Poll, entitlements: Iterable[Entitlement]) -> int:
    """Write one empty ballot per entitlement (of its weight, with its random receipt
    unless the poll is receipt-free), each with a blank mark row per option, in random
    order and with random ids: a cast fills one of them and hands its receipt to the
    voter, so no row is added, and none is stored or numbered in the order of casting.

    The receipt is written now rather than at the cast so that a cast changes no indexed
    column: on PostgreSQL every row of a poll then keeps its place in the re-writes."""
    option_ids = list(Option.objects.filter(poll=poll).values_list("pk", flat=True))
    ballots = [
        Ballot(
            poll=poll,
            weight=e.weight,
            filled=False,
            receipt=None if poll.receipt_free else secrets.token_urlsafe(12),
        )
        for e in entitlements
    ]
    _random.shuffle(ballots)
    marks = [BallotChoice(ballot=b, option_id=o, vote="") for b in ballots for o in option_ids]
    _random.shuffle(marks)
    Ballot.rows.bulk_create(ballots)
    BallotChoice.rows.bulk_create(marks)
    return len(ballots)


@transaction.atomic
def poll_open(*, actor: Any, poll: Poll, voters: Mapping[int, Any] | None = None) -> Poll:
    """Open the poll and fix the roll of voters: a cluster's current member units (each
    through its designated account, ``voters`` may name it), or a body's current seats
    held by a person (with their weights); and write an empty ballot for each of them
    (``_empty_ballots``). The roll cannot change while the poll is open."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    poll_workflow.check(poll, "open")
    rows = roll_for(poll, voters)
    Entitlement.objects.bulk_create(rows)
    _empty_ballots(poll, rows)
    poll.state = PollState.OPEN
    poll.opened_at = clock.now()
    poll.save(update_fields=["state", "opened_at"])
    audit_record(
        actor=actor, action="poll.open", target=poll, changes={"entitled": [None, len(rows)]}
    )
    notify(
        [row.voter_id for row in rows],
        notice.POLL_OPENED,
        {"poll": poll.title},
        ("ballots:detail", [poll.pk]),
    )
    return poll


# The statements of a cast, as raw SQL: the cast is the hot path (docs/performance.md),
# and it needs row locks and whole-table re-writes the ORM does not express. The table
# and column names are constants; every value is a parameter.
_POLL = Poll._meta.db_table
_OPTION = Option._meta.db_table
_ROLL = Entitlement._meta.db_table
_BALLOT = Ballot._meta.db_table
_MARK = BallotChoice._meta.db_table

# 1. The poll, its option ids and the voter's entitlement, in one read. On PostgreSQL it
# takes a shared lock on the poll row (casts run side by side, but closing, which takes
# the exclusive lock, waits for them, and they wait for it: no ballot lands mid-close)
# and locks the whole roll in id order (simultaneous casts queue instead of deadlocking,
# and the flag is read under the lock). SQLite serializes writers anyway.
_READ_POSTGRESQL = f"""
    WITH roll AS MATERIALIZED (
        SELECT voter_id, voted, weight FROM {_ROLL} WHERE poll_id = %(poll)s
        ORDER BY id FOR UPDATE
    )
    SELECT p.state, p.kind, p.max_choices, p.verification,
           (SELECT string_agg(o.id::text, ',') FROM {_OPTION} o WHERE o.poll_id = p.id),
           r.voted, r.weight
    FROM {_POLL} p LEFT JOIN roll r ON r.voter_id = %(voter)s
    WHERE p.id = %(poll)s
    FOR SHARE OF p
"""  # noqa: S608
_READ_SQLITE = f"""
    SELECT p.state, p.kind, p.max_choices, p.verification,
           (SELECT group_concat(o.id) FROM {_OPTION} o WHERE o.poll_id = p.id),
           e.voted, e.weight
    FROM {_POLL} p LEFT JOIN {_ROLL} e ON e.poll_id = p.id AND e.voter_id = %(voter)s
    WHERE p.id = %(poll)s
"""  # noqa: S608

# 2. The voter's flag. SQLite updates the row in place, once: the condition makes a
# second simultaneous cast change nothing. PostgreSQL writes every update as a new row
# version at the end of the table, so flagging one entitlement would move it behind the
# others and store the roll in the order of voting; there the whole roll of the poll is
# re-written in its own order in one statement (every row moves, none alone, and all
# carry the same transaction id), under the lock taken by the read.
_FLAG_POSTGRESQL = f"""
    UPDATE {_ROLL} SET voted = (voted OR voter_id = %(voter)s) WHERE poll_id = %(poll)s
"""  # noqa: S608
_FLAG_SQLITE = f"""
    UPDATE {_ROLL} SET voted = 1
    WHERE poll_id = %(poll)s AND voter_id = %(voter)s AND voted = 0
"""  # noqa: S608

# 3. The ballot: one empty ballot of the voter's weight, drawn uniformly at random (the
# ``draw``-th in id order, modulo how many are left), is marked cast and gets the marks;
# its receipt (made at opening) goes to the voter. On SQLite both are updated in place.
# On PostgreSQL, for the same reason as the roll, every ballot and mark row of the poll
# is re-written in one statement, so the filled ones never line up in the order of
# casting and all share one transaction id. No indexed column changes, so the rows keep
# the order of their index entries, which the re-write follows.
_PICK = f"""
    SELECT id, receipt FROM {_BALLOT}
    WHERE poll_id = %(poll)s AND NOT filled AND weight = %(weight)s
    ORDER BY id LIMIT 1 OFFSET %(draw)s %% (
        SELECT {{greatest}}(count(*), 1) FROM {_BALLOT}
        WHERE poll_id = %(poll)s AND NOT filled AND weight = %(weight)s
    )
"""  # noqa: S608
_FILL_POSTGRESQL = f"""
    WITH pick AS MATERIALIZED ({_PICK.format(greatest="greatest")}),
    ballots AS (
        UPDATE {_BALLOT} b SET filled = (b.filled OR b.id = pick.id)
        FROM pick WHERE b.poll_id = %(poll)s
    ),
    marks AS (
        UPDATE {_MARK} m
        SET vote = CASE WHEN m.ballot_id = pick.id
                        THEN COALESCE((%(marks)s::jsonb) ->> m.option_id::text, '')
                        ELSE m.vote END
        FROM pick
        WHERE m.ballot_id IN (SELECT id FROM {_BALLOT} WHERE poll_id = %(poll)s)
    )
    SELECT id, receipt FROM pick
"""  # noqa: S608
_FILL_SQLITE = f"""
    UPDATE {_BALLOT} SET filled = 1
    WHERE id = (SELECT id FROM ({_PICK.format(greatest="max")}))
    RETURNING id, receipt
"""  # noqa: S608
_MARK_SQLITE = f"""
    UPDATE {_MARK} SET vote = COALESCE(json_extract(%(marks)s, '$."' || option_id || '"'), '')
    WHERE ballot_id = %(ballot)s
"""  # noqa: S608


def _fill(cursor: Any, params: dict[str, Any]) -> tuple[Any, str | None] | None:
    """Fill a random empty ballot of the voter's weight with the marks: its (id,
    receipt), or None when the poll has no empty ballot of that weight."""
    if connection.vendor == "postgresql":
        cursor.execute(_FILL_POSTGRESQL, params)
        return cursor.fetchone()
    cursor.execute(_FILL_SQLITE, params)
    row = cursor.fetchone()
    if row is not None:
        cursor.execute(_MARK_SQLITE, {**params, "ballot": row[0]})
    return row


@transaction.atomic
def ballot_cast(*, voter: Any, poll: Poll, choices: Mapping[int, str]) -> str | None:
    """Record one secret ballot and return the voter's receipt: None in a receipt-free
    poll, whose ballots have none (nothing the voter could show to prove their vote).

    Three statements on PostgreSQL (four on SQLite), see above: read the poll and the
    voter's entitlement, flag the entitlement, fill an empty ballot drawn at random. Of
    any number of simultaneous submissions by one voter exactly one succeeds (the roll
    is locked, or the flag's UPDATE is conditional). No row is added, and no audit entry
    is written (it would link the voter to the moment). Only ``poll.pk`` is read: the
    poll is read again under the lock. Raises ``Poll.DoesNotExist`` for no such poll.
    """
    postgresql = connection.vendor == "postgresql"
    params: dict[str, Any] = {"poll": poll.pk, "voter": voter.pk}
    with connection.cursor() as cursor:
        cursor.execute(_READ_POSTGRESQL if postgresql else _READ_SQLITE, params)
        row = cursor.fetchone()
        if row is None:
            raise Poll.DoesNotExist
        state, kind, max_choices, verification, option_ids, voted, weight = row
        read = Poll(pk=poll.pk, state=state, kind=kind, max_choices=max_choices)
        _cast_open(read)
        option_ids = {int(o) for o in str(option_ids or "").split(",") if o}
        clean = _check_choices(read, option_ids, choices)
        if voted is None:
            raise ValidationError(
                _("You are not entitled to vote in this poll."), code="not_eligible"
            )
        if voted:
            raise ValidationError(_("You have already voted in this poll."), code="already_voted")
        cursor.execute(_FLAG_POSTGRESQL if postgresql else _FLAG_SQLITE, params)
        if not postgresql and cursor.rowcount != 1:
            raise ValidationError(_("You have already voted in this poll."), code="already_voted")
        params.update(
            weight=weight,
            draw=secrets.randbits(62),
            marks=json.dumps({str(o): v for o, v in clean.items()}),
        )
        filled = _fill(cursor, params)
    if filled is not None:
        return filled[1]
    # No empty ballot of this weight: only a poll whose roll and empty ballots disagree
    # (none does, see the migration) gets here. The vote is still recorded, as ballots
    # were before the empty ones: a new row.
    receipt = None if verification == Verification.RECEIPT_FREE else secrets.token_urlsafe(12)
    ballot = Ballot.rows.create(poll=poll, receipt=receipt, weight=weight, filled=True)
    BallotChoice.rows.bulk_create(
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
    """Stop casting; drop the empty ballots (of those who did not vote) and the blank mark
    rows, and re-write the cast ballots and their marks in random order, so that storage
    order tells nothing, even of a poll opened before the empty ballots existed (whose
    ballots were added in the order of casting)."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    poll_workflow.check(poll, "close")
    ballots = list(Ballot.objects.filter(poll=poll))
    choices = list(BallotChoice.objects.filter(ballot__poll=poll))
    BallotChoice.rows.filter(ballot__poll=poll).delete()
    Ballot.rows.filter(poll=poll).delete()
    shuffle = random.SystemRandom().shuffle
    shuffle(ballots)
    shuffle(choices)
    Ballot.rows.bulk_create(ballots)
    BallotChoice.rows.bulk_create(choices)
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
