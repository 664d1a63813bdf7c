"""The policy base: one rule gives the queryset, the single check and the bulk check."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pacesetter.core.policies import Policy, policy_of
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy
from pacesetter.workplans.policies import task_policy

pytestmark = pytest.mark.django_db


def test_allowed_actions_match_allows_for_every_role_and_cost_one_query(
    world, django_assert_num_queries
):
    units = [world.own, world.child, world.sibling, world.other, world.root]
    for user in world.users.values():
        expected = {
            unit.pk: frozenset(a for a in unit_policy.actions if unit_policy.allows(user, a, unit))
            for unit in units
        }
        fresh = type(user).objects.get(pk=user.pk)  # no cached scope
        # One query for the user's roles, one for every object and action.
        with django_assert_num_queries(0 if user.is_superuser else 2):
            assert unit_policy.allowed_actions(fresh, units) == expected


def test_allowed_actions_of_anonymous_is_empty_and_free(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert unit_policy.allowed_actions(AnonymousUser(), [world.own]) == {
            world.own.pk: frozenset()
        }


def test_allowed_actions_can_ask_for_some_actions_only(world):
    officer = world.users["unit_officer"]
    assert unit_policy.allowed_actions(officer, [world.own], ["update", "manage"]) == {
        world.own.pk: frozenset({"update"})
    }
    with pytest.raises(ValueError, match="Unknown action"):
        unit_policy.allowed_actions(officer, [world.own], ["fly"])


def test_access_is_404_when_invisible_and_403_when_not_allowed(world):
    officer = world.users["unit_officer"]
    assert unit_policy.access(officer, world.own.pk, "update") == world.own
    with pytest.raises(PermissionDenied):
        unit_policy.access(officer, world.own.pk, "manage")
    with pytest.raises(Http404):
        unit_policy.access(officer, world.other.pk)
    with pytest.raises(Http404):
        unit_policy.access(officer, "not-a-number")


def test_visible_cannot_be_overridden():
    # Rules that depend on the user (a task's lead person) live in rule(), through the
    # actor; visible() is final, so no policy repeats its guard.
    assert getattr(Policy.visible, "__final__", False)
    assert "visible" not in vars(type(task_policy))

    class Broken(Policy[Unit]):
        model = Unit

    with pytest.raises(NotImplementedError):
        Broken().visible(_active_user(), "view").exists()


def _active_user():
    from pacesetter.accounts.tests.factories import UserFactory

    return UserFactory()


def test_allowed_actions_of_a_rule_that_admits_every_row(world):
    # The unit-type rule for "view" is the empty Q() (every signed-in user).
    from pacesetter.units.policies import unit_type_policy

    officer = world.users["unit_officer"]
    unit_type = world.own.unit_type
    assert unit_type_policy.allowed_actions(officer, [unit_type]) == {
        unit_type.pk: frozenset({"view"})
    }


def test_each_models_policy_is_found_by_policy_of():
    from pacesetter.meetings.models import Meeting
    from pacesetter.meetings.policies import meeting_policy

    assert policy_of(Meeting) is meeting_policy
    assert policy_of(Unit()) is unit_policy
    with pytest.raises(LookupError):
        policy_of(AnonymousUser)  # type: ignore[type-var]  # not a model with a policy
