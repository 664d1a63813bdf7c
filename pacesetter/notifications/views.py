"""The bell's list, opening one notification, "mark all read", and the profile's choice
of kinds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.views import paginate

from .kinds import KINDS
from .kinds import render as render_text
from .selectors import notification_of, notifications_of
from .services import notifications_mark_read, preferences_set


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, paged; each in the reader's language."""
    page = paginate(request, notifications_of(request.user))
    rows = [
        {
            "pk": n.pk,
            "text": render_text(n.kind, n.params),
            "at": n.created_at,
            "unread": n.read_at is None,
        }
        for n in page.object_list
    ]
    return render(request, "notifications/list.html", {"page_obj": page, "rows": rows})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go to its record (back to the list when it has none)."""
    notification = notification_of(request.user, pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.url or "notifications:list")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all read."""
    notifications_mark_read(user=request.user)
    messages.success(request, _("All your notifications are marked read."))
    return redirect("notifications:list")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """The profile's section: the kinds ticked are wanted, the others turned off."""
    user: Any = request.user
    ticked = set(request.POST.getlist("kinds"))
    preferences_set(actor=user, user=user, kinds={key: key in ticked for key in KINDS})
    messages.success(request, _("Your choice of notifications was saved."))
    return redirect("profile")
