"""The meeting's and the minutes' workflows: one table each for the services, the pages
and the API.

A meeting's moves are named by the state they lead to (``held``, ``cancelled``), as the
state form and ``POST /meetings/{id}/state`` send them. Final minutes lock the meeting's
record: its moves are then refused (``minutes_final``) and offered to nobody.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.workflows import Transition, Workflow

from .models import Meeting, MeetingState, Minutes, MinutesState
from .policies import meeting_policy

M = MeetingState
_m = Transition[Meeting]


def _meeting_refusal(meeting: Meeting, name: str) -> str:
    if meeting.state != M.PLANNED:
        return _("The meeting is already %(state)s.") % {
            "state": MeetingState(meeting.state).label.lower()
        }
    return _("A planned meeting is either held or cancelled.")


def _started(meeting: Meeting) -> None:
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not started yet."), code="not_started")


meeting_workflow: Workflow[Meeting] = Workflow(
    policy=meeting_policy,
    refusal=_meeting_refusal,
    transitions=[
        _m(M.HELD, (M.PLANNED,), M.HELD, "manage", guard=_started),
        _m(M.CANCELLED, (M.PLANNED,), M.CANCELLED, "manage"),
    ],
)


def minutes_final(meeting: Meeting) -> bool:
    return Minutes.objects.filter(meeting_id=meeting.pk, state=MinutesState.FINAL).exists()


def meeting_moves(user: Any, meeting: Meeting, *, final: bool | None = None) -> list[str]:
    """The meeting's moves ``user`` may make now, in the table's order: none once the
    minutes are final (``final``, when the caller already knows)."""
    if minutes_final(meeting) if final is None else final:
        return []
    return meeting_workflow.allowed_list(user, meeting)


N = MinutesState
_n = Transition[Minutes]


def _minutes_refusal(minutes: Minutes, name: str) -> str:
    return _("The minutes are final and can no longer be changed.")


def _meeting_held(minutes: Minutes) -> None:
    if minutes.meeting.state != M.HELD:
        raise ValidationError(
            _("Mark the meeting as held before finalizing its minutes."), code="not_held"
        )


#: The meeting's managers (meeting ``manage``) redraft, edit and finalize its minutes.
#: Drafting the first version creates them (``minutes_draft``); that is not a move.
minutes_workflow: Workflow[Minutes] = Workflow(
    policy=meeting_policy,
    via="meeting",
    refusal=_minutes_refusal,
    transitions=[
        _n("redraft", (N.DRAFT,), None, "manage"),
        _n("update", (N.DRAFT,), None, "manage"),
        _n("finalize", (N.DRAFT,), N.FINAL, "manage", guard=_meeting_held),
    ],
)
