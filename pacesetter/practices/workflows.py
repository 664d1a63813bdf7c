"""The practice's vetting: one table for the services, the practice page and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .models import Practice, PracticeState
from .policies import practice_policy

S = PracticeState
#: States in which the practice is still kept (everything but retired).
LIVE = (S.PROPOSED, S.REVIEWED, S.RECOGNIZED, S.PUBLISHED)


def _refusal(practice: Practice, name: str) -> str:
    state = PracticeState(practice.state).label
    targets = [t.target for t in practice_workflow.transitions if t.name == name and t.target]
    if not targets:
        return _("The practice is %(state)s; this cannot be done now.") % {"state": state}
    return _("The practice is %(state)s; it cannot move to %(to)s.") % {
        "state": state,
        "to": PracticeState(targets[0]).label,
    }


_t = Transition[Practice]

practice_workflow: Workflow[Practice] = Workflow(
    policy=practice_policy,
    refusal=_refusal,
    transitions=[
        # Steps that do not move the practice.
        _t("edit", LIVE, None, "update"),
        _t("comment", LIVE, None, "discuss"),
        # The lead body's staff.
        _t("review", (S.PROPOSED,), S.REVIEWED, "vet"),
        _t("return", (S.REVIEWED,), S.PROPOSED, "vet"),
        _t("recognize", (S.REVIEWED,), S.RECOGNIZED, "vet"),
        _t("publish", (S.RECOGNIZED,), S.PUBLISHED, "vet"),
        _t("retire", LIVE, S.RETIRED, "vet"),
    ],
)

#: The moves that change the state (each has its own form and button).
MOVES = ("review", "return", "recognize", "publish", "retire")
