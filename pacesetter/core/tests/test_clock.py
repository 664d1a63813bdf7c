"""core.clock: services stamp events with now, or with the moment a loader fixes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.core import clock

CONFERENCE = dt.datetime(2024, 7, 24, 8, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_now_is_the_current_time_outside_a_fixed_block() -> None:
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_a_fixed_block_stamps_its_moment_and_the_clock_runs_again_after() -> None:
    with clock.fixed(CONFERENCE):
        assert clock.now() == CONFERENCE
        later = CONFERENCE + dt.timedelta(days=1)
        with clock.fixed(later):
            assert clock.now() == later
        assert clock.now() == CONFERENCE
    assert clock.now().year == timezone.now().year != 2024


def test_the_clock_runs_again_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), clock.fixed(CONFERENCE):
        raise RuntimeError
    assert clock.now() != CONFERENCE


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError), clock.fixed(dt.datetime(2024, 7, 24, 8)):
        pass
