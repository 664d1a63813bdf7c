"""Organizations of the register: each role x each action x (own town, its child, a
sibling town, another organization's town), and anonymous. ``view``: roles over the
town; ``update``: its officers and the staff above; ``manage``: staff only."""

from __future__ import annotations

import pytest

from pacesetter.coverage.policies import organization_policy
from pacesetter.testing.matrix import ROLES, assert_allowed_actions_agree, assert_matrix, user_of

from .factories import organization

pytestmark = pytest.mark.django_db

TARGETS = ("own", "child", "other_unit", "other_cluster")
EVERY = frozenset(TARGETS)
PROVINCE = frozenset({"own", "child", "other_unit"})
SUBTREE = frozenset({"own", "child"})

MATRIX = {
    "view": {
        "superuser": EVERY,
        "committee_staff": PROVINCE,
        "unit_officer": SUBTREE,
        "viewer": SUBTREE,
    },
    "update": {"superuser": EVERY, "committee_staff": PROVINCE, "unit_officer": SUBTREE},
    "manage": {"superuser": EVERY, "committee_staff": PROVINCE},
}


def organizations(world):
    towns = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    return {key: organization(town) for key, town in towns.items()}


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(organization_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_organization_permission_matrix(world, role):
    assert_matrix(organization_policy, user_of(world, role), organizations(world), MATRIX, role)


@pytest.mark.parametrize("role", ROLES)
def test_organization_allowed_actions_agree_with_allows(world, role):
    found = list(organizations(world).values())
    assert_allowed_actions_agree(organization_policy, user_of(world, role), found)
