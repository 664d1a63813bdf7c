"""Practices: each role x each action x (own unit, its child, a sibling unit, another
province's unit, and a practice kept elsewhere that comes from the own unit), anonymous
too; once proposed and once published. ``view``: roles over the owner or a source unit,
and everyone signed in once published; ``discuss``: officers and staff over either;
``update``: officers while proposed, staff until retired; ``vet``: staff over the owner."""

from __future__ import annotations

from typing import Any

import pytest

from pacesetter.practices.models import PracticeState
from pacesetter.practices.policies import practice_policy
from pacesetter.practices.services import practice_transition
from pacesetter.testing.matrix import ROLES, assert_allowed_actions_agree, assert_matrix, user_of

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db

TARGETS = ("own", "child", "other_unit", "other_cluster", "from_own")
EVERY = frozenset(TARGETS)
PROVINCE = frozenset({"own", "child", "other_unit", "from_own"})
SUBTREE = frozenset({"own", "child", "from_own"})
KEPT_IN_PROVINCE = frozenset({"own", "child", "other_unit"})
KEPT_IN_SUBTREE = frozenset({"own", "child"})
SIGNED_IN = ("committee_staff", "cluster_leader", "unit_officer", "council_member", "viewer")

PROPOSED = {
    "view": {
        "superuser": EVERY,
        "committee_staff": PROVINCE,
        "unit_officer": SUBTREE,
        "viewer": SUBTREE,
    },
    "discuss": {"superuser": EVERY, "committee_staff": PROVINCE, "unit_officer": SUBTREE},
    "update": {
        "superuser": EVERY,
        "committee_staff": KEPT_IN_PROVINCE,
        "unit_officer": KEPT_IN_SUBTREE,
    },
    "vet": {"superuser": EVERY, "committee_staff": KEPT_IN_PROVINCE},
}
PUBLISHED = {
    "view": {"superuser": EVERY, "nobody": EVERY, **dict.fromkeys(SIGNED_IN, EVERY)},
    "discuss": PROPOSED["discuss"],
    # An officer edits only while it is proposed.
    "update": {"superuser": EVERY, "committee_staff": KEPT_IN_PROVINCE},
    "vet": PROPOSED["vet"],
}


def practices(world, state=PracticeState.PROPOSED):
    kept = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    found: dict[str, Any] = {key: PracticeFactory(owner_unit=unit) for key, unit in kept.items()}
    found["from_own"] = PracticeFactory(owner_unit=world.other, source_units=[world.own])
    if state == PracticeState.PUBLISHED:
        decision = world.decision
        for key, practice in found.items():
            for name, extra in (
                ("review", {"assessment": "recommend", "comment": "Sound."}),
                ("recognize", {"decision": decision}),
                ("publish", {}),
            ):
                practice = practice_transition(actor=None, practice=practice, name=name, **extra)
            found[key] = practice
    return found


@pytest.fixture
def decided(world):
    from pacesetter.decisions.tests.factories import DecisionFactory

    world.decision = DecisionFactory(owner_unit=world.root)
    return world


def test_the_matrix_names_every_action():
    assert set(PROPOSED) == set(PUBLISHED) == set(practice_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_proposed_practice_permission_matrix(world, role):
    assert_matrix(practice_policy, user_of(world, role), practices(world), PROPOSED, role)


@pytest.mark.parametrize("role", ROLES)
def test_published_practice_permission_matrix(decided, role):
    found = practices(decided, PracticeState.PUBLISHED)
    assert_matrix(practice_policy, user_of(decided, role), found, PUBLISHED, role)


@pytest.mark.parametrize("role", ROLES)
def test_practice_allowed_actions_agree_with_allows(world, role):
    found = list(practices(world).values())
    assert_allowed_actions_agree(practice_policy, user_of(world, role), found)
