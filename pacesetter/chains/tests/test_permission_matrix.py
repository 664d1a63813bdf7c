"""Chains: each role x each action x (own unit, child unit, other unit, other cluster),
and anonymous.

The policy's rule: ``view`` for roles over the unit that keeps the chain, over its leader
or over one of its member units; ``manage`` for committee staff over the unit that keeps
it. The first four chains are each kept and led by one unit, their only member: the own
unit (Cluster A), its child (no cluster), the sibling unit (Cluster A) and the other unit
(Cluster B, another organization). Two more chains are kept by the other organization's
root, so that only the leader or a member can make them seen: one led by the own unit,
one with the child unit among its members. Each cell checks ``allows`` for the object
and ``visible`` for the queryset, which must agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.chains.services import chain_create
from pacesetter.testing.matrix import (
    ROLES,
    assert_allowed_actions_agree,
    assert_matrix,
    user_of,
)

TARGETS = ("own", "child", "other_unit", "other_cluster", "led_by_own", "child_member")

EVERY = frozenset(TARGETS)
#: Chains touching a unit under the province, where the staff work.
PROVINCE = frozenset({"own", "child", "other_unit", "led_by_own", "child_member"})
#: Kept by a unit under the province (what the staff manage).
KEPT_IN_PROVINCE = frozenset({"own", "child", "other_unit"})
#: Chains touching the own unit or its child (the officer's and the viewer's subtree).
SUBTREE = frozenset({"own", "child", "led_by_own", "child_member"})

#: action → role → the targets the role may do the action to.
MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": {
        "superuser": EVERY,
        "committee_staff": PROVINCE,
        "unit_officer": SUBTREE,
        "viewer": SUBTREE,
    },
    "manage": {"superuser": EVERY, "committee_staff": KEPT_IN_PROVINCE},
}


def chains(world: Any) -> dict[str, Chain]:
    units = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    found = {
        key: chain_create(
            actor=None, owner_unit=unit, name=f"Chain of {key}", leader_unit=unit, members=[unit]
        )
        for key, unit in units.items()
    }
    found["led_by_own"] = chain_create(
        actor=None,
        owner_unit=world.other_root,
        name="Led by the own unit",
        leader_unit=world.own,
        members=[world.other],
    )
    found["child_member"] = chain_create(
        actor=None,
        owner_unit=world.other_root,
        name="With the child unit",
        leader_unit=world.other,
        members=[world.other, world.child],
    )
    return found


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(chain_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_chain_permission_matrix(world, role):
    user = user_of(world, role)
    objects = chains(world)
    assert_matrix(chain_policy, user, {key: objects[key] for key in TARGETS}, MATRIX, role)


@pytest.mark.parametrize("role", ROLES)
def test_chain_allowed_actions_agree_with_allows(world, role):
    user = user_of(world, role)
    found = list(chains(world).values())
    assert_allowed_actions_agree(chain_policy, user, found)
