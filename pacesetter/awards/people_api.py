"""JSON API of the register of people, at /api/v1/awards/people (beside the award
catalog; /api/v1/people is the accounts' "People and roles"): people and their
positions, read and written through the same selectors, services and policy as the
screens.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Version
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import Language, content_language, text_input, text_patch
from pacesetter.core.translations import translations as texts_of
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.policies import unit_policy

from . import people_selectors as selectors
from .models import Person, PersonPosition, ProposalState
from .people_services import person_create, person_update, position_add, position_update
from .policies import person_policy

people_router = Router(tags=["people register"])


# --- schemas -------------------------------------------------------------------------


def current_title(person: Person | dict[str, Any]) -> str:
    """The title of the person's current position (in the request's language, else its
    source), read from ``person.current`` when the list prefetched it."""
    if isinstance(person, dict):  # a detail answer built as a dict
        return str(person.get("position_title", ""))
    current = getattr(person, "current", None)
    if current is None:
        position = person.positions.filter(end__isnull=True).first()
    else:
        position = current[0] if current else None
    return position.title if position is not None else ""


class AwardPersonRef(Schema):
    """A person of the register; ``position_title`` is the current position's."""

    id: Id
    full_name: str
    position_title: str
    unit: UnitRef

    @staticmethod
    def resolve_position_title(obj: Person | dict[str, Any]) -> str:
        return current_title(obj)


class PositionOut(Schema):
    """``title`` is in the request's language, else the position's source language."""

    id: Id
    unit: UnitRef
    title: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    start: dt.date | None = Field(description="Null: since a date the register does not know.")
    end: dt.date | None = Field(description="Null: held now.")
    version: Version = VERSION_OUT

    @staticmethod
    def resolve_translations(obj: PersonPosition) -> dict[str, dict[str, str]]:
        return texts_of(obj)


class PersonOut(AwardPersonRef):
    service_start: dt.date | None = Field(
        description="In service since (rules of years of service read it; null: since the "
        "first recorded position)."
    )


class PersonGrantOut(Schema):
    id: Id
    award_id: Id
    award_name: str
    year: int
    certificate_number: str
    revoked_at: dt.datetime | None


class PersonCandidacyOut(Schema):
    proposal_id: Id
    award_name: str
    year: int
    state: ProposalState
    eligible: bool | None


class PersonDetailOut(PersonOut):
    version: Version = VERSION_OUT
    positions: list[PositionOut]
    grants: list[PersonGrantOut] = Field(description="The awards granted, newest first.")
    proposals: list[PersonCandidacyOut] = Field(
        description="The proposals naming the person that the user may see, newest first."
    )
    allowed_actions: list[str] = Field(description="`update`: name, service and positions.")


class PeopleFilters(Schema):
    q: str = Field("", max_length=200, description="Part of the name (accents and case aside).")
    unit_id: Id | None = Field(None, description="The people of one unit (its register).")


class AwardPersonIn(Schema):
    """A person of a unit the user may update (its officers, committee staff above it),
    holding a position there from ``start`` (unrecorded when left out)."""

    unit_id: Id
    full_name: str = Field(max_length=200)
    service_start: dt.date | None = None
    source_language: Language | None = SOURCE_LANGUAGE
    title: text_input(200) = ""  # type: ignore[valid-type]
    start: dt.date | None = None


class PersonPatch(Schema):
    """Only the fields sent are changed; the unit changes with a new position."""

    full_name: str | None = Field(None, max_length=200)
    service_start: dt.date | None = None
    version: Version | None = VERSION_IN


class PositionIn(Schema):
    """Without ``end``: the person's new current position (the current one ends the day
    before ``start``; another ``unit_id`` moves the person). With ``end``: a past one."""

    unit_id: Id
    start: dt.date
    end: dt.date | None = None
    source_language: Language | None = SOURCE_LANGUAGE
    title: text_input(200) = ""  # type: ignore[valid-type]


class PositionPatch(Schema):
    """Only the fields sent are changed; the title merges by language."""

    source_language: Language | None = None
    title: text_patch(200) = None  # type: ignore[valid-type]
    start: dt.date | None = None
    end: dt.date | None = None
    version: Version | None = VERSION_IN


# --- helpers -------------------------------------------------------------------------


def _person(user: Any, person_id: int, action: str = "view") -> Person:
    person = person_policy.access(user, person_id, action)
    return Person.objects.select_related("unit").get(pk=person.pk)


def _detail(user: Any, person: Person) -> dict[str, Any]:
    history = selectors.person_award_history(user, person)
    allowed = person_policy.allowed_actions(user, [person]).get(person.pk, frozenset())
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "position_title": current_title(person),
        "unit": person.unit,
        "service_start": person.service_start,
        "version": person.version,
        "positions": selectors.person_positions(person),
        "grants": [
            {
                "id": g.pk,
                "award_id": g.award_id,
                "award_name": g.award.name,
                "year": g.year,
                "certificate_number": g.certificate_number,
                "revoked_at": g.revoked_at,
            }
            for g in history.grants
        ],
        "proposals": [
            {
                "proposal_id": c.proposal_id,
                "award_name": c.proposal.award.name,
                "year": c.proposal.year,
                "state": c.proposal.state,
                "eligible": c.eligible,
            }
            for c in history.candidacies
        ],
        "allowed_actions": [a for a in person_policy.actions if a in allowed and a != "view"],
    }


def _unit_for_people(user: Any, unit_id: int, field: str) -> Any:
    """A unit the user may add people to (an unseen one is an invalid ``field``)."""
    unit = resolve_ref(unit_policy, user, unit_id, "view", field)
    if not person_policy.may_add_to(user, unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    return unit


# --- endpoints -----------------------------------------------------------------------


@people_router.get("", response=list[PersonOut])
@paginate(Paged)
def person_list(request: HttpRequest, filters: Query[PeopleFilters]) -> models.QuerySet[Person]:
    """The people the user may see (roles over their unit), by name; ``unit_id`` gives
    one unit's register (403 for a unit seen whose people are not the user's to read)."""
    user = request.user
    unit = None
    if filters.unit_id is not None:
        unit = resolve_ref(unit_policy, user, filters.unit_id, "view", "unit_id")
        if not person_policy.may_read_register(user, unit):
            raise PermissionDenied(_("You do not have permission to do this."))
    return selectors.people_search(user, unit=unit, q=filters.q)


@people_router.post("", response={201: PersonDetailOut})
def award_person_create_endpoint(
    request: HttpRequest, payload: AwardPersonIn
) -> Status[dict[str, Any]]:
    """Record a person of a unit (its officers and the committee staff above it), as the
    screen and the import of past awards do."""
    user = request.user
    data = payload.dict()
    unit = _unit_for_people(user, data.pop("unit_id"), "unit_id")
    data["source_language"] = data["source_language"] or content_language()
    person = person_create(actor=user, unit=unit, source="api", **data)
    return Status(201, _detail(user, _person(user, person.pk)))


@people_router.get("/{int:person_id}", response=PersonDetailOut)
def person_detail(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    """A person with their positions over time and their award history."""
    return _detail(request.user, _person(request.user, person_id))


@people_router.patch("/{int:person_id}", response=PersonDetailOut)
def person_update_endpoint(
    request: HttpRequest, person_id: Id, payload: PersonPatch
) -> dict[str, Any]:
    user = request.user
    person = _person(user, person_id, "update")
    changes = payload.dict(exclude_unset=True)
    if "full_name" in changes and changes["full_name"] is None:
        raise ValidationError({"full_name": _("This field cannot be null.")})
    person_update(actor=user, person=person, **changes)
    return _detail(user, _person(user, person.pk))


@people_router.get("/{int:person_id}/positions", response=list[PositionOut])
def position_list(request: HttpRequest, person_id: Id) -> list[PersonPosition]:
    return selectors.person_positions(_person(request.user, person_id))


@people_router.post("/{int:person_id}/positions", response={201: PositionOut})
def position_add_endpoint(
    request: HttpRequest, person_id: Id, payload: PositionIn
) -> Status[PersonPosition]:
    """A new position, in the person's unit or another (moving there needs the right to
    add people to both)."""
    user = request.user
    person = _person(user, person_id, "update")
    data = payload.dict()
    unit = _unit_for_people(user, data.pop("unit_id"), "unit_id")
    data["source_language"] = data["source_language"] or content_language()
    position = position_add(actor=user, person=person, unit=unit, **data)
    return Status(201, PersonPosition.objects.select_related("unit").get(pk=position.pk))


@people_router.patch("/{int:person_id}/positions/{int:position_id}", response=PositionOut)
def position_update_endpoint(
    request: HttpRequest, person_id: Id, position_id: Id, payload: PositionPatch
) -> PersonPosition:
    user = request.user
    person = _person(user, person_id, "update")
    position = person.positions.filter(pk=position_id).first()
    if position is None:
        raise Http404(_("Not found."))
    changes = payload.dict(exclude_unset=True)
    if "source_language" in changes and changes["source_language"] is None:
        raise ValidationError({"source_language": _("This field cannot be null.")})
    if changes.get("title", "") is None:
        changes.pop("title")
    position = position_update(actor=user, position=position, **changes)
    return PersonPosition.objects.select_related("unit").get(pk=position.pk)
