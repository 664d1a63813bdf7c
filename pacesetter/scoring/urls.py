from .views.excel import urlpatterns as excel_patterns
from .views.registrations import urlpatterns as registration_patterns
from .views.sheets import urlpatterns as sheet_patterns
from .views.tables import urlpatterns as table_patterns

app_name = "scoring"
urlpatterns = [*table_patterns, *sheet_patterns, *excel_patterns]

#: The scoring steps of a campaign (registration, amendments, opening a review point),
#: which ``pacesetter/urls.py`` mounts under /campaigns/ in the ``campaigns`` namespace.
campaigns = registration_patterns
