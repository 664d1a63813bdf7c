"""The library's screens; the views modules list their own URLs next to the views (the
public pages and the dossier: ``public_views.py``)."""

from . import public_views, views

app_name = "practices"
urlpatterns = public_views.urlpatterns + views.urlpatterns
