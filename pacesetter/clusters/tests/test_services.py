import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pacesetter.clusters.models import ClusterLeadership
from pacesetter.clusters.selectors import (
    cluster_current_leader,
    cluster_members,
    cluster_search,
)
from pacesetter.clusters.services import (
    cluster_leader_set,
    cluster_member_add,
    cluster_member_end,
)
from pacesetter.units.tests.factories import UnitFactory


def test_membership_periods_of_a_unit_may_not_overlap(world):
    with pytest.raises(ValidationError) as excinfo:
        cluster_member_add(
            actor=None, cluster=world.cluster, unit=world.own, start=dt.date(2025, 1, 1)
        )
    assert "start" in excinfo.value.message_dict
    membership = world.cluster.memberships.get(unit=world.own)
    cluster_member_end(actor=None, membership=membership, end=dt.date(2024, 12, 31))
    again = cluster_member_add(
        actor=None, cluster=world.cluster, unit=world.own, start=dt.date(2025, 1, 1)
    )
    assert again.pk and world.cluster.memberships.filter(unit=world.own).count() == 2


def test_members_on_a_date(world):
    membership = world.cluster.memberships.get(unit=world.sibling)
    cluster_member_end(actor=None, membership=membership, end=dt.date(2024, 6, 30))
    assert {m.unit for m in cluster_members(world.cluster, on=dt.date(2024, 5, 1))} == {
        world.own,
        world.sibling,
    }
    assert {m.unit for m in cluster_members(world.cluster, on=dt.date(2024, 7, 1))} == {world.own}


def test_membership_end_cannot_precede_start(world):
    membership = world.cluster.memberships.get(unit=world.own)
    with pytest.raises(ValidationError):
        cluster_member_end(actor=None, membership=membership, end=dt.date(2023, 1, 1))


def test_leader_rotation_keeps_the_previous_holder(world):
    new = cluster_leader_set(
        actor=None,
        cluster=world.cluster,
        year=2024,
        role="leader",
        unit=world.sibling,
        assigned_on=dt.date(2024, 9, 1),
    )
    old = ClusterLeadership.objects.get(cluster=world.cluster, year=2024, unit=world.own)
    assert old.ended_on == dt.date(2024, 9, 1)
    assert cluster_current_leader(world.cluster, 2024, "leader") == new
    assert world.cluster.leaderships.filter(year=2024, role="leader").count() == 2


def test_leader_must_be_a_member_that_year_and_hold_one_post(world):
    outsider = UnitFactory(parent=world.root)
    with pytest.raises(ValidationError) as excinfo:
        cluster_leader_set(
            actor=None,
            cluster=world.cluster,
            year=2024,
            role="deputy",
            unit=outsider,
            assigned_on=dt.date(2024, 3, 1),
        )
    assert "unit" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        cluster_leader_set(
            actor=None,
            cluster=world.cluster,
            year=2023,
            role="leader",
            unit=world.own,
            assigned_on=dt.date(2023, 3, 1),
        )
    with pytest.raises(ValidationError):
        cluster_leader_set(
            actor=None,
            cluster=world.cluster,
            year=2024,
            role="deputy",
            unit=world.own,
            assigned_on=dt.date(2024, 3, 1),
        )


def test_each_year_has_its_own_leader(world):
    cluster_leader_set(
        actor=None,
        cluster=world.cluster,
        year=2025,
        role="leader",
        unit=world.sibling,
        assigned_on=dt.date(2025, 1, 15),
    )
    assert cluster_current_leader(world.cluster, 2024, "leader").unit == world.own
    assert cluster_current_leader(world.cluster, 2025, "leader").unit == world.sibling


def test_cluster_search_counts_current_members(world):
    staff = world.users["committee_staff"]
    [found] = cluster_search(staff, query="Cluster A")
    assert found.member_count == 2
