"""``manage.py schedule_deadline_scan``: start the daily scan of the coverage deadlines
(idempotent: a scan already waiting is left alone)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pacesetter.coverage.tasks import scan_schedule


class Command(BaseCommand):
    help = "Start the daily scan of the coverage deadlines, unless one is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        if scan_schedule():
            self.stdout.write(
                "Deadline scan enqueued: the worker (manage.py db_worker) runs it now, "
                "then every day."
            )
        else:
            self.stdout.write("A deadline scan is already waiting; nothing to do.")
