from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pacesetter.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every app's policies, so that core.policies.policy_of knows each model's.
        autodiscover_modules("policies")
