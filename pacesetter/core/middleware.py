"""Response headers the whole site shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreSignedInApiMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every API answer to
    a signed-in user, by token or session: what one person may read must not stay in a
    shared cache or a browser's disk cache for the next."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # The Bearer token sets request.user during the API call; the session before it.
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) and getattr(user, "is_authenticated", False):
            add_never_cache_headers(response)
        return response
