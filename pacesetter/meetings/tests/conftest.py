"""Meetings of the test world: a council meeting of the committee running now, with the
council's seats invited, and the committee's work plan for the tasks it resolves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pacesetter.meetings.models import Invitation, Meeting
from pacesetter.meetings.tests.factories import InvitationFactory, MeetingFactory
from pacesetter.testing.shared import register, shared
from pacesetter.workplans.models import WorkPlan
from pacesetter.workplans.tests.factories import WorkPlanFactory


@dataclass
class Council:
    meeting: Meeting
    plan: WorkPlan
    officer_invitation: Invitation  # the unit officer of ``own``, a voting member
    unit_invitation: Invitation  # the sibling unit, nobody named
    guest_invitation: Invitation  # a guest without an account


def make_meeting(world: Any, **extra: Any) -> Meeting:
    """A council meeting of the committee, running now (``extra`` overrides)."""
    fields: dict[str, Any] = {
        "title": "9th standing council, 3rd session",
        "organizer_unit": world.committee,
        "starts_at": timezone.now() - dt.timedelta(minutes=10),
        "ends_at": timezone.now() + dt.timedelta(hours=3),
        "place": "Changsha",
        "chair": "Chair of the council",
        "body": world.council,
        "quorum": Decimal("0.5"),
        **extra,
    }
    return MeetingFactory.create(**fields)


def build_council(world: Any) -> Council:
    meeting = make_meeting(world)
    today = timezone.localdate()
    plan = WorkPlanFactory(
        body=world.council,
        name="Key tasks of the second half-year",
        kind="half_year",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=150),
    )
    officer = InvitationFactory(meeting=meeting, user=world.users["unit_officer"], unit=world.own)
    unit = InvitationFactory(meeting=meeting, unit=world.sibling)
    guest = InvitationFactory(meeting=meeting, label="Guest of honour", role="guest")
    return Council(meeting, plan, officer, unit, guest)


register("council", build_council, needs=("world",))


@pytest.fixture
def council(request: pytest.FixtureRequest, world: Any) -> Council:
    return shared(request, "council", world)
