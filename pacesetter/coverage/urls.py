"""The register's screens; the views module lists its own URLs next to the views."""

from . import views

app_name = "coverage"
urlpatterns = views.urlpatterns
