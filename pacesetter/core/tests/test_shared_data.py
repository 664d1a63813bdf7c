"""Data shared by a module (pacesetter/testing/shared.py): each test sees exactly the
layers it asks for, as built, whatever the tests before it asked for or changed.

The tests of this module run in the order written, which is the point: each one checks
what the one before it may have left behind.
"""

from __future__ import annotations

from django.utils import timezone

from pacesetter.campaigns.models import Campaign
from pacesetter.scoring.models import ScoreItem
from pacesetter.scoring.tests.conftest import arena, scoring  # noqa: F401
from pacesetter.testing.shared import BUILT_AT
from pacesetter.units.models import Unit

WORLD_UNITS = 7


def test_a_test_changes_the_world_in_the_database_and_in_memory(world, scoring):  # noqa: F811
    world.own.name_en = "Renamed in memory"
    Unit.objects.filter(pk=world.sibling.pk).update(name_en="Renamed in the database")
    ScoreItem.objects.filter(review_point=scoring.h1).delete()


def test_the_next_test_has_the_world_as_built(world, scoring):  # noqa: F811
    assert world.own.name == "Own unit"
    assert Unit.objects.get(pk=world.sibling.pk).name == "Sibling unit"
    assert ScoreItem.objects.filter(review_point=scoring.h1).exists()


def test_a_test_of_the_world_alone_sees_no_campaign(world):
    assert Unit.objects.count() == WORLD_UNITS
    assert not Campaign.objects.exists()


def test_another_layer_on_the_same_world(world, arena):  # noqa: F811
    assert set(Campaign.objects.values_list("code", flat=True)) == {
        "M-own",
        "M-child",
        "M-other_unit",
        "M-other_cluster",
    }
    assert Unit.objects.count() == WORLD_UNITS  # not the scoring layer's third unit


def test_a_test_that_asks_for_nothing_sees_an_empty_database(db):
    assert not Unit.objects.exists()


def test_shared_data_is_built_before_the_test_starts(world):
    assert BUILT_AT <= world.own.created_at < timezone.now()
