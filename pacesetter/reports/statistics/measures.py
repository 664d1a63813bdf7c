"""The records the statutory forms count, and the named filters their layouts bind.

A source is the queryset of one kind of record over a reporting body (a unit's subtree)
and a year, seen through its domain's policy, annotated in SQL with what the filters
read; a filter is a ``Q`` over it. A figure of a form is ``Count`` (or ``Sum``) of its
source with its row's and its column's filters, so the list of records behind a figure
is the same queryset with the same filters (:mod:`.selectors`).

- ``campaigns``: emulation movements and special actions organized in the body's subtree
  whose period overlaps the year, drafts left out. ``level``: the campaign's
  ``organizing_level`` (``central``, ``body``, ``unit``). ``scope``: ``nationwide`` (a
  central council's), ``cluster`` (run in emulation clusters: a participant takes part
  through a cluster), else ``body`` or ``unit`` by its level. ``duration``: its period
  in days, first and last included: ``under_1`` (< 365), ``1`` (365 or 366), ``1_to_3``
  (to < 1,095), ``3_to_5`` (to < 1,826), ``5_plus``; ``3_plus`` (the 2018 form's last
  row). ``method``: ``thematic`` (a special action), ``regular`` (a movement).
- ``grants``: awards granted for the year (``AwardGrant.year``), not revoked, to a unit
  of the subtree or to a person of one. ``award``: the award's code (or a list);
  ``award_not``: none of these codes; ``level``: the award's level;
  ``recipient``: ``collective`` (a unit) or ``individual`` (a person); ``method``: how
  it was proposed: from a review point of a ``regular`` movement, of a ``thematic``
  special action, or ``none`` (no campaign's review point behind it).
- ``organizations``: the coverage register's organizations of the subtree's towns
  operating on the year's last day (registered by then; a suspended or deregistered one
  is left out). ``kind``, ``sector`` (``economic``, ``social``); ``party`` (its party
  building then: ``organized``, ``standalone``, ``work``: organized or an instructor
  sent); ``union`` (``organized``). Sums: ``staff_count``, ``union_members``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from pacesetter.awards.models import AwardGrant, AwardLevel
from pacesetter.awards.policies import grant_policy
from pacesetter.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignState,
    OrganizingLevel,
    Participant,
)
from pacesetter.campaigns.policies import campaign_policy
from pacesetter.coverage.models import (
    ECONOMIC_KINDS,
    ORGANIZED_FORMS,
    PARTY,
    UNION,
    WORK_FORMS,
    Form,
    Organization,
    OrganizationKind,
)
from pacesetter.coverage.policies import organization_policy
from pacesetter.coverage.selectors import form_at, operating_at
from pacesetter.units.models import Unit

ANY = None  # a filter whose values are not a fixed list (award codes)


@dataclass(frozen=True)
class Source:
    name: str
    records: Callable[[Any, Unit, int], QuerySet[Any]]
    filters: Callable[[str, Any], Q]
    dimensions: dict[str, tuple[str, ...] | None]
    sums: tuple[str, ...] = ()
    order: tuple[str, ...] = field(default=("pk",))


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# --- campaigns ---------------------------------------------------------------------------


def _days(n: int) -> dt.timedelta:
    """A period of ``n`` days, first and last included, as ``end - start``."""
    return dt.timedelta(days=n - 1)


DURATIONS: dict[str, Q] = {
    "under_1": Q(span__lt=_days(365)),
    "1": Q(span__gte=_days(365), span__lte=_days(366)),
    "1_to_3": Q(span__gt=_days(366), span__lt=_days(1095)),
    "3_to_5": Q(span__gte=_days(1095), span__lt=_days(1826)),
    "5_plus": Q(span__gte=_days(1826)),
    "3_plus": Q(span__gte=_days(1095)),
}
IN_CLUSTERS = Q(in_clusters=True)
SCOPES: dict[str, Q] = {
    "nationwide": Q(organizing_level=OrganizingLevel.CENTRAL),
    "cluster": ~Q(organizing_level=OrganizingLevel.CENTRAL) & IN_CLUSTERS,
    "body": Q(organizing_level=OrganizingLevel.BODY) & ~IN_CLUSTERS,
    "unit": Q(organizing_level=OrganizingLevel.UNIT) & ~IN_CLUSTERS,
}
METHODS: dict[str, Q] = {
    "thematic": Q(kind=CampaignKind.SPECIAL_ACTION),
    "regular": Q(kind=CampaignKind.MOVEMENT),
}


def campaign_records(user: Any, body: Unit, year: int) -> QuerySet[Campaign]:
    first, last = _year(year)
    return (
        campaign_policy.visible(user)
        .filter(organizer__path__startswith=body.path, start__lte=last, end__gte=first)
        .exclude(state=CampaignState.DRAFT)
        .annotate(
            span=ExpressionWrapper(F("end") - F("start"), output_field=DurationField()),
            in_clusters=Exists(
                Participant.objects.filter(campaign=OuterRef("pk"), cluster__isnull=False)
            ),
        )
    )


def campaign_filter(dimension: str, value: Any) -> Q:
    if dimension == "level":
        return Q(organizing_level=value)
    if dimension == "scope":
        return SCOPES[value]
    if dimension == "duration":
        return DURATIONS[value]
    if dimension == "method":
        return METHODS[value]
    raise KeyError(dimension)


# --- grants ------------------------------------------------------------------------------


def grant_records(user: Any, body: Unit, year: int) -> QuerySet[AwardGrant]:
    return grant_policy.visible(user).filter(
        Q(unit__path__startswith=body.path) | Q(person__unit__path__startswith=body.path),
        year=year,
        revoked_at__isnull=True,
    )


def _codes(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def grant_filter(dimension: str, value: Any) -> Q:
    if dimension == "award":
        return Q(award__code__in=_codes(value))
    if dimension == "award_not":
        return ~Q(award__code__in=_codes(value))
    if dimension == "level":
        return Q(award__level=value)
    if dimension == "recipient":
        return Q(unit__isnull=False) if value == "collective" else Q(person__isnull=False)
    if dimension == "method":
        kind = "proposal__review_point__campaign__kind"
        if value == "none":
            return Q(**{f"{kind}__isnull": True})
        return Q(**{kind: METHOD_KINDS[value]})
    raise KeyError(dimension)


METHOD_KINDS = {"regular": CampaignKind.MOVEMENT, "thematic": CampaignKind.SPECIAL_ACTION}


# --- organizations -----------------------------------------------------------------------


def organization_records(user: Any, body: Unit, year: int) -> QuerySet[Organization]:
    _first, last = _year(year)
    return (
        organization_policy.visible(user)
        .filter(town__path__startswith=body.path, registered_on__lte=last)
        .filter(operating_at(last))
        .annotate(party_form=form_at(PARTY, last), union_form=form_at(UNION, last))
    )


def organization_filter(dimension: str, value: Any) -> Q:
    if dimension == "kind":
        return Q(kind=value)
    if dimension == "sector":
        economic = Q(kind__in=ECONOMIC_KINDS)
        return economic if value == "economic" else ~economic
    if dimension == "party":
        forms = {
            "organized": ORGANIZED_FORMS,
            "standalone": (Form.STANDALONE,),
            "work": WORK_FORMS,
        }[value]
        return Q(party_form__in=forms)
    if dimension == "union":
        return Q(union_form__in=ORGANIZED_FORMS)
    raise KeyError(dimension)


SOURCES: dict[str, Source] = {
    "campaigns": Source(
        name="campaigns",
        records=campaign_records,
        filters=campaign_filter,
        dimensions={
            "level": tuple(OrganizingLevel.values),
            "scope": tuple(SCOPES),
            "duration": tuple(DURATIONS),
            "method": tuple(METHODS),
        },
        order=("start", "code"),
    ),
    "grants": Source(
        name="grants",
        records=grant_records,
        filters=grant_filter,
        dimensions={
            "award": ANY,
            "award_not": ANY,
            "level": tuple(AwardLevel.values),
            "recipient": ("collective", "individual"),
            "method": ("regular", "thematic", "none"),
        },
        order=("award__position", "award__code", "pk"),
    ),
    "organizations": Source(
        name="organizations",
        records=organization_records,
        filters=organization_filter,
        dimensions={
            "kind": tuple(OrganizationKind.values),
            "sector": ("economic", "social"),
            "party": ("organized", "standalone", "work"),
            "union": ("organized",),
        },
        sums=("staff_count", "union_members"),
        order=("town__path", "pk"),
    ),
}


def measure_q(source: Source, *measures: dict[str, Any] | None) -> Q:
    """The records meeting every filter of ``measures`` (a row's and a column's)."""
    q = Q()
    for measure in measures:
        for dimension, value in (measure or {}).items():
            q &= source.filters(dimension, value)
    return q
