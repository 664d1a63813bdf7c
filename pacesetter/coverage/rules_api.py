"""JSON API of the coverage rules, deadlines, blind spots and follow-up tasks (under
/api/v1/coverage, added to the register's router by ``api.py``).

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.core.api_types import Id, Paged
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import translations
from pacesetter.units.policies import unit_policy
from pacesetter.workplans.policies import plan_policy

from . import rules as rule_engine
from .blind_spots import blind_spots, explained
from .follow_ups import TOO_MANY, follow_ups_create
from .models import CoverageRule, Deadline, Organization
from .policies import deadline_policy, organization_policy
from .selectors import CoverageFilters

router = Router(tags=["coverage"])


class CoverageRuleOut(Schema):
    id: Id
    code: str
    kind: str = Field(description="The kind of organization to build: party, union …")
    primitive: str
    params: dict[str, Any]
    valid_from: date
    valid_to: date | None = Field(description="Excluded; empty while in force.")
    name: str
    explanation: str
    note: str
    translations: dict[str, dict[str, str]]

    @staticmethod
    def resolve_kind(obj: CoverageRule) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_translations(obj: CoverageRule) -> dict[str, dict[str, str]]:
        return translations(obj)


class CheckOut(Schema):
    rule: str = Field(description="The rule's code.")
    state: str = Field(description="not_applicable | met | due | overdue")
    due_on: date | None
    sentence: str = Field(description="Why, in the request's language.")

    @staticmethod
    def resolve_rule(obj: rule_engine.Check) -> str:
        return obj.rule.code


class DeadlineOut(Schema):
    id: Id
    rule: str
    due_on: date
    met_on: date | None
    reminded_at: Any
    escalated_at: Any

    @staticmethod
    def resolve_rule(obj: Deadline) -> str:
        return obj.rule.code


class OrganizationDeadlinesOut(Schema):
    at: date
    checks: list[CheckOut]
    deadlines: list[DeadlineOut]


class BlindSpotOut(Schema):
    id: Id
    name: str
    credit_code: str
    kind: str
    town_id: Id
    staff_count: int
    party_members_full: int
    first_due: date | None = Field(description="The earliest deadline not met; empty: none.")
    has_follow_up: bool
    checks: list[CheckOut] = Field(description="The rules it does not meet.")


class BlindSpotFilters(Schema):
    at: date | None = Field(None, description="As of this date (default today).")
    town: Id | None = Field(None, description="A unit: its subtree.")
    sector: str = Field("", description="economic | social")
    kind: str = ""
    q: str = ""


class CoverageFollowUpIn(Schema):
    plan_id: Id
    organization_ids: list[Id] = Field(..., min_length=1, max_length=TOO_MANY)
    per_town: bool = Field(
        False,
        description="One task per town or street for all of its organizations chosen, "
        "instead of one per organization.",
    )
    due: date | None = None
    at: date | None = Field(None, description="The rules as of this date (default today).")


class CoverageFollowUpOut(Schema):
    organization_id: Id
    task_id: Id


def _at(value: date | None) -> date:
    if value is not None and value > timezone.localdate():
        raise ValidationError({"at": _("Choose today or a past date.")})
    return value or timezone.localdate()


@router.get("/rules", response=list[CoverageRuleOut])
def rule_list(request: HttpRequest, at: date | None = None) -> models.QuerySet[CoverageRule]:
    """Every version of every rule, or those in force on ``at``."""
    if at is not None:
        return rule_engine.rules_at(at)
    return CoverageRule.objects.select_related("kind").order_by("code", "valid_from")


@router.get("/organizations/{int:organization_id}/deadlines", response=OrganizationDeadlinesOut)
def organization_deadlines(
    request: HttpRequest, organization_id: Id, at: date | None = None
) -> dict[str, Any]:
    """What each rule in force on ``at`` says of the organization, and its deadlines."""
    user = request.user
    organization = organization_policy.access(user, organization_id)
    day = _at(at)
    checks = rule_engine.checks_at(organization, day)
    found = (
        deadline_policy.visible(user)
        .filter(organization=organization)
        .select_related("rule")
        .order_by("due_on", "pk")
    )
    return {"at": day, "checks": checks, "deadlines": list(found)}


@router.get("/blind-spots", response=list[BlindSpotOut])
@paginate(Paged)
def blind_spot_list(request: HttpRequest, filters: Query[BlindSpotFilters]) -> list[dict[str, Any]]:
    """The blind spots the user may see on ``at``: first deadline first, then the
    largest; each with the rules it does not meet."""
    user = request.user
    day = _at(filters.at)
    coverage_filters = CoverageFilters(
        at=day,
        town=resolve_ref(unit_policy, user, filters.town, "view", "town") if filters.town else None,
        sector=filters.sector,
        kind=filters.kind,
        query=filters.q.strip(),
    )
    rules = list(rule_engine.rules_at(day))
    return _Rows(blind_spots(user, coverage_filters, rules), rules, day)  # type: ignore[return-value]


class _Rows:
    """The blind spots as the paginator slices them: each page explained once."""

    def __init__(self, queryset: models.QuerySet[Organization], rules: Any, at: date) -> None:
        self.queryset, self.rules, self.at = queryset, rules, at

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        rows = explained(self.queryset[key], self.rules, self.at)
        return [
            {
                "id": row.organization.pk,
                "name": row.organization.name,
                "credit_code": row.organization.credit_code,
                "kind": row.organization.kind,
                "town_id": row.organization.town_id,
                "staff_count": row.organization.staff_count,
                "party_members_full": row.organization.party_members_full,
                "first_due": row.due_on,
                "has_follow_up": getattr(row.organization, "has_follow_up", False),
                "checks": row.checks,
            }
            for row in rows
        ]


@router.post("/follow-ups", response={201: list[CoverageFollowUpOut]})
def follow_up_create(
    request: HttpRequest, payload: CoverageFollowUpIn
) -> Status[list[dict[str, int]]]:
    """One key task per organization (or, with ``per_town``, per town or street) in the
    work plan, led by the town or street, in one step (district staff who manage the
    plan). One row per organization, with its task."""
    user = request.user
    plan = resolve_ref(plan_policy, user, payload.plan_id, "manage", "plan_id")
    organizations = [
        resolve_ref(organization_policy, user, pk, "view", "organization_ids")
        for pk in dict.fromkeys(payload.organization_ids)
    ]
    # The service refuses (403) an organization the user is not district staff over.
    tasks = follow_ups_create(
        actor=user,
        plan=plan,
        organizations=organizations,
        due=payload.due,
        at=_at(payload.at),
        per_town=payload.per_town,
    )
    return Status(
        201,
        [
            {"organization_id": o.pk, "task_id": t.pk}
            for o, t in zip(organizations, tasks, strict=True)
        ],
    )
