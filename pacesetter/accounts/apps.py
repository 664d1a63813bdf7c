from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pacesetter.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Core's policies compute scopes through this hook; core imports no app.
        from pacesetter.core.scopes import register_scope_function

        from .scopes import scope_of

        register_scope_function(scope_of)
