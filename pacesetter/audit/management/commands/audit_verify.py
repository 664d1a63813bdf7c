from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pacesetter.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain, and against the anchors of AUDIT_ANCHOR_DIR; report "
        "the first broken link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after-restore",
            action="store_true",
            help=(
                "the database was restored from a backup: entries anchored after its end "
                "are reported as lost since the backup, not as a cut tail"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify(tail_lost_ok=options["after_restore"])
        broken = report.first_break
        if broken is not None:
            if broken.seq is None:
                raise CommandError(
                    _("The audit chain cannot be verified: %(reason)s.")
                    % {"reason": broken.reason.rstrip(".")}
                )
            raise CommandError(
                _("Audit chain broken at entry #%(seq)s: %(reason)s.")
                % {"seq": broken.seq, "reason": broken.reason}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain intact: %(count)d entries verified.") % {"count": report.entries}
            )
        )
        if report.unsealed:
            self.stdout.write(
                _(
                    "%(count)d entries wait to be chained by the sealer; each carries the "
                    "application's seal."
                )
                % {"count": report.unsealed}
            )
        if report.lost_tail is not None:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The backup ends at entry #%(last)d; the anchor of %(at)s held entry "
                        "#%(seq)d: the entries after the backup are lost. Once this is the "
                        "live database, run `manage.py audit_anchor --rebase` (the auditors "
                        "are told); until then audit_verify reports a cut tail."
                    )
                    % {
                        "last": report.entries,
                        "at": report.lost_tail.at,
                        "seq": report.lost_tail.seq,
                    }
                )
            )
        if report.anchors is None:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "No anchor file is configured (AUDIT_ANCHOR_DIR): a cut tail or a "
                        "rewritten chain cannot be detected."
                    )
                )
            )
        elif report.last_anchor is None:
            self.stdout.write(
                self.style.WARNING(
                    _("No anchor written yet: run `manage.py audit_anchor --schedule`.")
                )
            )
        else:
            self.stdout.write(
                _("Checked against %(count)d anchors, the last of %(at)s (entry #%(seq)d).")
                % {
                    "count": report.anchors,
                    "at": report.last_anchor.at,
                    "seq": report.last_anchor.seq,
                }
            )
