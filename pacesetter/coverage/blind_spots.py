"""Blind spots: organizations operating at a date that a rule in force then says should
be covered and are not, ordered by the first deadline and then by size (the largest
first), each with the sentences of the rules it does not meet. The page, its export and
the API read the same selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce

from . import rules as rule_engine
from .models import CoverageRule, FollowUp, Organization
from .policies import organization_policy
from .selectors import CoverageFilters, form_at, operating_at

#: Stands for "no date" in the ordering: after every real deadline.
NO_DATE = dt.date(9999, 12, 31)


def blind_spots(
    user: Any, filters: CoverageFilters, rules: list[CoverageRule] | None = None
) -> QuerySet[Organization]:
    """The blind spots at ``filters.at`` among the organizations the user may see, each
    annotated with its form of every kind the rules name (``form_party`` …), its first
    due date ``first_due`` (:data:`NO_DATE` when none has a date) and
    ``has_follow_up`` (a follow-up task exists). ``rules``: those in force then (read
    once by the caller that also needs them)."""
    at = filters.at
    if rules is None:
        rules = list(rule_engine.rules_at(at))
    if not rules:
        return Organization.objects.none()
    forms = {
        rule_engine.form_alias(code): Coalesce(
            form_at(code, at), Value(""), output_field=CharField()
        )
        for code in sorted({rule.kind.code for rule in rules})
    }
    unmet = reduce(or_, (rule_engine.unmet_q(rule) for rule in rules))
    return (
        filters.apply(organization_policy.visible(user))
        .filter(operating_at(at))
        .annotate(**forms)
        .filter(unmet)
        .annotate(
            first_due=rule_engine.first_due(rules, NO_DATE),
            has_follow_up=Exists(FollowUp.objects.filter(organization=OuterRef("pk"))),
        )
        .select_related("town", "site")
        .order_by("first_due", "-staff_count", "pk")
    )


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
