"""JSON API for unit types and the unit tree: /api/v1/unit-types and /api/v1/units.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Quantity, Version
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

from .models import Unit, UnitType
from .policies import unit_policy, unit_type_policy
from .selectors import unit_ancestors, unit_children, unit_country, unit_search, unit_time_zone
from .services import (
    unit_create,
    unit_move,
    unit_publicity_set,
    unit_type_create,
    unit_type_update,
    unit_update,
)

unit_types_router = Router(tags=["unit types"])
router = Router(tags=["units"])


def resolve_unit_for_write(user: Any, pk: int | None, field: str) -> Unit | None:
    """The unit under which the user manages something; ``None`` (a root) is for superusers."""
    if pk is None:
        if not user.is_superuser:
            raise PermissionDenied(_("Only a superuser may create or move a top-level unit."))
        return None
    unit: Unit = resolve_ref(unit_policy, user, pk, "manage", field)
    return unit


# --- schemas ---------------------------------------------------------------------------


SOURCE_LANGUAGE = Field(
    None,
    description="The language the texts are written in (en, vi, zh-hans); a text sent as "
    "a string is in it. Default: the request's language (`?lang=`, else Accept-Language).",
)
TRANSLATIONS = Field(
    description="The recorded values of each translatable field, by language; a missing "
    "language is not translated (the field then shows the source language's text)."
)


class UnitTypeRef(Schema):
    id: Id
    code: str
    name: str


class UnitTypeOut(Schema):
    id: Id
    code: str
    name: str
    description: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    is_active: bool
    version: Version = VERSION_OUT

    @staticmethod
    def resolve_translations(obj: UnitType) -> dict[str, dict[str, str]]:
        return translations(obj)


class UnitTypeIn(Schema):
    code: str
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(150)  # type: ignore[valid-type]
    description: text_input() = ""  # type: ignore[valid-type]


class UnitTypePatch(Schema):
    code: str | None = None
    source_language: Language | None = None
    name: text_patch(150) = None  # type: ignore[valid-type]
    description: text_patch() = None  # type: ignore[valid-type]
    is_active: bool | None = None
    version: Version | None = VERSION_IN


class UnitRef(Schema):
    id: Id
    code: str
    name: str
    short_name: str
    source_language: str


class UnitOut(Schema):
    id: Id
    code: str
    name: str
    short_name: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    parent_id: Id | None
    depth: int
    unit_type: UnitTypeRef
    ownership_type: str
    industry: str
    area: str
    employees: Quantity | None
    members: Quantity | None
    address: str
    time_zone: str = Field(description="Empty: the zone of the unit above it.")
    country: str = Field(description="ISO 3166 alpha-2 (VN, CN); empty: the unit above's.")
    active_from: date | None
    active_to: date | None
    is_active: bool
    version: Version = Field(description="Send it back with a change: a stale one is a 409.")

    @staticmethod
    def resolve_is_active(obj: Unit) -> bool:
        return obj.active_to is None or obj.active_to >= date.today()

    @staticmethod
    def resolve_translations(obj: Unit) -> dict[str, dict[str, str]]:
        return translations(obj)


class UnitChildOut(UnitRef):
    unit_type: UnitTypeRef
    child_count: int


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRef]
    children: list[UnitChildOut]
    effective_time_zone: str = Field(
        description="The zone the unit works in: its own, else that of the nearest unit "
        "above it that has one, else the server's."
    )

    effective_country: str = Field(
        description="The country the unit is in: its own, else that of the nearest unit "
        "above it that has one, else empty (unknown: every award catalog applies)."
    )

    @staticmethod
    def resolve_effective_time_zone(obj: Unit) -> str:
        return unit_time_zone(obj)

    @staticmethod
    def resolve_effective_country(obj: Unit) -> str:
        return unit_country(obj)

    @staticmethod
    def resolve_ancestors(obj: Unit, context: dict[str, Any]) -> list[Unit]:
        return unit_ancestors(context["request"].user, obj)

    @staticmethod
    def resolve_children(obj: Unit, context: dict[str, Any]) -> list[Unit]:
        return list(unit_children(context["request"].user, obj))


class UnitIn(Schema):
    parent_id: Id | None = None
    code: str
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    unit_type_id: Id
    short_name: text_input(100) = ""  # type: ignore[valid-type]
    ownership_type: str = ""
    industry: text_input(150) = ""  # type: ignore[valid-type]
    area: text_input(150) = ""  # type: ignore[valid-type]
    employees: Quantity | None = None
    members: Quantity | None = None
    address: str = ""
    time_zone: str = ""
    country: str = ""
    active_from: date | None = None
    active_to: date | None = None


class UnitPatch(Schema):
    """Only the fields sent are changed. Sending ``parent_id`` moves the unit and its subtree."""

    parent_id: Id | None = None
    code: str | None = None
    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    unit_type_id: Id | None = None
    short_name: text_patch(100) = None  # type: ignore[valid-type]
    ownership_type: str | None = None
    industry: text_patch(150) = None  # type: ignore[valid-type]
    area: text_patch(150) = None  # type: ignore[valid-type]
    employees: Quantity | None = None
    members: Quantity | None = None
    address: str | None = None
    time_zone: str | None = None
    country: str | None = None
    active_from: date | None = None
    active_to: date | None = None
    version: Version | None = Field(
        None, description="The version read; a stale one is a 409 and nothing is changed."
    )


class UnitFilters(Schema):
    q: str = ""
    type: Id | None = None
    parent: Id | None = None
    within: Id | None = None
    active: bool | None = None


# --- unit types ------------------------------------------------------------------------


@unit_types_router.get("", response=list[UnitTypeOut])
@paginate(Paged)
def unit_type_list(
    request: HttpRequest, q: str = "", active: bool | None = None
) -> models.QuerySet[UnitType]:
    """Unit types, by name; ``q`` searches code and name (any language), ``active``
    filters."""
    qs = unit_type_policy.visible(request.user)
    if q:
        qs = matching(qs, q)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by(ordered("name"), "pk")


@unit_types_router.get("/{int:unit_type_id}", response=UnitTypeOut)
def unit_type_detail(request: HttpRequest, unit_type_id: Id) -> UnitType:
    """One unit type."""
    return unit_type_policy.access(request.user, unit_type_id)


@unit_types_router.post("", response={201: UnitTypeOut})
def unit_type_create_endpoint(request: HttpRequest, payload: UnitTypeIn) -> Status[UnitType]:
    """Create a unit type (committee staff of a top-level unit)."""
    if not unit_type_policy.may_create(request.user):
        raise PermissionDenied(_("You do not have permission to do this."))
    data = payload.dict()
    data["source_language"] = data["source_language"] or content_language()
    unit_type = unit_type_create(actor=request.user, **data)
    return Status(201, unit_type)


@unit_types_router.patch("/{int:unit_type_id}", response=UnitTypeOut)
def unit_type_update_endpoint(
    request: HttpRequest, unit_type_id: Id, payload: UnitTypePatch
) -> UnitType:
    """Change a unit type; only the fields sent are changed."""
    unit_type = unit_type_policy.access(request.user, unit_type_id, "update")
    return unit_type_update(
        actor=request.user, unit_type=unit_type, **payload.dict(exclude_unset=True)
    )


# --- units -----------------------------------------------------------------------------


@router.get("", response=list[UnitOut])
@paginate(Paged)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]) -> models.QuerySet[Unit]:
    """Units the user may see, in tree order.

    ``q`` searches code, name and short name; ``type`` is a unit type id; ``parent``
    lists the children of one unit; ``within`` limits to a unit's subtree (the unit
    included); ``active`` keeps only active (true) or ended (false) units.
    """
    within = (
        resolve_ref(unit_policy, request.user, filters.within, "view", "within")
        if filters.within
        else None
    )
    qs = unit_search(
        request.user,
        query=filters.q.strip(),
        unit_type_id=filters.type,
        within=within,
        active=filters.active,
    )
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    return qs


@router.get("/{int:unit_id}", response=UnitDetailOut)
def unit_detail(request: HttpRequest, unit_id: Id) -> Unit:
    """One unit with its visible ancestors (root first) and its visible children."""
    return unit_policy.access(request.user, unit_id)


@router.post("", response={201: UnitDetailOut})
def unit_create_endpoint(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    """Create a unit under ``parent_id``; needs the right to manage the parent.

    Without ``parent_id`` the unit is a new top-level unit, which only a superuser may add.
    """
    data = payload.dict()
    data["source_language"] = data["source_language"] or content_language()
    parent = resolve_unit_for_write(request.user, data.pop("parent_id"), "parent_id")
    unit_type = resolve_ref(
        unit_type_policy, request.user, data.pop("unit_type_id"), "view", "unit_type_id"
    )
    unit = unit_create(actor=request.user, parent=parent, unit_type=unit_type, **data)
    return Status(201, unit)


class UnitPublicityIn(Schema):
    awards: bool | None = Field(
        None, description="The award registry of the decisions it recorded; left out: unchanged."
    )
    coverage: bool | None = Field(
        None, description="The coverage rates of its subtree's register; left out: unchanged."
    )


class UnitPublicityOut(Schema):
    awards: bool = Field(description="Its award registry is on the public pages.")
    coverage: bool = Field(
        description="Its coverage rates are on the public pages (aggregates only)."
    )


@router.put("/{int:unit_id}/public", response=UnitPublicityOut)
def unit_publicity_endpoint(
    request: HttpRequest, unit_id: Id, payload: UnitPublicityIn
) -> dict[str, bool]:
    """Opt the unit's award registry and coverage rates in to the public pages, or out
    (committee staff over the unit; audited)."""
    unit = unit_policy.access(request.user, unit_id, "manage")
    unit = unit_publicity_set(
        actor=request.user, unit=unit, awards=payload.awards, coverage=payload.coverage
    )
    return {"awards": unit.publishes_awards, "coverage": unit.publishes_coverage}


@router.patch("/{int:unit_id}", response=UnitDetailOut)
def unit_update_endpoint(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> Unit:
    """Change a unit; only the fields sent are changed.

    Attributes need the right to update the unit. Sending ``parent_id`` moves the
    unit with its whole subtree, which needs the right to manage both the unit and
    the new parent.
    """
    user = request.user
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version", None)
    sent_parent = "parent_id" in fields
    new_parent_id = fields.pop("parent_id", None)
    unit = unit_policy.access(user, unit_id)
    # Sending the unchanged parent back is not a move, so it needs no "manage" right.
    moving = sent_parent and new_parent_id != unit.parent_id
    needed = []
    if fields or not moving:
        needed.append("update")
    if moving:
        needed.append("manage")
    if not all(unit_policy.allows(user, action, unit) for action in needed):
        raise PermissionDenied(_("You do not have permission to do this."))
    if "unit_type_id" in fields:
        type_id = fields.pop("unit_type_id")
        if type_id is None:
            raise ValidationError({"unit_type_id": _("This field cannot be null.")})
        fields["unit_type"] = resolve_ref(unit_type_policy, user, type_id, "view", "unit_type_id")
    with transaction.atomic():
        if fields or version is not None:
            # First, so that a stale version refuses the move too.
            unit = unit_update(actor=user, unit=unit, version=version, **fields)
        if moving:
            new_parent = resolve_unit_for_write(user, new_parent_id, "parent_id")
            unit = unit_move(actor=user, unit=unit, new_parent=new_parent)
    return unit
