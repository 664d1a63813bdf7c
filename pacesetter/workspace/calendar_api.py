"""JSON API for the signed-in user's personal calendar address: /api/v1/calendar/feed.

The same as the "My calendar" page (``calendar:settings``): whether the user has an
address and, as the page shows it, the address itself; making it or a new one (the old
one stops working at once); and taking it away. The feed it serves lives with the pages
that combine domains (:mod:`pacesetter.workspace.ical`), so this router does too.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from pacesetter.workplans.models import CalendarFeed
from pacesetter.workplans.services import calendar_feed_reset, calendar_feed_revoke

from .ical import feed_url

router = Router(tags=["calendar"])


class CalendarFeedOut(Schema):
    exists: bool = Field(description="Whether the user has a calendar address.")
    url: str | None = Field(
        description="The address to subscribe to in a calendar program; anyone with it "
        "can read the user's calendar."
    )
    created_at: dt.datetime | None = Field(description="When this address was made.")


def _out(feed: CalendarFeed | None) -> dict[str, Any]:
    if feed is None:
        return {"exists": False, "url": None, "created_at": None}
    return {"exists": True, "url": feed_url(feed), "created_at": feed.created_at}


@router.get("/feed", response=CalendarFeedOut)
def calendar_feed_detail(request: HttpRequest) -> dict[str, Any]:
    """The user's calendar address, if they have one."""
    user: Any = request.user  # signed in (the API's authentication)
    return _out(CalendarFeed.objects.filter(user=user).first())


@router.post("/feed", response=CalendarFeedOut)
def calendar_feed_reset_endpoint(request: HttpRequest) -> dict[str, Any]:
    """Make the user's calendar address or, when they have one, a new one: the old
    address stops working at once."""
    user = request.user
    return _out(calendar_feed_reset(actor=user, user=user))


@router.delete("/feed", response={204: None})
def calendar_feed_revoke_endpoint(request: HttpRequest) -> HttpResponse:
    """Take the address away: it stops working. Nothing to take away is no error."""
    user = request.user
    calendar_feed_revoke(actor=user, user=user)
    return HttpResponse(status=204)
