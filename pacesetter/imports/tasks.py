"""The background import's job (django-tasks, run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from . import services


@task(takes_context=True)
def import_run(context: TaskContext, job_id: int) -> str:
    """Run the job, then sweep the jobs that stalled (their stored files removed).

    A second attempt is the job's run again after its worker died mid-way
    (``core.workers.recover``): the import's transaction died with it, so the job is taken
    again from where it stood (reading or saving) and imported whole."""
    state = services.job_run(job_id, retry=context.attempt > 1)
    services.jobs_sweep()
    return state
