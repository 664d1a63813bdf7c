"""Which background imports a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from pacesetter.core.policies import signed_in

from .models import ImportJob


def jobs_of(user: Any) -> QuerySet[ImportJob]:
    """The uploader's own jobs (every job for an active superuser): a job's errors quote
    the file, so nobody else sees it."""
    jobs = ImportJob.objects.all()
    if not signed_in(user):
        return jobs.none()
    return jobs if user.is_superuser else jobs.filter(actor_id=user.pk)
