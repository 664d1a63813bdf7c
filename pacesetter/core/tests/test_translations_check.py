import pytest
from django.core.management import CommandError, call_command

from pacesetter.core.translations import fold
from pacesetter.units.models import Unit
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_a_stale_search_key_is_named_then_stored_with_fix(capsys):
    unit = UnitFactory(name_en="Cluster Eighteen")
    Unit.objects.filter(pk=unit.pk).update(name_vi="Cụm thi đua số 18")  # a bulk write

    with pytest.raises(CommandError, match="1 stale search key"):
        call_command("translations_check")
    assert f"units.Unit: 1 stale search key(s): {unit.pk}" in capsys.readouterr().out
    unit.refresh_from_db()
    assert fold("Cụm thi đua") not in unit.search_key

    call_command("translations_check", "--fix")
    unit.refresh_from_db()
    assert fold("Cụm thi đua") in unit.search_key
    call_command("translations_check")
    assert "Every search key is current." in capsys.readouterr().out
