from datetime import date
from decimal import Decimal as D

from pacesetter.workplans.rollup import milestone_progress, task_status, weighted_mean


def test_weighted_mean_worked_examples():
    assert weighted_mean([(D(100), D(1)), (D(0), D(1))]) == D("50.0")
    assert weighted_mean([(D(100), D(3)), (D(0), D(1))]) == D("75.0")
    assert weighted_mean([]) is None  # no tasks: no progress, not zero
    assert weighted_mean([(None, D(2)), (D(40), D(1))]) == D("40.0")
    assert weighted_mean([(D(80), D(0))]) is None  # zero weight counts for nothing


def test_milestone_progress():
    assert milestone_progress([(True, D(1)), (False, D(1)), (True, D(2))]) == D("75.0")
    assert milestone_progress([(True, D(1)), (True, D(1))]) == D("100.0")
    assert milestone_progress([]) is None


def test_status_rules():
    start, due = date(2021, 6, 1), date(2021, 12, 31)
    # All done.
    assert task_status(progress=D(100), start=start, due=due, today=date(2021, 9, 1)).code == "done"
    # Past due and not done: late, with the days overdue.
    late = task_status(progress=D(90), start=start, due=due, today=date(2022, 1, 10))
    assert (late.code, late.days_overdue) == ("late", 10)
    # Half-way through the period at 20%: behind by more than the 10-point margin.
    mid = date(2021, 9, 15)
    risky = task_status(progress=D(20), start=start, due=due, today=mid)
    assert risky.code == "at_risk" and risky.expected is not None
    assert D(49) < risky.expected < D(51)
    assert task_status(progress=D(45), start=start, due=due, today=mid).code == "on_track"
    # Before it starts, nothing is expected yet.
    assert task_status(progress=None, start=start, due=due, today=date(2021, 5, 1)).code == (
        "on_track"
    )
