"""The report's workflow: one table for the service, the page's buttons and the tests.

A draft is edited (``update``, a new version each time) and finalized (``finalize``)
once its review point's ranking is published; a final report takes no move at all."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pacesetter.campaigns.models import ReviewPointState
from pacesetter.core.workflows import Transition, Workflow

from .models import Report, ReportState
from .policies import report_policy

S = ReportState
_t = Transition[Report]


def _refusal(report: Report, name: str) -> str:
    return _("The report is final and can no longer be changed.")


def _ranking_published(report: Report) -> None:
    if report.review_point.state != ReviewPointState.PUBLISHED:
        raise ValidationError(
            _("Publish the review point's ranking before finalizing its report."),
            code="not_published",
        )


report_workflow: Workflow[Report] = Workflow(
    policy=report_policy,
    refusal=_refusal,
    transitions=[
        _t("update", (S.DRAFT,), None, "update"),
        _t("finalize", (S.DRAFT,), S.FINAL, "update", guard=_ranking_published),
    ],
)
