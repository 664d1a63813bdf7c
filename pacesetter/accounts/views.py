"""The user's profile (language, mails, password) and API tokens: the list and revoking
one (committee staff: of the accounts they manage, from the person's page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.views import add_service_errors

from .forms import ProfileForm
from .models import User
from .policies import api_token_policy, user_policy
from .services import api_token_revoke, profile_update


def remember_language(response: HttpResponseBase, user: Any) -> HttpResponseBase:
    """Set the language cookie to the account's language (if it chose one): the screens
    follow it from then on, and the language menu still changes it for the session."""
    if getattr(user, "language", ""):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class LoginView(auth_views.LoginView):
    """Django's login, which then switches to the account's language."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        remember_language(response, form.get_user())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/form_page.html"
    success_url = reverse_lazy("profile")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **kwargs,
            title=_("Change my password"),
            submit_label=_("Change my password"),
            cancel_url=reverse("profile"),
            breadcrumb=[{"url": reverse("profile"), "label": _("My profile")}],
        )

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in account's profile: its language and mails, links to its password,
    API tokens and calendar address."""
    user: Any = request.user
    # The form gets its own copy: validating a model form writes to its instance, and the
    # service compares the account as it was with the values chosen.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(actor=user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Said in the language of the page it is shown on: the one just chosen.
            with translation.override(user.language or translation.get_language()):
                messages.success(request, _("Your profile was saved."))
            return remember_language(redirect("profile"), user)  # type: ignore[return-value]
    return render(request, "accounts/profile.html", {"form": form})


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
