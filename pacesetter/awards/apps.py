from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "pacesetter.awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        from pacesetter.ballots.subjects import register_subject

        from . import imports
        from .selectors import proposal_of_poll

        # A proposal's cluster and council votes link back to the proposal's dossier.
        register_subject(proposal_of_poll)
        # The past-awards import a background job can run (pacesetter.imports).
        imports.register()
