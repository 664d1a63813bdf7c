"""The library's screens; the views modules list their own URLs next to the views (the
public pages and the dossier: ``public_views.py``; the Excel screens: ``import_views.py``)."""

from . import field_views, import_views, public_views, views

app_name = "practices"
# The Excel, public and fields-of-work screens first: "import/", "public/" or "fields/"
# would otherwise be read as a practice's step.
urlpatterns = (
    import_views.urlpatterns
    + public_views.urlpatterns
    + field_views.urlpatterns
    + views.urlpatterns
)
