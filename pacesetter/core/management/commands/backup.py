from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from pacesetter.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database, the uploaded files (MEDIA_ROOT) and "
        "a manifest of hashes; docs/deployment.md, “Backup and restore”."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="the archive to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(output=options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s: %(vendor)s database, %(rows)d rows in "
                    "%(tables)d tables, %(files)d uploaded files."
                )
                % {
                    "path": options["output"],
                    "vendor": manifest["vendor"],
                    "rows": sum(manifest["tables"].values()),
                    "tables": len(manifest["tables"]),
                    "files": media,
                }
            )
        )
