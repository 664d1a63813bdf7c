"""Decisions: each role x each action x (own unit, child unit, other unit, other cluster),
and anonymous.

The policy's rule: a decision is seen by the roles over the recording unit's subtree and
by everyone who may see a cluster it set up; committee staff over the recording unit
edit it. The first four decisions are recorded by the own unit (Cluster A), its child (no
cluster), the sibling unit (Cluster A) and the other unit (Cluster B, another
organization). Two more set up a cluster: Cluster A's, recorded by the other
organization's root (so that only the cluster makes it seen), and Cluster B's, recorded
by that root too. Each cell checks ``allows`` for the object and ``visible`` for the
queryset, which must agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.clusters.services import cluster_update
from pacesetter.decisions.models import Decision
from pacesetter.decisions.policies import decision_policy
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.testing.matrix import (
    ROLES,
    assert_allowed_actions_agree,
    assert_matrix,
    user_of,
)

TARGETS = ("own", "child", "other_unit", "other_cluster", "sets_up_cluster", "sets_up_other")

EVERY = frozenset(TARGETS)
#: Recorded under the province, where the staff work.
PROVINCE = frozenset({"own", "child", "other_unit"})
#: Recorded by the own unit or its child (the officer's and the viewer's subtree).
SUBTREE = frozenset({"own", "child"})
#: Cluster A is seen by the staff (its unit members are under the province), its leader
#: and the own unit's roles (the own unit is a member).
CLUSTER_A = frozenset({"sets_up_cluster"})

#: action → role → the targets the role may do the action to.
MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": {
        "superuser": EVERY,
        "committee_staff": PROVINCE | CLUSTER_A,
        "cluster_leader": CLUSTER_A,
        "unit_officer": SUBTREE | CLUSTER_A,
        "viewer": SUBTREE | CLUSTER_A,
    },
    "update": {"superuser": EVERY, "committee_staff": PROVINCE},
}


def decisions(world: Any) -> dict[str, Decision]:
    units = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
        "sets_up_cluster": world.other_root,
        "sets_up_other": world.other_root,
    }
    found = {key: DecisionFactory.create(owner_unit=unit) for key, unit in units.items()}
    cluster_update(actor=None, cluster=world.cluster, decision=found["sets_up_cluster"])
    cluster_update(actor=None, cluster=world.other_cluster, decision=found["sets_up_other"])
    return found


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(decision_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_decision_permission_matrix(world, role):
    user = user_of(world, role)
    objects = decisions(world)
    assert_matrix(decision_policy, user, {key: objects[key] for key in TARGETS}, MATRIX, role)


@pytest.mark.parametrize("role", ROLES)
def test_decision_allowed_actions_agree_with_allows(world, role):
    user = user_of(world, role)
    found = list(decisions(world).values())
    assert_allowed_actions_agree(decision_policy, user, found)
