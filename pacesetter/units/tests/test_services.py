import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pacesetter.audit.selectors import audit_entries_for
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_ancestors, unit_children, unit_search
from pacesetter.units.services import unit_create, unit_move, unit_update
from pacesetter.units.tests.factories import UnitFactory


def test_paths_follow_the_tree_to_any_depth(db):
    chain = [UnitFactory(code="L0")]
    for level in range(1, 12):
        chain.append(UnitFactory(code=f"L{level}", parent=chain[-1]))
    deepest = chain[-1]
    assert deepest.depth == 11
    assert Unit.objects.filter(path__startswith=chain[3].path).count() == 9
    assert deepest.path.startswith(chain[0].path)


def test_moving_a_unit_moves_its_subtree_and_keeps_its_history(world):
    staff = world.users["committee_staff"]
    grandchild = UnitFactory(code="GRAND", parent=world.child)
    unit_update(actor=staff, unit=world.own, employees=80)
    unit_move(actor=staff, unit=world.own, new_parent=world.committee)

    world.own.refresh_from_db()
    grandchild.refresh_from_db()
    world.child.refresh_from_db()
    assert world.own.parent == world.committee
    assert world.own.depth == 2
    assert world.child.path.startswith(world.own.path) and world.child.depth == 3
    assert grandchild.path.startswith(world.child.path) and grandchild.depth == 4
    assert set(Unit.objects.filter(path__startswith=world.committee.path)) >= {
        world.own,
        world.child,
        grandchild,
    }
    # Same id, so the cluster membership and the earlier history stay with the unit.
    assert world.own.cluster_memberships.filter(cluster=world.cluster).exists()
    actions = list(audit_entries_for(world.own).values_list("action", flat=True))
    assert actions[:2] == ["unit.move", "unit.update"]
    move = audit_entries_for(world.own).first()
    assert move.changes == {"parent": [world.root.pk, world.committee.pk]}


def test_a_unit_cannot_move_under_itself_or_its_descendants(world):
    with pytest.raises(ValidationError) as excinfo:
        unit_move(actor=None, unit=world.own, new_parent=world.child)
    assert "parent" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        unit_move(actor=None, unit=world.own, new_parent=world.own)


def test_moving_to_a_root_and_back(world):
    unit_move(actor=None, unit=world.own, new_parent=None)
    world.own.refresh_from_db()
    assert world.own.depth == 0 and world.own.parent is None
    unit_move(actor=None, unit=world.own, new_parent=world.root)
    world.child.refresh_from_db()
    assert world.child.depth == 2


def test_codes_are_unique_and_periods_ordered(world):
    with pytest.raises(ValidationError) as excinfo:
        unit_create(
            actor=None, parent=world.root, code="OWN", name="Dup", unit_type=world.own.unit_type
        )
    assert "code" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        unit_update(
            actor=None,
            unit=world.own,
            active_from=dt.date(2024, 3, 1),
            active_to=dt.date(2023, 3, 1),
        )


def test_no_child_under_an_inactive_unit(world):
    unit_update(actor=None, unit=world.sibling, active_to=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError):
        unit_create(
            actor=None, parent=world.sibling, code="NEW", name="New", unit_type=world.own.unit_type
        )


def test_search_and_tree_selectors_respect_visibility(world):
    officer = world.users["unit_officer"]
    assert set(unit_search(officer, query="unit")) == {world.own, world.child}
    assert list(unit_children(officer, None)) == [world.own]
    assert [u.child_count for u in unit_children(officer, None)] == [1]
    staff = world.users["committee_staff"]
    assert unit_ancestors(staff, world.child) == [world.root, world.own]
    assert unit_ancestors(officer, world.child) == [world.own]
    assert set(unit_search(staff, query="", within=world.own)) == {world.own, world.child}
