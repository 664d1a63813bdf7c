"""The campaign's page and its set-up forms, which combine campaigns and scoring.

The page shows the campaign with its scoring table, its review points (with their
rankings and score sheets), its participants by cluster with their pacts and
registration progress, and the amendments waiting for the committee; creating and
editing a campaign chooses its scoring table among those the user may see. Campaigns
sits below scoring, so these pages live here, at the URLs and names they always had
(``campaigns:detail``, ``campaigns:create``, ``campaigns:edit``).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.campaigns import services
from pacesetter.campaigns.forms import CampaignCreateForm, CampaignForm
from pacesetter.campaigns.models import (
    REGISTRATION_OPEN,
    Campaign,
    CampaignState,
    Participant,
    ReviewPointState,
    TieBreak,
)
from pacesetter.campaigns.policies import campaign_policy, participant_policy
from pacesetter.campaigns.workflows import campaign_workflow, review_point_workflow
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.translations import ordered
from pacesetter.core.views import add_service_errors, form_page
from pacesetter.scoring.models import AmendmentState, TargetAmendment
from pacesetter.scoring.policies import scoring_table_policy
from pacesetter.scoring.selectors import registration_gaps
from pacesetter.units.policies import unit_policy


def _breadcrumb(campaign: Campaign | None) -> list[dict[str, str]]:
    breadcrumb = [{"url": reverse("campaigns:list"), "label": _("Campaigns")}]
    if campaign is not None:
        breadcrumb.append(
            {"url": reverse("campaigns:detail", args=[campaign.pk]), "label": campaign.name}
        )
    return breadcrumb


# --- Set-up -------------------------------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    organizers = unit_policy.visible(user, "manage").order_by("path")
    if not organizers.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = CampaignCreateForm(
        request.POST or None,
        organizers=organizers,
        tables=scoring_table_policy.visible(user).select_related("owner_unit"),
        predecessors=campaign_policy.visible(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=user, organizer=form.cleaned_data["organizer"], **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"tie_breaks": "tie_break_1"})
        else:
            messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
            return redirect("campaigns:detail", campaign.pk)
    return form_page(
        request,
        form,
        title=_("New campaign"),
        submit_label=_("Create campaign"),
        cancel_url=reverse("campaigns:list"),
        breadcrumb=_breadcrumb(None),
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    tables = scoring_table_policy.visible(user)
    if campaign.scoring_table_id:
        tables = tables | scoring_table_policy.base_queryset().filter(pk=campaign.scoring_table_id)
    predecessors = campaign_policy.visible(user).exclude(pk=campaign.pk)
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        tables=tables.distinct(),
        predecessors=predecessors,
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_update(
                actor=user, campaign=campaign, **form.changed_service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"tie_breaks": "tie_break_1"})
        else:
            messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
            return redirect("campaigns:detail", campaign.pk)
    breadcrumb = _breadcrumb(campaign)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": campaign.name},
        cancel_url=breadcrumb[-1]["url"],
        breadcrumb=breadcrumb,
    )


# --- The page -----------------------------------------------------------------------------


def _cluster_rows(
    user: Any, campaign: Campaign, participants: list[Participant], may_update: bool
) -> list[dict[str, Any]]:
    """Participants grouped by cluster, each group with its pact and registration progress."""
    led = set(
        participant_policy.visible(user, "review")
        .filter(campaign=campaign)
        .values_list("cluster_id", flat=True)
    )
    pacts = {
        p.cluster_id: p
        for p in campaign.pacts.select_related("signer_unit", "signed_by", "cluster")
    }
    cluster_ids = {p.cluster_id for p in participants if p.cluster_id}
    visible_clusters = set(
        cluster_policy.visible(user).filter(pk__in=cluster_ids).values_list("pk", flat=True)
    )
    rows: list[dict[str, Any]] = []
    for cluster_id, group in groupby(participants, key=lambda p: p.cluster_id):
        members = list(group)
        cluster = members[0].cluster
        gaps: dict[int, int] = {}
        if cluster is not None:
            gaps = {unit.pk: missing for unit, missing in registration_gaps(campaign, cluster)}
        for participant in members:
            # Progress is counted per cluster; units outside clusters show none.
            participant.missing = (  # type: ignore[attr-defined]
                gaps.get(participant.unit_id, 0) if cluster is not None else None
            )
        is_leader = cluster_id in led
        pact = pacts.get(cluster_id)
        rows.append(
            {
                "cluster": cluster,
                "participants": members,
                "pact": pact,
                "gaps": gaps,
                "registered": len(members) - len(gaps),
                "may_sign": cluster is not None
                and pact is None
                and campaign.state == CampaignState.REGISTRATION
                and (is_leader or may_update),
                "may_download": pact is not None
                and bool(pact.document)
                and (may_update or is_leader or cluster_id in visible_clusters),
            }
        )
    return rows


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk)
    campaign = (
        Campaign.objects.select_related("organizer", "scoring_table", "predecessor")
        .filter(pk=campaign.pk)
        .get()
    )
    may_update = campaign_policy.allows(user, "update", campaign)
    participants = list(
        campaign.participants.select_related("unit", "unit__unit_type", "cluster").order_by(
            ordered("cluster__name"), "cluster_id", ordered("unit__name")
        )
    )
    # Who may open a unit's registration (read-only unless editable) and its unpublished sheet.
    insight_units = set(
        participant_policy.visible(user, "view_unpublished")
        .filter(campaign=campaign)
        .values_list("unit_id", flat=True)
    )
    review_points = list(campaign.review_points.all())
    rp_actions = review_point_workflow.allowed_many(user, review_points)
    for rp in review_points:
        rp.actions = rp_actions[rp.pk]  # type: ignore[attr-defined]
        rp.ranking_url = reverse("scoring:ranking", args=[rp.pk])  # type: ignore[attr-defined]
    sheet_points = [rp for rp in review_points if rp.state != ReviewPointState.PLANNED]
    for participant in participants:
        participant.sheets = [  # type: ignore[attr-defined]
            {
                "review_point": rp,
                "url": reverse("scoring:sheet", args=[rp.pk, participant.unit_id]),
            }
            for rp in sheet_points
            if participant.unit_id in insight_units or rp.state == ReviewPointState.PUBLISHED
        ]
    pending: list[TargetAmendment] = []
    if may_update:
        pending = list(
            TargetAmendment.objects.filter(
                registration__campaign=campaign, state=AmendmentState.PENDING
            )
            .select_related("registration__unit", "registration__criterion", "requested_by")
            .order_by("requested_at", "pk")
        )
    predecessor_visible = (
        campaign.predecessor_id is not None
        and campaign_policy.visible(user).filter(pk=campaign.predecessor_id).exists()
    )
    next_states = [
        (state, CampaignState(state).label)
        for state in campaign_workflow.allowed_list(user, campaign)
    ]
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "may_update": may_update,
            "next_states": next_states,
            "phases": list(campaign.phases.all()),
            "review_points": review_points,
            "cluster_rows": _cluster_rows(user, campaign, participants, may_update),
            "insight_units": insight_units,
            "participant_count": len(participants),
            "may_add_participants": may_update and campaign.state in REGISTRATION_OPEN,
            "pending_amendments": pending,
            "predecessor_visible": predecessor_visible,
            "tie_breaks": [TieBreak(t).label for t in campaign.tie_breaks if t in TieBreak.values],
            "table_visible": campaign.scoring_table_id is not None
            and scoring_table_policy.visible(user).filter(pk=campaign.scoring_table_id).exists(),
        },
    )
