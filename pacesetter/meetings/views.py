"""Meeting screens (being built)."""

urlpatterns: list = []
