from django.urls import path

from .views import notification_list, notification_open, notifications_read, preferences

app_name = "notifications"
urlpatterns = [
    path("", notification_list, name="list"),
    path("<int:pk>/", notification_open, name="open"),
    path("read/", notifications_read, name="read"),
    path("preferences/", preferences, name="preferences"),
]
