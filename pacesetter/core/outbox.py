"""Claims for mail sent by background jobs: one row per mail, claimed by one worker at a
time with a token, so that a mail is sent once even when two workers run or one dies
(used by work plans' reminders and coverage's deadline notices).

A model that uses it has ``claimed_at`` (a nullable datetime), ``claim_token`` (a short
string, empty when unclaimed) and a ``sent_at``. The worker:

1. :func:`claim` — a conditional UPDATE that writes ``claimed_at`` and a fresh random
   token on a row nobody holds (or whose claim is older than :func:`claim_timeout`: its
   worker died). It is committed before the mail goes out, so a second worker sees it.
2. :func:`send` — through the configured backend, with ``EMAIL_TIMEOUT``.
3. :func:`finish` (sent: records ``sent_at`` unless it is recorded already) or
   :func:`release` (failed: claimable again, only while the token is still this
   worker's). A worker whose claim expired and was taken over meanwhile never clears or
   overwrites the new claimer's state, and it is logged.

What this does not guarantee: a worker that dies after the mail server accepted the mail
and before ``sent_at`` is written leaves a row that is sent again once its claim
expires, and a send that outlives its claim may meet the new claimer's. At the SMTP
boundary delivery is at least once; everywhere else, once.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

#: The shortest time a claim is held before another worker may take it over.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
#: A claim outlasts this many ``EMAIL_TIMEOUT`` waits (one SMTP conversation is a handful
#: of round trips, each bounded by the timeout).
TIMEOUTS_PER_CLAIM = 10
#: Longest error text kept on a row.
ERROR_LENGTH = 1000


def email_timeout() -> int:
    """Seconds one wait on the mail server may take (``EMAIL_TIMEOUT``, else 60)."""
    return int(getattr(settings, "EMAIL_TIMEOUT", None) or 60)


def claim_timeout() -> dt.timedelta:
    """How old a claim must be to be taken over: :data:`CLAIM_TIMEOUT`, or longer when
    ``EMAIL_TIMEOUT`` is set so high that a send could outlive it."""
    return max(CLAIM_TIMEOUT, dt.timedelta(seconds=TIMEOUTS_PER_CLAIM * email_timeout()))


def claimable(now: dt.datetime) -> Q:
    """Rows nobody holds, or whose holder is taken to have died."""
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout())


def claim(rows: QuerySet[Any], pk: int, *, now: dt.datetime | None = None) -> str | None:
    """Claim row ``pk`` of ``rows`` (the caller's filter, e.g. not sent yet) unless another
    worker holds it; returns the claim's token, or None."""
    token = secrets.token_hex(16)
    now = now or timezone.now()
    taken = rows.filter(pk=pk).filter(claimable(now)).update(claimed_at=now, claim_token=token)
    return token if taken else None


def finish(model: type[Model], pk: int, token: str, **values: Any) -> bool:
    """Record that row ``pk``'s mail went out (``values``: ``sent_at`` and the like);
    returns whether this worker's claim still held.

    A sent mail is a fact, so it is recorded once by whoever sent it and never
    overwritten: a worker whose claim expired mid-send and was taken over still records
    it when the new claimer has not (its send may have failed; else the next scan would send
    it again), and leaves the new claimer's claim alone. That case is logged:
    both may have sent."""
    rows = model._default_manager.filter(pk=pk, sent_at__isnull=True)
    if rows.filter(claim_token=token).update(**values):
        return True
    rows.update(**values)
    _lost(model, pk, "sent")
    return False


def release(model: type[Model], pk: int, token: str, error: BaseException) -> bool:
    """Make row ``pk`` claimable again after a failed send, keeping the error; a claim
    taken over meanwhile is the new claimer's and is left alone (logged)."""
    text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    released = model._default_manager.filter(pk=pk, claim_token=token, sent_at__isnull=True).update(
        claimed_at=None, claim_token="", error=text
    )
    if not released:
        _lost(model, pk, "failed")
    return bool(released)


def _lost(model: type[Model], pk: int, outcome: str) -> None:
    logger.warning(
        "%s %s %s after its claim expired and another worker took it over.",
        model._meta.object_name,
        pk,
        outcome,
    )


def send(message: EmailMessage) -> None:
    """Send through the configured mail backend within ``EMAIL_TIMEOUT``, raising on
    failure."""
    with get_connection(timeout=email_timeout()) as connection:
        message.connection = connection
        message.send(fail_silently=False)
