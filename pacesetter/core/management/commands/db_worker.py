"""``manage.py db_worker``: django-tasks' database worker, which also puts back in the
queue the jobs of a worker that died while running them (:mod:`pacesetter.core.workers`).

The same options as django_tasks_db's command, which this one extends (``core`` comes
before ``django_tasks_db`` in ``INSTALLED_APPS``, so ``db_worker`` is this one). The
worker holds its liveness lock for its whole run (taken again before a job if a database
restart lost it), and recovers the dead workers' jobs when it starts and after a job at
most every ``RECOVER_EVERY`` seconds.
"""

from __future__ import annotations

import time
from typing import Any

from django_tasks_db.compat import task_finished, task_started
from django_tasks_db.management.commands import db_worker

from pacesetter.core import workers


class Command(db_worker.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        me = options["worker_id"]
        with workers.alive(me) as liveness:

            def before_each_job(**kwargs: Any) -> None:
                liveness.ensure()

            last_recovery = time.monotonic()

            def after_each_job(**kwargs: Any) -> None:
                # Not after every one of a thousand mails: the query reads the job table.
                nonlocal last_recovery
                if time.monotonic() - last_recovery >= workers.RECOVER_EVERY:
                    last_recovery = time.monotonic()
                    workers.recover(me=me)

            workers.recover(me=me)
            task_started.connect(before_each_job, weak=False)
            task_finished.connect(after_each_job, weak=False)
            try:
                super().handle(*args, **options)
            finally:
                task_started.disconnect(before_each_job)
                task_finished.disconnect(after_each_job)
