from django.urls import path

from . import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="list"),
    path("clusters.xlsx", views.cluster_list_xlsx, name="list_xlsx"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:membership_pk>/end/", views.member_end, name="member_end"),
    path("<int:pk>/leaders/set/", views.leader_set, name="leader_set"),
]
