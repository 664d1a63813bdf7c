"""The work plan's and the key task's workflows: one table each for the services, the
pages and the API.

A plan is ``open`` or ``closed`` (``WorkPlan.state``): its managers close it when its
period is over and reopen it to change it again. A task has no state column: it is
``open`` until reported done (``done_on``), then ``done`` (``Task.completion``). Progress
is reported and the review written in either state; only a done task is reopened, by the
plan's managers. No step of a task is offered while its plan is closed (the services
refuse them with ``plan_closed``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .models import PlanState, Task, WorkPlan
from .policies import plan_policy, task_policy

OPEN, DONE = "open", "done"
_t = Transition[Task]
_p = Transition[WorkPlan]


def _plan_refusal(plan: WorkPlan, name: str) -> str:
    if name == "close":
        return _("This work plan is closed already.")
    return _("This work plan is not closed.")


plan_workflow: Workflow[WorkPlan] = Workflow(
    policy=plan_policy,
    refusal=_plan_refusal,
    transitions=[
        _p("close", (PlanState.OPEN,), PlanState.CLOSED, "manage"),
        _p("reopen", (PlanState.CLOSED,), PlanState.OPEN, "manage"),
    ],
)


def _plan_open(task: Task) -> bool:
    return task.plan.state == PlanState.OPEN


def _refusal(task: Task, name: str) -> str:
    return _("This task is not marked as done.")


task_workflow: Workflow[Task] = Workflow(
    policy=task_policy,
    field="completion",
    refusal=_refusal,
    transitions=[
        # A report may mark the task done (a day, or 100%); a done task may be reported on.
        _t("report", (OPEN, DONE), None, "report", when=_plan_open),
        _t("review", (OPEN, DONE), None, "manage", when=_plan_open),
        _t("reopen", (DONE,), OPEN, "manage", when=_plan_open),
    ],
)
