import pytest


@pytest.fixture
def work_fields(db):
    """The fields of work the migration makes (the suite runs without migrations)."""
    from pacesetter.practices.defaults import ensure_fields
    from pacesetter.practices.models import WorkField

    ensure_fields()
    return {field.code: field for field in WorkField.objects.all()}
