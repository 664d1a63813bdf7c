import pytest


@pytest.fixture(autouse=True)
def coverage_kinds(request):
    """The kinds the migration makes (the suite runs without migrations)."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from pacesetter.coverage.defaults import ensure_kinds

        request.getfixturevalue("db")
        ensure_kinds()
