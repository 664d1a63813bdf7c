from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pacesetter.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain, and against the anchors of AUDIT_ANCHOR_DIR; report "
        "the first broken link."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        broken = report.first_break
        if broken is not None:
            if broken.seq is None:
                raise CommandError(
                    _("Audit anchors cannot be trusted: %(reason)s") % {"reason": broken.reason}
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
