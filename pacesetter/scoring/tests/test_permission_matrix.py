"""Registrations, score items and scoring tables: each role x each action x (own unit,
child unit, other unit, other cluster), and anonymous.

Registrations and items belong to the participants of the ``arena`` fixture (the own
unit in Cluster A, its child in no cluster, the sibling unit in Cluster A, in campaigns
of the committee; the other unit in Cluster B, in a campaign of the other root); the
tables are owned by those units. Each cell checks ``allows`` and ``visible``, which must
agree. The items are drafts and nobody cross-inspects (``test_permissions`` covers that).
"""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.core.policies import Policy
from pacesetter.scoring.policies import registration_policy, score_item_policy, scoring_table_policy
from pacesetter.testing.matrix import ROLES, assert_matrix, user_of

from .conftest import TARGETS

EVERY = frozenset(TARGETS)
#: Under the province, where the staff work: the committee's campaigns, or units there.
PROVINCE = frozenset({"own", "child", "other_unit"})
#: The own unit and its child (the officer's and the viewer's subtree).
SUBTREE = frozenset({"own", "child"})
#: The units ranked in Cluster A (the leader's).
LED = frozenset({"own", "other_unit"})

#: model → action → role → the targets the role may do the action to.
MATRIX: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    "registration": {
        "view": {
            "superuser": EVERY,
            "committee_staff": PROVINCE,
            "cluster_leader": LED,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "update": {"superuser": EVERY, "committee_staff": PROVINCE, "unit_officer": SUBTREE},
        "decide": {"superuser": EVERY, "committee_staff": PROVINCE},
    },
    "score_item": {
        "view": {
            "superuser": EVERY,
            "committee_staff": PROVINCE,
            "cluster_leader": LED,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "report": {"superuser": EVERY, "committee_staff": PROVINCE, "unit_officer": SUBTREE},
        "inspect": {"superuser": EVERY},
        "review": {"superuser": EVERY, "cluster_leader": LED},
        "finalize": {"superuser": EVERY, "committee_staff": PROVINCE},
    },
    "scoring_table": {
        "view": {
            "superuser": EVERY,
            "committee_staff": PROVINCE,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "update": {"superuser": EVERY, "committee_staff": PROVINCE},
    },
}
POLICIES: dict[str, tuple[Policy[Any], str]] = {
    "registration": (registration_policy, "registrations"),
    "score_item": (score_item_policy, "items"),
    "scoring_table": (scoring_table_policy, "tables"),
}


def test_the_matrix_names_every_action():
    for model, (policy, _objects) in POLICIES.items():
        assert set(MATRIX[model]) == set(policy.actions), model


@pytest.mark.parametrize("role", ROLES)
def test_scoring_permission_matrix(world, arena, role):
    user = user_of(world, role)
    for model, (policy, attribute) in POLICIES.items():
        objects = getattr(arena, attribute)
        assert_matrix(policy, user, {key: objects[key] for key in TARGETS}, MATRIX[model], role)
