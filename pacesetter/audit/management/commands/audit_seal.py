"""``manage.py audit_seal``: chain the audit entries a crash left unchained."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_seal
from pacesetter.audit.tasks import seal_schedule


class Command(BaseCommand):
    help = (
        "Chain the committed audit entries not chained yet (each write's entry is chained "
        "just after its commit; a process stopped in between leaves it); docs/security.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="instead, start the sealer job of the worker (every AUDIT_SEAL_EVERY s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if seal_schedule():
                self.stdout.write(
                    _(
                        "Audit sealer job enqueued: the worker (manage.py db_worker) runs it "
                        "now, then every %(seconds)d seconds."
                    )
                    % {"seconds": settings.AUDIT_SEAL_EVERY}
                )
            else:
                self.stdout.write(_("An audit sealer job is already waiting; nothing to do."))
            return
        result = audit_seal()
        self.stdout.write(
            self.style.SUCCESS(_("Chained %(count)d audit entries.") % {"count": result.sealed})
        )
        if result.refused:
            raise CommandError(
                _(
                    "%(count)d unchained entries do not carry the application's seal and "
                    "were not chained, the first “%(action)s” of %(at)s: they were not "
                    "written by the application (audit_verify reports them)."
                )
                % {
                    "count": len(result.refused),
                    "action": result.refused[0].action,
                    "at": result.refused[0].created_at.isoformat(timespec="seconds"),
                }
            )
