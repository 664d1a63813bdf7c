"""The public pages' URLs (``public:``), mounted at ``/public/`` by pacesetter/urls.py."""

from .views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
