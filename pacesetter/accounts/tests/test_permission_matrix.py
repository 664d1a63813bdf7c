"""Each role x each action x (own unit, child unit, other unit, other cluster).

The policy answers both questions, so each cell checks ``allows`` for one object and
``visible`` for the queryset, and they must agree.
"""

from __future__ import annotations

import pytest

from pacesetter.bodies.policies import body_policy
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.clusters.policies import cluster_policy
from pacesetter.units.policies import unit_policy, unit_type_policy

ROLES = [
    "superuser",
    "committee_staff",
    "cluster_leader",
    "unit_officer",
    "council_member",
    "viewer",
    "nobody",
]

# Units. Targets: the officer's own unit, its child, a unit of another organization.
UNIT_TARGETS = ["own", "child", "other"]
UNIT_MATRIX: dict[str, dict[str, tuple[bool, bool, bool]]] = {
    "view": {
        "superuser": (True, True, True),
        "committee_staff": (True, True, False),
        "cluster_leader": (True, False, False),  # members of its cluster only
        "unit_officer": (True, True, False),
        "council_member": (True, False, False),  # units sitting on its council
        "viewer": (True, True, False),
        "nobody": (False, False, False),
    },
    "view_unpublished": {
        "superuser": (True, True, True),
        "committee_staff": (True, True, False),
        "cluster_leader": (False, False, False),
        "unit_officer": (True, True, False),
        "council_member": (False, False, False),
        "viewer": (True, True, False),
        "nobody": (False, False, False),
    },
    "update": {
        "superuser": (True, True, True),
        "committee_staff": (True, True, False),
        "cluster_leader": (False, False, False),
        "unit_officer": (True, True, False),
        "council_member": (False, False, False),
        "viewer": (False, False, False),
        "nobody": (False, False, False),
    },
    "manage": {
        "superuser": (True, True, True),
        "committee_staff": (True, True, False),
        "cluster_leader": (False, False, False),
        "unit_officer": (False, False, False),
        "council_member": (False, False, False),
        "viewer": (False, False, False),
        "nobody": (False, False, False),
    },
}

# Clusters. Targets: the cluster the own unit belongs to, another organization's cluster.
CLUSTER_TARGETS = ["cluster", "other_cluster"]
CLUSTER_MATRIX: dict[str, dict[str, tuple[bool, bool]]] = {
    "view": {
        "superuser": (True, True),
        "committee_staff": (True, False),
        "cluster_leader": (True, False),
        "unit_officer": (True, False),
        "council_member": (False, False),
        "viewer": (True, False),
        "nobody": (False, False),
    },
    "update": {
        "superuser": (True, True),
        "committee_staff": (True, False),
        "cluster_leader": (False, False),
        "unit_officer": (False, False),
        "council_member": (False, False),
        "viewer": (False, False),
        "nobody": (False, False),
    },
}

# Bodies. Targets: the committee's council (the own unit sits on it), another body.
BODY_TARGETS = ["council", "other_body"]
BODY_MATRIX: dict[str, dict[str, tuple[bool, bool]]] = {
    "view": {
        "superuser": (True, True),
        "committee_staff": (True, False),
        "cluster_leader": (False, False),
        "unit_officer": (True, False),
        "council_member": (True, False),
        "viewer": (True, False),
        "nobody": (False, False),
    },
    "update": {
        "superuser": (True, True),
        "committee_staff": (True, False),
        "cluster_leader": (False, False),
        "unit_officer": (False, False),
        "council_member": (False, False),
        "viewer": (False, False),
        "nobody": (False, False),
    },
}


def _cells(matrix, targets):
    return list(_iter_cells(matrix, targets))


def _iter_cells(matrix, targets):
    for action, by_role in matrix.items():
        for role in ROLES:
            for target, expected in zip(targets, by_role[role], strict=True):
                yield pytest.param(role, action, target, expected, id=f"{role}-{action}-{target}")


def _check(policy, user, action, obj, expected):
    assert policy.allows(user, action, obj) is expected
    assert (obj in policy.visible(user, action)) is expected


@pytest.mark.parametrize(
    ("role", "action", "target", "expected"), _cells(UNIT_MATRIX, UNIT_TARGETS)
)
def test_unit_matrix(world, role, action, target, expected):
    _check(unit_policy, world.users[role], action, getattr(world, target), expected)


@pytest.mark.parametrize(
    ("role", "action", "target", "expected"), _cells(CLUSTER_MATRIX, CLUSTER_TARGETS)
)
def test_cluster_matrix(world, role, action, target, expected):
    _check(cluster_policy, world.users[role], action, getattr(world, target), expected)


@pytest.mark.parametrize(
    ("role", "action", "target", "expected"), _cells(BODY_MATRIX, BODY_TARGETS)
)
def test_body_matrix(world, role, action, target, expected):
    other_body = BodyFactory(name="Other council", owner_unit=world.other_root)
    obj = other_body if target == "other_body" else world.council
    _check(body_policy, world.users[role], action, obj, expected)


@pytest.mark.parametrize("role", ROLES)
def test_unit_types_are_seen_by_all_and_edited_by_root_staff(world, role):
    user = world.users[role]
    unit_type = world.own.unit_type
    # Unit types are shared configuration: every signed-in user reads them.
    assert unit_type_policy.allows(user, "view", unit_type) is True
    assert unit_type_policy.allows(user, "update", unit_type) is (
        role in {"superuser", "committee_staff"}
    )


def test_inactive_users_see_nothing(world):
    staff = world.users["committee_staff"]
    staff.is_active = False
    staff.save()
    assert not unit_policy.visible(staff).exists()
    assert not cluster_policy.visible(staff).exists()


def test_leader_loses_sight_of_a_unit_that_left_the_cluster(world):
    import datetime as dt

    from pacesetter.clusters.services import cluster_member_end

    membership = world.cluster.memberships.get(unit=world.sibling)
    leader = world.users["cluster_leader"]
    assert unit_policy.allows(leader, "view", world.sibling)
    cluster_member_end(actor=None, membership=membership, end=dt.date(2024, 6, 30))
    leader = type(leader).objects.get(pk=leader.pk)
    assert not unit_policy.allows(leader, "view", world.sibling)
