"""JSON API for the signed-in user's personal calendar address: /api/v1/calendar/feed.

The same as the "My calendar" page (``calendar:settings``): whether the user has an
address and when it was made; making it or a new one (the old one stops working at
once), whose answer is the only one that holds the address (only its token's hash is
stored); and taking it away. The feed it serves lives with the pages
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
        "can read the user's calendar. Only in the answer that makes it: it is not "
        "stored, so reading the feed later gives null."
    )
    created_at: dt.datetime | None = Field(description="When this address was made.")


def _out(feed: CalendarFeed | None, token: str | None = None) -> dict[str, Any]:
    if feed is None:
        return {"exists": False, "url": None, "created_at": None}
    url = feed_url(token) if token else None
    return {"exists": True, "url": url, "created_at": feed.created_at}


@router.get("/feed", response=CalendarFeedOut)
def calendar_feed_detail(request: HttpRequest) -> dict[str, Any]:
    """Whether the user has a calendar address, and when it was made (not the address:
    it is shown once, by ``POST``)."""
    user: Any = request.user  # signed in (the API's authentication)
    return _out(CalendarFeed.objects.filter(user=user).first())


@router.post("/feed", response=CalendarFeedOut)
def calendar_feed_reset_endpoint(request: HttpRequest) -> dict[str, Any]:
    """Make the user's calendar address or, when they have one, a new one: the old
    address stops working at once. The answer holds the address, this once."""
    user = request.user
    feed, token = calendar_feed_reset(actor=user, user=user)
    return _out(feed, token)


@router.delete("/feed", response={204: None})
def calendar_feed_revoke_endpoint(request: HttpRequest) -> HttpResponse:
    """Take the address away: it stops working. Nothing to take away is no error."""
    user = request.user
    calendar_feed_revoke(actor=user, user=user)
    return HttpResponse(status=204)
