from .import_views import urlpatterns as import_patterns
from .people_views import urlpatterns as people_patterns
from .views import urlpatterns as view_patterns

app_name = "awards"
urlpatterns = [*view_patterns, *import_patterns, *people_patterns]
