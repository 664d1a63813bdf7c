"""``manage.py schedule_reminders``: start the hourly reminder scan (idempotent).

Enqueues a reminder scan to run as soon as a worker (``manage.py db_worker``) is free,
unless a scan is already waiting; each scan enqueues the next one for the next full
hour. Running the command again, or while the chain runs, changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pacesetter.workplans.tasks import scan_schedule


class Command(BaseCommand):
    help = "Start the hourly reminder and escalation scan, unless one is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        if scan_schedule():
            self.stdout.write(
                "Reminder scan enqueued: the worker (manage.py db_worker) runs it now, "
                "then every hour."
            )
        else:
            self.stdout.write("A reminder scan is already waiting; nothing to do.")
