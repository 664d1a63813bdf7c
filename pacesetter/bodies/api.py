"""JSON API for bodies (councils, standing boards), their terms and seats: /api/v1/bodies.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Version
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
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import users_visible_to

from .models import Body, BodyMember, BodyTerm, MemberPosition
from .policies import body_policy
from .services import body_create, body_member_add, body_member_end, body_term_create, body_update

router = Router(tags=["bodies"])


def _current_q(prefix: str = "") -> Q:
    today = dt.date.today()
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


def _bodies(user: Any) -> models.QuerySet[Body]:
    """Visible bodies with their owner unit and current seat count, in one query."""
    return (
        body_policy.visible(user)
        .select_related("owner_unit")
        .annotate(member_count=Count("members", filter=_current_q("members__"), distinct=True))
    )


def _current_members(body: Body) -> models.QuerySet[BodyMember]:
    return (
        body.members.filter(_current_q())
        .select_related("user", "unit")
        .order_by("position", "start", "pk")
    )


# --- schemas ---------------------------------------------------------------------------


class BodyRef(Schema):
    """A body as other apps' schemas refer to it."""

    id: Id
    name: str
    source_language: str


class PersonRef(Schema):
    id: Id
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return str(obj.get_full_name())


class TermOut(Schema):
    id: Id
    name: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    start: dt.date
    end: dt.date | None

    @staticmethod
    def resolve_translations(obj: BodyTerm) -> dict[str, dict[str, str]]:
        return translations(obj)


class BodyMemberOut(Schema):
    id: Id
    term_id: Id | None
    user: PersonRef | None
    unit: UnitRef | None
    position: str
    weight: Decimal
    start: dt.date
    end: dt.date | None


class BodyOut(Schema):
    id: Id
    name: str
    source_language: str
    kind: str
    owner_unit: UnitRef
    description: str
    is_active: bool
    member_count: int


class BodyDetailOut(BodyOut):
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT
    terms: list[TermOut]
    members: list[BodyMemberOut]

    @staticmethod
    def resolve_translations(obj: Body) -> dict[str, dict[str, str]]:
        return translations(obj)

    @staticmethod
    def resolve_member_count(obj: Body) -> int:
        return _current_members(obj).count()

    @staticmethod
    def resolve_terms(obj: Body) -> list[BodyTerm]:
        return list(obj.terms.order_by("-start"))

    @staticmethod
    def resolve_members(obj: Body) -> list[BodyMember]:
        return list(_current_members(obj))


class BodyIn(Schema):
    owner_unit_id: Id
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    kind: str
    description: text_input() = ""  # type: ignore[valid-type]


class BodyPatch(Schema):
    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    kind: str | None = None
    description: text_patch() = None  # type: ignore[valid-type]
    is_active: bool | None = None
    version: Version | None = VERSION_IN


class TermIn(Schema):
    source_language: Language | None = Field(
        None, description="The language of the texts; default: the body's."
    )
    name: text_input(150)  # type: ignore[valid-type]
    start: dt.date
    end: dt.date | None = None


class BodyMemberIn(Schema):
    """A seat for a unit (through its representative) or a person: send one of the two ids."""

    unit_id: Id | None = None
    user_id: Id | None = None
    term_id: Id | None = None
    position: str = MemberPosition.MEMBER.value
    weight: Decimal = Decimal("1")
    start: dt.date
    end: dt.date | None = None


class MemberEndIn(Schema):
    end: dt.date


class BodyFilters(Schema):
    q: str = ""
    kind: str = ""
    owner: Id | None = None
    active: bool | None = None


# --- endpoints -------------------------------------------------------------------------


@router.get("", response=list[BodyOut])
@paginate(Paged)
def body_list(request: HttpRequest, filters: Query[BodyFilters]) -> models.QuerySet[Body]:
    """Bodies the user may see, by name, with their current seat count.

    ``q`` searches the name (in any language, accents and case aside); ``kind`` is
    council, standing_board, committee or supervisory_board; ``owner`` keeps bodies of
    that unit's subtree; ``active`` filters on the active flag.
    """
    qs = _bodies(request.user)
    if filters.q.strip():
        qs = matching(qs, filters.q)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.owner:
        owner = resolve_ref(unit_policy, request.user, filters.owner, "view", "owner")
        qs = qs.filter(owner_unit__path__startswith=owner.path)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by(ordered("name"), "pk")


@router.get("/{int:body_id}", response=BodyDetailOut)
def body_detail(request: HttpRequest, body_id: Id) -> Body:
    """One body with all its terms (newest first) and its current seats."""
    return body_policy.access(request.user, body_id)


@router.post("", response={201: BodyDetailOut})
def body_create_endpoint(request: HttpRequest, payload: BodyIn) -> Status[Body]:
    """Set up a body of ``owner_unit_id``; needs the right to manage that unit."""
    data = payload.dict()
    data["source_language"] = data["source_language"] or content_language()
    owner = resolve_ref(
        unit_policy, request.user, data.pop("owner_unit_id"), "manage", "owner_unit_id"
    )
    return Status(201, body_create(actor=request.user, owner_unit=owner, **data))


@router.patch("/{int:body_id}", response=BodyDetailOut)
def body_update_endpoint(request: HttpRequest, body_id: Id, payload: BodyPatch) -> Body:
    """Change a body's details; only the fields sent are changed."""
    body = body_policy.access(request.user, body_id, "update")
    return body_update(actor=request.user, body=body, **payload.dict(exclude_unset=True))


@router.post("/{int:body_id}/terms", response={201: TermOut})
def body_term_create_endpoint(
    request: HttpRequest, body_id: Id, payload: TermIn
) -> Status[BodyTerm]:
    """Add a term of office; terms of one body may not overlap."""
    body = body_policy.access(request.user, body_id, "update")
    return Status(201, body_term_create(actor=request.user, body=body, **payload.dict()))


@router.post("/{int:body_id}/members", response={201: BodyMemberOut})
def body_member_add_endpoint(
    request: HttpRequest, body_id: Id, payload: BodyMemberIn
) -> Status[BodyMember]:
    """Seat a unit or a person on the body, optionally for one of its terms."""
    user = request.user
    body = body_policy.access(user, body_id, "update")
    data = payload.dict()
    unit_id, user_id, term_id = data.pop("unit_id"), data.pop("user_id"), data.pop("term_id")
    if unit_id is not None and user_id is not None:
        raise ValidationError({"unit_id": _("Choose a person or a unit, not both.")})
    unit = (
        resolve_ref(unit_policy, user, unit_id, "view", "unit_id") if unit_id is not None else None
    )
    person = None
    if user_id is not None:
        person = users_visible_to(user).filter(pk=user_id).first()
        if person is None:
            raise ValidationError({"user_id": _("Choose a valid option.")})
    term = None
    if term_id is not None:
        term = body.terms.filter(pk=term_id).first()
        if term is None:
            raise ValidationError({"term_id": _("Choose a valid option.")})
    member = body_member_add(actor=user, body=body, unit=unit, user=person, term=term, **data)
    return Status(201, member)


@router.post("/{int:body_id}/members/{int:member_id}/end", response=BodyMemberOut)
def body_member_end_endpoint(
    request: HttpRequest, body_id: Id, member_id: Id, payload: MemberEndIn
) -> BodyMember:
    """End a seat on ``end``; the seat stays in the history."""
    body = body_policy.access(request.user, body_id, "update")
    member = get_object_or_404(body.members.select_related("user", "unit"), pk=member_id)
    return body_member_end(actor=request.user, member=member, end=payload.end)
