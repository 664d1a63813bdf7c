import datetime as dt

import factory
from django.utils import timezone

from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.factories import ServiceFactory
from pacesetter.workplans.models import PlanKind, Project, Task, WorkPlan
from pacesetter.workplans.services import plan_create, project_create, task_create


class WorkPlanFactory(ServiceFactory):
    """A body's plan for the current year (``plan_create``)."""

    class Meta:
        model = WorkPlan

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Work plan {n}")
    kind = PlanKind.YEAR
    period_start = factory.LazyFunction(lambda: dt.date(timezone.localdate().year, 1, 1))
    period_end = factory.LazyAttribute(lambda o: dt.date(o.period_start.year, 12, 31))

    _service = staticmethod(plan_create)


class ProjectFactory(ServiceFactory):
    """A project at the end of its plan (``project_create``)."""

    class Meta:
        model = Project

    plan = factory.SubFactory(WorkPlanFactory)
    name = factory.Sequence(lambda n: f"Project {n}")

    _service = staticmethod(project_create)


class TaskFactory(ServiceFactory):
    """A key task directly in its plan, led by the unit that owns the plan's body, with
    entered progress and no dates (``task_create``: dates given fall within the plan's
    period)."""

    class Meta:
        model = Task

    plan = factory.SubFactory(WorkPlanFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    lead_unit = factory.SelfAttribute("plan.body.owner_unit")

    _service = staticmethod(task_create)
