from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# The "People and roles" screens (accounts:people ...) are workspace pages: they combine
# accounts with units, clusters and bodies (pacesetter/urls.py mounts them at people/).
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
