"""The background import's job (django-tasks, run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def import_run(job_id: int) -> str:
    """Run the job, then sweep the jobs that stalled (their stored files removed)."""
    state = services.job_run(job_id)
    services.jobs_sweep()
    return state
