"""The key task's workflow: one table for the services, the task page and the API.

A task has no state column: it is ``open`` until reported done (``done_on``), then
``done`` (``Task.completion``). Progress is reported and the review written in either
state; only a done task is reopened, by the plan's managers.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .models import Task
from .policies import task_policy

OPEN, DONE = "open", "done"
_t = Transition[Task]


def _refusal(task: Task, name: str) -> str:
    return _("This task is not marked as done.")


task_workflow: Workflow[Task] = Workflow(
    policy=task_policy,
    field="completion",
    refusal=_refusal,
    transitions=[
        # A report may mark the task done (a day, or 100%); a done task may be reported on.
        _t("report", (OPEN, DONE), None, "report"),
        _t("review", (OPEN, DONE), None, "manage"),
        _t("reopen", (DONE,), OPEN, "manage"),
    ],
)
