"""What a user's roles cover, computed once per request and cached on the user object.

``Scope``, ``under`` and ``NOTHING`` live in ``core.scopes`` (the policy base needs them and
imports no app); they are re-exported here for the policies that build on them.
``AccountsConfig.ready()`` registers ``scope_of`` with core."""

from __future__ import annotations

from typing import Any

from pacesetter.core.scopes import EMPTY_SCOPE, NOTHING, Scope, under

from .models import Role, RoleAssignment

__all__ = ["EMPTY_SCOPE", "NOTHING", "Scope", "forget_scope", "scope_of", "under"]


def scope_of(user: Any) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_pacesetter_scope", None)
    if cached is not None:
        return cached
    paths: dict[str, list[str]] = {r: [] for r in Role}
    clusters: set[int] = set()
    bodies: set[int] = set()
    staff_at_root = False
    rows = RoleAssignment.objects.filter(user=user).values_list(
        "role", "unit__path", "unit__depth", "cluster_id", "body_id"
    )
    for role, path, depth, cluster_id, body_id in rows:
        if path:
            paths[role].append(path)
            if role == Role.COMMITTEE_STAFF and depth == 0:
                staff_at_root = True
        if cluster_id:
            clusters.add(cluster_id)
        if body_id:
            bodies.add(body_id)
    scope = Scope(
        staff_paths=tuple(paths[Role.COMMITTEE_STAFF]),
        officer_paths=tuple(paths[Role.UNIT_OFFICER]),
        viewer_paths=tuple(paths[Role.VIEWER]),
        leader_cluster_ids=frozenset(clusters),
        council_body_ids=frozenset(bodies),
        staff_at_root=staff_at_root,
    )
    user._pacesetter_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's roles change."""
    if hasattr(user, "_pacesetter_scope"):
        del user._pacesetter_scope
