from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("review/<int:rp>/", views.review_report, name="review_report"),
    path("review/<int:rp>/start/", views.report_start, name="start"),
    path("<int:pk>/save/", views.report_save, name="save"),
    path("<int:pk>/file.<str:fmt>", views.report_file, name="file"),
]
