from django.contrib import admin
from django.urls import include, path, re_path

from pacesetter.api import api, not_found_view
from pacesetter.campaigns import urls as campaigns_urls
from pacesetter.chains import urls as chains_urls
from pacesetter.core.views import health
from pacesetter.scoring import urls as scoring_urls
from pacesetter.workplans import urls as workplans_urls
from pacesetter.workspace import urls as workspace_urls

# The pages that combine domains (the workspace app) keep the namespaces they were
# always in: each namespace gets its app's URLs and the workspace pages named for it.

urlpatterns = [
    path("healthz", health, name="health"),
    path("", include((workspace_urls.home, "core"))),
    path("accounts/", include("pacesetter.accounts.urls")),
    path("accounts/people/", include((workspace_urls.people, "accounts"))),
    path("units/", include("pacesetter.units.urls")),
    path("clusters/", include("pacesetter.clusters.urls")),
    path("bodies/", include("pacesetter.bodies.urls")),
    path("decisions/", include("pacesetter.decisions.urls")),
    # The campaign's page and set-up combine domains (workspace); its registrations,
    # amendments and opening review points are scoring's.
    path(
        "campaigns/",
        include(
            (
                campaigns_urls.urlpatterns + workspace_urls.campaigns + scoring_urls.campaigns,
                "campaigns",
            )
        ),
    ),
    path("scoring/", include("pacesetter.scoring.urls")),
    path("imports/", include("pacesetter.imports.urls")),
    path("notifications/", include("pacesetter.notifications.urls")),
    path("awards/", include("pacesetter.awards.urls")),
    path("ballots/", include("pacesetter.ballots.urls")),
    path(
        "workplans/",
        include((workspace_urls.workplans + workplans_urls.urlpatterns, "workplans")),
    ),
    path("chains/", include((chains_urls.urlpatterns + workspace_urls.chains, "chains"))),
    path("meetings/", include("pacesetter.meetings.urls")),
    path("coverage/", include("pacesetter.coverage.urls")),
    path("practices/", include("pacesetter.practices.urls")),
    path("reports/", include("pacesetter.reports.urls")),
    path("search/", include("pacesetter.search.urls")),
    path("public/", include("pacesetter.public.urls")),
    path("calendar/", include("pacesetter.workspace.calendar_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", not_found_view),
    path("admin/", admin.site.urls),
]
