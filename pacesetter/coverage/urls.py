"""The register's screens; the views modules list their own URLs next to the views."""

from . import excel_views, views

app_name = "coverage"
urlpatterns = [*views.urlpatterns, *excel_views.urlpatterns]
