"""Reads of the library: the list the page, the API and (later) the exports share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import ExtractYear, StrIndex, Substr

from pacesetter.awards.models import AwardGrant
from pacesetter.awards.policies import grant_policy
from pacesetter.campaigns.models import ReviewPoint
from pacesetter.campaigns.policies import review_point_policy
from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.core.policies import Actor, Policy, signed_in
from pacesetter.core.scopes import under
from pacesetter.core.translations import fold, ordered
from pacesetter.decisions.models import Decision
from pacesetter.decisions.policies import decision_policy
from pacesetter.meetings.models import Meeting
from pacesetter.meetings.policies import meeting_policy
from pacesetter.units.models import Unit
from pacesetter.workplans.models import PlanState, Task, WorkPlan
from pacesetter.workplans.policies import plan_policy, task_policy

from . import search_index
from .models import Adoption, AdoptionOutcome, Practice, WorkField
from .policies import practice_policy, work_field_policy


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
    # Uncorrelated: the few units and fields whose key matches are found once, not for
    # each practice (docs/performance.md, "Practices").
    units = Practice.source_units.through.objects.filter(unit__search_key__contains=folded)
    fields = Practice.work_fields.through.objects.filter(workfield__search_key__contains=folded)
    # The practices' own keys through the substring index where it can answer
    # (search_index.py); the units' and fields' keys are few and short.
    indexed = search_index.matching_ids(connections[queryset.db], folded)
    if indexed is None:
        own = Q(search_key__contains=folded)
        return queryset.filter(
            own | Q(pk__in=units.values("practice_id")) | Q(pk__in=fields.values("practice_id"))
        )
    # One set of ids, read once per statement (an OR of three sets made each database
    # read the index twice, or scan the library to test the three).
    ids = (
        Practice.objects.filter(pk__in=indexed)
        .order_by()
        .values("pk")
        .union(units.order_by().values("practice_id"), fields.order_by().values("practice_id"))
    )
    return queryset.filter(pk__in=ids)


def search_cap(filters: Any) -> int | None:
    """How far a list searched with ``filters`` counts its matches: up to
    ``SEARCH_COUNT_CAP`` when it is searched (``filters.query``), every row when not."""
    return settings.SEARCH_COUNT_CAP if filters.query else None


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


def work_fields_listed(user: Any) -> QuerySet[WorkField]:
    """The fields of work ``user`` sees (every signed-in user), active ones first, in
    their order, each with the number of practices tagged with it that the user sees
    (what the list filtered by the field shows; counted in SQL, one query whatever the
    fields)."""
    seen = practice_policy.visible(user, "view").values("pk")
    return (
        work_field_policy.visible(user, "view")
        .annotate(practice_count=Count("practices", filter=Q(practices__in=seen)))
        .order_by("-is_active", "position", ordered("name"), "pk")
    )


def practices_tagged(user: Any, field: WorkField) -> QuerySet[Practice]:
    """The practices ``user`` sees that are tagged with ``field`` (the list's count)."""
    return practice_policy.visible(user, "view").filter(work_fields=field)


def decisions_seen(user: Any, ids: Iterable[int | None]) -> set[int]:
    """Of the decisions ``ids`` (a practice's own and its steps'), those ``user`` may
    view under the decision's policy: one query, none when there is no decision. A
    practice's reader does not see its decisions through it."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return set()
    return set(decision_policy.visible(user).filter(pk__in=wanted).values_list("pk", flat=True))


@dataclass(frozen=True)
class Links:
    """The records behind a practice that one reader may see, each under its own
    policy; a link the reader may not see is left out (``None`` or not in the list)."""

    decision: Decision | None
    review_point: ReviewPoint | None
    meeting: Meeting | None
    chain: Chain | None
    grants: list[AwardGrant]
    tasks: list[Task]

    @property
    def decision_id(self) -> int | None:
        return self.decision.pk if self.decision is not None else None

    @property
    def review_point_id(self) -> int | None:
        return self.review_point.pk if self.review_point is not None else None

    @property
    def meeting_id(self) -> int | None:
        return self.meeting.pk if self.meeting is not None else None

    @property
    def chain_id(self) -> int | None:
        return self.chain.pk if self.chain is not None else None

    @property
    def grant_ids(self) -> list[int]:
        return sorted(grant.pk for grant in self.grants)

    @property
    def task_ids(self) -> list[int]:
        return sorted(task.pk for task in self.tasks)


def _one_seen(policy: Policy[Any], reader: Any, pk: int | None, *related: str) -> Any:
    if pk is None:
        return None
    return policy.visible(reader).select_related(*related).filter(pk=pk).first()


def links_seen(practice: Practice, reader: Any) -> Links:
    """The linked records of ``practice`` (its decision, review point, meeting, chain,
    award grants and key tasks) that ``reader`` may see, each read through that
    record's own policy: reading a practice, even a published one, is not reading what
    it links to. Anonymous readers (``None`` included) see none, in no query; a signed-in
    reader costs one query per link the practice has (a list: always one), whatever the
    number of grants or tasks. Kept on the practice for the same reader, so the API's
    fields read it once."""
    cached = getattr(practice, "_links_seen", None)
    if cached is not None and cached[0] is reader:
        return cached[1]
    if not signed_in(reader) or practice.pk is None:
        links = Links(None, None, None, None, [], [])
    else:
        grants = grant_policy.visible(reader).filter(
            pk__in=practice.award_grants.through.objects.filter(practice_id=practice.pk).values(
                "awardgrant_id"
            )
        )
        tasks = task_policy.visible(reader).filter(
            pk__in=practice.tasks.through.objects.filter(practice_id=practice.pk).values("task_id")
        )
        links = Links(
            decision=_one_seen(decision_policy, reader, practice.decision_id),
            review_point=_one_seen(
                review_point_policy, reader, practice.review_point_id, "campaign"
            ),
            meeting=_one_seen(meeting_policy, reader, practice.meeting_id),
            chain=_one_seen(chain_policy, reader, practice.chain_id),
            grants=list(grants.select_related("award", "unit", "person").order_by("year", "pk")),
            tasks=list(tasks.order_by("pk")),
        )
    practice._links_seen = (reader, links)  # type: ignore[attr-defined]
    return links


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


def adoptions_of(user: Any, practice: Practice) -> QuerySet[Adoption]:
    """The adoptions of ``practice`` that ``user`` sees (the practice's readers): by
    unit path, the unit, the adopter, the task and the evidence fetched with them."""
    # ``adoption_policy``'s "view" is the practice's: asked once of this practice, not as
    # a subquery over the whole library in every statement (docs/performance.md).
    if not practice_policy.allows(user, "view", practice):
        return Adoption.objects.none()
    return (
        Adoption.objects.filter(practice=practice)
        .select_related("unit", "adopted_by", "task")
        .prefetch_related("evidence")
        .order_by("unit__path", "pk")
    )


@dataclass(frozen=True)
class TopUnitCount:
    """How many of the adoptions are of units under ``unit`` (a root of the tree)."""

    unit: Unit
    count: int


@dataclass(frozen=True)
class Spread:
    """How far a practice has spread: ``by_outcome`` maps each outcome (and ``""``, not
    yet reported) to its count; ``replicated`` counts the units that adopted it fully or
    partly; ``by_year`` is (year, count) oldest first; ``groups`` count the adoptions
    under each top unit (a root of the tree) in path order. The rows themselves are
    read a page at a time (``adoptions_of``), never all of them for the counts."""

    total: int
    replicated: int
    by_outcome: dict[str, int]
    by_year: list[tuple[int, int]]
    groups: list[TopUnitCount]

    def top_unit_of(self, adoption: Adoption) -> Unit | None:
        """The top unit ``adoption``'s unit is under (one of ``groups``)."""
        root = root_path(adoption.unit.path)
        return next((g.unit for g in self.groups if g.unit.path == root), None)


def root_path(path: str) -> str:
    """The path of the root of the tree that ``path`` is in."""
    return path.split("/", 1)[0] + "/"


def _root_path_sql() -> Substr:
    # The root's path is the unit's path up to its first "/" (INSTR on SQLite, STRPOS
    # on PostgreSQL): the same grouping as ``root_path``, in SQL.
    return Substr("unit__path", 1, StrIndex("unit__path", Value("/")))


def practice_spread(user: Any, practice: Practice) -> Spread:
    """The spread of ``practice`` over the adoptions ``user`` sees, in three queries
    whatever the number of adoptions: whether the user sees the practice; the counts by
    top unit, year and outcome, one grouped query; the top units themselves."""
    return spread_of(adoptions_of(user, practice))


def spread_of(adoptions: QuerySet[Adoption]) -> Spread:
    """The spread over ``adoptions`` (one practice's, as the reader may see them): one
    grouped query for every count, one for the top units (none without adoptions)."""
    cells = (
        adoptions.order_by()
        .annotate(year=ExtractYear("adopted_on"), root=_root_path_sql())
        .values("root", "year", "outcome")
        .annotate(n=Count("pk"))
    )
    by_outcome = dict.fromkeys(("", *AdoptionOutcome.values), 0)
    by_year: dict[int, int] = {}
    by_root: dict[str, int] = {}
    for cell in cells:
        by_outcome[cell["outcome"]] += cell["n"]
        by_year[cell["year"]] = by_year.get(cell["year"], 0) + cell["n"]
        by_root[cell["root"]] = by_root.get(cell["root"], 0) + cell["n"]
    roots = Unit.objects.filter(path__in=by_root).order_by("path") if by_root else []
    return Spread(
        total=sum(by_outcome.values()),
        replicated=by_outcome[AdoptionOutcome.ADOPTED] + by_outcome[AdoptionOutcome.PARTLY],
        by_outcome=by_outcome,
        by_year=sorted(by_year.items()),
        groups=[TopUnitCount(unit=root, count=by_root[root.path]) for root in roots],
    )


def adoptions_by_top_unit(adoptions: QuerySet[Adoption]) -> list[tuple[Unit, list[Adoption]]]:
    """Every row of ``adoptions`` under its top unit, in path order: for the export and
    the dossier, which list them all (the page lists one page at a time)."""
    rows = list(adoptions)
    roots = {
        unit.path: unit
        for unit in Unit.objects.filter(path__in={root_path(a.unit.path) for a in rows})
    }
    grouped: dict[str, list[Adoption]] = {}
    for adoption in rows:
        grouped.setdefault(root_path(adoption.unit.path), []).append(adoption)
    return [(roots[path], items) for path, items in sorted(grouped.items()) if path in roots]


def adoptable_units(user: Any) -> QuerySet[Unit]:
    """The units ``user`` may record adoptions for (as for proposing)."""
    return proposable_units(user)


def adoption_plans(user: Any) -> QuerySet[WorkPlan]:
    """The open work plans ``user`` sees of the units they adopt for: where the key task
    of an adoption may go."""
    return (
        plan_policy.visible(user)
        .filter(state=PlanState.OPEN, body__owner_unit__in=adoptable_units(user))
        .select_related("body__owner_unit")
        .order_by("-period_start", "pk")
    )
