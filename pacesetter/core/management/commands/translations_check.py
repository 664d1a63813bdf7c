from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.core.translations import stale_search_keys


def searchable_models() -> list[Any]:
    """Every model that keeps a folded ``search_key`` of its ``search_fields``."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "search_fields", None)
        and any(field.name == "search_key" for field in model._meta.concrete_fields)
    ]


class Command(BaseCommand):
    help = _(
        "Recompute the search keys of every searchable record and name the stale ones "
        "(a bulk write that skipped refresh_search_keys); --fix stores the new keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help=_("Store the recomputed keys."))

    def handle(self, *args: Any, **options: Any) -> None:
        fix = options["fix"]
        total = 0
        with transaction.atomic():
            for model in searchable_models():
                stale = stale_search_keys(model._default_manager.order_by("pk"))
                if not stale:
                    continue
                total += len(stale)
                label = model._meta.label
                ids = ", ".join(str(obj.pk) for obj in stale[:20])
                more = "…" if len(stale) > 20 else ""
                self.stdout.write(
                    _("%(model)s: %(count)d stale search key(s): %(ids)s")
                    % {"model": label, "count": len(stale), "ids": ids + more}
                )
                if fix:
                    model._default_manager.bulk_update(stale, ["search_key"], batch_size=500)
        if total and not fix:
            raise CommandError(
                _("%(count)d stale search key(s); run again with --fix to store them.")
                % {"count": total}
            )
        if total:
            self.stdout.write(_("Stored %(count)d search key(s).") % {"count": total})
        else:
            self.stdout.write(_("Every search key is current."))
