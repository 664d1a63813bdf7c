"""The guard after every test: committed rows left behind are named, not inherited."""

import pytest

from pacesetter.testing.shared import leftover_rows
from pacesetter.units.tests.factories import UnitFactory


@pytest.mark.django_db(transaction=True)
def test_committed_rows_between_tests_are_named():
    assert leftover_rows() == []
    UnitFactory(code="LEFT")
    assert leftover_rows() == ["default:units_unit"]  # the flush after the test empties it
