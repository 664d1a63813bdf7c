from __future__ import annotations

from typing import Any

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy, signed_in
from pacesetter.units.models import Unit

from .models import Adoption, Practice, PracticeState, WorkField

S = PracticeState


def _over_a_source_unit(paths: tuple[str, ...]) -> Q:
    if not paths:
        return NOTHING
    through = Practice.source_units.through.objects.filter(under("unit__path", paths))
    return Q(pk__in=through.values("practice_id"))


class PracticePolicy(Policy[Practice]):
    """``view``: roles over the owner unit or a source unit; every signed-in user once it
    is published. ``discuss`` (comment): officers and staff over the owner unit or a
    source unit. ``update`` (edit, evidence): officers over the owner unit while it is
    proposed, staff over it until it is retired. ``vet`` (review, return, recognize,
    publish, retire): staff over the owner unit."""

    model = Practice
    actions = ("view", "discuss", "update", "vet")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            return (
                Q(state=S.PUBLISHED)
                | under("owner_unit__path", scope.unit_paths)
                | _over_a_source_unit(scope.unit_paths)
            )
        keepers = scope.staff_paths + scope.officer_paths
        if action == "discuss":
            return under("owner_unit__path", keepers) | _over_a_source_unit(keepers)
        if action == "update":
            return (under("owner_unit__path", scope.officer_paths) & Q(state=S.PROPOSED)) | (
                under("owner_unit__path", scope.staff_paths) & ~Q(state=S.RETIRED)
            )
        if action == "vet":
            return under("owner_unit__path", scope.staff_paths)
        return NOTHING

    def may_propose(self, user: Any, unit: Unit) -> bool:
        """Whether ``user`` may propose a practice kept by, or coming from, ``unit``
        (its officers and the staff above it)."""
        return _keeps(user, unit)


class WorkFieldPolicy(Policy[WorkField]):
    """Fields of work are shared data: seen by every signed-in user, kept by the staff of
    a root unit."""

    model = WorkField
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        if action == "view":
            return Q()
        if action == "update":
            return Q() if actor.scope.staff_at_root else NOTHING
        return NOTHING

    def may_create(self, user: Any) -> bool:
        """Adding has no object to ask about: whoever keeps the fields adds them."""
        if not signed_in(user):
            return False
        return bool(user.is_superuser or Actor.of(user).scope.staff_at_root)


def _keeps(user: Any, unit: Unit) -> bool:
    """Whether ``user`` is an officer of ``unit`` or staff above it (or a superuser)."""
    if not signed_in(user):
        return False
    if user.is_superuser:
        return True
    scope = Actor.of(user).scope
    return any(unit.path.startswith(p) for p in scope.staff_paths + scope.officer_paths)


class AdoptionPolicy(Policy[Adoption]):
    """``view``: whoever sees the practice (its readers see its adoptions). ``report``
    (the outcome, evidence): the adopting unit's officers and the staff above it.
    Adopting is :meth:`may_adopt`."""

    model = Adoption
    actions = ("view", "report")

    def rule(self, actor: Actor, action: str) -> Q:
        if action == "view":
            return Q(practice__in=practice_policy.visible_to(actor, "view").values("pk"))
        if action == "report":
            scope = actor.scope
            return under("unit__path", scope.staff_paths + scope.officer_paths)
        return NOTHING

    def may_adopt(self, user: Any, practice: Practice, unit: Unit) -> bool:
        """Whether ``user`` may record that ``unit`` adopts ``practice``: a published
        practice, and the unit's officers or the staff above it."""
        return practice.state == S.PUBLISHED and _keeps(user, unit)


practice_policy = PracticePolicy()
work_field_policy = WorkFieldPolicy()
adoption_policy = AdoptionPolicy()
