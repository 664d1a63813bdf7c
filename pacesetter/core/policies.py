"""Permission policies: one per model, answering both questions from one definition.

A policy subclass writes one method, ``rule(actor, action) -> Q``: the objects that
``actor`` (a signed-in, active, non-superuser user with the scope of their roles) may do
``action`` to. Everything else comes from it and is not overridden:

- ``policy.visible(user, action)``: the queryset of objects the user may do ``action`` to
  (nothing for anonymous or inactive users, everything for superusers);
- ``policy.allows(user, action, obj)``: the same question of one object;
- ``policy.allowed_actions(user, objs)``: every action the user may take on each of
  ``objs``, in one query;
- ``policy.access(user, pk, action)``: the only way views fetch by id: 404 when the
  object is invisible, 403 when it is visible but the action is not allowed.

``visible_to(actor, action)`` is for rules that build on another model's policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, final

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from pacesetter.core.scopes import Scope, scope_of

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Actor:
    """Who acts: the user and what their roles cover, computed once per request."""

    user: Any
    scope: Scope

    @classmethod
    def of(cls, user: Any) -> Actor:
        return cls(user=user, scope=scope_of(user))


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _flag(q: Q) -> Any:
    """Whether a row meets ``q``, as a boolean column. An empty Q() (every row) cannot be
    a When() condition, so it is the constant True."""
    if not q:
        return Value(True, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


#: Each model's one policy, registered when it is made in an app's ``policies`` module
#: (each imported at start-up by ``CoreConfig.ready``).
_POLICIES: dict[type[models.Model], Policy[Any]] = {}


def policy_of(model: type[M] | M) -> Policy[M]:
    """The policy of a model (or of an object's model), for code that must ask a domain
    above its own without importing it: the task page asks the policy of the meeting a
    task follows up (docs/architecture.md, "Import contracts")."""
    key = model if isinstance(model, type) else type(model)
    try:
        return _POLICIES[key]
    except KeyError:
        raise LookupError(f"{key.__name__} has no policy") from None


class Policy(Generic[M]):
    model: type[M]
    actions: tuple[str, ...] = ("view", "update")

    def __init__(self) -> None:
        if not type(self).__module__.endswith(".policies"):
            return  # a policy made elsewhere (a test's) is not the model's
        if self.model in _POLICIES:
            raise RuntimeError(f"{self.model.__name__} has a policy already")
        _POLICIES[self.model] = self

    def rule(self, actor: Actor, action: str) -> Q:
        """The objects ``actor`` may do ``action`` to (the actor is signed in, active and
        not a superuser: ``visible`` has settled those cases)."""
        raise NotImplementedError

    def base_queryset(self) -> models.QuerySet[M]:
        return self.model._default_manager.all()

    def _check(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"Unknown action {action!r} for {self.model.__name__}")

    @final
    def visible(self, user: Any, action: str = "view") -> models.QuerySet[M]:
        self._check(action)
        qs = self.base_queryset()
        if not signed_in(user):
            return qs.none()
        if user.is_superuser:
            return qs
        return qs.filter(self.rule(Actor.of(user), action))

    @final
    def visible_to(self, actor: Actor, action: str = "view") -> models.QuerySet[M]:
        """The same rule for an actor already built (used inside other policies' rules)."""
        self._check(action)
        if actor.user.is_superuser:
            return self.base_queryset()
        return self.base_queryset().filter(self.rule(actor, action))

    @final
    def allows(self, user: Any, action: str, obj: M) -> bool:
        return self.visible(user, action).filter(pk=obj.pk).exists()

    @final
    def allowed_actions(
        self, user: Any, objs: Iterable[M], actions: Iterable[str] | None = None
    ) -> dict[Any, frozenset[str]]:
        """For each object's pk, the actions of ``actions`` (all of the policy's by
        default) that ``user`` may take on it; one query whatever the number of objects.
        An object the user may not see maps to the empty set."""
        wanted = tuple(actions) if actions is not None else self.actions
        for action in wanted:
            self._check(action)
        pks = [obj.pk for obj in objs]
        result: dict[Any, frozenset[str]] = {pk: frozenset() for pk in pks}
        if not pks or not signed_in(user):
            return result
        if user.is_superuser:
            return {pk: frozenset(wanted) for pk in pks}
        actor = Actor.of(user)
        flags = {
            f"may_{index}": _flag(self.rule(actor, action)) for index, action in enumerate(wanted)
        }
        rows = self.base_queryset().filter(pk__in=pks).annotate(**flags).values("pk", *flags)
        for row in rows:
            result[row["pk"]] = frozenset(
                action for index, action in enumerate(wanted) if row[f"may_{index}"]
            )
        return result

    @final
    def access(self, user: Any, pk: Any, action: str = "view") -> M:
        """Fetch by id: 404 when the user may not see it, 403 when they may not act on it."""
        try:
            obj = self.visible(user, "view").filter(pk=pk).first()
        except (ValueError, TypeError) as exc:
            raise Http404 from exc
        if obj is None:
            raise Http404(_("Not found."))
        if action != "view" and not self.allows(user, action, obj):
            raise PermissionDenied(_("You do not have permission to do this."))
        return obj
