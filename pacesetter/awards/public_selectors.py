"""The award registry as the public pages read it (no login).

A lead body opts in (``Unit.publishes_awards``, ``units.services.unit_publicity_set``):
then the awards granted by the decisions it recorded (``Decision.owner_unit``) are
public, with those decisions. Only standing grants: a revoked one is not shown, and
proposals still in the flow never are (a grant exists once the award is decided). Of a
person, only what the published decision carries: the name and the unit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from pacesetter.core.translations import fold, ordered
from pacesetter.decisions.models import Decision
from pacesetter.units.models import Unit

from .models import Award, AwardGrant


def _standing() -> Q:
    return Q(revoked_at__isnull=True, decision__owner_unit__publishes_awards=True)


@dataclass(frozen=True)
class PublicGrantFilters:
    """The public registry's search: a text (the unit's or person's name or code, the
    decision's number), a year, an award, the issuing body (a unit id)."""

    query: str = ""
    year: int | None = None
    award: Award | None = None
    issuer: Unit | None = None


def public_grants(filters: PublicGrantFilters) -> QuerySet[AwardGrant]:
    """The standing grants of the bodies that opted in, newest first."""
    qs = AwardGrant.objects.filter(_standing()).select_related(
        "award", "decision__owner_unit", "unit", "person__unit"
    )
    if filters.query:
        text = filters.query.strip()
        key = fold(text)
        qs = qs.filter(
            Q(unit__code__icontains=text)
            | Q(unit__search_key__contains=key)
            | Q(person__full_name__icontains=text)
            | Q(person__unit__search_key__contains=key)
            | Q(decision__number__icontains=text)
            | Q(award__search_key__contains=key)
        )
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.award is not None:
        qs = qs.filter(award=filters.award)
    if filters.issuer is not None:
        qs = qs.filter(decision__owner_unit=filters.issuer)
    return qs.order_by("-year", "-decision__date", "award__position", ordered("award__name"), "pk")


def public_registries() -> QuerySet[Unit]:
    """The bodies whose registry is public, each with ``grant_count`` (standing grants)."""
    return (
        Unit.objects.filter(publishes_awards=True)
        .annotate(
            grant_count=Count(
                "decisions__grants",
                filter=Q(decisions__grants__revoked_at__isnull=True),
            )
        )
        .order_by(ordered("name"), "pk")
    )


def public_awards() -> QuerySet[Award]:
    """The awards that have a public grant (the registry's award filter)."""
    return Award.objects.filter(
        pk__in=AwardGrant.objects.filter(_standing()).values("award_id")
    ).order_by("position", ordered("name"), "pk")


def public_years() -> list[int]:
    """The years that have a public grant, newest first."""
    return list(
        AwardGrant.objects.filter(_standing())
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def public_decision(pk: int) -> Decision | None:
    """A decision of a body that opted in, with at least one standing grant; else
    ``None`` (a decision that founded a cluster, or granted nothing public, is not
    shown)."""
    return (
        Decision.objects.filter(
            pk=pk,
            owner_unit__publishes_awards=True,
            grants__revoked_at__isnull=True,
        )
        .select_related("owner_unit")
        .distinct()
        .first()
    )


def public_decision_grants(decision: Decision) -> QuerySet[AwardGrant]:
    """A public decision's standing grants, in certificate-number order."""
    return (
        AwardGrant.objects.filter(_standing(), decision=decision)
        .select_related("award", "unit", "person__unit")
        .order_by("certificate_number", "pk")
    )
