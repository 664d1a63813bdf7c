"""Polls: each role x each action x (own cluster, council, other cluster, other body, a
roll), and anonymous.

The policy's rule: ``view`` for the poll's voters (its Entitlement rows), its managers
and those who may view its voting cluster or body; ``manage`` for committee staff over
the poll's owner unit. The polls: the committee's, voted by Cluster A (the own and the
sibling units) and by the Council (the own unit sits on it); the other organization's,
voted by Cluster B and by a body of its own; and one more of Cluster B, opened with the
user without roles on its roll. Each cell checks ``allows`` for the object and
``visible`` for the queryset, which must agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.ballots.models import Poll
from pacesetter.ballots.policies import may_vote, poll_policy
from pacesetter.ballots.services import poll_open
from pacesetter.ballots.tests.factories import PollFactory
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.matrix import (
    ROLES,
    assert_allowed_actions_agree,
    assert_matrix,
    user_of,
)

TARGETS = ("cluster", "council", "other_cluster", "other_body", "roll")

EVERY = frozenset(TARGETS)
#: The committee's polls (under the province, where the staff work).
COMMITTEE = frozenset({"cluster", "council"})

#: action → role → the targets the role may do the action to.
MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "view": {
        "superuser": EVERY,
        "committee_staff": COMMITTEE,
        "cluster_leader": frozenset({"cluster"}),
        # The own unit is a member of Cluster A and sits on the Council.
        "unit_officer": COMMITTEE,
        "viewer": COMMITTEE,
        "council_member": frozenset({"council"}),
        # On the roll of the last poll.
        "nobody": frozenset({"roll"}),
    },
    # The leader of Cluster A runs its cluster's vote (close, publish, ...).
    "manage": {
        "superuser": EVERY,
        "committee_staff": COMMITTEE,
        "cluster_leader": frozenset({"cluster"}),
    },
}


def polls(world: Any) -> dict[str, Poll]:
    other_body = BodyFactory(name="Other council", owner_unit=world.other_root)
    voting = {
        "cluster": (world.committee, {"cluster": world.cluster}),
        "council": (world.committee, {"body": world.council}),
        "other_cluster": (world.other_root, {"cluster": world.other_cluster}),
        "other_body": (world.other_root, {"body": other_body}),
        "roll": (world.other_root, {"cluster": world.other_cluster}),
    }
    found = {key: PollFactory.create(owner_unit=owner, **by) for key, (owner, by) in voting.items()}
    found["roll"] = poll_open(
        actor=None, poll=found["roll"], voters={world.other.pk: world.users["nobody"]}
    )
    return found


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(poll_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_poll_permission_matrix(world, role):
    user = user_of(world, role)
    objects = polls(world)
    assert_matrix(poll_policy, user, {key: objects[key] for key in TARGETS}, MATRIX, role)


@pytest.mark.parametrize("role", ROLES)
def test_poll_allowed_actions_agree_with_allows(world, role):
    user = user_of(world, role)
    found = list(polls(world).values())
    assert_allowed_actions_agree(poll_policy, user, found)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_roll_may_vote(world, role):
    objects = polls(world)
    user = user_of(world, role)
    assert {key for key in TARGETS if may_vote(user, objects[key])} == (
        {"roll"} if role == "nobody" else set()
    )
