"""The library's screens; the views modules list their own URLs next to the views."""

from . import import_views, views

app_name = "practices"
# The Excel screens first: "import/" would otherwise be read as a practice's step.
urlpatterns = import_views.urlpatterns + views.urlpatterns
