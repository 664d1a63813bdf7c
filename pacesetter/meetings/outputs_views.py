"""Minutes and invitation files (being built)."""

urlpatterns: list = []
