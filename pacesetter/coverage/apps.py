from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "pacesetter.coverage"
    label = "coverage"
    verbose_name = _("Coverage register")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import imports

        # The register import a background job can run (pacesetter.imports).
        imports.register()
