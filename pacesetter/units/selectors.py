"""Reads of the unit tree, always from the user's visible queryset."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from pacesetter.accounts.models import RoleAssignment, User
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.translations import matching, ordered

from .models import Unit
from .policies import unit_policy


def units_visible_to(user: Any, action: str = "view") -> QuerySet[Unit]:
    return unit_policy.visible(user, action)


def unit_choices(user: Any, *keep: int | None) -> QuerySet[Unit]:
    """Units to choose from: those the user sees, plus the ones already chosen."""
    units = unit_policy.visible(user)
    kept = [pk for pk in keep if pk]
    if kept:
        units = unit_policy.base_queryset().filter(Q(pk__in=units.values("pk")) | Q(pk__in=kept))
    return units.order_by("path")


def unit_search(
    user: Any,
    *,
    query: str = "",
    unit_type_id: int | None = None,
    within: Unit | None = None,
    active: bool | None = None,
) -> QuerySet[Unit]:
    """Visible units matching a text query (code, name, short name in any language,
    accents and case aside), a type and a subtree."""
    qs = matching(units_visible_to(user).select_related("unit_type", "parent"), query)
    if unit_type_id:
        qs = qs.filter(unit_type_id=unit_type_id)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    open_q = Q(active_to__isnull=True) | Q(active_to__gte=date.today())
    if active is True:
        qs = qs.filter(open_q)
    elif active is False:
        qs = qs.exclude(open_q)
    return qs.order_by("path")


def unit_children(user: Any, unit: Unit | None) -> QuerySet[Unit]:
    """Visible children of ``unit`` (visible roots when None), with their child counts."""
    visible = units_visible_to(user)
    if unit is None:
        # The user's top-most visible units: those whose parent is not visible.
        qs = visible.exclude(parent__in=visible.values("pk"))
    else:
        qs = visible.filter(parent=unit)
    return (
        qs.select_related("unit_type")
        .annotate(child_count=Count("children", distinct=True))
        .order_by(ordered("name"), "pk")
    )


def unit_time_zone(unit: Unit) -> str:
    """The zone ``unit`` works in: its own, else that of the nearest unit above it that
    has one, else the server's (one query at most, on the unit's path)."""
    if unit.time_zone:
        return unit.time_zone
    above = [int(part, 36) for part in unit.path.split("/") if part.isalnum()][:-1]
    nearest = (
        Unit.objects.filter(pk__in=above)
        .exclude(time_zone="")
        .order_by("-depth")
        .values_list("time_zone", flat=True)
        .first()
    )
    return nearest or str(settings.TIME_ZONE)


def unit_country(unit: Unit) -> str:
    """The country ``unit`` is in (ISO 3166 alpha-2): its own, else that of the nearest
    unit above it that has one, else "" (unknown; one query at most, on the unit's path)."""
    if unit.country:
        return unit.country
    above = [int(part, 36) for part in unit.path.split("/") if part.isalnum()][:-1]
    if not above:
        return ""
    nearest = (
        Unit.objects.filter(pk__in=above)
        .exclude(country="")
        .order_by("-depth")
        .values_list("country", flat=True)
        .first()
    )
    return nearest or ""


def units_countries(units: QuerySet[Unit]) -> set[str]:
    """The countries the units of ``units`` are in (as :func:`unit_country`; "" among them
    when one's is unknown), in three queries whatever their number: a unit's country is
    its own, or that of the nearest unit above it, which is in ``units`` too unless it is
    above the top-most ones."""
    rows = list(units.values_list("pk", "path", "country"))
    ids = {pk for pk, _path, _country in rows}
    countries = {country for _pk, _path, country in rows if country}
    tops = []
    for _pk, path, country in rows:
        chain = [int(part, 36) for part in path.split("/") if part.isalnum()][:-1]
        if not country and not (chain and chain[-1] in ids):
            tops.append(chain)
    if tops:
        found = dict(
            Unit.objects.filter(pk__in={pk for chain in tops for pk in chain})
            .exclude(country="")
            .values_list("pk", "country")
        )
        for chain in tops:
            countries.add(next((found[pk] for pk in reversed(chain) if pk in found), ""))
    return countries


def unit_ancestors(user: Any, unit: Unit) -> list[Unit]:
    """The visible ancestors of ``unit``, root first, in one query."""
    ids = [int(part, 36) for part in unit.path.strip("/").split("/")[:-1]]
    found = {u.pk: u for u in units_visible_to(user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def users_visible_to(user: Any) -> QuerySet[User]:
    """Active people the user may name (e.g. seat on a body): the user and those holding
    a role over a unit, cluster or body the user can see. (It lives with the foundation
    data, not in accounts, because it reads the unit, cluster and body policies.)"""
    users = User.objects.filter(is_active=True)
    if not getattr(user, "is_authenticated", False):
        return users.none()
    if user.is_superuser:
        return users
    holders = RoleAssignment.objects.filter(
        Q(unit__in=unit_policy.visible(user))
        | Q(cluster__in=cluster_policy.visible(user))
        | Q(body__in=body_policy.visible(user))
    ).values("user_id")
    return users.filter(Q(pk=user.pk) | Q(pk__in=holders))
