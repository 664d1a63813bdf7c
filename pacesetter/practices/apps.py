from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "pacesetter.practices"
    label = "practices"
    verbose_name = _("Good practice")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import eligibility, imports, rankings, search_index

        # "Has a recognized initiative or model at level L within N years", a primitive
        # of the awards engine (which sits below practices and does not import it).
        eligibility.register()
        # The import of an existing list of practices a background job can run.
        imports.register()
        # "Propose a practice" on the rows of a ranking (scoring sits below practices).
        rankings.register()
        # The substring index of the search (search_index.py) is not a model: made again
        # where missing after every migrate (a database built from the models, or a
        # table SQLite rebuilt, losing its triggers, for a later migration).
        post_migrate.connect(search_index.installed_on_migrate, sender=self)
