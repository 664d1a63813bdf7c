"""What a user's roles cover, as the policies see it.

``Scope`` is plain data: the subtrees, clusters and bodies a user's roles are held over.
Core does not know where roles are stored; the accounts app computes a user's scope and
registers that computation here when it starts (``register_scope_function`` in
``AccountsConfig.ready()``), so the policy base in ``core.policies`` imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


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

NOTHING = Q(pk__in=[])


def under(field_name: str, paths: tuple[str, ...]) -> Q:
    """Rows whose unit path (``field_name``) lies in any of the subtrees ``paths``."""
    if not paths:
        return NOTHING
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in paths))


_scope_function: Callable[[Any], Scope] | None = None


def register_scope_function(function: Callable[[Any], Scope]) -> None:
    """Name the one function that computes a user's scope (the accounts app's)."""
    global _scope_function
    _scope_function = function


def scope_of(user: Any) -> Scope:
    """The user's scope, through the registered function."""
    if _scope_function is None:
        raise ImproperlyConfigured(
            "No scope function registered: is pacesetter.accounts installed?"
        )
    return _scope_function(user)
