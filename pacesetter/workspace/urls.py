"""The workspace pages, by the namespace they keep (``pacesetter/urls.py`` mounts each
list in its namespace, beside that app's own URLs; the calendar has its own module)."""

from django.urls import URLPattern, path

from . import campaign_views, people_views, views

#: ``core:home`` at /.
home: list[URLPattern] = [path("", views.home, name="home")]
#: ``chains:chain_detail`` under /chains/.
chains: list[URLPattern] = [path("<int:pk>/", views.chain_detail, name="chain_detail")]
#: ``campaigns:detail``, ``campaigns:create`` and ``campaigns:edit`` under /campaigns/.
campaigns: list[URLPattern] = [
    path("new/", campaign_views.create, name="create"),
    path("<int:pk>/", campaign_views.detail, name="detail"),
    path("<int:pk>/edit/", campaign_views.edit, name="edit"),
]
#: ``workplans:my_work`` under /workplans/.
workplans: list[URLPattern] = [path("my-work/", views.my_work, name="my_work")]
#: ``accounts:people`` ... under /accounts/people/.
people: list[URLPattern] = [
    path("", people_views.people, name="people"),
    path("new/", people_views.person_create, name="person_create"),
    path("<int:pk>/", people_views.person, name="person"),
    path("<int:pk>/active/", people_views.person_set_active, name="person_set_active"),
    path("roles/<int:pk>/revoke/", people_views.role_revoke_view, name="role_revoke"),
]
