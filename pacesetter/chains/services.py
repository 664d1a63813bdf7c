"""Writes to chains: create, members added in order from upstream to downstream,
reordered, removed. One transaction each, with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.core.translations import Text, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.units.models import Unit

from .models import Chain, ChainMember

#: A chain's texts are given by column (``name_vi``, as forms do) or by name (``name``: a
#: text in the source language, or texts by language), which ``expand`` turns into columns.
CHAIN_TEXTS = ("source_language", *fields_of("name", "description"))
CHAIN_FIELDS = (*CHAIN_TEXTS, "owner_unit", "leader_unit", "is_active")


@transaction.atomic
def chain_create(
    *,
    actor: Any,
    owner_unit: Unit,
    leader_unit: Unit,
    name: str | Text | None = None,
    description: str | Text | None = None,
    members: Iterable[Unit] = (),
    **texts: Any,
) -> Chain:
    """Create a chain; ``members`` are listed from upstream to downstream. ``name`` and
    ``description`` are texts in ``source_language`` (English unless given) or texts by
    language, or their columns are given (``name_vi=``)."""
    texts = expand(
        Chain,
        {"name": name, "description": description, **texts},
        source=texts.get("source_language") or "en",
    )
    unknown = set(texts) - set(CHAIN_TEXTS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    chain = Chain(
        owner_unit=owner_unit,
        leader_unit=leader_unit,
        created_by=actor if getattr(actor, "pk", None) else None,
        **texts,
    )
    audited_create(actor=actor, instance=chain, action="chain.create", fields=CHAIN_FIELDS)
    for unit in members:
        chain_member_add(actor=actor, chain=chain, unit=unit)
    return chain


@transaction.atomic
def chain_update(*, actor: Any, chain: Chain, version: int | None = None, **changes: Any) -> Chain:
    """Change a chain: a text given by name merges its languages (one left out is kept,
    ``""`` clears it). A ``version`` no longer the stored one is refused
    (``core.versions.next_version``)."""
    next_ = next_version(chain, version)
    changes = expand(Chain, changes, source=changes.get("source_language") or chain.source_language)
    return audited_update(
        actor=actor,
        instance=chain,
        action="chain.update",
        changes={**changes, "version": next_},
        allowed=(*CHAIN_TEXTS, "leader_unit", "is_active", "version"),
        fields=CHAIN_FIELDS,
    )


@transaction.atomic
def chain_member_add(*, actor: Any, chain: Chain, unit: Unit, link: str = "") -> ChainMember:
    """Add a unit at the downstream end of the chain."""
    Chain.objects.select_for_update().get(pk=chain.pk)
    if chain.members.filter(unit=unit).exists():
        raise ValidationError({"unit": _("This unit is already on the chain.")})
    last = chain.members.aggregate(m=Max("position"))["m"] or 0
    member = ChainMember(chain=chain, unit=unit, position=last + 1, link=link)
    return audited_create(
        actor=actor, instance=member, action="chain.member_add", fields=("unit", "position", "link")
    )


@transaction.atomic
def chain_member_remove(*, actor: Any, member: ChainMember) -> None:
    chain = Chain.objects.select_for_update().get(pk=member.chain_id)
    audit_record(
        actor=actor,
        action="chain.member_remove",
        target=chain,
        changes={"unit": [member.unit_id, None]},
    )
    member.delete()
    _renumber(chain, list(chain.members.values_list("unit_id", flat=True)))


@transaction.atomic
def chain_members_reorder(
    *, actor: Any, chain: Chain, unit_ids: Sequence[int], version: int | None = None
) -> None:
    """Put the members in the order given (upstream first); every member must be named.
    The order is the chain's: a ``version`` no longer the chain's stored one is refused
    (``core.versions.next_version``), and the new order raises it."""
    next_ = next_version(chain, version)
    chain = Chain.objects.select_for_update().get(pk=chain.pk)
    current = list(chain.members.values_list("unit_id", flat=True))
    if sorted(current) != sorted(unit_ids):
        raise ValidationError(_("Name every unit of the chain exactly once."))
    _renumber(chain, list(unit_ids))
    Chain.objects.filter(pk=chain.pk).update(version=next_)
    audit_record(
        actor=actor,
        action="chain.reorder",
        target=chain,
        changes={"order": [current, list(unit_ids)], "version": [next_ - 1, next_]},
    )


def _renumber(chain: Chain, unit_ids: list[int]) -> None:
    members = {m.unit_id: m for m in chain.members.all()}
    # Two passes so the unique (chain, position) constraint never sees a duplicate.
    offset = len(unit_ids) + 1000
    for index, unit_id in enumerate(unit_ids, start=1):
        members[unit_id].position = offset + index
    ChainMember.objects.bulk_update(members.values(), ["position"])
    for index, unit_id in enumerate(unit_ids, start=1):
        members[unit_id].position = index
    ChainMember.objects.bulk_update(members.values(), ["position"])
