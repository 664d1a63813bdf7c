"""The score item's workflow: one table for the services, the item page and the API.

Self-score (``submit``) → cross-inspection (``inspect``) → the leader's review
(``review``) → the committee's final score (``finalize``); any reviewer may ``return``
the item with a question, as far back as their step reaches, and the unit ``answer``s
and submits again. ``report`` and ``evidence`` act on the item without moving it.
Publishing is the review point's move (``review_point_publish``), not the item's.

Every move waits for an open review point (``when``); the services check that first,
with its own message, under the row lock.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.campaigns.models import ReviewPointState
from pacesetter.core.workflows import INVALID_TRANSITION, Transition, Workflow

from .models import InspectionAssignment, ItemState, ScoreItem
from .policies import score_item_policy

S = ItemState
_t = Transition[ScoreItem]

#: The states the unit may still change the item in.
UNIT_EDITABLE = (S.DRAFT, S.RETURNED)

#: How the review steps read inside an error message.
STEP_LABELS = {
    "inspect": gettext_lazy("cross-inspected"),
    "review": gettext_lazy("reviewed by the leader"),
    "finalize": gettext_lazy("finalized"),
}


def _review_open(item: ScoreItem) -> bool:
    return bool(item.review_point.state == ReviewPointState.OPEN)


def _step_refusal(item: ScoreItem, name: str) -> str:
    return _("This item is %(state)s; it cannot be %(action)s now.") % {
        "state": item.get_state_display(),
        "action": STEP_LABELS.get(name, name),
    }


def _refusal(item: ScoreItem, name: str) -> str:
    if name == "report":
        return _("This item has been submitted; it can change only if returned.")
    if name == "submit":
        return _("This item has already been submitted.")
    if name == "evidence":
        return _("Evidence can be added while the item is a draft or has been returned.")
    if name == "answer":
        return _("Only a returned item can be answered.")
    if name == "return":
        return _("Only an item under your review can be returned.")
    return _step_refusal(item, name)


def _not_inspected(item: ScoreItem) -> None:
    """Once a peer is assigned to inspect the unit, the leader reviews after them."""
    if InspectionAssignment.objects.filter(
        review_point_id=item.review_point_id, unit_id=item.unit_id
    ).exists():
        raise ValidationError(_step_refusal(item, "review"), code=INVALID_TRANSITION)


def _not_inspected_in_sql() -> Q:
    """:func:`_not_inspected` as a condition on score items: no peer is assigned."""
    return ~Q(
        Exists(
            InspectionAssignment.objects.filter(
                review_point_id=OuterRef("review_point_id"), unit_id=OuterRef("unit_id")
            )
        )
    )


#: Each guard of the table as a condition on rows, for lists that select items by the
#: table (the reviewer's queue) rather than asking it item by item.
GUARDS_IN_SQL: dict[Callable[[ScoreItem], None], Callable[[], Q]] = {
    _not_inspected: _not_inspected_in_sql,
}

UP_TO_REVIEW = (S.SUBMITTED, S.INSPECTED, S.REVIEWED)

score_item_workflow: Workflow[ScoreItem] = Workflow(
    policy=score_item_policy,
    refusal=_refusal,
    transitions=[
        _t("report", UNIT_EDITABLE, None, "report", when=_review_open),
        _t("evidence", UNIT_EDITABLE, None, "report", when=_review_open),
        _t("submit", UNIT_EDITABLE, S.SUBMITTED, "report", when=_review_open),
        _t("answer", (S.RETURNED,), None, "report", when=_review_open),
        _t("inspect", (S.SUBMITTED,), S.INSPECTED, "inspect", when=_review_open),
        _t("review", (S.INSPECTED,), S.REVIEWED, "review", when=_review_open),
        _t("review", (S.SUBMITTED,), S.REVIEWED, "review", when=_review_open, guard=_not_inspected),
        _t("finalize", (S.REVIEWED,), S.FINAL, "finalize", when=_review_open),
        # Each reviewer takes the item back only as far as their own step reaches.
        _t("return", (S.SUBMITTED,), S.RETURNED, "inspect", when=_review_open),
        _t("return", UP_TO_REVIEW, S.RETURNED, "review", when=_review_open),
        _t("return", (*UP_TO_REVIEW, S.FINAL), S.RETURNED, "finalize", when=_review_open),
    ],
)


def returnable(step: str) -> tuple[str, ...]:
    """The states from which a reviewer at ``step`` (inspect, review, finalize) may
    return an item, read from the table."""
    states: dict[str, None] = {}
    for transition in score_item_workflow.transitions:
        if transition.name == "return" and transition.action == step:
            states.update(dict.fromkeys(transition.sources))
    return tuple(states)
