"""Writes to clusters, their membership periods and their yearly leaders."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.core.translations import Text, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.decisions.models import Decision
from pacesetter.units.models import Unit

from .models import Cluster, ClusterLeadership, ClusterMembership, LeadershipRole

#: Field names as services take them: a translatable field by its columns (``name_vi``)
#: or by its name (a text in the source language, or texts by language; see ``expand``).
CLUSTER_EDITABLE = (
    "code",
    "source_language",
    *fields_of("name"),
    "decision",
    *fields_of("description"),
    "is_active",
)
CLUSTER_FIELDS = (*CLUSTER_EDITABLE, "owner_unit")


@transaction.atomic
def cluster_create(
    *,
    actor: Any,
    owner_unit: Unit,
    code: str,
    name: str | Text | None = None,
    decision: Decision | None = None,
    description: str | Text | None = None,
    **attrs: Any,
) -> Cluster:
    """A cluster led by ``owner_unit``; ``name`` and ``description`` in the source
    language (a text; English unless ``source_language`` is given) or by language."""
    attrs = expand(
        Cluster,
        {"name": name, "description": description, **attrs},
        source=attrs.get("source_language") or "en",
    )
    unknown = set(attrs) - set(CLUSTER_EDITABLE)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    cluster = Cluster(owner_unit=owner_unit, code=code, decision=decision, **attrs)
    return audited_create(
        actor=actor, instance=cluster, action="cluster.create", fields=CLUSTER_FIELDS
    )


@transaction.atomic
def cluster_update(
    *, actor: Any, cluster: Cluster, version: int | None = None, **fields: Any
) -> Cluster:
    """Change a cluster: a translatable field given by name merges its languages. A
    ``version`` no longer the stored one is refused (``core.versions.next_version``)."""
    next_ = next_version(cluster, version)
    fields = expand(
        Cluster, fields, source=fields.get("source_language") or cluster.source_language
    )
    return audited_update(
        actor=actor,
        instance=cluster,
        action="cluster.update",
        changes={**fields, "version": next_},
        allowed=(*CLUSTER_EDITABLE, "version"),
        fields=CLUSTER_FIELDS,
    )


def _overlapping(cluster: Cluster, unit: Unit, start: date, end: date | None) -> Q:
    q = Q(cluster=cluster, unit=unit) & (Q(end__isnull=True) | Q(end__gte=start))
    if end is not None:
        q &= Q(start__lte=end)
    return q


@transaction.atomic
def cluster_member_add(
    *, actor: Any, cluster: Cluster, unit: Unit, start: date, end: date | None = None
) -> ClusterMembership:
    """Add a membership period; a unit's periods in one cluster may not overlap."""
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()  # serialize adds
    membership = ClusterMembership(cluster=cluster, unit=unit, start=start, end=end)
    membership.full_clean()
    if ClusterMembership.objects.filter(_overlapping(cluster, unit, start, end)).exists():
        raise ValidationError(
            {
                "start": _("%(unit)s is already a member of this cluster in that period.")
                % {"unit": unit}
            }
        )
    if unit.active_to is not None and unit.active_to < start:
        raise ValidationError({"unit": _("%(unit)s is no longer active.") % {"unit": unit}})
    membership.save()
    audit_record(
        actor=actor,
        action="cluster.member_add",
        target=cluster,
        changes={"member": [None, {"unit": unit.pk, "start": start, "end": end}]},
    )
    return membership


@transaction.atomic
def cluster_member_end(
    *, actor: Any, membership: ClusterMembership, end: date
) -> ClusterMembership:
    """Close a membership period; the period stays in the history."""
    membership = ClusterMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.end is not None:
        raise ValidationError({"end": _("This membership has already ended.")})
    if end < membership.start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    membership.end = end
    membership.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="cluster.member_end",
        target=membership.cluster,
        changes={"member_end": [None, {"unit": membership.unit_id, "end": end}]},
    )
    return membership


def _member_during_year(cluster: Cluster, unit: Unit, year: int) -> bool:
    return ClusterMembership.objects.filter(
        Q(cluster=cluster, unit=unit, start__lte=date(year, 12, 31))
        & (Q(end__isnull=True) | Q(end__gte=date(year, 1, 1)))
    ).exists()


@transaction.atomic
def cluster_leader_set(
    *,
    actor: Any,
    cluster: Cluster,
    year: int,
    role: str,
    unit: Unit,
    assigned_on: date,
    note: str = "",
) -> ClusterLeadership:
    """Make ``unit`` the cluster's leader or deputy for ``year``.

    The previous holder of the post, if any, is ended on ``assigned_on`` and kept,
    so the rotation history is complete. The unit must be a member that year and
    cannot hold both posts at once.
    """
    if role not in LeadershipRole.values:
        raise ValidationError({"role": _("Choose leader or deputy leader.")})
    if not 1900 <= year <= 2200:
        raise ValidationError({"year": _("Enter a valid year.")})
    if not _member_during_year(cluster, unit, year):
        raise ValidationError(
            {
                "unit": _("%(unit)s is not a member of the cluster in %(year)s.")
                % {"unit": unit, "year": year}
            }
        )
    current = {
        c.role: c
        for c in ClusterLeadership.objects.select_for_update().filter(
            cluster=cluster, year=year, ended_on__isnull=True
        )
    }
    other_role = LeadershipRole.DEPUTY if role == LeadershipRole.LEADER else LeadershipRole.LEADER
    if other_role in current and current[other_role].unit_id == unit.pk:
        raise ValidationError(
            {
                "unit": _("%(unit)s already holds the other post for %(year)s.")
                % {"unit": unit, "year": year}
            }
        )
    previous = current.get(role)
    if previous is not None:
        if previous.unit_id == unit.pk:
            return previous
        if assigned_on < previous.assigned_on:
            raise ValidationError(
                {"assigned_on": _("The new holder cannot start before the current one did.")}
            )
        previous.ended_on = assigned_on
        previous.save(update_fields=["ended_on"])
    leadership = ClusterLeadership(
        cluster=cluster, year=year, role=role, unit=unit, assigned_on=assigned_on, note=note
    )
    leadership.full_clean()
    leadership.save()
    audit_record(
        actor=actor,
        action="cluster.leader_set",
        target=cluster,
        changes={
            f"{role}_{year}": [previous.unit_id if previous else None, unit.pk],
        },
    )
    return leadership
