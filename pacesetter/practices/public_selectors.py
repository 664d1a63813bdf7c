"""Reads of the public library (no login): published practices only, their facets and
their spread. Nothing here asks who the reader is: every visitor reads the same pages
(docs/practices.md, "Public pages")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Value
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pacesetter.core.translations import ordered
from pacesetter.units.models import Unit

from .models import (
    Adoption,
    InfluenceScope,
    Practice,
    PracticeKind,
    PracticeState,
    StudioLevel,
    WorkField,
)
from .selectors import Spread, searched, spread_of

#: A practice's level, one facet over its three fields: an initiative's scope of
#: influence, a studio's level and an advanced model's or an experience's level (on the
#: scope's scale; each has a "provincial" value, hence the prefixes).
SCOPE_PREFIX = "scope-"
STUDIO_PREFIX = "studio-"
LEVEL_PREFIX = "level-"
LEVELS: tuple[str, ...] = (
    tuple(SCOPE_PREFIX + value for value in InfluenceScope.values)
    + tuple(STUDIO_PREFIX + value for value in StudioLevel.values)
    + tuple(LEVEL_PREFIX + value for value in InfluenceScope.values)
)
#: The practice's columns a level is read from.
LEVEL_COLUMNS = ("influence_scope", "studio_level", "level")


def level_label(level: str) -> str:
    """The level's name in the active language (``scope-provincial``: "Scope of
    influence: The province")."""
    if level.startswith(SCOPE_PREFIX):
        what, label = _("Scope of influence"), InfluenceScope(level[len(SCOPE_PREFIX) :]).label
    elif level.startswith(LEVEL_PREFIX):
        what = pgettext("practice", "Level")
        label = InfluenceScope(level[len(LEVEL_PREFIX) :]).label
    else:
        what, label = _("Studio level"), StudioLevel(level[len(STUDIO_PREFIX) :]).label
    return _("%(what)s: %(level)s") % {"what": what, "level": label}


def level_of(practice: Practice) -> str:
    """The practice's level (see :data:`LEVELS`), ``""`` for a kind without one."""
    if practice.influence_scope:
        return SCOPE_PREFIX + practice.influence_scope
    if practice.studio_level:
        return STUDIO_PREFIX + practice.studio_level
    if practice.level:
        return LEVEL_PREFIX + practice.level
    return ""


@dataclass(frozen=True)
class PublicFilters:
    query: str = ""
    kind: str = ""
    work_field: WorkField | None = None
    level: str = ""
    region: Unit | None = None
    year: int | None = None


def published_practices() -> QuerySet[Practice]:
    """The practices open to the public: those in the published state."""
    return Practice.objects.filter(state=PracticeState.PUBLISHED)


def region_of(path: str) -> str:
    """The path of the top unit (a root of the tree: the region or province) above the
    unit at ``path``."""
    return path.split("/", 1)[0] + "/"


def _filtered(filters: PublicFilters, *, skip: str = "") -> QuerySet[Practice]:
    """The published practices matching ``filters``, except the facet ``skip`` (so a
    facet counts what choosing another of its values would give)."""
    qs = searched(published_practices(), filters.query)
    if filters.kind and skip != "kind":
        qs = qs.filter(kind=filters.kind)
    if filters.work_field is not None and skip != "field":
        qs = qs.filter(
            Exists(
                Practice.work_fields.through.objects.filter(
                    practice_id=OuterRef("pk"), workfield_id=filters.work_field.pk
                )
            )
        )
    if filters.level and skip != "level":
        if filters.level.startswith(SCOPE_PREFIX):
            qs = qs.filter(influence_scope=filters.level[len(SCOPE_PREFIX) :])
        elif filters.level.startswith(LEVEL_PREFIX):
            qs = qs.filter(level=filters.level[len(LEVEL_PREFIX) :])
        else:
            qs = qs.filter(studio_level=filters.level[len(STUDIO_PREFIX) :])
    if filters.region is not None and skip != "region":
        qs = qs.filter(
            Exists(
                Practice.source_units.through.objects.filter(
                    practice_id=OuterRef("pk"), unit__path__startswith=filters.region.path
                )
            )
        )
    if filters.year and skip != "year":
        qs = qs.filter(year=filters.year)
    return qs


def public_practices(filters: PublicFilters) -> QuerySet[Practice]:
    """The published practices matching ``filters``: newest year first, then by title in
    the active language; their source units and fields prefetched."""
    return (
        _filtered(filters)
        .prefetch_related(
            Prefetch("source_units", queryset=Unit.objects.order_by("code")),
            Prefetch("work_fields", queryset=WorkField.objects.order_by("position", "pk")),
        )
        .order_by("-year", ordered("title"), "pk")
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


def _counts(qs: QuerySet[Any], column: str) -> dict[Any, int]:
    rows = qs.order_by().values(column).annotate(n=Count("pk", distinct=True))
    return {row[column]: row["n"] for row in rows}


def public_facets(filters: PublicFilters) -> list[Facet]:
    """The facets of the public list (kind, field of work, level, region, year), each
    value with the number of published practices it would show given the other
    choices; values with none are left out. Seven queries, whatever the practices."""
    kinds = _counts(_filtered(filters, skip="kind"), "kind")
    level_rows = (
        _filtered(filters, skip="level")
        .order_by()
        .exclude(influence_scope="", studio_level="", level="")
        .values(*LEVEL_COLUMNS)
        .annotate(n=Count("pk", distinct=True))
    )
    levels: dict[str, int] = {}
    for row in level_rows:
        level = level_of(Practice(**{k: row[k] for k in LEVEL_COLUMNS}))
        levels[level] = levels.get(level, 0) + row["n"]
    years = _counts(_filtered(filters, skip="year"), "year")
    field_rows = (
        Practice.work_fields.through.objects.filter(
            practice_id__in=_filtered(filters, skip="field").values("pk")
        )
        .values("workfield_id")
        .annotate(n=Count("practice_id", distinct=True))
    )
    field_counts = {row["workfield_id"]: row["n"] for row in field_rows}
    fields = WorkField.objects.filter(pk__in=field_counts).order_by("position", "pk")
    region_rows = (
        Practice.source_units.through.objects.filter(
            practice_id__in=_filtered(filters, skip="region").values("pk")
        )
        .annotate(root=Substr("unit__path", 1, StrIndex("unit__path", Value("/"))))
        .values("root")  # type: ignore[misc]  # the stubs do not see the annotation
        .annotate(n=Count("practice_id", distinct=True))
    )
    region_counts = {row["root"]: row["n"] for row in region_rows}
    regions = Unit.objects.filter(path__in=region_counts, depth=0).order_by(ordered("name"), "pk")
    return [
        Facet(
            "kind",
            _("Kind"),
            [
                FacetValue(value, str(label), kinds[value])
                for value, label in PracticeKind.choices
                if kinds.get(value)
            ],
        ),
        Facet(
            "field",
            _("Field of work"),
            [FacetValue(str(f.pk), f.name, field_counts[f.pk]) for f in fields],
        ),
        Facet(
            "level",
            pgettext("practice", "Level"),
            [
                FacetValue(level, level_label(level), levels[level])
                for level in LEVELS
                if levels.get(level)
            ],
        ),
        Facet(
            "region",
            _("Region"),
            [FacetValue(str(u.pk), u.name, region_counts[u.path]) for u in regions],
        ),
        Facet(
            "year",
            _("Year"),
            [FacetValue(str(year), str(year), years[year]) for year in sorted(years, reverse=True)],
        ),
    ]


def public_practice(pk: Any) -> Practice | None:
    """The published practice ``pk`` with what its public page shows, or None."""
    try:
        return (
            published_practices()
            .select_related("owner_unit")
            .prefetch_related(
                Prefetch("source_units", queryset=Unit.objects.order_by("code")),
                Prefetch("work_fields", queryset=WorkField.objects.order_by("position", "pk")),
                "steps",
            )
            .filter(pk=pk)
            .first()
        )
    except (TypeError, ValueError):
        return None


def public_spread(practice: Practice) -> Spread:
    """The spread of a published practice over all its adoptions (the public pages show
    its counts and top units only)."""
    return spread_of(Adoption.objects.filter(practice=practice))


def region_choices() -> QuerySet[Unit]:
    """The units a visitor may narrow the list to: the roots of the tree."""
    return Unit.objects.filter(depth=0)


def feed_practices(limit: int = 50) -> QuerySet[Practice]:
    """The newest published practices, for the feed: last published first."""
    return published_practices().order_by("-published_at", "-pk")[:limit]
