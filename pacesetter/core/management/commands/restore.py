from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pacesetter.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and MEDIA_ROOT, "
        "then verify the audit chain; docs/deployment.md, “Backup and restore”."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive written by `backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and MEDIA_ROOT that hold data (everything in them is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Restored the backup of %(created)s: %(rows)d rows in %(tables)d tables and "
                "%(files)d uploaded files, each matching the manifest."
            )
            % {
                "created": result.manifest["created_at"],
                "rows": result.rows,
                "tables": result.tables,
                "files": result.files,
            }
        )
        # The audit app's own check, by its command (core imports no app).
        verify = StringIO()
        try:
            call_command("audit_verify", "--after-restore", stdout=verify)
        except CommandError as exc:
            raise CommandError(
                _("The data is restored, but the audit chain does not verify: %(error)s")
                % {"error": exc}
            ) from exc
        self.stdout.write(verify.getvalue().strip())
        if result.unapplied:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "This code has %(count)d migrations the backup had not applied; run "
                        "`manage.py migrate` before starting the server."
                    )
                    % {"count": len(result.unapplied)}
                )
            )
        self.stdout.write(self.style.SUCCESS(_("Restore complete.")))
