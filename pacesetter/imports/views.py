"""A background import's page (its progress, then its outcome) and the uploader's list
of imports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pacesetter.core.views import paginate

from . import registry
from .models import ImportJob
from .selectors import jobs_of
from .services import stalled

#: Errors shown on a failed job's page; the rest are counted.
ERRORS_SHOWN = 300
#: Seconds between two reloads of an unfinished job's page.
REFRESH_SECONDS = 3


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = jobs_of(request.user).only(
        "pk", "title", "filename", "state", "created_at", "finished_at", "result"
    )
    return render(request, "imports/list.html", {"page_obj": paginate(request, jobs)})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the uploader (and a superuser) sees a job: its errors quote the file."""
    try:
        job = jobs_of(request.user).get(pk=pk)
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc
    errors = list(job.errors)
    is_stalled = stalled(job)
    try:
        result_template = registry.entry(job.kind).result_template
    except LookupError:  # an importer since removed: its counts in the common form
        result_template = registry.Entry.result_template
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "result_template": result_template,
            "stalled": is_stalled,
            "refresh": 0 if job.finished or is_stalled else REFRESH_SECONDS,
            "errors": errors[:ERRORS_SHOWN],
            "errors_more": max(len(errors) - ERRORS_SHOWN, 0),
        },
    )
