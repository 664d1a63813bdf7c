"""Writes to campaigns: creation, phases, review points, participants, pacts, states."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.selectors import cluster_members
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.translations import Text, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.units.models import Unit

from .checks import pact_checks
from .models import (
    Campaign,
    CampaignPhase,
    CampaignState,
    ClusterPact,
    Participant,
    ReviewPoint,
    TieBreak,
)
from .workflows import campaign_workflow

#: Field names as services take them: each translatable field is given by its columns
#: (``name_vi``), or by its name (``name``: a text in the source language, or a mapping
#: of texts by language), which :func:`expand` turns into columns.
CAMPAIGN_FIELDS = (
    "code",
    "source_language",
    *fields_of("name"),
    "kind",
    "organizing_level",
    "organizer",
    "start",
    "end",
    "scoring_table",
    "predecessor",
    "registration_due",
    "tie_breaks",
    *fields_of("description"),
)
EDITABLE = tuple(f for f in CAMPAIGN_FIELDS if f != "organizer")


def _check_tie_breaks(tie_breaks: Any) -> None:
    if not isinstance(tie_breaks, list) or any(t not in TieBreak.values for t in tie_breaks):
        raise ValidationError({"tie_breaks": _("Choose tie-breaks from the list.")})
    if len(set(tie_breaks)) != len(tie_breaks):
        raise ValidationError({"tie_breaks": _("Each tie-break can be used once.")})


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    organizer: Unit,
    code: str,
    start: date,
    end: date,
    name: str | Text | None = None,
    **fields: Any,
) -> Campaign:
    """A campaign; ``name`` and ``description`` in the ``source_language`` (English unless
    given) as a text, by language as a mapping, or as columns."""
    source = fields.get("source_language") or "en"
    fields = expand(Campaign, {"name": name, **fields}, source=source)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    campaign = Campaign(organizer=organizer, code=code, start=start, end=end, **fields)
    _check_tie_breaks(campaign.tie_breaks)
    return audited_create(
        actor=actor, instance=campaign, action="campaign.create", fields=CAMPAIGN_FIELDS
    )


@transaction.atomic
def campaign_update(
    *, actor: Any, campaign: Campaign, version: int | None = None, **fields: Any
) -> Campaign:
    """Change a campaign's details (``EDITABLE``); not once it is closed, its scoring
    table only while drafting. A ``version`` no longer the stored one is refused
    (``core.versions.next_version``)."""
    next_ = next_version(campaign, version)
    if campaign.state == CampaignState.CLOSED:
        raise ValidationError(_("A closed campaign cannot change."))
    if "scoring_table" in fields and (
        campaign.state != CampaignState.DRAFT or campaign.registrations.exists()
    ):
        raise ValidationError(
            {
                "scoring_table": _(
                    "The scoring table can change only while drafting, before any unit "
                    "has registered."
                )
            }
        )
    if "tie_breaks" in fields:
        _check_tie_breaks(fields["tie_breaks"])
    fields = expand(
        Campaign, fields, source=fields.get("source_language") or campaign.source_language
    )
    return audited_update(
        actor=actor,
        instance=campaign,
        action="campaign.update",
        changes={**fields, "version": next_},
        allowed=(*EDITABLE, "version"),
        fields=CAMPAIGN_FIELDS,
    )


@transaction.atomic
def campaign_publicity_set(*, actor: Any, campaign: Campaign, public: bool) -> Campaign:
    """Show the campaign on its public page (``public``) or take it off. Allowed in
    every state, a closed campaign's included (its published rankings are what the public
    reads); the page shows only published review points' rankings. Audited
    (``campaign.publicity``); setting what is already set writes no entry."""
    return audited_update(
        actor=actor,
        instance=campaign,
        action="campaign.publicity",
        changes={"is_public": bool(public)},
        allowed=("is_public",),
        fields=("is_public",),
    )


def _name_columns(
    model: type[CampaignPhase | ReviewPoint], name: Any, columns: dict[str, str], source: str
) -> dict[str, Any]:
    texts = expand(model, {"name": name, **columns}, source=source)
    unknown = set(texts) - set(fields_of("name"))
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return texts


@transaction.atomic
def phase_add(
    *,
    actor: Any,
    campaign: Campaign,
    start: date,
    end: date,
    name: str | Text | None = None,
    source_language: str | None = None,
    **columns: str,
) -> CampaignPhase:
    """A phase; its source language is the campaign's unless given; ``name`` a text in
    it, a mapping by language, or the columns (``name_vi=``)."""
    if start < campaign.start or end > campaign.end:
        raise ValidationError({"start": _("A phase lies within the campaign's period.")})
    source = source_language or campaign.source_language
    position = campaign.phases.count()
    phase = CampaignPhase(
        campaign=campaign,
        source_language=source,
        start=start,
        end=end,
        position=position,
        **_name_columns(CampaignPhase, name, columns, source),
    )
    phase.full_clean()
    phase.save()
    audit_record(
        actor=actor,
        action="campaign.phase_add",
        target=campaign,
        changes={"phase": [None, phase.name]},
    )
    return phase


@transaction.atomic
def review_point_add(
    *,
    actor: Any,
    campaign: Campaign,
    code: str,
    period_end: date,
    due: date,
    name: str | Text | None = None,
    source_language: str | None = None,
    **columns: str,
) -> ReviewPoint:
    """A review point; its source language is the campaign's unless given; ``name`` a
    text in it, a mapping by language, or the columns (``name_vi=``)."""
    if campaign.state == CampaignState.CLOSED:
        raise ValidationError(_("A closed campaign cannot change."))
    if not campaign.start <= period_end <= campaign.end:
        raise ValidationError({"period_end": _("The review period ends within the campaign.")})
    if due < period_end:
        raise ValidationError({"due": _("Reports are due after the period they cover ends.")})
    source = source_language or campaign.source_language
    review_point = ReviewPoint(
        campaign=campaign,
        code=code,
        source_language=source,
        period_end=period_end,
        due=due,
        position=campaign.review_points.count(),
        **_name_columns(ReviewPoint, name, columns, source),
    )
    review_point.full_clean()
    review_point.save()
    audit_record(
        actor=actor,
        action="campaign.review_point_add",
        target=campaign,
        changes={"review_point": [None, code]},
    )
    return review_point


@transaction.atomic
def participant_add(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    cluster: Cluster | None = None,
    is_pilot: bool = False,
) -> Participant:
    if campaign.state not in (CampaignState.DRAFT, CampaignState.REGISTRATION):
        raise ValidationError(_("Units join a campaign before it runs."))
    if campaign.participants.filter(unit=unit).exists():
        raise ValidationError({"unit": _("%(unit)s already takes part.") % {"unit": unit}})
    if (
        cluster is not None
        and ClusterPact.objects.filter(campaign=campaign, cluster=cluster).exists()
    ):
        raise ValidationError(
            {
                "cluster": _("The pact of %(cluster)s is signed; a unit cannot join it now.")
                % {"cluster": cluster}
            }
        )
    if (
        cluster is not None
        and not cluster_members(cluster, on=campaign.start).filter(unit=unit).exists()
        and not cluster_members(cluster).filter(unit=unit).exists()
    ):
        raise ValidationError(
            {
                "cluster": _("%(unit)s is not a member of %(cluster)s.")
                % {"unit": unit, "cluster": cluster}
            }
        )
    participant = Participant.objects.create(
        campaign=campaign, unit=unit, cluster=cluster, is_pilot=is_pilot
    )
    audit_record(
        actor=actor,
        action="campaign.participant_add",
        target=campaign,
        changes={"participant": [None, unit.code]},
    )
    return participant


@transaction.atomic
def cluster_join(*, actor: Any, campaign: Campaign, cluster: Cluster) -> list[Participant]:
    """Add a cluster's current members (on the campaign's start, or today's members)."""
    members = list(cluster_members(cluster, on=campaign.start)) or list(cluster_members(cluster))
    joined = []
    for membership in members:
        if not campaign.participants.filter(unit=membership.unit).exists():
            joined.append(
                participant_add(
                    actor=actor, campaign=campaign, unit=membership.unit, cluster=cluster
                )
            )
    return joined


@transaction.atomic
def pact_sign(
    *,
    actor: Any,
    campaign: Campaign,
    cluster: Cluster,
    signed_on: date,
    signer_unit: Unit,
    document: File | None = None,
) -> ClusterPact:
    """The cluster leader signs the pact while registration is open; the cluster's
    registrations lock. The rules of :data:`~pacesetter.campaigns.checks.pact_checks` hold
    first (scoring's: each unit of the cluster has registered its targets). The
    ``document``, if any, is stored with the row (``core.files.upload_stored``)."""
    if campaign.state != CampaignState.REGISTRATION:
        raise ValidationError(_("Pacts are signed while registration is open."))
    if not campaign.participants.filter(cluster=cluster).exists():
        raise ValidationError(
            _("%(cluster)s does not take part in this campaign.") % {"cluster": cluster}
        )
    if ClusterPact.objects.filter(campaign=campaign, cluster=cluster).exists():
        raise ValidationError(_("This cluster's pact is already signed."))
    if (
        signer_unit.pk != cluster.owner_unit_id
        and not campaign.participants.filter(cluster=cluster, unit=signer_unit).exists()
    ):
        raise ValidationError(
            {"signer_unit": _("The pact is signed by a unit of the cluster or its lead body.")}
        )
    pact_checks.run(campaign, cluster)
    pact = ClusterPact(
        campaign=campaign,
        cluster=cluster,
        signed_on=signed_on,
        signer_unit=signer_unit,
        signed_by=actor if getattr(actor, "pk", None) else None,
    )
    if document is not None:
        check_upload(document, field="document")
    pact.full_clean()
    with upload_stored(pact, "document", document) if document is not None else nullcontext():
        pact.save()
        audit_record(
            actor=actor,
            action="campaign.pact_sign",
            target=campaign,
            changes={"pact": [None, {"cluster": cluster.code, "signed_on": signed_on}]},
        )
    return pact


@transaction.atomic
def campaign_transition(*, actor: Any, campaign: Campaign, to_state: str) -> Campaign:
    """Move the campaign to ``to_state`` if :data:`campaign_workflow` has the move from
    its state and the move's rule holds (``invalid_transition`` or the rule's code)."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("scoring_table")
        .get(pk=campaign.pk)
    )
    campaign_workflow.check(campaign, to_state)
    from_state = campaign.state
    campaign.state = to_state
    campaign.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="campaign.transition",
        target=campaign,
        changes={"state": [from_state, to_state]},
    )
    return campaign
