"""Progress roll-up and task status: pure functions with worked examples in the tests.

- A task's progress is entered (0 to 100), or derived from its milestones: the weighted
  share of milestones done.
- A project's progress is the weighted mean of its tasks; a plan's, of its projects.
  Nothing to average gives no progress (None), not zero.
- A task's status is derived and explained: done; late (past due and not done); at risk
  (behind the linear schedule from start to due by more than the margin); on track.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weighted_mean(parts: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """The mean of (value, weight) pairs, skipping parts without a value or weight."""
    total = weight_sum = Decimal(0)
    for value, weight in parts:
        if value is None or weight <= 0:
            continue
        total += value * weight
        weight_sum += weight
    if weight_sum == 0:
        return None
    return _q(total / weight_sum)


def milestone_progress(milestones: Iterable[tuple[bool, Decimal]]) -> Decimal | None:
    """The weighted share (0 to 100) of milestones done; None without milestones."""
    done = weight_sum = Decimal(0)
    for is_done, weight in milestones:
        if weight <= 0:
            continue
        weight_sum += weight
        if is_done:
            done += weight
    if weight_sum == 0:
        return None
    return _q(done * HUNDRED / weight_sum)


@dataclass(frozen=True)
class Status:
    code: str  # done | late | at_risk | on_track
    expected: Decimal | None  # where the linear schedule says progress should be
    days_overdue: int = 0


def task_status(
    *,
    progress: Decimal | None,
    start: date | None,
    due: date | None,
    today: date,
    margin: Decimal = Decimal(10),
    done: bool = False,
) -> Status:
    """Done, late, at risk or on track, with the expected progress that explains it."""
    value = progress or Decimal(0)
    if done or value >= HUNDRED:
        return Status("done", None)
    if due is not None and today > due:
        return Status("late", HUNDRED, (today - due).days)
    if start is None or due is None or due <= start or today <= start:
        return Status("on_track", None)
    expected = _q(HUNDRED * Decimal((today - start).days) / Decimal((due - start).days))
    if value < expected - margin:
        return Status("at_risk", expected)
    return Status("on_track", expected)
