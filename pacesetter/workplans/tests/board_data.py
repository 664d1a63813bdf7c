"""A small work plan on the test world, shared by the screen, permission and API tests.

The council's second half-year 2021 plan (kept by the committee, managed by committee
staff over the province), seen on ``TODAY`` (1 September 2021):

- project "Optics fair" (lead: own unit) with task ``late`` (own unit, due 15 August,
  40%) and task ``done`` (own unit, done);
- key task ``at_risk`` directly in the plan (sibling unit, 1 June to 31 December, 0%:
  expected 43.2% by today), supported by the child unit;
- key task ``on_track`` directly in the plan (child unit, due 30 September, 90%).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

from pacesetter.workplans import services
from pacesetter.workplans.models import Project, Task, WorkPlan

TODAY = dt.date(2021, 9, 1)
START, END = dt.date(2021, 6, 1), dt.date(2021, 12, 31)


@dataclass
class Board:
    plan: WorkPlan
    project: Project
    late: Task
    done: Task
    at_risk: Task
    on_track: Task


def make_plan(world: Any, name: str = "Second half-year 2021") -> WorkPlan:
    return services.plan_create(
        actor=world.users["committee_staff"],
        body=world.council,
        name=name,
        kind="half_year",
        period_start=START,
        period_end=END,
    )


def make_board(world: Any) -> Board:
    staff = world.users["committee_staff"]
    plan = make_plan(world)
    project = services.project_create(
        actor=staff, plan=plan, code="P1", name="Optics fair", lead_unit=world.own
    )
    late = services.task_create(
        actor=staff,
        plan=plan,
        project=project,
        code="1.1",
        title="Book the exhibition hall",
        lead_unit=world.own,
        start=START,
        due=dt.date(2021, 8, 15),
    )
    services.task_report(actor=staff, task=late, progress=D(40), version=late.version)
    done = services.task_create(
        actor=staff,
        plan=plan,
        project=project,
        code="1.2",
        title="Invite exhibitors",
        lead_unit=world.own,
        start=START,
        due=dt.date(2021, 8, 1),
    )
    services.task_report(actor=staff, task=done, done_on=dt.date(2021, 7, 30), version=done.version)
    at_risk = services.task_create(
        actor=staff,
        plan=plan,
        code="2",
        title="Vocational skills competition",
        lead_unit=world.sibling,
        supporting_units=[world.child],
        start=START,
        due=END,
    )
    on_track = services.task_create(
        actor=staff,
        plan=plan,
        code="3",
        title="Teachers' summer course",
        lead_unit=world.child,
        start=START,
        due=dt.date(2021, 9, 30),
    )
    services.task_report(actor=staff, task=on_track, progress=D(90), version=on_track.version)
    return Board(
        plan=plan,
        project=project,
        late=Task.objects.get(pk=late.pk),
        done=Task.objects.get(pk=done.pk),
        at_risk=Task.objects.get(pk=at_risk.pk),
        on_track=Task.objects.get(pk=on_track.pk),
    )


def add_tasks(world: Any, plan: WorkPlan, count: int, project: Project | None = None) -> None:
    """More tasks with supporting units, for the query-count tests."""
    staff = world.users["committee_staff"]
    for n in range(count):
        services.task_create(
            actor=staff,
            plan=plan,
            project=project,
            title=f"Extra task {n}",
            lead_unit=world.own if n % 2 else world.sibling,
            supporting_units=[world.child, world.other] if n % 3 else [world.committee],
            start=START,
            due=dt.date(2021, 10, 1),
        )


def add_sibling_project(world: Any, board: Board) -> Task:
    """A project of the sibling unit alone ("Sibling fair", on the chain "Sibling
    chain"), with one task at 80%: the own unit's officer must see none of it. With it
    the plan is at (70 + 80 + 2 * 45) / 4 = 60.0% for those who see it whole."""
    from pacesetter.chains.services import chain_create

    staff = world.users["committee_staff"]
    chain = chain_create(
        actor=staff, owner_unit=world.committee, name="Sibling chain", leader_unit=world.sibling
    )
    project = services.project_create(
        actor=staff,
        plan=board.plan,
        code="P9",
        name="Sibling fair",
        lead_unit=world.sibling,
        chain=chain,
    )
    task = services.task_create(
        actor=staff,
        plan=board.plan,
        project=project,
        code="9.1",
        title="Sibling's own task",
        lead_unit=world.sibling,
        start=START,
        due=END,
    )
    services.task_report(actor=staff, task=task, progress=D(80), version=task.version)
    return Task.objects.get(pk=task.pk)
