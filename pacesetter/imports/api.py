"""JSON API of background imports: /api/v1/imports, the uploader's jobs and where each
stands (an import endpoint that hands a large file to the job worker answers 202 with
the job; the client then reads it here until it has finished).

No ``from __future__ import annotations`` here: django-ninja reads the annotations at
runtime.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pacesetter.core.api_types import Id, Paged

from .models import ImportJob
from .selectors import jobs_of
from .services import stalled

router = Router(tags=["imports"])


class ImportJobOut(Schema):
    id: Id
    kind: str = Field(description="The importer (e.g. coverage.register).")
    title: str
    filename: str
    size: int
    state: str = Field(description="waiting, reading, saving, succeeded or failed.")
    stalled: bool = Field(
        description="Unfinished past IMPORT_JOB_TIMEOUT: no worker ran it; nothing was saved."
    )
    rows_declared: int = Field(description="Rows the file's sheets declare (0: not stated).")
    rows_read: int
    result: dict[str, Any] = Field(description="The importer's counts, once it has succeeded.")
    errors: list[str] = Field(
        description="Each error of a failed import, naming sheet, row and column; "
        "nothing was saved."
    )
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    url: str = Field(description="The job's page on the screens.")

    @staticmethod
    def resolve_stalled(obj: ImportJob) -> bool:
        return stalled(obj)

    @staticmethod
    def resolve_url(obj: ImportJob) -> str:
        return reverse("imports:detail", args=[obj.pk])


@router.get("", response=list[ImportJobOut])
@paginate(Paged)
def import_job_list(request: HttpRequest) -> Any:
    """The signed-in user's background imports, newest first."""
    return jobs_of(request.user).order_by("-created_at", "-pk")


@router.get("/{int:job_id}", response=ImportJobOut)
def import_job_detail(request: HttpRequest, job_id: Id) -> ImportJob:
    """One background import: its progress, then its counts or its errors."""
    try:
        return jobs_of(request.user).get(pk=job_id)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc
