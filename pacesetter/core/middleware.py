"""Request-wide behaviour shared by screens and the API."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from .translations import CONTENT_LANGUAGES, is_content_language


class ContentLanguageMiddleware:
    """``?lang=`` chooses the language of a request (screens, exports and the API), ahead
    of the profile, the cookie and ``Accept-Language`` (LocaleMiddleware, placed before
    this one, has chosen from those). An unknown ``lang`` is refused on the API (422) and
    ignored on screens. LocaleMiddleware sets ``Content-Language`` on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.GET.get("lang", "")
        if lang:
            if is_content_language(lang):
                code = get_supported_language_variant(lang)
                translation.activate(code)
                request.LANGUAGE_CODE = code
            elif request.path.startswith("/api/"):
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
