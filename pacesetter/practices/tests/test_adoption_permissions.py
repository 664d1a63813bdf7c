"""Adoptions: each role x each action x (an adoption by the own unit, its child, a
sibling unit, another province's unit), anonymous too. ``view``: the practice's readers
(every signed-in user while it is published; once retired, the roles over its owner or
source units); ``report``: the adopting unit's officers and the staff above; adopting
(``may_adopt``): the same, of a published practice only."""

from __future__ import annotations

import datetime as dt

import pytest

from pacesetter.practices.policies import adoption_policy
from pacesetter.practices.services import adoption_create, practice_transition
from pacesetter.testing.matrix import ROLES, assert_allowed_actions_agree, assert_matrix, user_of

from .factories import PracticeFactory, published

pytestmark = pytest.mark.django_db

TARGETS = ("own", "child", "other_unit", "other_cluster")
EVERY = frozenset(TARGETS)
PROVINCE = frozenset({"own", "child", "other_unit"})
SUBTREE = frozenset({"own", "child"})
SIGNED_IN = ("committee_staff", "cluster_leader", "unit_officer", "council_member", "viewer")

MATRIX = {
    "view": {"superuser": EVERY, "nobody": EVERY, **dict.fromkeys(SIGNED_IN, EVERY)},
    "report": {"superuser": EVERY, "committee_staff": PROVINCE, "unit_officer": SUBTREE},
}
#: Once the practice is retired, its readers are the roles over its owner unit (the
#: committee, under the province).
RETIRED_VIEW = {"superuser": EVERY, "committee_staff": EVERY}


def adoptions(world, practice):
    units = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    return {
        key: adoption_create(
            actor=None, practice=practice, unit=unit, adopted_on=dt.date(2024, 3, 1)
        )
        for key, unit in units.items()
    }


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(adoption_policy.actions)


@pytest.mark.parametrize("role", ROLES)
def test_adoption_permission_matrix(world, role):
    practice = published(PracticeFactory(owner_unit=world.committee))
    found = adoptions(world, practice)
    assert_matrix(adoption_policy, user_of(world, role), found, MATRIX, role)
    assert_allowed_actions_agree(adoption_policy, user_of(world, role), found.values())


@pytest.mark.parametrize("role", ROLES)
def test_a_retired_practices_adoptions_are_seen_by_its_readers_only(world, role):
    practice = published(PracticeFactory(owner_unit=world.committee))
    found = adoptions(world, practice)
    practice_transition(actor=None, practice=practice, name="retire", comment="Superseded.")
    matrix = {"view": RETIRED_VIEW, "report": MATRIX["report"]}
    assert_matrix(adoption_policy, user_of(world, role), found, matrix, role)


MAY_ADOPT = {"superuser": EVERY, "committee_staff": PROVINCE, "unit_officer": SUBTREE}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_adopt_for_which_unit(world, role):
    practice = published(PracticeFactory(owner_unit=world.committee))
    draft = PracticeFactory(owner_unit=world.committee)
    units = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    user = user_of(world, role)
    allowed = {
        key for key, unit in units.items() if adoption_policy.may_adopt(user, practice, unit)
    }
    assert allowed == MAY_ADOPT.get(role, frozenset())
    assert not any(adoption_policy.may_adopt(user, draft, unit) for unit in units.values())
