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

pytestmark = pytest.mark.clock

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
    services.task_report(actor=staff, task=task, progress=D(100), done_on=dt.date(2021, 12, 20))
    assert status(dt.date(2022, 1, 5)) == "done"
    # Before the day it was done it was not done yet (and at 100% never at risk).
    assert status(dt.date(2021, 12, 10)) == "on_track"


def test_dates_must_fall_in_the_plan(world, plan):
    with pytest.raises(ValidationError) as info:
        services.task_create(
            actor=None, plan=plan, title="T", lead_unit=world.own, due=dt.date(2022, 3, 1)
        )
    assert "due" in info.value.message_dict


# --- review fixes ----------------------------------------------------------------------

TODAY = dt.date(2021, 9, 1)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)


def sql_status(task, day=TODAY):
    return selectors.with_status(Task.objects.filter(pk=task.pk), day).get().status


def test_reopen_goes_back_to_the_last_progress_below_100(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, start=START, due=DUE
    )
    services.task_report(actor=staff, task=task, progress=D(40))
    services.task_report(actor=staff, task=task, progress=D(100))
    task.refresh_from_db()
    assert (task.done_on, task.progress, sql_status(task)) == (TODAY, D(100), "done")

    services.task_reopen(actor=staff, task=task, note="Two exhibitors withdrew")
    task = Task.objects.select_related("plan").get(pk=task.pk)
    assert task.done_on is None and task.progress == D(40)
    # 40% against an expected 43.2% is within the margin: on track, in SQL and explained.
    assert sql_status(task) == "on_track"
    assert selectors.explain(task, TODAY).code == "on_track"
    assert task.at_risk_from == services.at_risk_start(D(40), START, DUE, plan.at_risk_margin)
    assert task.updates.first().note == "Two exhibitors withdrew"


def test_reopen_goes_back_to_the_progress_reported_with_the_done_date(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, start=START, due=DUE
    )
    # One step: 30% and the day it was done; the task counts as done (100%) ...
    services.task_report(actor=staff, task=task, progress=D(30), done_on=dt.date(2021, 8, 1))
    task.refresh_from_db()
    assert (task.progress, task.done_on) == (D(100), dt.date(2021, 8, 1))
    # ... and reopening it returns the 30% the lead reported, not 0.
    services.task_reopen(actor=staff, task=task, note="Not finished after all")
    task.refresh_from_db()
    assert (task.progress, task.done_on) == (D(30), None)


def test_reopen_takes_a_new_progress_below_100(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, start=START, due=DUE
    )
    services.task_report(actor=staff, task=task, done_on=dt.date(2021, 8, 1))
    with pytest.raises(ValidationError) as info:
        services.task_reopen(actor=staff, task=task, note="Not yet", progress=D(100))
    assert "progress" in info.value.message_dict
    # No report below 100 before it was done: back to 0 by default ...
    services.task_reopen(actor=staff, task=task, note="Not yet")
    task = Task.objects.select_related("plan").get(pk=task.pk)
    assert task.progress == D(0)
    assert (sql_status(task), selectors.explain(task, TODAY).code) == ("at_risk", "at_risk")
    # ... or to the progress given.
    services.task_report(actor=staff, task=task, done_on=dt.date(2021, 8, 1))
    services.task_reopen(actor=staff, task=task, note="Nearly", progress=D("72.04"))
    task = Task.objects.select_related("plan").get(pk=task.pk)
    assert task.progress == D("72.0")
    assert (sql_status(task), selectors.explain(task, TODAY).code) == ("on_track", "on_track")


def test_reopen_a_milestone_task(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, progress_mode="milestones"
    )
    first = services.milestone_add(actor=staff, task=task, title="Venue")
    services.milestone_set_done(actor=staff, milestone=first, done_on=dt.date(2021, 7, 1))
    services.task_report(actor=staff, task=task, done_on=dt.date(2021, 7, 2))
    with pytest.raises(ValidationError) as info:
        services.task_reopen(actor=staff, task=task, note="No", progress=D(10))
    assert "progress" in info.value.message_dict
    # Every milestone is done: reopening would leave it done, so it is refused.
    with pytest.raises(ValidationError, match="Every milestone of this task is done"):
        services.task_reopen(actor=staff, task=task, note="No")
    assert Task.objects.get(pk=task.pk).done_on == dt.date(2021, 7, 2)
    services.milestone_add(actor=staff, task=task, title="Exhibitors")
    services.task_reopen(actor=staff, task=task, note="One more step")
    task = Task.objects.select_related("plan").get(pk=task.pk)
    assert (task.done_on, task.progress) == (None, D(50))
    assert sql_status(task) == "on_track" and selectors.explain(task, TODAY).code == "on_track"


def test_a_milestone_task_reported_done_counts_as_100(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    project = services.project_create(actor=staff, plan=plan, name="P")
    task = services.task_create(
        actor=staff,
        plan=plan,
        project=project,
        title="T",
        lead_unit=world.own,
        progress_mode="milestones",
    )
    for title in ("A", "B", "C", "D"):
        services.milestone_add(actor=staff, task=task, title=title)
    services.milestone_set_done(
        actor=staff, milestone=task.milestones.first(), done_on=dt.date(2021, 7, 1)
    )
    services.task_report(actor=staff, task=task, done_on=dt.date(2021, 8, 1))
    task.refresh_from_db()
    assert task.progress == D(25)  # the milestones' share stays as it is
    result = selectors.plan_rollup(plan, TODAY)
    assert result.counts["done"] == 1
    assert result.projects[project.pk] == D(100) and result.plan == D(100)
    assert selectors.plans_progress([plan.pk])[plan.pk] == D(100)
    # Done without any milestone (no progress of its own): 100 as well.
    bare = services.task_create(
        actor=staff, plan=plan, title="Bare", lead_unit=world.own, progress_mode="milestones"
    )
    services.task_report(actor=staff, task=bare, done_on=dt.date(2021, 8, 2))
    assert selectors.plan_rollup(plan, TODAY).plan == D(100)


def test_status_as_of_a_day_before_the_task_was_done(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, start=START, due=dt.date(2021, 8, 1)
    )
    services.task_report(actor=staff, task=task, done_on=dt.date(2021, 8, 20))
    task = Task.objects.select_related("plan").get(pk=task.pk)
    for day, code, overdue in (
        (dt.date(2021, 7, 1), "on_track", 0),
        (dt.date(2021, 8, 10), "late", 9),
        (dt.date(2021, 8, 20), "done", 0),
        (TODAY, "done", 0),
    ):
        assert sql_status(task, day) == code
        status = selectors.explain(task, day)
        assert (status.code, status.days_overdue) == (code, overdue)


@pytest.mark.parametrize(
    ("done_on", "message"),
    [
        (dt.date(2021, 9, 2), "cannot be in the future"),
        (dt.date(2021, 6, 9), "before the task starts (2021-06-10)"),
    ],
)
def test_impossible_done_dates_are_refused(world, plan, fixed_today, done_on, message):
    staff = world.users["committee_staff"]
    task = services.task_create(
        actor=staff, plan=plan, title="T", lead_unit=world.own, start=dt.date(2021, 6, 10)
    )
    with pytest.raises(ValidationError) as info:
        services.task_report(actor=staff, task=task, done_on=done_on)
    assert message in info.value.message_dict["done_on"][0]
    steps = services.task_create(
        actor=staff,
        plan=plan,
        title="S",
        lead_unit=world.own,
        start=dt.date(2021, 6, 10),
        progress_mode="milestones",
    )
    milestone = services.milestone_add(actor=staff, task=steps, title="M")
    with pytest.raises(ValidationError) as info:
        services.milestone_set_done(actor=staff, milestone=milestone, done_on=done_on)
    assert message in info.value.message_dict["done_on"][0]
    assert Task.objects.get(pk=task.pk).done_on is None
    assert not steps.milestones.filter(done_on__isnull=False).exists()
    # The day itself and the start are fine.
    services.task_report(actor=staff, task=task, done_on=dt.date(2021, 6, 10))
    services.milestone_set_done(actor=staff, milestone=milestone, done_on=TODAY)


def test_without_a_task_start_the_plan_start_bounds_the_done_date(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(actor=staff, plan=plan, title="T", lead_unit=world.own)
    with pytest.raises(ValidationError) as info:
        services.task_report(actor=staff, task=task, done_on=dt.date(2021, 5, 31))
    assert "2021-06-01" in info.value.message_dict["done_on"][0]


def test_progress_is_kept_to_a_tenth_and_99_96_is_done(world, plan, fixed_today):
    staff = world.users["committee_staff"]
    task = services.task_create(actor=staff, plan=plan, title="T", lead_unit=world.own)
    services.task_report(actor=staff, task=task, progress=D("42.44"))
    task.refresh_from_db()
    assert task.progress == D("42.4")
    services.task_report(actor=staff, task=task, progress=D("99.96"))
    task.refresh_from_db()
    assert (task.progress, task.done_on) == (D(100), TODAY)


def test_a_new_margin_recomputes_every_task_in_a_fixed_number_of_queries(world, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = world.users["committee_staff"]

    def add(n):
        for i in range(n):
            task = services.task_create(
                actor=staff,
                plan=plan,
                title=f"T{i}",
                lead_unit=world.own,
                start=START,
                due=DUE,
                progress_mode="milestones" if i % 2 else "entered",
            )
            if i % 2:
                services.milestone_add(actor=staff, task=task, title="M")

    def queries(margin):
        plan.refresh_from_db()
        with CaptureQueriesContext(connection) as ctx:
            services.plan_update(actor=staff, plan=plan, at_risk_margin=margin)
        return len(ctx.captured_queries)

    add(2)
    few = queries(D(20))
    add(8)
    assert queries(D(30)) == few
    for task in Task.objects.filter(plan=plan):
        assert task.at_risk_from == services.at_risk_start(task.progress, START, DUE, D(30))
        assert task.at_risk_from is not None


def test_a_new_margin_is_written_in_batches(world, plan, monkeypatch):
    staff = world.users["committee_staff"]
    for i in range(5):
        services.task_create(
            actor=staff, plan=plan, title=f"T{i}", lead_unit=world.own, start=START, due=DUE
        )
    monkeypatch.setattr(services, "REFRESH_BATCH", 2)
    services.plan_update(actor=staff, plan=plan, at_risk_margin=D(40))
    expected = services.at_risk_start(D(0), START, DUE, D(40))
    assert set(Task.objects.filter(plan=plan).values_list("at_risk_from", flat=True)) == {expected}


def test_a_period_that_leaves_task_dates_outside_is_refused(world, plan):
    staff = world.users["committee_staff"]
    for due in (dt.date(2021, 7, 1), dt.date(2021, 7, 15), dt.date(2021, 12, 1)):
        services.task_create(
            actor=staff, plan=plan, title=f"T{due}", lead_unit=world.own, start=START, due=due
        )
    with pytest.raises(ValidationError) as info:
        services.plan_update(
            actor=staff,
            plan=plan,
            period_start=dt.date(2021, 7, 10),
            period_end=dt.date(2021, 11, 30),
        )
    errors = info.value.message_dict
    assert errors["period_start"] == [
        "3 key tasks have a start or due date before this day; change their dates first."
    ]
    assert errors["period_end"] == [
        "1 key task has a start or due date after this day; change its dates first."
    ]
    plan.refresh_from_db()
    assert (plan.period_start, plan.period_end) == (START, DUE)
    # A period that still holds every date is fine.
    services.plan_update(actor=staff, plan=plan, period_start=dt.date(2021, 5, 1))
    plan.refresh_from_db()
    assert plan.period_start == dt.date(2021, 5, 1)


def test_a_replayed_task_its_report_and_evidence_carry_the_clocks_moment(world, plan):
    """A loader replaying the past (core.clock.fixed) records the task's creation, its
    report and its evidence at their dates, so a work report as of a day is the same
    whenever it is made."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pacesetter.core import clock

    moment = dt.datetime(2021, 7, 1, 9, tzinfo=dt.UTC)
    with clock.fixed(moment):
        task = services.task_create(
            actor=None, plan=plan, title="Replayed", lead_unit=world.own, due=DUE
        )
        services.task_report(actor=None, task=task, progress=D(20))
        evidence = services.evidence_add(
            actor=None,
            task=task,
            file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf"),
        )
    task.refresh_from_db()
    evidence.refresh_from_db()
    assert task.created_at == moment
    assert evidence.uploaded_at == moment
    assert task.updates.get().at == moment
