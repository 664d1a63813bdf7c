from django.urls import path

from . import views

# The campaign's page and set-up (``detail``, ``create``, ``edit``) and its scoring steps
# (``registration``, ``amendment_request``, ``amendment_decide``, ``review_point_open``)
# share this namespace: pacesetter/urls.py mounts them beside these from the workspace
# and scoring apps.
app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("campaigns.xlsx", views.campaign_list_xlsx, name="list_xlsx"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/public/", views.publicity, name="publicity"),
    path("<int:pk>/phases/add/", views.phase_add, name="phase_add"),
    path("<int:pk>/review-points/add/", views.review_point_add, name="review_point_add"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path("<int:pk>/participants/join-cluster/", views.cluster_join, name="cluster_join"),
    path("<int:pk>/clusters/<int:cluster_pk>/pact/", views.pact_sign, name="pact_sign"),
    path("<int:pk>/pacts/<int:pact_pk>/document/", views.pact_document, name="pact_document"),
]
