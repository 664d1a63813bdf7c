from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from pacesetter.core.clients import ClientRateThrottle

from .services import api_token_create

router = Router(tags=["auth"])


class TokenThrottle(ClientRateThrottle):
    """Requests to the token endpoint per client address, beside the lockout of failed
    logins (django-axes, docs/security.md)."""

    scope = "api_token"


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105
    expires_at: datetime


@router.post(
    "/token",
    response=TokenOut,
    auth=None,
    throttle=[TokenThrottle(settings.API_TOKEN_RATE)],
)
def token_create(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange a username and password for a personal API token. After too many failed
    attempts for a username from one address, 429 ``locked_out`` until the cool-off ends
    (the attempts are counted by django-axes, which sees this ``authenticate``)."""
    user = authenticate(request=request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        raise HttpError(401, _("The username or password is wrong."))
    token, raw = api_token_create(user=user)
    return TokenOut(token=raw, expires_at=token.expires_at)
