"""Reads of the coverage register, at any date: the register as it stood, and the coverage
rates computed in SQL (docs/coverage.md, "Rates")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pacesetter.accounts.scopes import under
from pacesetter.core.policies import Actor, signed_in
from pacesetter.core.translations import matching
from pacesetter.units.models import Unit

from .models import (
    ECONOMIC_KINDS,
    ORGANIZED_FORMS,
    PARTY,
    UNION,
    WORK_FORMS,
    Building,
    CoverageKind,
    Event,
    Form,
    Industry,
    Organization,
    OrganizationKind,
    Site,
    Status,
    StatusPeriod,
)
from .policies import organization_policy

#: Staff headcount bands (the ledgers' "size"): lower bound → label.
SIZE_BANDS: tuple[tuple[int, Any], ...] = (
    (0, _("Under 10 staff")),
    (10, _("10 to 49 staff")),
    (50, _("50 to 99 staff")),
    (100, _("100 staff or more")),
)
GROUPINGS = ("town", "site", "industry", "kind", "size")


def covering(at: datetime.date, prefix: str = "") -> Q:
    """Periods that cover the date ``at``."""
    return Q(**{f"{prefix}valid_from__lte": at}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": at})
    )


def operating_at(at: datetime.date) -> Exists:
    return Exists(
        StatusPeriod.objects.filter(
            covering(at), organization=OuterRef("pk"), status=Status.OPERATING
        )
    )


def status_at(at: datetime.date) -> Subquery:
    return Subquery(
        StatusPeriod.objects.filter(covering(at), organization=OuterRef("pk"))
        .order_by()
        .values("status")[:1],
        output_field=CharField(),
    )


def form_at(kind_code: str, at: datetime.date) -> Subquery:
    """The form of the organization's ``kind_code`` building at ``at`` (empty when the
    organization did not exist yet)."""
    return Subquery(
        # One period covers a date (the services keep it so): no ordering, whose joins the
        # subquery would otherwise carry for every organization.
        Building.objects.filter(covering(at), organization=OuterRef("pk"), kind__code=kind_code)
        .order_by()
        .values("form")[:1],
        output_field=CharField(),
    )


def size_band() -> Case:
    whens = [
        When(staff_count__gte=low, then=Value(index))
        for index, (low, _label) in reversed(list(enumerate(SIZE_BANDS)))
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


@dataclass(frozen=True)
class CoverageFilters:
    """What the register, the rates, their exports and the API read: the date, where
    (a unit subtree, a site), what (kind, sector, industry) and a text search."""

    at: datetime.date
    town: Unit | None = None
    site: Site | None = None
    kind: str = ""
    sector: str = ""  # "economic" | "social" | ""
    industry: Industry | None = None
    query: str = ""
    status: str = ""  # status at the date; "" = any
    party_form: str = ""  # the party building's form at the date; "covered" | "uncovered" too
    group_by: str = "town"

    def apply(self, organizations: QuerySet[Organization]) -> QuerySet[Organization]:
        qs = organizations.filter(registered_on__lte=self.at)
        if self.town is not None:
            qs = qs.filter(town__path__startswith=self.town.path)
        if self.site is not None:
            qs = qs.filter(site=self.site)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.sector == "economic":
            qs = qs.filter(kind__in=ECONOMIC_KINDS)
        elif self.sector == "social":
            qs = qs.exclude(kind__in=ECONOMIC_KINDS)
        if self.industry is not None:
            qs = qs.filter(Q(industry=self.industry) | Q(industry__parent=self.industry))
        if self.query:
            qs = matching(qs, self.query)
        return qs


def register_at(user: Any, filters: CoverageFilters) -> QuerySet[Organization]:
    """The organizations the user may see as they stood at ``filters.at``: each with
    ``status_then``, ``party_form`` and ``union_form`` at that date."""
    qs = filters.apply(organization_policy.visible(user)).annotate(
        status_then=status_at(filters.at),
        party_form=form_at(PARTY, filters.at),
        union_form=form_at(UNION, filters.at),
    )
    if filters.status:
        qs = qs.filter(status_then=filters.status)
    if filters.party_form == "covered":
        qs = qs.filter(party_form__in=ORGANIZED_FORMS)
    elif filters.party_form == "uncovered":
        qs = qs.exclude(party_form__in=ORGANIZED_FORMS)
    elif filters.party_form:
        qs = qs.filter(party_form=filters.party_form)
    return qs.select_related("town", "site", "industry").order_by("town__path", "pk")


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass
class RateRow:
    """One line of the rates: the organizations operating at the date, and how many of
    them are covered."""

    key: Any
    label: str
    operating: int = 0
    organized: int = 0
    work_covered: int = 0
    standalone: int = 0
    union_organized: int = 0
    union_members: int = 0
    staff: int = 0
    newly_built: int = 0
    newly_standalone: int = 0

    @property
    def organized_rate(self) -> Decimal | None:
        """Organizational coverage: standalone + joint over operating."""
        return _share(self.organized, self.operating)

    @property
    def work_rate(self) -> Decimal | None:
        """Work coverage: organized, or an instructor or liaison sent."""
        return _share(self.work_covered, self.operating)

    @property
    def standalone_rate(self) -> Decimal | None:
        return _share(self.standalone, self.operating)

    @property
    def union_rate(self) -> Decimal | None:
        return _share(self.union_organized, self.operating)

    @property
    def union_membership_rate(self) -> Decimal | None:
        """Union members over staff (the facts as recorded now)."""
        return _share(self.union_members, self.staff)

    def add(self, other: RateRow) -> None:
        for name in (
            "operating",
            "organized",
            "work_covered",
            "standalone",
            "union_organized",
            "union_members",
            "staff",
            "newly_built",
            "newly_standalone",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class RatesTable:
    at: datetime.date
    group_by: str
    rows: list[RateRow]
    total: RateRow
    since: datetime.date | None = None
    before: RatesTable | None = field(default=None, repr=False)


def _group_expression(group_by: str, prefix: str = "") -> Any:
    """The key of a row's group; ``prefix`` reaches the organization from another model."""
    if group_by == "town":
        return F(f"{prefix}town_id")
    if group_by == "site":
        return F(f"{prefix}site_id")
    if group_by == "industry":
        return Coalesce(f"{prefix}industry__parent_id", f"{prefix}industry_id")
    if group_by == "kind":
        return F(f"{prefix}kind")
    if group_by == "size":
        whens = [
            When(**{f"{prefix}staff_count__gte": low}, then=Value(index))
            for index, (low, _label) in reversed(list(enumerate(SIZE_BANDS)))
        ]
        return Case(*whens, default=Value(0), output_field=IntegerField())
    raise ValueError(f"Unknown grouping: {group_by}")


def _labels(group_by: str, keys: list[Any]) -> dict[Any, str]:
    if group_by == "town":
        return {u.pk: u.name for u in Unit.objects.filter(pk__in=[k for k in keys if k])}
    if group_by == "site":
        return {s.pk: s.name for s in Site.objects.filter(pk__in=[k for k in keys if k])}
    if group_by == "industry":
        return {
            i.pk: f"{i.code} {i.name}"
            for i in Industry.objects.filter(pk__in=[k for k in keys if k])
        }
    if group_by == "kind":
        return {k: str(OrganizationKind(k).label) for k in keys if k}
    return {index: str(label) for index, (_low, label) in enumerate(SIZE_BANDS)}


#: The counts of :func:`rates_sql`, in its column order (after the group's key).
RATE_COUNTS = (
    "operating",
    "organized",
    "work_covered",
    "standalone",
    "union_organized",
    "union_members",
    "staff",
)


def _in(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.extend(str(value) for value in values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def rates_sql(
    user: Any, filters: CoverageFilters, *, base: QuerySet[Organization] | None = None
) -> tuple[str, list[Any]]:
    """The grouped count of :func:`coverage_rates`: one statement joining the filtered
    organizations (the ORM's own query, as a derived table) to their operating status
    period and their party and union periods at the date, then grouped. One period of
    each covers a date (the services keep it so), so the joins do not multiply rows; a
    join lets PostgreSQL hash the periods at the date once, where a correlated subquery
    per organization (and per filtered count) would look each up again. Raises
    ``EmptyResultSet`` when the filtered organizations are known to be none."""
    at = filters.at
    organizations = (
        filters.apply(organization_policy.visible(user) if base is None else base)
        .order_by()
        .values(
            oid=F("pk"),
            group_key=_group_expression(filters.group_by),
            members=F("union_members"),
            staff=F("staff_count"),
        )
    )
    inner, inner_params = organizations.query.sql_with_params()
    status_table = StatusPeriod._meta.db_table
    building_table = Building._meta.db_table
    kind_table = CoverageKind._meta.db_table
    covering_sql = "{t}.valid_from <= %s AND ({t}.valid_to IS NULL OR {t}.valid_to > %s)"
    params: list[Any] = []
    counts = [
        f"SUM(CASE WHEN {_in('p.form', ORGANIZED_FORMS, params)} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {_in('p.form', WORK_FORMS, params)} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {_in('p.form', (Form.STANDALONE.value,), params)} THEN 1 ELSE 0 END)",
        f"SUM(CASE WHEN {_in('u.form', ORGANIZED_FORMS, params)} THEN 1 ELSE 0 END)",
    ]
    params.extend(inner_params)
    params.extend([Status.OPERATING.value, at, at])
    params.extend([str(PARTY), at, at, str(UNION), at, at])
    # Only table names and placeholders are formatted in; every value is a parameter.
    sql = f"""
        SELECT o.group_key, COUNT(*), {", ".join(counts)},
            COALESCE(SUM(o.members), 0), COALESCE(SUM(o.staff), 0)
        FROM ({inner}) o
        JOIN {status_table} s
            ON s.organization_id = o.oid AND s.status = %s AND {covering_sql.format(t="s")}
        LEFT JOIN {building_table} p
            ON p.organization_id = o.oid
            AND p.kind_id = (SELECT pk.id FROM {kind_table} pk WHERE pk.code = %s)
            AND {covering_sql.format(t="p")}
        LEFT JOIN {building_table} u
            ON u.organization_id = o.oid
            AND u.kind_id = (SELECT uk.id FROM {kind_table} uk WHERE uk.code = %s)
            AND {covering_sql.format(t="u")}
        GROUP BY o.group_key
    """  # noqa: S608
    return sql, params


def coverage_rates(
    user: Any,
    filters: CoverageFilters,
    *,
    since: datetime.date | None = None,
    base: QuerySet[Organization] | None = None,
) -> RatesTable:
    """The rates at ``filters.at`` by ``filters.group_by``, over the organizations the
    user may see (or ``base``: :func:`public_coverage_rates`); with ``since``, also the
    rates at that date (``before``) and the organizations newly built between the two
    dates (after ``since``, up to ``at``)."""
    at = filters.at
    rows: dict[Any, RateRow] = {}
    try:
        sql, params = rates_sql(user, filters, base=base)
    except EmptyResultSet:  # the user sees no organization: no query to run
        lines: list[Any] = []
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            lines = cursor.fetchall()
    for key, *values in lines:
        counts = {name: int(value or 0) for name, value in zip(RATE_COUNTS, values, strict=True)}
        rows[key] = RateRow(key=key, label="", **counts)
    if since is not None:
        _add_newly_built(user, filters, since, rows, base=base)
    labels = _labels(filters.group_by, list(rows))
    for k, row in rows.items():
        row.label = labels.get(k, "") or str(_("Not given"))
    ordered = sorted(rows.values(), key=lambda r: (r.label == str(_("Not given")), r.label))
    if filters.group_by == "size":
        ordered = sorted(rows.values(), key=lambda r: r.key)
    total = RateRow(key=None, label=str(_("Total")))
    for row in ordered:
        total.add(row)
    table = RatesTable(at=at, group_by=filters.group_by, rows=ordered, total=total, since=since)
    if since is not None:
        earlier = CoverageFilters(**{**filters.__dict__, "at": since})
        table.before = coverage_rates(user, earlier, base=base)
    return table


def _add_newly_built(
    user: Any,
    filters: CoverageFilters,
    since: datetime.date,
    rows: dict[Any, RateRow],
    *,
    base: QuerySet[Organization] | None = None,
) -> None:
    """Party organizations built (or turned standalone) after ``since`` up to the date."""
    visible = organization_policy.visible(user) if base is None else base
    organizations = filters.apply(visible).filter(operating_at(filters.at))
    built = (
        Building.objects.filter(
            kind__code=PARTY,
            valid_from__gt=since,
            valid_from__lte=filters.at,
            organization__in=organizations.values("pk"),
        )
        .annotate(group_key=_group_expression(filters.group_by, "organization__"))
        .values("group_key")
        .annotate(
            newly_built=Count("organization", distinct=True, filter=Q(event=Event.BUILT)),
            newly_standalone=Count(
                "organization",
                distinct=True,
                filter=Q(form=Form.STANDALONE, event__in=(Event.BUILT, Event.FORM_CHANGED)),
            ),
        )
    )
    for line in built:
        row = rows.setdefault(line["group_key"], RateRow(key=line["group_key"], label=""))
        row.newly_built += line["newly_built"]
        row.newly_standalone += line["newly_standalone"]


def keeps_register(unit: Unit) -> bool:
    """Whether the register holds organizations of ``unit``'s towns and streets (its
    subtree): one query, whoever asks."""
    return Organization.objects.filter(town__path__startswith=unit.path).exists()


def editable_towns(user: Any) -> QuerySet[Unit]:
    """Towns and streets whose register the user keeps (its officers, the staff above).

    Nobody's for an anonymous or inactive user, as every policy answers; all of them for an
    active superuser."""
    if not signed_in(user):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.order_by("path")
    scope = Actor.of(user).scope
    return Unit.objects.filter(under("path", scope.staff_paths + scope.officer_paths)).order_by(
        "path"
    )


# --- The public pages (no login) ----------------------------------------------------------

#: The groupings of the public rates: by town (a unit, never an organization) and by kind.
PUBLIC_GROUPINGS = ("town", "kind")


def public_registers() -> QuerySet[Unit]:
    """The units whose register's rates are public (``Unit.publishes_coverage``, set by
    its committee staff): each is the register of its subtree's towns and streets."""
    return Unit.objects.filter(publishes_coverage=True).order_by("path", "pk")


def public_register(pk: int) -> Unit | None:
    return public_registers().filter(pk=pk).first()


def public_coverage_rates(unit: Unit, *, at: datetime.date, group_by: str = "town") -> RatesTable:
    """The rates of ``unit``'s register (the organizations of its subtree) at ``at``,
    by town or by kind: counts and rates only, never an organization's row (a row is a
    town, a unit of the tree, or a kind). ``unit`` must be a public register."""
    if not unit.publishes_coverage:
        raise ValueError("This register is not public.")
    if group_by not in PUBLIC_GROUPINGS:
        raise ValueError(f"Unknown public grouping: {group_by}")
    filters = CoverageFilters(at=at, town=unit, group_by=group_by)
    return coverage_rates(
        None, filters, base=Organization.objects.filter(town__path__startswith=unit.path)
    )
