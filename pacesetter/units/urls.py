from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.unit_list, name="list"),
    path("search/units.xlsx", views.unit_list_xlsx, name="list_xlsx"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/new-child/", views.create_child, name="create_child"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/public/", views.publicity, name="publicity"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_create, name="type_create"),
    path("types/<int:pk>/edit/", views.type_edit, name="type_edit"),
]
