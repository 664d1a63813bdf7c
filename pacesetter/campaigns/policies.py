from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from pacesetter.accounts.scopes import NOTHING, Scope, under
from pacesetter.core.policies import Actor, Policy

from .models import Campaign, Participant, ReviewPoint


def _leads_a_participant_of(scope: Scope, campaign_field: str) -> Q:
    """Rows whose campaign (``campaign_field``) ranks a unit in a cluster the user leads."""
    if not scope.leader_cluster_ids:
        return NOTHING
    return Q(
        Exists(
            Participant.objects.filter(
                campaign_id=OuterRef(campaign_field), cluster_id__in=scope.leader_cluster_ids
            )
        )
    )


class CampaignPolicy(Policy[Campaign]):
    """``view``: roles over the organizer, over a participating unit, or leading a
    participating cluster. ``update`` (set up, move states, publish, decide amendments):
    committee staff over the organizer."""

    model = Campaign
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = under("organizer__path", scope.unit_paths)
            if scope.unit_paths:
                q |= Q(
                    pk__in=Participant.objects.filter(under("unit__path", scope.unit_paths)).values(
                        "campaign_id"
                    )
                )
            if scope.leader_cluster_ids:
                q |= Q(
                    pk__in=Participant.objects.filter(
                        cluster_id__in=scope.leader_cluster_ids
                    ).values("campaign_id")
                )
            return q
        if action == "update":
            return under("organizer__path", scope.staff_paths)
        return NOTHING


class ReviewPointPolicy(Policy[ReviewPoint]):
    """Who sees a review point and its ranking.

    - ``view``: everyone who sees the campaign (the review points and their states are
      public within it, and so is a published ranking).
    - ``view_live_ranking`` (the ranking before it is published): the organizer's staff
      (every row) and the leader of a participating cluster (the rows of the clusters
      they lead: see ``participant_policy``).
    - ``review`` (assign cross-inspections, review the items of the clusters led): the
      leader of a participating cluster.
    - ``manage`` (open it, publish its ranking): committee staff over the organizer.
    """

    model = ReviewPoint
    actions = ("view", "view_live_ranking", "review", "manage")

    def base_queryset(self) -> QuerySet[ReviewPoint]:
        return ReviewPoint.objects.select_related("campaign")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        organizer_staff = under("campaign__organizer__path", scope.staff_paths)
        if action == "view":
            return Q(campaign__in=campaign_policy.visible_to(actor))
        if action == "view_live_ranking":
            return organizer_staff | _leads_a_participant_of(scope, "campaign_id")
        if action == "review":
            return _leads_a_participant_of(scope, "campaign_id")
        if action == "manage":
            return organizer_staff
        return NOTHING


class ParticipantPolicy(Policy[Participant]):
    """Who sees a unit's participation in a campaign and its unpublished data.

    - ``view``: everyone who sees the campaign (participants are listed on it).
    - ``view_unpublished`` (its registration and amendments, its score sheets before
      publication): roles over the unit (and above it), its cluster's leader and the
      organizer's staff.
    - ``view_live_ranking`` (its row of the ranking before publication): its cluster's
      leader and the organizer's staff.
    - ``update`` (register targets, request amendments): officers and staff over the unit.
    - ``review`` (assign its cross-inspector, review its items): its cluster's leader.
    """

    model = Participant
    actions = ("view", "view_unpublished", "view_live_ranking", "update", "review")

    def base_queryset(self) -> QuerySet[Participant]:
        return Participant.objects.select_related("unit", "cluster")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        organizer_staff = under("campaign__organizer__path", scope.staff_paths)
        leader = Q(cluster_id__in=scope.leader_cluster_ids) if scope.leader_cluster_ids else NOTHING
        if action == "view":
            return Q(campaign__in=campaign_policy.visible_to(actor))
        if action == "view_unpublished":
            return under("unit__path", scope.unit_paths) | leader | organizer_staff
        if action == "view_live_ranking":
            return leader | organizer_staff
        if action == "update":
            return under("unit__path", scope.staff_paths + scope.officer_paths)
        if action == "review":
            return leader
        return NOTHING


campaign_policy = CampaignPolicy()
review_point_policy = ReviewPointPolicy()
participant_policy = ParticipantPolicy()
