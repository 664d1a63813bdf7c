"""Writes to bodies (councils, standing boards, committees), their terms and members."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.core.translations import Text, expand, fields_of, values
from pacesetter.core.versions import next_version
from pacesetter.units.models import Unit

from .models import Body, BodyMember, BodyTerm, MemberPosition

#: Field names as services take them: a translatable field by its columns (``name_vi``)
#: or by its name (a text in the source language, or texts by language; see ``expand``).
BODY_EDITABLE = (
    "source_language",
    *fields_of("name"),
    "kind",
    *fields_of("description"),
    "is_active",
)
BODY_FIELDS = (*BODY_EDITABLE, "owner_unit")
TERM_FIELDS = ("source_language", *fields_of("name"), "start", "end")


def _check_fields(allowed: tuple[str, ...], fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def body_create(
    *,
    actor: Any,
    owner_unit: Unit,
    kind: str,
    name: str | Text | None = None,
    description: str | Text | None = None,
    **attrs: Any,
) -> Body:
    """A body of ``owner_unit``; ``name`` and ``description`` in the source language (a
    text; English unless ``source_language`` is given) or by language."""
    attrs = expand(
        Body,
        {"name": name, "description": description, **attrs},
        source=attrs.get("source_language") or "en",
    )
    _check_fields(BODY_EDITABLE, attrs)
    return audited_create(
        actor=actor,
        instance=Body(owner_unit=owner_unit, kind=kind, **attrs),
        action="body.create",
        fields=BODY_FIELDS,
    )


@transaction.atomic
def body_update(*, actor: Any, body: Body, version: int | None = None, **fields: Any) -> Body:
    """Change a body: a translatable field given by name merges its languages. A
    ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(body, version)
    fields = expand(Body, fields, source=fields.get("source_language") or body.source_language)
    return audited_update(
        actor=actor,
        instance=body,
        action="body.update",
        changes={**fields, "version": next_},
        allowed=(*BODY_EDITABLE, "version"),
        fields=BODY_FIELDS,
    )


@transaction.atomic
def body_term_create(
    *,
    actor: Any,
    body: Body,
    start: date,
    end: date | None = None,
    name: str | Text | None = None,
    **attrs: Any,
) -> BodyTerm:
    """A term of office of ``body``; its texts take the body's source language unless
    ``source_language`` is given. A name is unique in the body in each language."""
    attrs["source_language"] = attrs.get("source_language") or body.source_language
    attrs = expand(BodyTerm, {"name": name, **attrs}, source=attrs["source_language"])
    _check_fields(TERM_FIELDS, attrs)
    term = BodyTerm(body=body, start=start, end=end, **attrs)
    term.full_clean()
    overlapping = body.terms.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise ValidationError({"start": _("This term overlaps another term of the body.")})
    term.save()
    audit_record(
        actor=actor,
        action="body.term_create",
        target=body,
        changes={"term": [None, {"name": values(term, "name"), "start": start, "end": end}]},
    )
    return term


@transaction.atomic
def body_member_add(
    *,
    actor: Any,
    body: Body,
    start: date,
    user: Any = None,
    unit: Unit | None = None,
    term: BodyTerm | None = None,
    position: str = MemberPosition.MEMBER,
    weight: Decimal = Decimal("1"),
    end: date | None = None,
) -> BodyMember:
    """Seat a person or a unit (through its representative) on the body."""
    if term is not None and term.body_id != body.pk:
        raise ValidationError({"term": _("The term belongs to another body.")})
    if user is None and unit is None:
        raise ValidationError({"unit": _("Choose a person or a unit.")})
    member = BodyMember(
        body=body,
        term=term,
        user=user,
        unit=unit,
        position=position,
        weight=weight,
        start=start,
        end=end,
    )
    member.full_clean()
    clash = body.members.filter(Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        clash = clash.filter(start__lte=end)
    clash = clash.filter(Q(unit=unit) if unit is not None else Q(user=user, unit__isnull=True))
    if clash.exists():
        raise ValidationError({"start": _("This member already has a seat in that period.")})
    member.save()
    audit_record(
        actor=actor,
        action="body.member_add",
        target=body,
        changes={
            "member": [
                None,
                {
                    "user": getattr(user, "pk", None),
                    "unit": getattr(unit, "pk", None),
                    "position": position,
                    "start": start,
                    "end": end,
                },
            ]
        },
    )
    return member


@transaction.atomic
def body_member_end(*, actor: Any, member: BodyMember, end: date) -> BodyMember:
    member = BodyMember.objects.select_for_update().get(pk=member.pk)
    if member.end is not None:
        raise ValidationError({"end": _("This seat has already ended.")})
    if end < member.start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    member.end = end
    member.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="body.member_end",
        target=member.body,
        changes={"member_end": [None, {"member": member.pk, "end": end}]},
    )
    return member
