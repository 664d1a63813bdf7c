from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Version
from pacesetter.core.clients import ClientRateThrottle

from .models import ApiToken
from .policies import api_token_policy
from .services import api_token_create, api_token_revoke, profile_update

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


class ApiTokenOut(Schema):
    id: int
    user_id: int
    username: str = Field(alias="user.username")
    prefix: str = Field(description="The token's first characters, to recognize it.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = Field(description="To the nearest five minutes.")


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


@router.get("/tokens", response=list[ApiTokenOut])
@paginate(Paged)
def token_list(request: HttpRequest, user_id: Id | None = None) -> QuerySet[ApiToken]:
    """The live personal tokens the user may see: their own, and those of the accounts
    they manage as committee staff; ``user_id`` keeps one account's (default: their
    own). Newest first; never the tokens themselves, which are not stored."""
    user: Any = request.user  # signed in (the API's authentication)
    tokens = api_token_policy.visible(user).filter(expires_at__gt=timezone.now())
    owner: int = user_id if user_id is not None else user.pk
    return tokens.filter(user_id=owner).select_related("user").order_by("-created_at", "-pk")


@router.delete("/tokens/{int:token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: Id) -> HttpResponse:
    """Revoke a token: it stops working at once. 404 for a token the user may not see,
    403 for one they see but may not revoke."""
    token = api_token_policy.access(request.user, token_id, "revoke")
    api_token_revoke(actor=request.user, token=token)
    return HttpResponse(status=204)


class ProfileOut(Schema):
    username: str
    language: str = Field(description="The account's language ('' = the site's).")
    mail_reminders: bool
    mail_escalations: bool
    version: Version = VERSION_OUT

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.profile_version)


class ProfileIn(Schema):
    language: Literal["", "en", "vi", "zh-hans"] | None = Field(
        None, description="Screens and mails in this language; '' for the site's."
    )
    mail_reminders: bool | None = None
    mail_escalations: bool | None = None
    version: Version | None = VERSION_IN


@router.get("/profile", response=ProfileOut)
def profile_read(request: HttpRequest) -> Any:
    """The signed-in account's profile, as its "My profile" screen shows it."""
    return request.user


@router.patch("/profile", response=ProfileOut)
def profile_patch(request: HttpRequest, payload: ProfileIn) -> Any:
    """Change the signed-in account's language and mail choices (those given)."""
    user: Any = request.user  # signed in (the API's authentication)
    return profile_update(actor=user, user=user, **payload.dict(exclude_none=True))
