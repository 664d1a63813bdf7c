"""Request-wide behaviour shared by screens and the API."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from .translations import CONTENT_LANGUAGES, is_content_language

API_PREFIX = "/api/"

#: Seconds a client is asked to wait (``Retry-After``) while the database is unreachable
#: (PostgreSQL restarting) or busy (SQLite's lock timeout): the screens and the API.
DATABASE_RETRY_AFTER = 5

logger = logging.getLogger(__name__)


class ContentLanguageMiddleware:
    """``?lang=`` chooses the language of a request (screens, exports and the API), ahead
    of the profile, the cookie and ``Accept-Language`` (LocaleMiddleware, placed before
    this one, has chosen from those). An unknown ``lang`` is refused on the API (422) and
    ignored on screens. LocaleMiddleware sets ``Content-Language`` on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        lang = request.GET.get("lang", "")
        if lang:
            if is_content_language(lang):
                code = get_supported_language_variant(lang)
                translation.activate(code)
                request.LANGUAGE_CODE = code
            elif request.path.startswith(API_PREFIX):
                return JsonResponse(
                    {
                        "code": "invalid",
                        "message": _("The request is not valid."),
                        "detail": [
                            {
                                "loc": ["query", "lang"],
                                "msg": _("Choose one of: %(languages)s.")
                                % {"languages": ", ".join(CONTENT_LANGUAGES)},
                                "type": "language",
                            }
                        ],
                    },
                    status=422,
                )
        return self.get_response(request)


class NoStoreSignedInApiMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every API answer to
    a signed-in user, by token or session: what one person may read must not stay in a
    shared cache or a browser's disk cache for the next."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # The Bearer token sets request.user during the API call; the session before it.
        if request.path.startswith(API_PREFIX) and _maybe_signed_in(request):
            add_never_cache_headers(response)
        return response


def _maybe_signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    try:
        return bool(getattr(user, "is_authenticated", False))
    except DatabaseError:
        # The session's user could not be read (the database is unreachable): the answer
        # is an error, and not storing it costs nothing.
        return True


def database_unavailable_page() -> HttpResponse:
    """The 503 page: rendered without a request context (no menu, no user), so that it
    needs no query, in the language the request activated."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


class DatabaseUnavailableMiddleware:
    """A screen whose database cannot be reached (``OperationalError``,
    ``InterfaceError``: PostgreSQL restarting, a dropped connection, SQLite's lock
    timeout) answers the 503 page with ``Retry-After`` instead of a 500. The API answers
    its own 503 ``busy`` (``pacesetter.api.on_database_busy``); an error ninja does not
    catch answers the same shape here. Only errors raised by a view (or while rendering
    its template response) reach it; one raised in another middleware still answers 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponseBase | None:
        if not isinstance(exc, OperationalError | InterfaceError):
            return None
        logger.warning("The database is unavailable (%s): %s", type(exc).__name__, exc)
        if request.path.startswith(API_PREFIX):
            return database_busy_answer()
        return database_unavailable_page()


def database_busy_answer() -> JsonResponse:
    """The API's answer while the database is unreachable or busy, in its error shape."""
    response = JsonResponse({"code": "busy", "message": database_busy_message(), "detail": None})
    response.status_code = 503
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def database_busy_message() -> str:
    return _("The server is busy; try again in a moment.")
