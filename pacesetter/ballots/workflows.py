"""The poll's workflow: one table for the services, the poll page and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .models import Poll, PollState
from .policies import poll_policy

S = PollState
_t = Transition[Poll]


def _refusal(poll: Poll, name: str) -> str:
    return _("The poll is %(state)s; this cannot be done now.") % {
        "state": PollState(poll.state).label
    }


poll_workflow: Workflow[Poll] = Workflow(
    policy=poll_policy,
    refusal=_refusal,
    transitions=[
        # Settings (the verification) change only before anyone is on the roll.
        _t("update", (S.DRAFT,), None, "manage"),
        _t("open", (S.DRAFT,), S.OPEN, "manage"),
        _t("close", (S.OPEN,), S.CLOSED, "manage"),
        # Paper totals may be entered while the poll is open and after it closes.
        _t("paper_tally", (S.OPEN, S.CLOSED), None, "manage"),
        _t("publish", (S.CLOSED,), S.PUBLISHED, "manage"),
    ],
)
