"""``manage.py notifications_prune [--days N]``: delete notifications older than N days
(``NOTIFICATIONS_KEEP_DAYS``, 90 unless set); for cron, like ``imports_sweep``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pacesetter.notifications.services import notifications_prune


class Command(BaseCommand):
    help = "Delete notifications older than NOTIFICATIONS_KEEP_DAYS days (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Keep this many days.")

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        if days is not None and days < 0:
            self.stderr.write("--days cannot be negative.")
            raise SystemExit(2)
        deleted = notifications_prune(days=days)
        self.stdout.write(f"{deleted} notification(s) deleted.")
