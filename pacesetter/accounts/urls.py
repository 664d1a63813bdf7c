from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

people_patterns = (
    [
        path("", views.people, name="people"),
        path("new/", views.person_create, name="person_create"),
        path("<int:pk>/", views.person, name="person"),
        path("<int:pk>/active/", views.person_set_active, name="person_set_active"),
        path("roles/<int:pk>/revoke/", views.role_revoke_view, name="role_revoke"),
    ],
    "accounts",
)

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/", include(people_patterns)),
]
