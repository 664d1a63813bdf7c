"""What a user's roles cover, computed once per request and cached on the user object."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from .models import Role, RoleAssignment


@dataclass(frozen=True)
class Scope:
    staff_paths: tuple[str, ...] = ()
    officer_paths: tuple[str, ...] = ()
    viewer_paths: tuple[str, ...] = ()
    leader_cluster_ids: frozenset[int] = field(default_factory=frozenset)
    council_body_ids: frozenset[int] = field(default_factory=frozenset)
    staff_at_root: bool = False

    @property
    def unit_paths(self) -> tuple[str, ...]:
        """Subtrees covered by any unit-scoped role (staff, officer, viewer)."""
        return self.staff_paths + self.officer_paths + self.viewer_paths


EMPTY_SCOPE = Scope()


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


NOTHING = Q(pk__in=[])


def under(field_name: str, paths: tuple[str, ...]) -> Q:
    """Rows whose unit path (``field_name``) lies in any of the subtrees ``paths``."""
    if not paths:
        return NOTHING
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in paths))
