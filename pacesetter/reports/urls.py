from django.urls import path

from . import views
from .statistics import views as statistics_views

app_name = "reports"
urlpatterns = [
    path("review/<int:rp>/", views.review_report, name="review_report"),
    path("review/<int:rp>/start/", views.report_start, name="start"),
    path("work/<int:plan>/", views.work_report, name="work_report"),
    path("work/<int:plan>/start/", views.work_report_start, name="work_start"),
    path("<int:pk>/save/", views.report_save, name="save"),
    path("<int:pk>/file.<str:fmt>", views.report_file, name="file"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("statistics/records/", statistics_views.statistics_records, name="statistics_records"),
    path("statistics/form.xlsx", statistics_views.statistics_file, name="statistics_file"),
]
