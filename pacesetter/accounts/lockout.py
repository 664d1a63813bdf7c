"""What a locked-out login sees (django-axes calls :func:`lockout_response`).

The login page answers with a page that says why and for how long; the API (the token
endpoint) answers in the API's one error shape, ``{"code": "locked_out", ...}``. Both
are 429 with ``Retry-After``: the lock ends by itself after the cool-off.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Paths answered in the API's error shape (pacesetter/api.py mounts the API here).
API_PREFIX = "/api/"


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed logins for this account from your address. "
        "Try again in %(minutes)d minute.",
        "Too many failed logins for this account from your address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    status = settings.AXES_HTTP_RESPONSE_CODE
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {
                "code": "locked_out",
                "message": lockout_message(),
                "detail": {"retry_after": int(retry_after)},
            },
            status=status,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": lockout_message(), "title": _("Login locked")},
            status=status,
        )
    response["Retry-After"] = retry_after
    return response
