"""Blind spots: organizations operating at a date that a rule in force then says should
be covered and are not, ordered by the first deadline and then by size (the largest
first), each with the sentences of the rules it does not meet. The page, its export and
the API read the same selector: today from the stored open blind spots (kept by
``deadlines_sync``, rebuilt by the daily scan), at a past date computed over the
register (docs/coverage.md, "Blind spots")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import rules as rule_engine
from .models import CoverageRule, FollowUp, OpenBlindSpot, OpenBlindSpotsState, Organization
from .policies import organization_policy
from .selectors import CoverageFilters, form_at, operating_at

#: Stands for "no date" in the ordering: after every real deadline.
NO_DATE = dt.date(9999, 12, 31)


def rules_digest(rules: list[CoverageRule]) -> str:
    """A digest of what decides which organizations the rules make blind spots (their
    kinds, primitives, parameters and dates; not their sentences)."""
    facts = [
        [rule.pk, rule.kind_id, rule.primitive, rule.params, rule.valid_from, rule.valid_to]
        for rule in sorted(rules, key=lambda r: r.pk)
    ]
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def stored_answers(at: dt.date, rules: list[CoverageRule]) -> bool:
    """Whether the stored open blind spots answer for ``at``: it is today, and they were
    rebuilt today under the same rules (one query; none for another date)."""
    if at != timezone.localdate():
        return False
    return OpenBlindSpotsState.objects.filter(as_of=at, rules_digest=rules_digest(rules)).exists()


def _forms(at: dt.date, rules: list[CoverageRule]) -> dict[str, Any]:
    return {
        rule_engine.form_alias(code): Coalesce(
            form_at(code, at), Value(""), output_field=CharField()
        )
        for code in sorted({rule.kind.code for rule in rules})
    }


def _computed(
    organizations: QuerySet[Organization], at: dt.date, rules: list[CoverageRule]
) -> QuerySet[Any]:
    """The blind spots among ``organizations`` checked in SQL at ``at``, with their
    forms and ``first_due``."""
    unmet = reduce(or_, (rule_engine.unmet_q(rule) for rule in rules))
    return (
        organizations.filter(operating_at(at))
        .annotate(**_forms(at, rules))
        .filter(unmet)
        .annotate(first_due=rule_engine.first_due(rules, NO_DATE))
    )


def blind_spots(
    user: Any,
    filters: CoverageFilters,
    rules: list[CoverageRule] | None = None,
    *,
    stored: bool | None = None,
) -> QuerySet[Organization]:
    """The blind spots at ``filters.at`` among the organizations the user may see, each
    annotated with its form of every kind the rules name (``form_party`` …), its first
    due date ``first_due`` (:data:`NO_DATE` when none has a date) and
    ``has_follow_up`` (a follow-up task exists). ``rules``: those in force then (read
    once by the caller that also needs them).

    Today, when the stored open blind spots answer for it (:func:`stored_answers`), the
    list reads them in their index's order; at any other date (or before the day's
    rebuild) it is computed over the register. Both give the same rows in the same
    order. ``stored`` forces one path (tests, the bench)."""
    at = filters.at
    if rules is None:
        rules = list(rule_engine.rules_at(at))
    if not rules:
        return Organization.objects.none()
    if stored is None:
        stored = stored_answers(at, rules)
    organizations = filters.apply(organization_policy.visible(user))
    found: QuerySet[Any]
    if stored:
        found = organizations.filter(open_blind_spot__isnull=False).annotate(
            **_forms(at, rules), first_due=F("open_blind_spot__first_due")
        )
        order = ("open_blind_spot__first_due", "-open_blind_spot__staff_count", "pk")
    else:
        found = _computed(organizations, at, rules)
        order = ("first_due", "-staff_count", "pk")
    return (
        found.annotate(has_follow_up=Exists(FollowUp.objects.filter(organization=OuterRef("pk"))))
        .select_related("town", "site")
        .order_by(*order)
    )


def open_blind_spot_sync(
    organization: Organization, today: dt.date, rules: list[CoverageRule]
) -> None:
    """Store or drop ``organization``'s open blind spot by ``rules`` (those in force
    ``today``), checked by the same SQL as the computed list. Called by
    ``deadlines_sync`` inside the services' transactions."""
    found = None
    if rules:
        one = CoverageFilters(at=today).apply(Organization.objects.filter(pk=organization.pk))
        found = _computed(one, today, rules).values_list("first_due", "staff_count").first()
    if found is None:
        OpenBlindSpot.objects.filter(organization_id=organization.pk).delete()
        return
    first, staff = found
    OpenBlindSpot.objects.update_or_create(
        organization_id=organization.pk, defaults={"first_due": first, "staff_count": staff}
    )


def open_blind_spots_rebuild(today: dt.date | None = None) -> int:
    """Store every organization's open blind spot as of ``today`` (the daily scan runs
    it, before its mail): one DELETE and one INSERT … SELECT of the computed list, in
    one transaction (with the table's statistics refreshed), then the state row says for
    which day and rules. Returns the number stored."""
    today = today or timezone.localdate()
    rules = list(rule_engine.rules_at(today))
    table = OpenBlindSpot._meta.db_table
    with transaction.atomic():
        OpenBlindSpot.objects.all().delete()
        if rules:
            everyone = CoverageFilters(at=today).apply(Organization.objects.all())
            select = (
                _computed(everyone, today, rules)
                .order_by()
                .values_list("pk", "first_due", "staff_count")
            )
            sql, params = select.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (organization_id, first_due, staff_count) {sql}",
                    params,
                )
                # Its size for the planner: without it SQLite drives the list's count
                # from the (far larger) organizations, PostgreSQL waits for autovacuum.
                cursor.execute(f"ANALYZE {table}")
        OpenBlindSpotsState.objects.update_or_create(
            pk=1, defaults={"as_of": today, "rules_digest": rules_digest(rules)}
        )
        return OpenBlindSpot.objects.count()


@dataclass
class BlindSpot:
    organization: Organization
    checks: list[rule_engine.Check]

    @property
    def due_on(self) -> dt.date | None:
        dates = [c.due_on for c in self.checks if c.due_on is not None]
        return min(dates) if dates else None

    @property
    def overdue(self) -> bool:
        return any(c.state == rule_engine.OVERDUE for c in self.checks)


def explained(organizations: Any, rules: list[CoverageRule], at: dt.date) -> list[BlindSpot]:
    """The rows of :func:`blind_spots` with the checks they fail, in the active
    language; no query (the forms are annotated, the rules' kinds selected)."""
    rows = []
    for organization in organizations:
        checks = [
            rule_engine.check(
                rule,
                organization,
                at,
                getattr(organization, rule_engine.form_alias(rule.kind.code)),
                True,
            )
            for rule in rules
        ]
        rows.append(BlindSpot(organization, [c for c in checks if c.unmet]))
    return rows
