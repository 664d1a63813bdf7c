"""The library's screens; the views module lists its own URLs next to the views."""

from . import views

app_name = "practices"
urlpatterns = views.urlpatterns
