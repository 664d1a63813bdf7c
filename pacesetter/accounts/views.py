"""The user's API tokens: the list and revoking one (committee staff: of the accounts
they manage, from the person's page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .policies import api_token_policy, user_policy
from .services import api_token_revoke


def _owner(request: HttpRequest, user_id: str | None) -> Any:
    """Whose tokens: the user's own, or (``?user=``) an account they may change."""
    if user_id is None or not user_id.isdigit() or int(user_id) == request.user.pk:
        return request.user
    return user_policy.access(request.user, int(user_id), "update")


def _tokens_url(request: HttpRequest, owner: Any) -> str:
    url = reverse("api_tokens")
    return url if owner.pk == request.user.pk else f"{url}?user={owner.pk}"


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    owner = _owner(request, request.GET.get("user"))
    tokens = (
        api_token_policy.visible(request.user)
        .filter(user=owner, expires_at__gt=timezone.now())
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "accounts/api_tokens.html",
        {"owner": owner, "own": owner.pk == request.user.pk, "tokens": tokens},
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_policy.access(request.user, pk, "revoke")
    owner = token.user
    api_token_revoke(actor=request.user, token=token)
    message = _("The token %(prefix)s… was revoked; it no longer works.")
    messages.success(request, message % {"prefix": token.prefix})
    return redirect(_tokens_url(request, owner))
