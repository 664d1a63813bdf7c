from django.urls import path

from . import views

app_name = "bodies"
urlpatterns = [
    path("", views.body_list, name="list"),
    path("bodies.xlsx", views.body_list_xlsx, name="list_xlsx"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/terms/add/", views.term_add, name="term_add"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/end/", views.member_end, name="member_end"),
]
