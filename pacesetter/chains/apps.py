from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "pacesetter.chains"
    verbose_name = _("Chains")
