"""The personal iCal feed: which meetings and deadlines it holds, its secret address,
and a fixed number of queries."""

import datetime as dt
import hashlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from pacesetter.audit.models import AuditEntry
from pacesetter.meetings.models import MeetingKind
from pacesetter.meetings.services import (
    agenda_item_add,
    invitation_add,
    meeting_create,
    meeting_set_state,
)
from pacesetter.workplans.models import CalendarFeed, Task
from pacesetter.workplans.services import calendar_feed_reset, calendar_token_hash, plan_create
from pacesetter.workplans.tests.factories import TaskFactory

pytestmark = pytest.mark.clock

PASSWORD = "pacesetter-test"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def at(n_days: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(days(n_days), dt.time(hour, 0)))


def events(response) -> dict[str, dict]:
    """The feed's events by UID, with the properties the tests look at."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    out = {}
    for event in calendar.walk("VEVENT"):
        out[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND") if "DTEND" in event else None,
            "location": str(event.get("LOCATION", "")),
            "url": str(event.get("URL", "")),
            "stamp": event.decoded("DTSTAMP"),
        }
    return out


def host() -> str:
    return settings.SITE_URL.split("//", 1)[1].split(":")[0].split("/")[0]


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@{host()}"


def task_uid(task) -> str:
    return f"task-{task.pk}-due@{host()}"


@pytest.fixture
def plan(world):
    return plan_create(
        actor=None,
        body=world.council,
        name="Key tasks",
        kind="year",
        period_start=days(-200),
        period_end=days(400),
    )


def make_task(world, plan, title, unit, due, **extra):
    return TaskFactory(plan=plan, title=title, lead_unit=unit, due=due, **extra)


def make_meeting(world, title, starts_at, **extra):
    fields = {
        "actor": None,
        "kind": MeetingKind.COUNCIL,
        "title": title,
        "organizer_unit": world.committee,
        "starts_at": starts_at,
        **extra,
    }
    return meeting_create(**fields)


@pytest.fixture
def agenda(world, plan):
    """Meetings and tasks around the unit officer of Own unit."""
    officer = world.users["unit_officer"]
    invited = make_meeting(
        world,
        "Standing council",
        at(10),
        ends_at=at(10, 12),
        place="Changsha, Hunan",
    )
    invitation_add(actor=None, meeting=invited, user=officer)
    for_the_unit = make_meeting(world, "Exchange activity", at(30))
    invitation_add(actor=None, meeting=for_the_unit, unit=world.own)
    agenda_item_add(actor=None, meeting=for_the_unit, title="Visit", duration_minutes=90)
    agenda_item_add(actor=None, meeting=for_the_unit, title="Talks", duration_minutes=30)
    cancelled = make_meeting(world, "Cancelled council", at(20))
    invitation_add(actor=None, meeting=cancelled, user=officer)
    meeting_set_state(actor=None, meeting=cancelled, state="cancelled")
    long_ago = make_meeting(world, "Last year's council", at(-100))
    invitation_add(actor=None, meeting=long_ago, user=officer)
    not_invited = make_meeting(world, "Council of another province", at(5))
    elsewhere = make_meeting(
        world, "Other province's meeting", at(6), organizer_unit=world.other_root
    )

    own = make_task(world, plan, "Skills competition", world.own, days(40))
    child = make_task(world, plan, "Training course", world.child, days(-30))
    done = make_task(world, plan, "Finished task", world.own, days(50))
    Task.objects.filter(pk=done.pk).update(done_on=days(-1))
    too_far = make_task(world, plan, "Next year's task", world.own, days(380))
    too_old = make_task(world, plan, "Old task", world.own, days(-100))
    no_due = make_task(world, plan, "Task without a due date", world.own, None)
    personal = make_task(
        world, plan, "Personal task", world.other, days(15), lead_person=world.users["nobody"]
    )
    sibling = make_task(world, plan, "Sibling's task", world.sibling, days(15))
    return {
        "invited": invited,
        "for_the_unit": for_the_unit,
        "cancelled": cancelled,
        "long_ago": long_ago,
        "not_invited": not_invited,
        "elsewhere": elsewhere,
        "own": own,
        "child": child,
        "done": done,
        "too_far": too_far,
        "too_old": too_old,
        "no_due": no_due,
        "personal": personal,
        "sibling": sibling,
    }


def feed_of(client, user):
    _, token = calendar_feed_reset(actor=user, user=user)
    return client.get(reverse("calendar:feed", args=[token]))


def test_the_officer_sees_their_meetings_and_their_units_deadlines(client, world, agenda):
    found = events(feed_of(client, world.users["unit_officer"]))
    assert set(found) == {
        meeting_uid(agenda["invited"]),
        meeting_uid(agenda["for_the_unit"]),
        task_uid(agenda["own"]),
        task_uid(agenda["child"]),  # a unit under Own unit; overdue but open
    }
    meeting = found[meeting_uid(agenda["invited"])]
    assert meeting["summary"] == "Standing council"
    assert meeting["location"] == "Changsha, Hunan"
    assert meeting["start"] == at(10) and meeting["end"] == at(10, 12)
    assert meeting["url"] == settings.SITE_URL + f"/meetings/{agenda['invited'].pk}/"
    # without an end time, the agenda's length gives the end
    unit_meeting = found[meeting_uid(agenda["for_the_unit"])]
    assert unit_meeting["end"] - unit_meeting["start"] == dt.timedelta(minutes=120)

    task = found[task_uid(agenda["own"])]
    assert task["summary"] == "Due: Skills competition"
    assert task["start"] == days(40) and task["end"] == days(41)  # an all-day event
    assert task["url"] == settings.SITE_URL + f"/workplans/tasks/{agenda['own'].pk}/"


def test_the_lead_person_sees_their_task(client, world, agenda):
    found = events(feed_of(client, world.users["nobody"]))
    assert set(found) == {task_uid(agenda["personal"])}


def test_committee_staff_see_what_they_organize_and_what_units_under_them_lead(
    client, world, agenda
):
    found = events(feed_of(client, world.users["committee_staff"]))
    assert set(found) == {
        meeting_uid(agenda["invited"]),
        meeting_uid(agenda["for_the_unit"]),
        meeting_uid(agenda["not_invited"]),
        task_uid(agenda["own"]),
        task_uid(agenda["child"]),
        task_uid(agenda["sibling"]),
    }


def test_a_viewer_is_not_sent_the_units_meetings(client, world, agenda):
    # Viewers only look; the feed is for who attends and who leads.
    assert events(feed_of(client, world.users["viewer"])) == {}


def test_uids_are_stable_between_fetches(client, world, agenda):
    officer = world.users["unit_officer"]
    _, token = calendar_feed_reset(actor=officer, user=officer)
    url = reverse("calendar:feed", args=[token])
    first, second = events(client.get(url)), events(client.get(url))
    assert set(first) == set(second) and len(first) == 4


def test_a_bad_or_reset_token_finds_nothing(client, world, agenda):
    officer = world.users["unit_officer"]
    _, old = calendar_feed_reset(actor=officer, user=officer)
    assert client.get(reverse("calendar:feed", args=["not-a-token"])).status_code == 404
    _, new = calendar_feed_reset(actor=officer, user=officer)
    assert new != old
    assert client.get(reverse("calendar:feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar:feed", args=[new])).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert client.get(reverse("calendar:feed", args=[new])).status_code == 404


def test_the_feed_costs_the_same_queries_whatever_it_holds(
    client, world, plan, agenda, django_assert_num_queries
):
    officer = world.users["unit_officer"]
    url = reverse("calendar:feed", args=[calendar_feed_reset(actor=officer, user=officer)[1]])
    # the feed and its user, the user's roles, the meetings, the tasks
    with django_assert_num_queries(4):
        assert len(events(client.get(url))) == 4
    for n in range(5):
        meeting = make_meeting(world, f"Extra meeting {n}", at(50 + n))
        invitation_add(actor=None, meeting=meeting, user=officer)
        make_task(world, plan, f"Extra task {n}", world.own, days(60 + n))
    with django_assert_num_queries(4):
        assert len(events(client.get(url))) == 14


# --- the settings page --------------------------------------------------------------------


def test_the_settings_page_makes_and_resets_the_address(client, world):
    officer = world.users["unit_officer"]
    client.force_login(officer)
    url = reverse("calendar:settings")
    page = client.get(url)
    assert page.status_code == 200 and b"You have no calendar address yet." in page.content

    made = client.post(url)
    assert made.status_code == 200 and b"Your calendar address is ready." in made.content
    address = re.search(r'id="feed-url"[^>]*value="([^"]+)"', made.content.decode())[1]
    assert address.startswith(settings.SITE_URL) and serves(client, address)
    # Shown once: the page, read again, says when it was made but not what it is.
    page = client.get(url).content.decode()
    assert address not in page and 'id="feed-made"' in page

    reset = client.post(url).content.decode()
    new = re.search(r'id="feed-url"[^>]*value="([^"]+)"', reset)[1]
    assert new != address and serves(client, new) and not serves(client, address)
    assert "the old one no longer works" in reset
    entries = AuditEntry.objects.filter(target_type="workplans.calendarfeed").order_by("pk")
    assert [e.action for e in entries] == ["calendar_feed.create", "calendar_feed.reset"]
    assert all(new not in str(e.changes) and address not in str(e.changes) for e in entries)


def serves(client, address):
    response = client.get(address.removeprefix(settings.SITE_URL))
    return response.status_code == 200 and response["Content-Type"].startswith("text/calendar")


def test_only_the_tokens_hash_is_stored(client, world):
    officer = world.users["unit_officer"]
    feed, token = calendar_feed_reset(actor=officer, user=officer)
    stored = CalendarFeed.objects.filter(pk=feed.pk).values()[0]
    assert token not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert serves(client, reverse("calendar:feed", args=[token]))
    # Knowing the hash (from a copy of the database) does not open the feed.
    assert not serves(client, reverse("calendar:feed", args=[feed.token_hash]))


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("calendar:settings"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_task_at_100_percent_without_a_done_date_is_left_out(client, world, agenda):
    # Done by the reminders' rule (and the board's): its milestones are all done, or its
    # progress reached 100, even though nobody entered the day it was done.
    Task.objects.filter(pk=agenda["own"].pk).update(progress=100, done_on=None)
    found = events(feed_of(client, world.users["unit_officer"]))
    assert task_uid(agenda["own"]) not in found
    assert task_uid(agenda["child"]) in found


def test_a_closed_plans_deadlines_are_left_out(client, world, agenda, plan):
    from pacesetter.workplans.services import plan_close

    plan_close(actor=world.users["committee_staff"], plan=plan)
    found = events(feed_of(client, world.users["unit_officer"]))
    assert task_uid(agenda["own"]) not in found
    assert meeting_uid(agenda["invited"]) in found  # meetings are not the plan's


def test_making_and_resetting_the_address_is_audited_without_the_token(world):
    officer = world.users["unit_officer"]
    _, first = calendar_feed_reset(actor=officer, user=officer)
    _, second = calendar_feed_reset(actor=officer, user=officer)
    entries = AuditEntry.objects.filter(target_type="workplans.calendarfeed").order_by("pk")
    assert [e.action for e in entries] == ["calendar_feed.create", "calendar_feed.reset"]
    assert all(e.actor_id == officer.pk for e in entries)
    assert not any(token in str(e.changes) for e in entries for token in (first, second))


def test_a_reset_that_fails_keeps_the_old_address(world, monkeypatch):
    officer = world.users["unit_officer"]

    def failing_audit(**kwargs):
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr("pacesetter.workplans.services.audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        calendar_feed_reset(actor=officer, user=officer)
    assert not CalendarFeed.objects.exists()
    monkeypatch.undo()
    _, old = calendar_feed_reset(actor=officer, user=officer)
    monkeypatch.setattr("pacesetter.workplans.services.audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        calendar_feed_reset(actor=officer, user=officer)
    assert CalendarFeed.objects.get(user=officer).token_hash == calendar_token_hash(old)
