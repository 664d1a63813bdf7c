from __future__ import annotations

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.core.policies import Actor, Policy

from .models import Campaign, Participant


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


campaign_policy = CampaignPolicy()
