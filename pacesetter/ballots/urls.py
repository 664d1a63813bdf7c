from .views import urlpatterns

app_name = "ballots"
__all__ = ["app_name", "urlpatterns"]
