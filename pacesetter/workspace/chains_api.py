"""JSON API for chains: /api/v1/chains.

A chain's organizations from upstream to downstream, its open problems (the open key
tasks on it the user may see), the plans and meetings on it; its managers (committee
staff over the unit that keeps it) change its details and add, reorder and remove
members. Every answer is the
chain's page, which combines chains, work plans and meetings: so the router lives with
the pages that combine domains, mounted at /api/v1/chains as before.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.chains import services
from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Position, Version
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    matching,
    ordered,
    text_input,
    text_patch,
    translations,
)
from pacesetter.meetings.policies import meeting_policy
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.policies import unit_policy
from pacesetter.workplans import selectors
from pacesetter.workplans.policies import plan_policy, task_policy

router = Router(tags=["chains"])
#: The operation ids the endpoints had in ``pacesetter.chains.api``, kept for API clients.
_OPERATION_ID = "pacesetter_chains_api_{}"

#: At most this many open tasks, plans and meetings in a chain's detail.
DETAIL_LIMIT = 500


# --- schemas -------------------------------------------------------------------------


class ChainOut(Schema):
    id: Id
    name: str
    description: str
    source_language: str
    owner_unit: UnitRef
    leader_unit: UnitRef
    is_active: bool
    member_count: int


class ChainMemberOut(Schema):
    id: Id
    unit: UnitRef
    position: Position = Field(description="1 is the most upstream.")
    link: str
    is_leader: bool


class OpenTaskOut(Schema):
    id: Id
    plan_id: Id
    code: str
    title: str
    source_language: str
    lead_unit: UnitRef
    due: dt.date | None
    progress: Decimal | None
    status: Literal["late", "at_risk", "on_track"]
    days_overdue: int


class PlanRef(Schema):
    id: Id
    name: str
    source_language: str


class MeetingRef(Schema):
    id: Id
    title: str
    starts_at: dt.datetime


class ChainDetailOut(ChainOut):
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT
    members: list[ChainMemberOut]
    open_tasks: list[OpenTaskOut] = Field(
        description="Open key tasks on the chain the user may see, by due date."
    )
    plans: list[PlanRef]
    meetings: list[MeetingRef]
    may_manage: bool


class ChainFilters(Schema):
    q: str = ""


class ChainIn(Schema):
    owner_unit_id: Id = Field(description="The unit that keeps the chain (you run it).")
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    leader_unit_id: Id
    description: text_input() = ""  # type: ignore[valid-type]
    member_unit_ids: list[Id] = Field([], description="From upstream to downstream.")


class ChainPatch(Schema):
    """Only the fields sent are changed (as the chain's edit form; the unit that keeps
    the chain stays). A text sent by language merges (one left out is kept, ``""``
    clears a translation)."""

    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    leader_unit_id: Id | None = Field(None, description="A unit you see (or the current).")
    description: text_patch() = None  # type: ignore[valid-type]
    is_active: bool | None = None
    version: Version | None = VERSION_IN


class ChainMemberIn(Schema):
    unit_id: Id
    link: str = Field("", max_length=255)


class ReorderIn(Schema):
    unit_ids: list[Id] = Field(description="Every member unit, upstream first.")
    version: Version | None = Field(
        None,
        description="The chain's version read (the order is the chain's); a stale one is "
        "a 409 and nothing is changed. A new order raises the chain's version.",
    )


# --- helpers -------------------------------------------------------------------------


def _stripped(text: str | dict[str, str]) -> str | dict[str, str]:
    """A name as the form cleans it, in each language."""
    if isinstance(text, str):
        return text.strip()
    return {language: value.strip() for language, value in text.items()}


def _chains() -> models.QuerySet[Chain]:
    return Chain.objects.select_related("owner_unit", "leader_unit").annotate(
        member_count=Count("members")
    )


def _detail(chain_id: Id, user: Any) -> dict[str, Any]:
    chain = _chains().get(pk=chain_id)
    today = timezone.localdate()
    members = [
        {
            "id": m.pk,
            "unit": m.unit,
            "position": m.position,
            "link": m.link,
            "is_leader": m.unit_id == chain.leader_unit_id,
        }
        for m in chain.members.select_related("unit")
    ]
    tasks = (
        selectors.with_status(task_policy.visible(user).filter(selectors.on_chain(chain)), today)
        .exclude(status="done")  # type: ignore[misc]
        .select_related("lead_unit", "plan")
        .order_by("due", "pk")[:DETAIL_LIMIT]
    )
    open_tasks = []
    for task in tasks:
        status = selectors.task_status(task, today, task.plan.at_risk_margin)
        open_tasks.append(
            {
                **{
                    f: getattr(task, f)
                    for f in ("id", "plan_id", "code", "title", "source_language", "lead_unit")
                },
                "due": task.due,
                "progress": task.progress,
                "status": task.status,  # type: ignore[attr-defined]
                "days_overdue": status.days_overdue,
            }
        )
    plans = (
        plan_policy.visible(user)
        .filter(selectors.plans_on_chain(chain))
        .order_by("-period_start", ordered("name"), "pk")
    )
    meetings = meeting_policy.visible(user).filter(chain=chain).order_by("-starts_at", "pk")
    return {
        **{f: getattr(chain, f) for f in ChainOut.model_fields},
        "translations": translations(chain),
        "version": chain.version,
        "members": members,
        "open_tasks": open_tasks,
        "plans": list(plans[:DETAIL_LIMIT]),
        "meetings": list(meetings[:DETAIL_LIMIT]),
        "may_manage": chain_policy.allows(user, "manage", chain),
    }


# --- endpoints -------------------------------------------------------------------------


@router.get("", response=list[ChainOut], operation_id=_OPERATION_ID.format("chain_list"))
@paginate(Paged)
def chain_list(request: HttpRequest, filters: Query[ChainFilters]) -> models.QuerySet[Chain]:
    """Chains the user may see (roles over the unit that keeps it, its leader or a
    member). ``q`` searches the name and description, in any language, without regard
    to accents or case."""
    chains = _chains().filter(pk__in=chain_policy.visible(request.user).values("pk"))
    chains = matching(chains, filters.q)
    return chains.order_by("-is_active", ordered("name"), "pk")


@router.post("", response={201: ChainDetailOut}, operation_id=_OPERATION_ID.format("chain_create"))
def chain_create(request: HttpRequest, payload: ChainIn) -> Status[dict[str, Any]]:
    """A new chain kept by a unit the user runs, with its members from upstream to
    downstream."""
    user = request.user
    owner = resolve_ref(unit_policy, user, payload.owner_unit_id, "manage", "owner_unit_id")
    leader = resolve_ref(unit_policy, user, payload.leader_unit_id, "view", "leader_unit_id")
    members = [
        resolve_ref(unit_policy, user, pk, "view", "member_unit_ids")
        for pk in payload.member_unit_ids
    ]
    chain = services.chain_create(
        actor=user,
        owner_unit=owner,
        source_language=payload.source_language or content_language(),
        name=_stripped(payload.name),
        leader_unit=leader,
        description=payload.description,
        members=members,
    )
    return Status(201, _detail(chain.pk, user))


@router.get(
    "/{int:chain_id}", response=ChainDetailOut, operation_id=_OPERATION_ID.format("chain_detail")
)
def chain_detail(request: HttpRequest, chain_id: Id) -> dict[str, Any]:
    """The chain, its members in order (the leader marked), its open key tasks, and the
    plans and meetings on it, as far as the user may see them."""
    chain = chain_policy.access(request.user, chain_id)
    return _detail(chain.pk, request.user)


@router.patch(
    "/{int:chain_id}", response=ChainDetailOut, operation_id=_OPERATION_ID.format("chain_update")
)
def chain_update(request: HttpRequest, chain_id: Id, payload: ChainPatch) -> dict[str, Any]:
    """Change the chain's name, leader, description or whether it is active (its
    managers); only the fields sent are changed. The current leader may be kept by an
    editor who could not choose it, as on the form."""
    user = request.user
    chain = chain_policy.access(user, chain_id, "manage")
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    nulls = [k for k, v in changes.items() if v is None]
    if nulls:
        raise ValidationError({name: _("This field cannot be null.") for name in nulls})
    if "name" in changes:
        changes["name"] = _stripped(changes["name"])  # as the form cleans it
    if "leader_unit_id" in changes:
        pk = changes.pop("leader_unit_id")
        changes["leader_unit"] = (
            chain.leader_unit
            if pk == chain.leader_unit_id
            else resolve_ref(unit_policy, user, pk, "view", "leader_unit_id")
        )
    services.chain_update(actor=user, chain=chain, version=version, **changes)
    return _detail(chain.pk, user)


@router.post(
    "/{int:chain_id}/members",
    response={201: ChainDetailOut},
    operation_id=_OPERATION_ID.format("member_add"),
)
def member_add(
    request: HttpRequest, chain_id: Id, payload: ChainMemberIn
) -> Status[dict[str, Any]]:
    """Add a unit at the downstream end of the chain (its managers)."""
    user = request.user
    chain = chain_policy.access(user, chain_id, "manage")
    unit = resolve_ref(unit_policy, user, payload.unit_id, "view", "unit_id")
    services.chain_member_add(actor=user, chain=chain, unit=unit, link=payload.link)
    return Status(201, _detail(chain.pk, user))


@router.post(
    "/{int:chain_id}/reorder",
    response=ChainDetailOut,
    operation_id=_OPERATION_ID.format("members_reorder"),
)
def members_reorder(request: HttpRequest, chain_id: Id, payload: ReorderIn) -> dict[str, Any]:
    """Put the members in a new order (every member unit once, upstream first)."""
    user = request.user
    chain = chain_policy.access(user, chain_id, "manage")
    services.chain_members_reorder(
        actor=user, chain=chain, unit_ids=payload.unit_ids, version=payload.version
    )
    return _detail(chain.pk, user)


@router.delete(
    "/{int:chain_id}/members/{int:member_id}",
    response={204: None},
    operation_id=_OPERATION_ID.format("member_remove"),
)
def member_remove(request: HttpRequest, chain_id: Id, member_id: Id) -> HttpResponse:
    """Take a unit off the chain (its managers); the others close up."""
    user = request.user
    chain = chain_policy.access(user, chain_id, "manage")
    member = get_object_or_404(chain.members, pk=member_id)
    services.chain_member_remove(actor=user, member=member)
    return HttpResponse(status=204)
