"""Reads of the library: the list the page, the API and (later) the exports share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from pacesetter.core.policies import Actor, signed_in
from pacesetter.core.scopes import under
from pacesetter.core.translations import fold, ordered
from pacesetter.units.models import Unit

from .models import Practice, WorkField
from .policies import practice_policy


@dataclass(frozen=True)
class PracticeFilters:
    query: str = ""
    kind: str = ""
    work_field: WorkField | None = None
    state: str = ""
    year: int | None = None


def searched(queryset: QuerySet[Practice], query: str) -> QuerySet[Practice]:
    """Practices whose texts (every language), source units or fields of work contain
    ``query``, folded: a substring, so a Chinese term inside a phrase is found and
    Vietnamese typed without tone marks finds the marked text."""
    folded = fold(query)
    if not folded:
        return queryset
    units = Practice.source_units.through.objects.filter(
        practice_id=OuterRef("pk"), unit__search_key__contains=folded
    )
    fields = Practice.work_fields.through.objects.filter(
        practice_id=OuterRef("pk"), workfield__search_key__contains=folded
    )
    return queryset.filter(Q(search_key__contains=folded) | Exists(units) | Exists(fields))


def practices_for(user: Any, filters: PracticeFilters) -> QuerySet[Practice]:
    """The practices ``user`` may see that match ``filters``: newest year first, then
    by title in the active language; their units and fields prefetched."""
    qs = practice_policy.visible(user, "view")
    qs = searched(qs, filters.query)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.work_field is not None:
        qs = qs.filter(
            Exists(
                Practice.work_fields.through.objects.filter(
                    practice_id=OuterRef("pk"), workfield_id=filters.work_field.pk
                )
            )
        )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return (
        qs.select_related("owner_unit")
        .prefetch_related(
            Prefetch("source_units", queryset=Unit.objects.order_by("code")),
            Prefetch("work_fields", queryset=WorkField.objects.order_by("position", "pk")),
        )
        .order_by("-year", ordered("title"), "pk")
    )


def proposable_units(user: Any) -> QuerySet[Unit]:
    """The units ``user`` may propose practices for (officers, and the staff above)."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.order_by("path")
    if not signed_in(user):
        return Unit.objects.none()
    scope = Actor.of(user).scope
    return Unit.objects.filter(under("path", scope.staff_paths + scope.officer_paths)).order_by(
        "path"
    )
