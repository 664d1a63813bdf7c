"""The register's screens; the views modules list their own URLs next to the views (the
blind spots' first: ``<pk>/deadlines/`` must come before ``<pk>/<kind>/``)."""

from . import blind_spots_views, excel_views, views

app_name = "coverage"
urlpatterns = [*blind_spots_views.urlpatterns, *excel_views.urlpatterns, *views.urlpatterns]
