"""JSON API for reports: /api/v1/reports.

Start the review report of a review point (for the campaign or a cluster) or the work
report of a work plan as of a day (``POST /reports/work``), read it with its versions,
save the narrative on the version read, finalize it (its figures frozen), and download
it as .docx, .pdf or .xlsx (in ``?lang=``'s language). Access as on the screens
(:mod:`pacesetter.reports.policies`): 404 for a review point, plan or report the user
does not see, 403 for one they see but may not report on. A stale version is 409
``stale_version``; a final report refuses every change (422 ``invalid_transition``).

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from pacesetter.bodies.api import PersonRef
from pacesetter.core.api_types import Id, Version
from pacesetter.core.translations import Language

from . import services
from .documents import TYPES, render_docx, render_pdf, render_xlsx, report_file_name
from .frozen import contents_of
from .models import SECTIONS, Report, ReportKind, ReportState
from .policies import report_policy, review_report_access, work_report_access
from .selectors import versions_of
from .workflows import report_workflow

router = Router(tags=["reports"])


class ReviewReportSectionsIn(Schema):
    achievements: str | None = Field(None, max_length=100_000)
    limitations: str | None = Field(None, max_length=100_000)
    lessons: str | None = Field(None, max_length=100_000)
    directions: str | None = Field(None, max_length=100_000)

    def given(self) -> dict[str, str]:
        """The sections sent; those left out keep the latest version's text."""
        return {name: getattr(self, name) for name in SECTIONS if getattr(self, name) is not None}


class ReviewReportIn(Schema):
    review_point_id: Id
    cluster_id: Id | None = Field(None, description="Leave out for the whole campaign.")
    language: Language = Field("en", description="The narrative's language.")


class WorkReportIn(Schema):
    plan_id: Id
    as_of: dt.date = Field(description="The day the report is as of (from the plan's start).")
    language: Language = Field("en", description="The narrative's language.")


class ReviewReportSaveIn(ReviewReportSectionsIn):
    version: Version = Field(description="The version you read.")


class ReviewReportVersionOut(Schema):
    number: int
    achievements: str
    limitations: str
    lessons: str
    directions: str
    saved_by: PersonRef | None
    saved_at: dt.datetime


class ReviewReportOut(Schema):
    id: int
    kind: ReportKind
    review_point_id: int | None = Field(description="A review report's review point.")
    cluster_id: int | None
    plan_id: int | None = Field(description="A work report's work plan.")
    as_of: dt.date | None = Field(description="The day a work report is as of.")
    frozen: bool = Field(description="Whether the figures are frozen (a final report).")
    language: str
    state: ReportState
    version: Version = Field(description="Send it back with every change.")
    created_at: dt.datetime
    finalized_at: dt.datetime | None
    finalized_by: PersonRef | None
    versions: list[ReviewReportVersionOut] = Field(description="Every saved version, newest first.")
    allowed_actions: list[str] = Field(description="update, finalize: what you may do now.")


def _out(report: Report, user: Any) -> dict[str, Any]:
    report = Report.objects.select_related("finalized_by").get(pk=report.pk)
    return {
        "id": report.pk,
        "kind": report.kind,
        "review_point_id": report.review_point_id,
        "cluster_id": report.cluster_id,
        "plan_id": report.plan_id,
        "as_of": report.as_of,
        "frozen": bool(report.figures),
        "language": report.language,
        "state": report.state,
        "version": report.version,
        "created_at": report.created_at,
        "finalized_at": report.finalized_at,
        "finalized_by": report.finalized_by,
        "versions": versions_of(report),
        "allowed_actions": report_workflow.allowed_list(user, report),
    }


@router.post("", response={201: ReviewReportOut})
def report_start(request: HttpRequest, payload: ReviewReportIn) -> Status[dict[str, Any]]:
    """Start the report of a review point (committee staff over the campaign's
    organizer; a cluster's leader for their cluster's), with an empty first version.
    A second report of the same review point and cluster is 422 ``report_exists``."""
    review_point, cluster = review_report_access(
        request.user, payload.review_point_id, payload.cluster_id
    )
    report = services.report_create(
        actor=request.user, review_point=review_point, cluster=cluster, language=payload.language
    )
    return Status(201, _out(report, request.user))


@router.post("/work", response={201: ReviewReportOut})
def work_report_start(request: HttpRequest, payload: WorkReportIn) -> Status[dict[str, Any]]:
    """Start the work report of a work plan as of a day (the plan's managers), with an
    empty first version. 403 for someone who reads the plan's reports but does not
    manage it; 422 ``report_exists`` for a second report of the same day,
    ``before_plan`` for a day before the plan's start."""
    plan, may_write = work_report_access(request.user, payload.plan_id)
    if not may_write:
        raise PermissionDenied(_("You do not have permission to do this."))
    report = services.work_report_create(
        actor=request.user, plan=plan, as_of=payload.as_of, language=payload.language
    )
    return Status(201, _out(report, request.user))


@router.get("/{int:report_id}", response=ReviewReportOut)
def report_detail(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    """The report with every version of its narrative."""
    return _out(report_policy.access(request.user, report_id), request.user)


@router.put("/{int:report_id}", response=ReviewReportOut)
def report_save(request: HttpRequest, report_id: Id, payload: ReviewReportSaveIn) -> dict[str, Any]:
    """Save the narrative read on ``version`` as the next version."""
    report = report_policy.access(request.user, report_id, "update")
    report = services.report_update(
        actor=request.user, report=report, version=payload.version, **payload.given()
    )
    return _out(report, request.user)


@router.post("/{int:report_id}/finalize", response=ReviewReportOut)
def report_finalize(
    request: HttpRequest, report_id: Id, payload: ReviewReportSaveIn
) -> dict[str, Any]:
    """Finalize the report read on ``version`` (the sections sent, if changed, are saved
    first); once the ranking is published (422 ``not_published`` before)."""
    report = report_policy.access(request.user, report_id, "update")
    report = services.report_finalize(
        actor=request.user, report=report, version=payload.version, **payload.given()
    )
    return _out(report, request.user)


@router.get("/{int:report_id}/file/{fmt}")
def report_file(request: HttpRequest, report_id: Id, fmt: str) -> HttpResponse:
    """The report as ``docx``, ``pdf`` or ``xlsx``, in ``?lang=``'s language: a final
    report's frozen figures, a draft's read from the record."""
    if fmt not in TYPES:
        raise Http404
    report = report_policy.access(request.user, report_id)
    version = report.versions.get(number=report.version)
    render = {"docx": render_docx, "pdf": render_pdf, "xlsx": render_xlsx}[fmt]
    contents = contents_of(request.user, report)
    response = HttpResponse(render(report, version, contents), content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_file_name(report, fmt)}"'
    return response
