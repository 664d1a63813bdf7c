import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.audit.models import AuditEntry
from pacesetter.core.errors import ConflictError
from pacesetter.workplans import rollup, selectors, services
from pacesetter.workplans.models import ProgressMode, Task

START, DUE = dt.date(2021, 6, 1), dt.date(2021, 12, 31)


@pytest.fixture
def plan(world):
    return services.plan_create(
        actor=world.users["committee_staff"],
        body=world.council,
        name="Second half-year 2021",
        kind="half_year",
        period_start=START,
        period_end=DUE,
    )


@given(
    progress=st.decimals(min_value=0, max_value=100, places=1),
    length=st.integers(min_value=1, max_value=400),
    margin=st.decimals(min_value=0, max_value=50, places=1),
    offset=st.integers(min_value=-5, max_value=420),
)
def test_at_risk_from_agrees_with_the_status_rule(progress, length, margin, offset):
    start = dt.date(2024, 1, 1)
    due = start + dt.timedelta(days=length)
    today = start + dt.timedelta(days=offset)
    stored = services.at_risk_start(progress, start, due, margin)
    status = rollup.task_status(progress=progress, start=start, due=due, today=today, margin=margin)
    in_sql_terms = "late" if today > due else "at_risk" if stored and stored <= today else None
    if status.code in ("late", "at_risk"):
        assert in_sql_terms == status.code
    elif progress < 100:
        assert in_sql_terms is None


def test_task_progress_roll_up_and_history(world, plan):
    staff = world.users["committee_staff"]
    project = services.project_create(actor=staff, plan=plan, name="Optics fair", weight=D(2))
    a = services.task_create(
        actor=staff,
        plan=plan,
        project=project,
        title="A",
        lead_unit=world.own,
        start=START,
        due=DUE,
    )
    b = services.task_create(
        actor=staff,
        plan=plan,
        project=project,
        title="B",
        lead_unit=world.own,
        progress_mode=ProgressMode.MILESTONES,
    )
    direct = services.task_create(actor=staff, plan=plan, title="C", lead_unit=world.sibling)
    assert b.progress is None
    services.task_report(actor=staff, task=a, progress=D(60), note="Halfway", version=a.version)
    m1 = services.milestone_add(actor=staff, task=b, title="Venue")
    services.milestone_add(actor=staff, task=b, title="Exhibitors", weight=D(3))
    services.milestone_set_done(actor=staff, milestone=m1, done_on=dt.date(2021, 7, 1))
    b.refresh_from_db()
    assert b.progress == D("25.0")
    result = selectors.plan_rollup(plan, dt.date(2021, 9, 1))
    assert result.projects[project.pk] == D("42.5")
    # Plan: project 42.5 × 2, key task C 0 × 1.
    assert result.plan == D("28.3")
    assert sum(result.counts.values()) == 3
    services.task_report(actor=staff, task=direct, progress=D(100))
    direct.refresh_from_db()
    assert direct.done_on is not None
    assert AuditEntry.objects.filter(action="task.report").count() == 2
    with pytest.raises(ConflictError):
        services.task_report(actor=staff, task=a, progress=D(70), version=a.version)
    with pytest.raises(ValidationError):
        services.task_report(actor=staff, task=b, progress=D(70))


def test_status_in_sql(world, plan):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, start=START, due=DUE
    )
    status = lambda day: selectors.with_status(Task.objects.filter(pk=task.pk), day).get().status  # noqa: E731
    assert status(dt.date(2021, 6, 10)) == "on_track"
    assert status(dt.date(2021, 10, 1)) == "at_risk"
    assert status(dt.date(2022, 1, 5)) == "late"
    services.task_report(actor=staff, task=task, progress=D(100))
    assert status(dt.date(2022, 1, 5)) == "done"


def test_dates_must_fall_in_the_plan(world, plan):
    with pytest.raises(ValidationError) as info:
        services.task_create(
            actor=None, plan=plan, title="T", lead_unit=world.own, due=dt.date(2022, 3, 1)
        )
    assert "due" in info.value.message_dict
