from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "pacesetter.practices"
    label = "practices"
    verbose_name = _("Good practice")
    default_auto_field = "django.db.models.BigAutoField"
