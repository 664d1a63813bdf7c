"""Campaigns, review points and participants: each role x each action x (own unit,
child unit, other unit, other cluster), and anonymous.

The targets are the campaigns of the ``arena`` fixture, one participant each: the own
unit (Cluster A), its child (no cluster), the sibling unit (Cluster A) in campaigns of
the committee, and the other unit (Cluster B) in a campaign of the other root. Each cell
checks ``allows`` for the object and ``visible`` for the queryset, which must agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.campaigns.policies import campaign_policy, participant_policy, review_point_policy
from pacesetter.core.policies import Policy
from pacesetter.scoring.tests.conftest import TARGETS
from pacesetter.testing.matrix import (
    ROLES,
    assert_allowed_actions_agree,
    assert_matrix,
    user_of,
)

EVERY = frozenset(TARGETS)
#: The campaigns of the committee (under the province, where the staff work).
COMMITTEE = frozenset({"own", "child", "other_unit"})
#: The own unit and its child (the officer's and the viewer's subtree).
SUBTREE = frozenset({"own", "child"})
#: The participants ranked in Cluster A (the leader's).
LED = frozenset({"own", "other_unit"})

#: model → action → role → the targets the role may do the action to.
MATRIX: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    "campaign": {
        "view": {
            "superuser": EVERY,
            "committee_staff": COMMITTEE,
            "cluster_leader": LED,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "update": {"superuser": EVERY, "committee_staff": COMMITTEE},
    },
    "review_point": {
        "view": {
            "superuser": EVERY,
            "committee_staff": COMMITTEE,
            "cluster_leader": LED,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "view_live_ranking": {
            "superuser": EVERY,
            "committee_staff": COMMITTEE,
            "cluster_leader": LED,
        },
        "review": {"superuser": EVERY, "cluster_leader": LED},
        "manage": {"superuser": EVERY, "committee_staff": COMMITTEE},
    },
    "participant": {
        "view": {
            "superuser": EVERY,
            "committee_staff": COMMITTEE,
            "cluster_leader": LED,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "view_unpublished": {
            "superuser": EVERY,
            "committee_staff": COMMITTEE,
            "cluster_leader": LED,
            "unit_officer": SUBTREE,
            "viewer": SUBTREE,
        },
        "view_live_ranking": {
            "superuser": EVERY,
            "committee_staff": COMMITTEE,
            "cluster_leader": LED,
        },
        "update": {"superuser": EVERY, "committee_staff": COMMITTEE, "unit_officer": SUBTREE},
        "review": {"superuser": EVERY, "cluster_leader": LED},
    },
}
POLICIES: dict[str, tuple[Policy[Any], str]] = {
    "campaign": (campaign_policy, "campaigns"),
    "review_point": (review_point_policy, "review_points"),
    "participant": (participant_policy, "participants"),
}


def test_the_matrix_names_every_action():
    for model, (policy, _objects) in POLICIES.items():
        assert set(MATRIX[model]) == set(policy.actions), model


@pytest.mark.parametrize("role", ROLES)
def test_campaign_permission_matrix(world, arena, role):
    user = user_of(world, role)
    for model, (policy, attribute) in POLICIES.items():
        objects = getattr(arena, attribute)
        assert_matrix(policy, user, {key: objects[key] for key in TARGETS}, MATRIX[model], role)


@pytest.mark.parametrize("role", ROLES)
def test_review_point_allowed_actions_agree_with_allows(world, arena, role):
    user = user_of(world, role)
    points = list(arena.review_points.values())
    assert_allowed_actions_agree(review_point_policy, user, points)
