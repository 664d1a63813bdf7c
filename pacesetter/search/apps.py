from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The one search box: every kind of record a signed-in user may see, in every
    language, grouped by kind. It reads the domains' policies and selectors, so it sits
    in the pages layer beside ``workspace`` and ``reports``; nothing imports it."""

    name = "pacesetter.search"
    verbose_name = _("Search")
