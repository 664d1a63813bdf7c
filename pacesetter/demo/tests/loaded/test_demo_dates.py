"""The demo's events carry the dates of the cases (2020 to 2025), not the day it is
loaded: the loader runs each service under the clock of its event (core.clock)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models

from pacesetter.ballots.models import Poll
from pacesetter.campaigns.models import ReviewPoint
from pacesetter.meetings.models import Invitation, Minutes, Resolution
from pacesetter.practices.models import Adoption, Practice, PracticeStep
from pacesetter.scoring.models import InspectionAssignment, ScoreEvent, ScoringTable
from pacesetter.testing.shared import BUILT_AT
from pacesetter.workplans.models import Milestone, Task, TaskUpdate

BEFORE = dt.date(2026, 1, 1)

#: Every date an event of the demo is recorded with, as the screens and the API show it.
EVENT_DATES: tuple[tuple[type[models.Model], str], ...] = (
    (ScoringTable, "adopted_at"),
    (ReviewPoint, "published_at"),
    (InspectionAssignment, "assigned_at"),
    (ScoreEvent, "at"),
    (Poll, "opened_at"),
    (Poll, "closed_at"),
    (Poll, "published_at"),
    (Invitation, "registered_at"),
    (Invitation, "checked_in_at"),
    (Resolution, "adopted_on"),
    (Minutes, "drafted_at"),
    (Minutes, "finalized_at"),
    (TaskUpdate, "at"),
    (Task, "done_on"),
    (Milestone, "done_on"),
    (PracticeStep, "at"),
    (Practice, "published_at"),
    (Adoption, "adopted_on"),
    (Adoption, "reported_on"),
)


@pytest.mark.parametrize(
    ("model", "field"), EVENT_DATES, ids=[f"{m.__name__}.{f}" for m, f in EVENT_DATES]
)
def test_no_event_is_dated_at_the_load(demo: str, model: type[models.Model], field: str) -> None:
    assert BUILT_AT.date() >= BEFORE  # the load itself is later than every case
    stamps = list(model.objects.exclude(**{field: None}).values_list(field, flat=True))
    assert stamps, f"no {model.__name__}.{field} in the demo"
    days = {s.date() if isinstance(s, dt.datetime) else s for s in stamps}
    assert max(days) < BEFORE, f"{model.__name__}.{field}: {max(days)}"


def test_a_review_runs_in_order_up_to_its_conference(demo: str) -> None:
    """Reports, inspections, reviews and the final scores come between the period's end
    and the review conference, where the ranking is published."""
    point = ReviewPoint.objects.get(campaign__code="TH-C18-2024", code="h1")
    events = ScoreEvent.objects.filter(item__review_point=point)
    first = events.order_by("at").first()
    last = events.order_by("at").last()
    assert first is not None and last is not None and point.published_at is not None
    assert point.period_end < first.at.date() and last.at <= point.published_at
    assert str(point.published_at.date()) == "2024-07-24"
    reported = events.filter(action="report").values_list("at", flat=True)
    finalized = events.filter(action="finalize").values_list("at", flat=True)
    assert max(reported) < min(finalized)


def test_a_meetings_invitees_register_before_it_and_its_minutes_follow_it(demo: str) -> None:
    for invitation in Invitation.objects.exclude(registered_at=None).select_related("meeting"):
        assert invitation.registered_at is not None
        assert invitation.registered_at < invitation.meeting.starts_at
    for minutes in Minutes.objects.select_related("meeting"):
        assert minutes.drafted_at > minutes.meeting.starts_at
        if minutes.finalized_at is not None:
            assert minutes.drafted_at <= minutes.finalized_at


def test_a_task_reported_done_is_reported_on_the_day_it_was_done(demo: str) -> None:
    done = Task.objects.exclude(done_on=None).exclude(updates=None)
    assert done.exists()
    for task in done.prefetch_related("updates"):
        assert task.done_on is not None
        assert any(update.at.date() <= task.done_on for update in task.updates.all()), task
