"""The moment a service records an event at: now, or the moment a loader of past
events fixes.

Services stamp the events they record (a ballot opened, minutes finalized, a score
reported, a task's progress reported) with :func:`now`. It is ``timezone.now()``, except
inside :func:`fixed`, where it is the given moment: the demo loader replays the cases'
past events at their real dates this way. Only event stamps read this clock (and the two
record times a work report "as of" a day reads: a key task's ``created_at`` and its
evidence's ``uploaded_at``); other records' ``created_at`` and the audit log keep the
moment the row was written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_fixed: ContextVar[dt.datetime | None] = ContextVar("pacesetter_clock_fixed", default=None)


def now() -> dt.datetime:
    """The moment of the event being recorded: the fixed one, else the current time."""
    moment = _fixed.get()
    return timezone.now() if moment is None else moment


@contextlib.contextmanager
def fixed(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Record the events of the block at ``moment`` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise ValueError("clock.fixed needs an aware datetime")
    token = _fixed.set(moment)
    try:
        yield moment
    finally:
        _fixed.reset(token)
