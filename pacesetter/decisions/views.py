"""A decision's page, and the download of its file after the permission check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.files import file_download

from .policies import decision_policy


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = decision_policy.access(request.user, pk)
    return render(
        request,
        "decisions/detail.html",
        {
            "decision": decision,
            "clusters": cluster_policy.visible(request.user).filter(decision=decision),
        },
    )


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    decision = decision_policy.access(request.user, pk)
    return file_download(decision.file)
