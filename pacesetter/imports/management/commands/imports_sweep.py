"""``manage.py imports_sweep``: mark the background imports that stalled as failed and
delete their stored files (the worker does it after each job; this is for cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pacesetter.imports.services import jobs_sweep


class Command(BaseCommand):
    help = "Mark stalled background imports failed and delete their stored files."

    def handle(self, *args: Any, **options: Any) -> None:
        swept = jobs_sweep()
        self.stdout.write(f"{swept} stalled import(s) swept.")
