from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "pacesetter.practices"
    label = "practices"
    verbose_name = _("Good practice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import eligibility, imports, rankings

        # "Has a recognized initiative or model at level L within N years", a primitive
        # of the awards engine (which sits below practices and does not import it).
        eligibility.register()
        # The import of an existing list of practices a background job can run.
        imports.register()
        # "Propose a practice" on the rows of a ranking (scoring sits below practices).
        rankings.register()
