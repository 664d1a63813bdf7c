"""Writes to the register of people (the people of a unit who can receive personal
awards) and their positions over time. Each write is one transaction with its audit
entries; a person's current unit (``Person.unit``) follows their current position in
the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update, snapshot
from pacesetter.core.dates import check_not_after
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.translations import Text, expand, fields_of, refresh_search_key
from pacesetter.core.versions import next_version
from pacesetter.units.models import Unit

from .models import Person, PersonPosition

#: What the register records of a person, and what a screen or the API may change (the
#: unit changes only with a new position: :func:`position_add`).
PERSON_FIELDS = ("full_name", "unit", "service_start")
PERSON_EDITABLE = ("full_name", "service_start")
#: A position's recorded fields; its person and unit are set once.
POSITION_EDITABLE = ("source_language", *fields_of("title"), "start", "end")
POSITION_FIELDS = ("person", "unit", *POSITION_EDITABLE)


def _name(full_name: str) -> str:
    """The name as recorded: spaces collapsed (the import finds people by it)."""
    return " ".join((full_name or "").split())


def _not_future(field: str, day: date | None) -> None:
    if day is not None:
        check_not_after(field, day, _("The register records what has happened: not after today."))


def _overlaps(person: Person, start: date, end: date | None, *, exclude: list[int]) -> bool:
    """Whether another position of ``person`` covers a day from ``start`` to ``end`` (a
    position without a recorded start counts from the beginning)."""
    others = person.positions.exclude(pk__in=exclude)
    others = others.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        others = others.filter(Q(start__isnull=True) | Q(start__lte=end))
    return others.exists()


def _overlap_error() -> FieldRuleError:
    return FieldRuleError(
        "start",
        _("This person held another position then: positions do not overlap."),
        code="position_overlap",
    )


def _position_new(
    *,
    actor: Any,
    person: Person,
    unit: Unit,
    start: date | None,
    end: date | None,
    source_language: str | None,
    title: Text | str | None,
    texts: dict[str, Any],
) -> PersonPosition:
    source = source_language or unit.source_language or "en"
    columns = expand(PersonPosition, {"title": title, **texts}, source=source)
    unknown = set(columns) - set(fields_of("title"))
    if unknown:
        raise TypeError(f"unknown fields {', '.join(sorted(unknown))}")
    position = PersonPosition(
        person=person, unit=unit, source_language=source, start=start, end=end, **columns
    )
    return audited_create(
        actor=actor, instance=position, action="person.position_add", fields=POSITION_FIELDS
    )


@transaction.atomic
def person_create(
    *,
    actor: Any,
    unit: Unit,
    full_name: str,
    service_start: date | None = None,
    title: Text | str | None = None,
    start: date | None = None,
    source_language: str | None = None,
    source: str = "",
    **texts: Any,
) -> Person:
    """Record a person of ``unit`` who can receive personal awards, holding a position
    there from ``start`` (unrecorded when not given) titled ``title`` (a text in
    ``source_language``, by default the unit's, or texts by language, or the columns
    ``title_vi=``; it may be empty).

    The register keeps only what an award dossier needs: the name, the unit and
    position over time, the start of service. The ``person.create`` entry records the
    name and the unit, and ``source`` (e.g. "import") when the person was added by
    something other than a screen; the position has its own entry."""
    _not_future("service_start", service_start)
    _not_future("start", start)
    person = Person(unit=unit, full_name=_name(full_name), service_start=service_start)
    person.full_clean()
    refresh_search_key(person)
    person.save()
    changes: dict[str, list[Any]] = {
        "full_name": [None, person.full_name],
        "unit": [None, unit.pk],
    }
    if service_start is not None:
        changes["service_start"] = [None, service_start.isoformat()]
    if source:
        changes["source"] = [None, source]
    audit_record(actor=actor, action="person.create", target=person, changes=changes)
    _position_new(
        actor=actor,
        person=person,
        unit=unit,
        start=start,
        end=None,
        source_language=source_language,
        title=title,
        texts=texts,
    )
    return person


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, version: int | None = None, **changes: Any
) -> Person:
    """Change a person's name or start of service (``PERSON_EDITABLE``); the unit
    changes with a new position (:func:`position_add`). A ``version`` no longer the
    stored one is refused (``core.versions.next_version``)."""
    changes["version"] = next_version(person, version)
    if "full_name" in changes:
        changes = {**changes, "full_name": _name(changes["full_name"])}
    _not_future("service_start", changes.get("service_start"))
    return audited_update(
        actor=actor,
        instance=person,
        action="person.update",
        changes=changes,
        allowed=(*PERSON_EDITABLE, "version"),
        fields=PERSON_FIELDS,
    )


@transaction.atomic
def position_add(
    *,
    actor: Any,
    person: Person,
    unit: Unit,
    start: date,
    end: date | None = None,
    title: Text | str | None = None,
    source_language: str | None = None,
    **texts: Any,
) -> PersonPosition:
    """Add a position of ``person`` in ``unit`` from ``start``.

    Without ``end`` it is the person's new current position: the current one ends on
    the day before ``start`` (which must be after the current one's start,
    ``start_not_after_current``), and the person's unit becomes ``unit`` (moving to
    another unit is this). With ``end`` it is a past position, recorded for the
    history; it leaves the current one as it is. Positions never overlap
    (``position_overlap``); neither date is after today (``date_in_future``)."""
    if start is None:
        raise ValidationError({"start": _("Give the day the position starts.")})
    _not_future("start", start)
    _not_future("end", end)
    if end is not None and end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    ended: list[int] = []
    if end is None:
        current = person.positions.select_for_update().filter(end__isnull=True).first()
        if current is not None:
            if current.start is not None and start <= current.start:
                raise FieldRuleError(
                    "start",
                    _("The new position starts after the current one, which started on %(date)s.")
                    % {"date": formats.date_format(current.start, "DATE_FORMAT")},
                    code="start_not_after_current",
                )
            ended.append(current.pk)
    if _overlaps(person, start, end, exclude=ended):
        raise _overlap_error()
    for pk in ended:
        current = PersonPosition.objects.get(pk=pk)
        audited_update(
            actor=actor,
            instance=current,
            action="person.position_end",
            changes={"end": start - timedelta(days=1)},
            allowed=POSITION_EDITABLE,
            fields=POSITION_FIELDS,
        )
    position = _position_new(
        actor=actor,
        person=person,
        unit=unit,
        start=start,
        end=end,
        source_language=source_language,
        title=title,
        texts=texts,
    )
    if end is None and person.unit_id != unit.pk:
        before = snapshot(person, ["unit"])
        person.unit = unit
        person.save(update_fields=["unit"])
        audit_record(
            actor=actor,
            action="person.move",
            target=person,
            changes={"unit": [before["unit"], unit.pk]},
        )
    return position


@transaction.atomic
def position_update(
    *, actor: Any, position: PersonPosition, version: int | None = None, **changes: Any
) -> PersonPosition:
    """Correct a position's title, source language or dates (``POSITION_EDITABLE``; the
    title merges by language, as every translatable text). Giving the current position
    an end leaves the person without a current one (their unit stays the last one);
    reopening a position while another is current is refused. Positions never overlap
    (``position_overlap``). A ``version`` no longer the stored one is refused
    (``core.versions.next_version``)."""
    next_ = next_version(position, version)
    position = (
        PersonPosition.objects.select_for_update().select_related("person").get(pk=position.pk)
    )
    changes = expand(
        PersonPosition,
        changes,
        source=changes.get("source_language") or position.source_language,
    )
    _not_future("start", changes.get("start"))
    _not_future("end", changes.get("end"))
    start = changes.get("start", position.start)
    end = changes.get("end", position.end)
    if start is not None and end is not None and end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    if ("start" in changes or "end" in changes) and _overlaps(
        position.person, start or date.min, end, exclude=[position.pk]
    ):
        raise _overlap_error()
    return audited_update(
        actor=actor,
        instance=position,
        action="person.position_update",
        changes={**changes, "version": next_},
        allowed=(*POSITION_EDITABLE, "version"),
        fields=POSITION_FIELDS,
    )
