"""Request-wide behaviour shared by screens and the API."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from .translations import CONTENT_LANGUAGES, is_content_language

API_PREFIX = "/api/"


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
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) and getattr(user, "is_authenticated", False):
            add_never_cache_headers(response)
        return response
