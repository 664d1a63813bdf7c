"""A personal iCal feed: the user's meetings and the due dates of the key tasks they lead.

Calendar programs cannot log in, so the feed's address carries a secret token
(:class:`~pacesetter.workplans.models.CalendarFeed`); resetting it
(:func:`~pacesetter.workplans.services.calendar_feed_reset`) gives a new address and the
old one stops working. The feed shows, from 90 days ago to a year ahead:

- meetings that are not cancelled which the user is invited to (in person, or as an
  officer or committee staff over an invited unit) or organizes (committee staff over the
  organizer unit), as timed events;
- open key tasks the user leads in person, or whose lead unit lies under the user's
  officer or committee-staff roles, as all-day events on their due date.

The feed costs the same few queries whatever it holds. It lives with the pages that
combine domains (it reads work plans and meetings); the URLs stay at /calendar/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from icalendar import Calendar, Event

from pacesetter.accounts.scopes import scope_of, under
from pacesetter.meetings.models import AgendaItem, Invitation, Meeting, MeetingState
from pacesetter.workplans.models import CalendarFeed, PlanState, Task
from pacesetter.workplans.reminders import not_done
from pacesetter.workplans.services import calendar_feed_reset, calendar_token_hash

#: The window of the feed around today.
PAST = dt.timedelta(days=90)
AHEAD = dt.timedelta(days=365)


# --- the secret address -------------------------------------------------------------


def feed_url(token: str) -> str:
    """The address of the feed with this token (known only when it is made: the
    database holds the token's hash)."""
    return settings.SITE_URL.rstrip("/") + reverse("calendar:feed", args=[token])


# --- what the feed holds --------------------------------------------------------------


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - PAST, today + AHEAD


def feed_meetings(user: Any, today: dt.date) -> QuerySet[Meeting]:
    """The meetings of the feed, with ``agenda_minutes`` (the top-level items' total)."""
    scope = scope_of(user)
    roles = scope.staff_paths + scope.officer_paths
    q = Q(pk__in=Invitation.objects.filter(user=user).values("meeting_id"))
    if roles:
        q |= Q(pk__in=Invitation.objects.filter(under("unit__path", roles)).values("meeting_id"))
    if scope.staff_paths:
        q |= under("organizer_unit__path", scope.staff_paths)
    first, last = _window(today)
    zone = timezone.get_current_timezone()
    agenda = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"), parent__isnull=True)
        .order_by()
        .values("meeting")
        .annotate(total=Sum("duration_minutes"))
        .values("total")
    )
    return (
        Meeting.objects.filter(
            q,
            starts_at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=zone),
            starts_at__lt=dt.datetime.combine(
                last + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            ),
        )
        .exclude(state=MeetingState.CANCELLED)
        .select_related("organizer_unit")
        .annotate(agenda_minutes=Subquery(agenda, output_field=IntegerField()))
        .order_by("starts_at", "pk")
    )


def feed_tasks(user: Any, today: dt.date) -> QuerySet[Task]:
    """Open key tasks (not done, by the rule of the reminders) with a due date in the
    window that the user leads in person or through an officer or committee-staff role
    over the lead unit."""
    scope = scope_of(user)
    roles = scope.staff_paths + scope.officer_paths
    q = Q(lead_person=user)
    if roles:
        q |= under("lead_unit__path", roles)
    first, last = _window(today)
    return (
        Task.objects.filter(
            q, not_done(), due__gte=first, due__lte=last, plan__state=PlanState.OPEN
        )
        .select_related("plan", "lead_unit")
        .order_by("due", "pk")
    )


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "pacesetter"


def _meeting_event(meeting: Any, host: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("summary", meeting.title)
    start = meeting.starts_at.astimezone(dt.UTC)
    event.add("dtstart", start)
    if meeting.ends_at is not None:
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    elif meeting.agenda_minutes:
        event.add("dtend", start + dt.timedelta(minutes=meeting.agenda_minutes))
    if meeting.place:
        event.add("location", meeting.place)
    event.add(
        "url", settings.SITE_URL.rstrip("/") + reverse("meetings:meeting_detail", args=[meeting.pk])
    )
    description = [
        meeting.get_kind_display(),
        _("Organizer: %(unit)s") % {"unit": meeting.organizer_unit.name},
    ]
    if meeting.description:
        description.append(meeting.description)
    event.add("description", "\n".join(description))
    event.add("status", "CONFIRMED")
    return event


def _task_event(task: Task, host: str, stamp: dt.datetime) -> Event:
    assert task.due is not None
    event = Event()
    event.add("uid", f"task-{task.pk}-due@{host}")
    event.add("dtstamp", stamp)
    event.add("summary", _("Due: %(task)s") % {"task": task.title})
    event.add("dtstart", task.due)
    event.add("dtend", task.due + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make the user busy
    event.add(
        "url", settings.SITE_URL.rstrip("/") + reverse("workplans:task_detail", args=[task.pk])
    )
    event.add(
        "description",
        "\n".join(
            [
                _("Work plan: %(plan)s") % {"plan": task.plan.name},
                _("Lead unit: %(unit)s") % {"unit": task.lead_unit.name},
            ]
        ),
    )
    return event


def feed_calendar(user: Any, *, today: dt.date | None = None) -> bytes:
    """The user's feed as iCalendar bytes."""
    today = today or timezone.localdate()
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    host = _host()
    calendar = Calendar()
    calendar.add("prodid", "-//Pacesetter//Meetings and deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Pacesetter: my meetings and deadlines"))
    for meeting in feed_meetings(user, today):
        calendar.add_component(_meeting_event(meeting, host, stamp))
    for task in feed_tasks(user, today):
        calendar.add_component(_task_event(task, host, stamp))
    return bytes(calendar.to_ical())


# --- screens ----------------------------------------------------------------------------


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The user's calendar address, and the button that makes (or resets) it. The
    address is shown once, in the answer to the button (only its token's hash is kept):
    afterwards the page says when it was made and offers a new one."""
    user: Any = request.user  # signed in (login_required)
    url = ""
    feed: CalendarFeed | None
    if request.method == "POST":
        existed = CalendarFeed.objects.filter(user=user).exists()
        feed, token = calendar_feed_reset(actor=user, user=user)
        url = feed_url(token)
        messages.success(
            request,
            _("Your calendar address was reset; the old one no longer works.")
            if existed
            else _("Your calendar address is ready."),
        )
    else:
        feed = CalendarFeed.objects.filter(user=user).first()
    return render(request, "calendar/settings.html", {"feed": feed, "url": url})


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar programs (no login: the token is the key)."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=calendar_token_hash(token), user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404(_("Not found."))
    # The address's ?lang= (applied by the middleware) first, else the account's own
    # language (its profile), else the calendar program's Accept-Language.
    language = None if request.GET.get("lang") else feed.user.language
    with translation.override(language or translation.get_language()):
        body = feed_calendar(feed.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pacesetter.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
