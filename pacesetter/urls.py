from django.contrib import admin
from django.urls import include, path, re_path

from pacesetter.api import api, not_found_view

urlpatterns = [
    path("", include("pacesetter.core.urls")),
    path("accounts/", include("pacesetter.accounts.urls")),
    path("units/", include("pacesetter.units.urls")),
    path("clusters/", include("pacesetter.clusters.urls")),
    path("bodies/", include("pacesetter.bodies.urls")),
    path("decisions/", include("pacesetter.decisions.urls")),
    path("campaigns/", include("pacesetter.campaigns.urls")),
    path("scoring/", include("pacesetter.scoring.urls")),
    path("awards/", include("pacesetter.awards.urls")),
    path("ballots/", include("pacesetter.ballots.urls")),
    path("workplans/", include("pacesetter.workplans.urls")),
    path("chains/", include("pacesetter.chains.urls")),
    path("meetings/", include("pacesetter.meetings.urls")),
    path("calendar/", include("pacesetter.workplans.ical_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", not_found_view),
    path("admin/", admin.site.urls),
]
