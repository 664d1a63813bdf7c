from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pacesetter.audit.models import AuditEntry
from pacesetter.audit.selectors import audit_chain_first_break


class Command(BaseCommand):
    help = "Verify the audit hash chain and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = audit_chain_first_break()
        if broken is not None:
            raise CommandError(
                _("Audit chain broken at entry #%(seq)s: %(reason)s.")
                % {"seq": broken.seq, "reason": broken.reason}
            )
        count = AuditEntry.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain intact: %(count)d entries verified.") % {"count": count}
            )
        )
