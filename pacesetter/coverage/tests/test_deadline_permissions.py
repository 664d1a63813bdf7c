"""Deadlines and follow-up rights: each role x (own town, its child, a sibling town,
another organization's town), and anonymous. Deadlines are seen as their organization
is; follow-up tasks are made by the district staff over the town only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.coverage.models import Deadline
from pacesetter.coverage.policies import deadline_policy, follow_up_organizations
from pacesetter.testing.matrix import ROLES, assert_matrix, user_of

from .factories import organization
from .test_rules import make_rule

pytestmark = pytest.mark.django_db

EVERY = frozenset({"own", "child", "other_unit", "other_cluster"})
PROVINCE = frozenset({"own", "child", "other_unit"})
SUBTREE = frozenset({"own", "child"})
MATRIX = {
    "view": {
        "superuser": EVERY,
        "committee_staff": PROVINCE,
        "unit_officer": SUBTREE,
        "viewer": SUBTREE,
    }
}
FOLLOW_UP = {"superuser": EVERY, "committee_staff": PROVINCE}


@pytest.fixture
def deadlines(world):
    make_rule("dual", "build_within_days", {"days": 90})
    towns = {
        "own": world.own,
        "child": world.child,
        "other_unit": world.sibling,
        "other_cluster": world.other,
    }
    registered = timezone.localdate() - dt.timedelta(days=5)
    return {
        key: Deadline.objects.get(organization=organization(town, registered_on=registered))
        for key, town in towns.items()
    }


@pytest.mark.parametrize("role", ROLES)
def test_deadline_permission_matrix(world, deadlines, role):
    assert_matrix(deadline_policy, user_of(world, role), deadlines, MATRIX, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_follow_up_which_organizations(world, deadlines, role):
    pks = set(follow_up_organizations(user_of(world, role)).values_list("pk", flat=True))
    found = frozenset(key for key, d in deadlines.items() if d.organization_id in pks)
    assert found == FOLLOW_UP.get(role, frozenset())
