"""The report's workflow: one table for the service, the page's buttons and the tests.

A draft is edited (``update``, a new version each time) and finalized (``finalize``):
a review report once its review point's ranking is published, a work report from its
day on; a final report takes no move at all."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPointState
from pacesetter.core import clock
from pacesetter.core.workflows import Transition, Workflow

from .models import Report, ReportKind, ReportState
from .policies import report_policy

S = ReportState
_t = Transition[Report]


def _refusal(report: Report, name: str) -> str:
    return _("The report is final and can no longer be changed.")


def _ready(report: Report) -> None:
    """A review report once its review point's ranking is published; a work report once
    its day has come (the local date), so that what it freezes is the record of that day."""
    if report.kind == ReportKind.WORK:
        if report.as_of is not None and report.as_of > timezone.localdate(clock.now()):
            raise ValidationError(
                _("A work report can be finalized from its day on, not before."),
                code="not_yet",
            )
        return
    if report.review_point is None or report.review_point.state != ReviewPointState.PUBLISHED:
        raise ValidationError(
            _("Publish the review point's ranking before finalizing its report."),
            code="not_published",
        )


report_workflow: Workflow[Report] = Workflow(
    policy=report_policy,
    refusal=_refusal,
    transitions=[
        _t("update", (S.DRAFT,), None, "update"),
        _t("finalize", (S.DRAFT,), S.FINAL, "update", guard=_ready),
    ],
)
