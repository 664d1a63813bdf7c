"""Permission-matrix tests: the roles of the test world, and the two checks every
matrix makes of a policy (what ``allows`` and ``visible`` answer per target, and that the
one-query ``allowed_actions`` agrees with ``allows``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser

from pacesetter.core.policies import Policy

#: The users of the ``world`` fixture, and anonymous.
ROLES = [
    "superuser",
    "committee_staff",
    "cluster_leader",
    "unit_officer",
    "council_member",
    "viewer",
    "nobody",
    "anonymous",
]

NONE: frozenset[str] = frozenset()


def user_of(world: Any, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else world.users[role]


def expected_cells(
    matrix: Mapping[str, Mapping[str, frozenset[str]]], role: str
) -> dict[str, frozenset[str]]:
    """action → the targets ``role`` may act on, from a matrix action → role → targets."""
    return {action: by_role.get(role, NONE) for action, by_role in matrix.items()}


def answered_cells(
    policy: Policy[Any], user: Any, objects: Mapping[str, Any], actions: Iterable[str]
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """action → the targets (keys of ``objects``) the policy lets ``user`` act on, asked
    once through ``allows`` and once through ``visible``."""
    allowed: dict[str, frozenset[str]] = {}
    visible: dict[str, frozenset[str]] = {}
    for action in actions:
        allowed[action] = frozenset(
            key for key, obj in objects.items() if policy.allows(user, action, obj)
        )
        pks = set(policy.visible(user, action).values_list("pk", flat=True))
        visible[action] = frozenset(key for key, obj in objects.items() if obj.pk in pks)
    return allowed, visible


def assert_matrix(
    policy: Policy[Any],
    user: Any,
    objects: Mapping[str, Any],
    matrix: Mapping[str, Mapping[str, frozenset[str]]],
    role: str,
) -> None:
    """``allows`` and ``visible`` both give ``role`` exactly the matrix's targets."""
    allowed, visible = answered_cells(policy, user, objects, matrix)
    expected = expected_cells(matrix, role)
    assert allowed == expected
    assert visible == expected


def assert_allowed_actions_agree(policy: Policy[Any], user: Any, objs: Iterable[Any]) -> None:
    found = list(objs)
    expected = {
        obj.pk: frozenset(a for a in policy.actions if policy.allows(user, a, obj)) for obj in found
    }
    assert policy.allowed_actions(user, found) == expected
