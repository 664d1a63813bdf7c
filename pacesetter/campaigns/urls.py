from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/phases/add/", views.phase_add, name="phase_add"),
    path("<int:pk>/review-points/add/", views.review_point_add, name="review_point_add"),
    path(
        "<int:pk>/review-points/<int:review_point_pk>/open/",
        views.review_point_open,
        name="review_point_open",
    ),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path("<int:pk>/participants/join-cluster/", views.cluster_join, name="cluster_join"),
    path("<int:pk>/units/<int:unit_pk>/registration/", views.registration, name="registration"),
    path(
        "<int:pk>/units/<int:unit_pk>/registration/<int:criterion_pk>/amend/",
        views.amendment_request,
        name="amendment_request",
    ),
    path(
        "<int:pk>/amendments/<int:amendment_pk>/decide/",
        views.amendment_decide,
        name="amendment_decide",
    ),
    path("<int:pk>/clusters/<int:cluster_pk>/pact/", views.pact_sign, name="pact_sign"),
    path("<int:pk>/pacts/<int:pact_pk>/document/", views.pact_document, name="pact_document"),
]
