"""The personal calendar: the page with the user's iCal address, and the feed itself
(mounted at /calendar/)."""

from django.urls import URLPattern, path

from .ical import calendar_feed, calendar_settings

app_name = "calendar"
urlpatterns: list[URLPattern] = [
    path("", calendar_settings, name="settings"),
    path("feed/<str:token>.ics", calendar_feed, name="feed"),
]
