from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pacesetter.awards import presets


class Command(BaseCommand):
    help = (
        "Load the preset award catalogs (Vietnam, Chinese trade unions, generic) with their "
        "rules and legal references. Safe to run again: it updates, never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--preset",
            action="append",
            choices=presets.catalog_names(),
            help="Load only this preset (may be given more than once). Default: all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = presets.load(options["preset"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        versions = ", ".join(sorted(set(result.versions.values())))
        self.stdout.write(
            self.style.SUCCESS(
                f"Award presets {versions}: {len(result.created)} created, "
                f"{len(result.updated)} updated, {len(result.unchanged)} unchanged."
            )
        )
        for code in result.created:
            self.stdout.write(f"  created {code}")
        for code in result.updated:
            self.stdout.write(f"  updated {code}")
