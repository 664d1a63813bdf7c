"""Reads from a PostgreSQL read replica (docs/deployment.md, "A read replica").

Nothing reads from the replica unless a view asks for it: the read-only report, export
and public views run inside :func:`replica_reads` (or carry :func:`reads_from_replica`),
and even there a read stays on the primary when

- no replica is configured (``DATABASES["replica"]``, from ``DATABASE_REPLICA_URL``);
- the model belongs to the machinery that must see the latest state (sessions, accounts,
  the login lockout, the cache, the job queue);
- it happens inside a transaction on the primary (a read that decides a write);
- the request's user wrote within the last ``DATABASE_REPLICA_MAX_LAG`` seconds (they
  see their own write on the next page, whatever the replica's lag);
- the replica is behind by more than ``DATABASE_REPLICA_MAX_LAG`` or cannot be reached
  (checked at most once a second per process).

Writes always go to the primary, and migrations run only there.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"

#: Apps whose rows are always read on the primary: the request machinery (sessions,
#: accounts and their tokens, the login lockout, the shared cache) and the job queue.
PRIMARY_APPS = frozenset(
    {"sessions", "accounts", "auth", "axes", "django_cache", "django_tasks_db", "contenttypes"}
)

logger = logging.getLogger(__name__)

_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_wanted", default=False)
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "replica_request", default=None
)

View = TypeVar("View", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in connections.settings


def max_lag() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_MAX_LAG", 10.0))


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may be served by the replica (see the module's rules)."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def reads_from_replica(view: View) -> View:
    """A report, export or public view whose reads the replica may serve: only when it
    answers a GET or HEAD (a form posted to the same view reads on the primary)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


# --- The replica's lag ------------------------------------------------------------------

#: ``pg_last_xact_replay_timestamp()`` alone grows while the primary is idle; a replica
#: that has replayed all it received is not behind.
LAG_SQL = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)
CHECK_EVERY = 1.0


class _Freshness:
    """Whether the replica is within the allowed lag, asked at most once a second."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.fresh = False
        self.reported: bool | None = None

    def reset(self) -> None:
        with self.lock:
            self.checked_at = float("-inf")

    def __call__(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now - self.checked_at < CHECK_EVERY:
                return self.fresh
            self.checked_at = now
        fresh, why = self._measure()
        with self.lock:
            self.fresh = fresh
            if self.reported is not fresh:
                self.reported = fresh
                if fresh:
                    logger.info("The read replica is in use again.")
                else:
                    logger.warning("Reading from the primary: the read replica %s.", why)
        return fresh

    def _measure(self) -> tuple[bool, str]:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                row = cursor.fetchone()
        except DatabaseError as exc:
            return False, f"cannot be reached ({exc.__class__.__name__})"
        lag = None if row is None or row[0] is None else float(row[0])
        if lag is None:
            return False, "is not replaying from a primary"
        if lag > max_lag():
            return False, f"is {lag:.1f} s behind"
        return True, ""


replica_fresh = _Freshness()


# --- Reading one's own writes -----------------------------------------------------------


def _pin_key(user_pk: Any) -> str:
    return f"replica:primary-until:{user_pk}"


def pin_to_primary(user: Any) -> None:
    """The user's next reads, for the allowed lag, are served by the primary."""
    if not replica_configured() or not getattr(user, "is_authenticated", False):
        return
    lag = max_lag()
    cache.set(_pin_key(user.pk), time.time() + lag, timeout=int(lag) + 1)


def _request_pinned() -> bool:
    request = _request.get()
    if request is None:
        return False
    pinned = getattr(request, "_pacesetter_primary_pinned", None)
    if pinned is None:
        user = getattr(request, "user", None)
        until = None
        if getattr(user, "is_authenticated", False):
            until = cache.get(_pin_key(user.pk))  # type: ignore[union-attr]
        pinned = until is not None and until > time.time()
        request._pacesetter_primary_pinned = pinned  # type: ignore[attr-defined]
    return bool(pinned)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: answers ``"replica"`` for reads under the rules above, and
    leaves everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _wanted.get() or model._meta.app_label in PRIMARY_APPS:
            return None
        if not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        if _request_pinned() or not replica_fresh():
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReplicaMiddleware:
    """Keeps the request at hand for the router (whose user wrote lately), and after a
    write that succeeded (a non-GET answered below 400) pins its user to the primary."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request.set(request)
        try:
            response = self.get_response(request)
            if request.method not in self.SAFE and response.status_code < 400:
                pin_to_primary(getattr(request, "user", None))
            return response
        finally:
            _request.reset(token)
