"""The workspace pages, by the namespace they keep (``pacesetter/urls.py`` mounts each
list in its namespace, beside that app's own URLs; the calendar has its own module)."""

from django.urls import URLPattern, path

from . import views

#: ``core:home`` at /.
home: list[URLPattern] = [path("", views.home, name="home")]
#: ``chains:chain_detail`` under /chains/.
chains: list[URLPattern] = [path("<int:pk>/", views.chain_detail, name="chain_detail")]
#: ``workplans:my_work`` under /workplans/.
workplans: list[URLPattern] = [path("my-work/", views.my_work, name="my_work")]
