"""``manage.py audit_anchor``: write the audit chain's head outside the database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pacesetter.audit.anchors import AnchorError
from pacesetter.audit.services import audit_anchor_write
from pacesetter.audit.tasks import anchor_schedule


class Command(BaseCommand):
    help = (
        "Verify the audit chain and append its head, signed, to AUDIT_ANCHOR_DIR/"
        "anchors.jsonl (and mail it to AUDIT_ANCHOR_MAIL_TO); docs/security.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="instead, start the hourly anchor job of the worker (idempotent)",
        )
        parser.add_argument(
            "--rebase",
            action="store_true",
            help=(
                "after restoring a backup older than the last anchors: anchor the restored "
                "head and void the earlier anchors beyond it"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if anchor_schedule():
                self.stdout.write(
                    _(
                        "Audit anchor job enqueued: the worker (manage.py db_worker) runs it "
                        "now, then every hour."
                    )
                )
            else:
                self.stdout.write(_("An audit anchor job is already waiting; nothing to do."))
            return
        try:
            anchor, path, mails = audit_anchor_write(rebase=options["rebase"])
        except AnchorError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Anchored entry #%(seq)d in %(path)s (mails sent: %(mails)d).")
                % {"seq": anchor.seq, "path": path, "mails": mails}
            )
        )
        self.stdout.write(anchor.line())
