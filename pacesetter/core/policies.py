"""Permission policies: one per model, answering both questions from one definition.

``policy.visible(user, action)`` is the queryset of objects the user may do
``action`` to; ``policy.allows(user, action, obj)`` asks the same question of one
object; ``policy.access(user, pk, action)`` is the only way views fetch by id.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from pacesetter.accounts.scopes import Scope, scope_of

M = TypeVar("M", bound=models.Model)


class Policy(Generic[M]):
    model: type[M]
    actions: tuple[str, ...] = ("view", "update")

    def rule(self, scope: Scope, action: str) -> Q:
        """The objects a user with ``scope`` may do ``action`` to."""
        raise NotImplementedError

    def base_queryset(self) -> models.QuerySet[M]:
        return self.model._default_manager.all()

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[M]:
        if action not in self.actions:
            raise ValueError(f"Unknown action {action!r} for {self.model.__name__}")
        qs = self.base_queryset()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return qs.none()
        if user.is_superuser:
            return qs
        return qs.filter(self.rule(scope_of(user), action))

    def visible_for_scope(self, scope: Scope, action: str = "view") -> models.QuerySet[M]:
        """The same rule for a scope already computed (used inside other policies)."""
        return self.base_queryset().filter(self.rule(scope, action))

    def allows(self, user: Any, action: str, obj: M) -> bool:
        return self.visible(user, action).filter(pk=obj.pk).exists()

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
