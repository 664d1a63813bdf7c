from django.contrib.auth import views as auth_views
from django.urls import path

# The "People and roles" screens (accounts:people ...) are workspace pages: they combine
# accounts with units, clusters and bodies (pacesetter/urls.py mounts them at people/).
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
