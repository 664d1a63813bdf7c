"""Meeting screens (views.py) and the files made from a meeting (outputs_views.py:
minutes .docx/.pdf, invitation PDFs with check-in QR codes)."""

from . import outputs_views, views

app_name = "meetings"
urlpatterns = [*views.urlpatterns, *outputs_views.urlpatterns]
