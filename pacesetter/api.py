"""The JSON API at /api/v1/: authentication, the one error shape, and the routers.

Every error is ``{"code": ..., "message": <translated>, "detail": ...}``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from pacesetter.accounts.services import api_token_user
from pacesetter.core.api_types import NulInBody, StrictParser
from pacesetter.core.errors import ConflictError, StorageFullError
from pacesetter.core.middleware import DATABASE_RETRY_AFTER, database_busy_message

logger = logging.getLogger(__name__)

_SECRET_BALLOT = re.compile(r"^/api/v1/polls/[^/]+/vote/?$")


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal token from /auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # A ballot cast leaves no trace of its time next to the voter (docs/ballots.md).
        user = api_token_user(token, record_use=not _SECRET_BALLOT.match(request.path))
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The browser's session, with Django's CSRF check when it is signed in.

    ninja's ``SessionAuth`` checks CSRF before it looks at the user, so an anonymous
    write answered 403 "CSRF" instead of 401; without a signed-in session there is
    nothing a forged request could use, and the answer is the 401 of every other
    unauthenticated request."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


api = NinjaAPI(
    title="Pacesetter API",
    version="1",
    description="Units, clusters, bodies, campaigns, scoring tables, registrations, score "
    "items, rankings, awards, proposals, the award registry and secret ballots of "
    "Pacesetter. Authenticate with "
    "`POST /api/v1/auth/token` and send `Authorization: Bearer <token>`.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[BearerToken(), Session()],
    parser=StrictParser(),
)

#: The scheme a 401 names (RFC 9110 §11.6.1): a personal token from /auth/token.
WWW_AUTHENTICATE = 'Bearer realm="api"'


def error(
    request: HttpRequest, status: int, code: str, message: str, detail: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "detail": detail}, status=status
    )


@api.exception_handler(NinjaValidationError)
def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    return error(request, 422, "invalid", _("The request is not valid."), detail)


@api.exception_handler(DjangoValidationError)
def on_rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, 422, rule_code(exc), _("The data is not valid."), detail)


def rule_code(exc: DjangoValidationError) -> str:
    """The machine code of a broken rule: the service's own code (``invalid_transition``,
    ``poll_closed``, ...) when it raised one rule error with a code, else ``invalid``.
    Errors about fields (a dict, as forms and ``full_clean`` raise) stay ``invalid``,
    unless a rule raised them as a ``FieldRuleError`` (shown on a field, with its code)."""
    if hasattr(exc, "error_dict"):
        return str(getattr(exc, "rule_code", None) or "invalid")
    codes = {e.code for e in exc.error_list}
    if len(codes) == 1 and None not in codes:
        return str(codes.pop())
    return "invalid"


@api.exception_handler(StorageFullError)
def on_storage_full(request: HttpRequest, exc: StorageFullError) -> HttpResponse:
    # 507 Insufficient Storage (RFC 4918): the request was fine, the server's disk is not.
    return error(request, 507, "storage_full", " ".join(exc.messages), exc.message_dict)


@api.exception_handler(ConflictError)
def on_stale_write(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return error(request, 409, "stale_version", " ".join(exc.messages))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(request, 401, "unauthenticated", _("Authentication is required."))
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_busy(request: HttpRequest, exc: OperationalError | InterfaceError) -> HttpResponse:
    # SQLite's lock timeout under many simultaneous writers, or PostgreSQL unreachable
    # (restarting, a dropped connection): ask the client to retry. The screens answer
    # their 503 page the same way (core.middleware.DatabaseUnavailableMiddleware).
    logger.warning("The database is unavailable (%s): %s", type(exc).__name__, exc)
    response = error(request, 503, "busy", database_busy_message())
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


@api.exception_handler(IntegrityError)
def on_conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Two concurrent writes passed validation and the database kept one of them.
    return error(
        request,
        409,
        "conflict",
        _("Someone else changed the same data at the same time; try again."),
    )


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/v1/ answer in the API's error shape, not Django's HTML."""
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = error(
        request, 429, "throttled", _("Too many requests; wait a minute and try again.")
    )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NulInBody):  # ninja wraps a parser's error in a 400
        return on_request_invalid(request, exc.__cause__.error)
    codes = {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "throttled",
    }
    response = error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))
    if exc.status_code == 401:
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


def _add_routers() -> None:
    from pacesetter.accounts.api import router as auth_router
    from pacesetter.awards.api import (
        awards_router,
        grants_router,
        proposals_router,
        public_router,
    )
    from pacesetter.ballots.api import router as polls_router
    from pacesetter.bodies.api import router as bodies_router
    from pacesetter.campaigns.api import router as campaigns_router
    from pacesetter.clusters.api import router as clusters_router
    from pacesetter.coverage.api import router as coverage_router
    from pacesetter.decisions.api import router as decisions_router
    from pacesetter.imports.api import router as imports_router
    from pacesetter.meetings.api import router as meetings_router
    from pacesetter.notifications.api import router as notifications_router
    from pacesetter.practices.api import router as practices_router
    from pacesetter.reports.api import router as reports_router
    from pacesetter.reports.statistics.api import router as statistics_router
    from pacesetter.scoring.api import (
        criteria_router,
        items_router,
        review_points_router,
        tables_router,
    )
    from pacesetter.scoring.campaign_api import router as campaign_scoring_router
    from pacesetter.search.api import router as search_router
    from pacesetter.units.api import router as units_router
    from pacesetter.units.api import unit_types_router
    from pacesetter.workplans.api import plans_router, tasks_router
    from pacesetter.workspace.calendar_api import router as calendar_router
    from pacesetter.workspace.campaigns_api import router as campaign_router
    from pacesetter.workspace.chains_api import router as chains_router
    from pacesetter.workspace.people_api import router as people_router

    api.add_router("/auth", auth_router)
    api.add_router("/people", people_router)
    api.add_router("/unit-types", unit_types_router)
    api.add_router("/units", units_router)
    api.add_router("/clusters", clusters_router)
    api.add_router("/bodies", bodies_router)
    api.add_router("/decisions", decisions_router)
    # A campaign as a whole (workspace), its phases, review points, participants and pacts
    # (campaigns), its registrations, amendments and ranking (scoring): one path prefix.
    api.add_router("/campaigns", campaign_router)
    api.add_router("/campaigns", campaigns_router)
    api.add_router("/campaigns", campaign_scoring_router)
    api.add_router("/scoring-tables", tables_router)
    api.add_router("/criteria", criteria_router)
    api.add_router("/score-items", items_router)
    api.add_router("/review-points", review_points_router)
    api.add_router("/awards", awards_router)
    api.add_router("/proposals", proposals_router)
    api.add_router("/grants", grants_router)
    api.add_router("/polls", polls_router)
    api.add_router("/public", public_router)
    api.add_router("/work-plans", plans_router)
    api.add_router("/tasks", tasks_router)
    api.add_router("/chains", chains_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/coverage", coverage_router)
    api.add_router("/practices", practices_router)
    api.add_router("/imports", imports_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/reports", reports_router)
    api.add_router("/statistics", statistics_router)
    api.add_router("/search", search_router)


_add_routers()
