"""Writes to reports: start a review report or a work report, save the narrative (each
save a new version, every version kept) and finalize it (locked from then on, its
figures frozen in every language: :mod:`pacesetter.reports.frozen`).

Each function is one transaction with its audit entry. Permission is checked by the
caller through :mod:`pacesetter.reports.policies`; the services check the state (a final
report refuses every change) and the version the caller read (a stale one raises
``ConflictError`` and saves nothing). ``actor=None`` is the system.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from pacesetter.accounts.models import Role, RoleAssignment
from pacesetter.audit.services import audited_create, audited_update
from pacesetter.campaigns.models import ReviewPoint
from pacesetter.clusters.models import Cluster
from pacesetter.core import clock
from pacesetter.core.errors import ConflictError, FieldRuleError
from pacesetter.core.workflows import INVALID_TRANSITION
from pacesetter.notifications import kinds as notice
from pacesetter.notifications.services import notify, translated
from pacesetter.workplans.models import WorkPlan

from .frozen import freeze
from .models import LAST_DAY, SECTIONS, Report, ReportKind, ReportState, ReportVersion
from .workflows import report_workflow

REPORT_FIELDS = ("review_point", "cluster", "language", "state", "version", "created_by")
WORK_REPORT_FIELDS = ("kind", "plan", "as_of", "language", "state", "version", "created_by")
VERSION_FIELDS = ("report", "number", *SECTIONS, "saved_by")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def latest_version(report: Report) -> ReportVersion:
    return report.versions.get(number=report.version)


@transaction.atomic
def report_create(
    *,
    actor: Any,
    review_point: ReviewPoint,
    cluster: Cluster | None = None,
    language: str = "",
) -> Report:
    """Start the report of ``review_point`` (for ``cluster``, or the whole campaign),
    its narrative written in ``language`` (the site's default when not one of its
    languages), with an empty first version. A second report of the same review point
    and cluster is refused (the model's constraint)."""
    # The review point first: two first starts of one report wait for each other.
    review_point = ReviewPoint.objects.select_for_update().get(pk=review_point.pk)
    if Report.objects.filter(review_point=review_point, cluster=cluster).exists():
        raise ValidationError(
            _("This review point already has a report for this cluster.")
            if cluster is not None
            else _("This review point already has a report."),
            code="report_exists",
        )
    report = Report(review_point=review_point, cluster=cluster)
    return _created(actor, report, language, fields=REPORT_FIELDS)


@transaction.atomic
def work_report_create(*, actor: Any, plan: WorkPlan, as_of: dt.date, language: str = "") -> Report:
    """Start the work report of ``plan`` as of the day ``as_of`` (from the plan's start
    on), its narrative written in ``language``, with an empty first version. A second
    report of the same plan and day is refused (code ``report_exists``)."""
    # The plan first: two first starts of one report wait for each other.
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if as_of < plan.period_start:
        raise FieldRuleError(
            "as_of",
            _("The report's day cannot be before the plan's start (%(start)s).")
            % {"start": formats.date_format(plan.period_start, "DATE_FORMAT")},
            code="before_plan",
        )
    try:
        MaxValueValidator(LAST_DAY)(as_of)
    except ValidationError as exc:
        raise FieldRuleError("as_of", exc.messages[0], code="max_value") from exc
    if Report.objects.filter(kind=ReportKind.WORK, plan=plan, as_of=as_of).exists():
        raise ValidationError(
            _("This work plan already has a report as of this day."), code="report_exists"
        )
    report = Report(kind=ReportKind.WORK, plan=plan, as_of=as_of)
    return _created(actor, report, language, fields=WORK_REPORT_FIELDS)


def _created(actor: Any, report: Report, language: str, *, fields: tuple[str, ...]) -> Report:
    """Save the new ``report`` (by ``actor``, its narrative in ``language``: the site's
    default when not one of its languages) with its empty first version, both audited."""
    codes = {code for code, _name in settings.LANGUAGES}
    report.language = language if language in codes else settings.LANGUAGE_CODE
    report.created_by = _user(actor)
    report = audited_create(actor=actor, instance=report, action="report.create", fields=fields)
    audited_create(
        actor=actor,
        instance=ReportVersion(report=report, number=1, saved_by=_user(actor)),
        action="report.version",
        fields=VERSION_FIELDS,
    )
    return report


def _locked(report: Report, version: int, move: str) -> Report:
    """The report row, locked for ``move``; refused when the table has no such move (a
    final report), when ``version`` is stale, and when the move's rule does not hold."""
    # The report's row only: its review point is read, not locked.
    current = (
        Report.objects.select_for_update(of=("self",))
        .select_related("review_point", "plan")
        .get(pk=report.pk)
    )
    if move not in {t.name for t in report_workflow.available(current)}:
        raise FieldRuleError(
            NON_FIELD_ERRORS, report_workflow.refusal(current, move), code=INVALID_TRANSITION
        )
    if current.version != version:
        raise ConflictError(
            _(
                "Someone else saved this report since you opened it. Reload to see their "
                "change; nothing of yours was saved."
            )
        )
    report_workflow.check(current, move)
    return current


@transaction.atomic
def report_update(*, actor: Any, report: Report, version: int, **sections: str) -> Report:
    """Save the narrative as the next version (the sections not given keep the latest
    version's text). ``version`` is the version the caller read."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise TypeError(f"Unknown sections: {sorted(unknown)}")
    current = _locked(report, version, "update")
    return _save(actor, current, sections)


def _save(actor: Any, report: Report, sections: dict[str, str]) -> Report:
    latest = latest_version(report).sections()
    texts = {name: _lf(sections.get(name, latest[name])) for name in SECTIONS}
    if texts == latest:
        return report
    number = report.version + 1
    audited_create(
        actor=actor,
        instance=ReportVersion(report=report, number=number, saved_by=_user(actor), **texts),
        action="report.version",
        fields=VERSION_FIELDS,
    )
    return audited_update(
        actor=actor,
        instance=report,
        action="report.update",
        changes={"version": number},
        allowed=("version",),
        fields=("version",),
    )


@transaction.atomic
def report_finalize(*, actor: Any, report: Report, version: int, **sections: str) -> Report:
    """Finalize the report: from now on no edit. The sections given (what was typed
    before finalizing) are saved first as a version of their own, in the same
    transaction; a refusal saves neither. Refused before the ranking is published and
    when every section is empty."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise TypeError(f"Unknown sections: {sorted(unknown)}")
    current = _locked(report, version, "finalize")
    current = _save(actor, current, sections)
    if not any(text.strip() for text in latest_version(current).sections().values()):
        raise FieldRuleError(
            NON_FIELD_ERRORS, _("Write the report before finalizing it."), code="required"
        )
    final = audited_update(
        actor=actor,
        instance=current,
        action="report.finalize",
        changes={
            "state": ReportState.FINAL,
            "finalized_at": clock.now(),
            "finalized_by": _user(actor),
            # Frozen in the same transaction: the final report is what the record held
            # when it was locked, in every language (reports.frozen).
            "figures": freeze(actor, current),
        },
        allowed=("state", "finalized_at", "finalized_by", "figures"),
        fields=("state", "finalized_at", "finalized_by"),
    )
    _notify_ready(final)
    return final


def _nearest_staff(unit: Any) -> list[int]:
    """The committee staff nearest over ``unit``: those of the unit itself, else of its
    nearest ancestor that has any (as escalations choose them)."""
    parts = unit.path.strip("/").split("/")
    paths = ["".join(f"{p}/" for p in parts[:depth]) for depth in range(len(parts), 0, -1)]
    staff: dict[str, list[int]] = {}
    for path, user_id in RoleAssignment.objects.filter(
        role=Role.COMMITTEE_STAFF, unit__path__in=paths, user__is_active=True
    ).values_list("unit__path", "user_id"):
        staff.setdefault(path, []).append(user_id)
    return next((staff[p] for p in paths if p in staff), [])


def _notify_ready(report: Report) -> None:
    """A final report goes to the committee staff nearest over the unit it is written
    for: the campaign's organizer (a review report), the plan's body's unit (a work
    report)."""
    if report.kind == ReportKind.WORK:
        plan = report.plan
        assert plan is not None  # a work report has its plan (the model's constraint)
        unit, name = plan.body.owner_unit, translated(plan, "name")
        link = reverse("reports:work_report", args=[plan.pk]) + f"?as_of={report.as_of}"
    else:
        review_point = report.review_point
        assert review_point is not None  # a review report has its review point
        unit, name = review_point.campaign.organizer, translated(review_point, "name")
        link = reverse("reports:review_report", args=[review_point.pk])
        if report.cluster_id:
            link += f"?cluster={report.cluster_id}"
    notify(_nearest_staff(unit), notice.REPORT_READY, {"report": name}, link)
