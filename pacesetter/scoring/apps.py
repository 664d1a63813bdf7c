from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "pacesetter.scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        # The campaign steps that read scoring's data (campaigns.checks) get their rules.
        from . import checks, imports

        checks.register()
        # The spreadsheet imports a background job can run (pacesetter.imports).
        imports.register()
