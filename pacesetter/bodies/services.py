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
from pacesetter.units.models import Unit

from .models import Body, BodyMember, BodyTerm, MemberPosition

BODY_FIELDS = ("name", "kind", "owner_unit", "description", "is_active")


@transaction.atomic
def body_create(
    *, actor: Any, owner_unit: Unit, name: str, kind: str, description: str = ""
) -> Body:
    return audited_create(
        actor=actor,
        instance=Body(owner_unit=owner_unit, name=name, kind=kind, description=description),
        action="body.create",
        fields=BODY_FIELDS,
    )


@transaction.atomic
def body_update(*, actor: Any, body: Body, **fields: Any) -> Body:
    return audited_update(
        actor=actor,
        instance=body,
        action="body.update",
        changes=fields,
        allowed=("name", "kind", "description", "is_active"),
        fields=BODY_FIELDS,
    )


@transaction.atomic
def body_term_create(
    *, actor: Any, body: Body, name: str, start: date, end: date | None = None
) -> BodyTerm:
    term = BodyTerm(body=body, name=name, start=start, end=end)
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
        changes={"term": [None, {"name": name, "start": start, "end": end}]},
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
