from .views.excel import urlpatterns as excel_patterns
from .views.sheets import urlpatterns as sheet_patterns
from .views.tables import urlpatterns as table_patterns

app_name = "scoring"
urlpatterns = [*table_patterns, *sheet_patterns, *excel_patterns]
