from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from pacesetter.accounts.scopes import NOTHING, Scope, under
from pacesetter.campaigns.models import Participant
from pacesetter.core.policies import Actor, Policy

from .models import InspectionAssignment, ItemState, Registration, ScoreItem, ScoringTable


def _led_by(scope: Scope, campaign_field: str = "review_point__campaign_id") -> Q:
    """Rows (items, registrations) of units whose cluster in the row's campaign
    (``campaign_field``) the user leads."""
    if not scope.leader_cluster_ids:
        return NOTHING
    return Q(
        Exists(
            Participant.objects.filter(
                campaign_id=OuterRef(campaign_field),
                unit_id=OuterRef("unit_id"),
                cluster_id__in=scope.leader_cluster_ids,
            )
        )
    )


def _inspected_by(scope: Scope) -> Q:
    """Items of units that a unit of the user's is assigned to cross-inspect."""
    paths = scope.staff_paths + scope.officer_paths
    if not paths:
        return NOTHING
    return Q(
        Exists(
            InspectionAssignment.objects.filter(
                under("inspector__path", paths),
                review_point_id=OuterRef("review_point_id"),
                unit_id=OuterRef("unit_id"),
            )
        )
    )


class ScoreItemPolicy(Policy[ScoreItem]):
    """Who sees and moves a score item.

    - ``view``: published items to everyone who sees the campaign; unpublished ones
      only to the unit and those above it, its cluster's leader, its assigned
      inspector and the organizer's staff.
    - ``report`` (actuals, evidence, self-score, answers): officers and staff over the unit.
    - ``inspect``: the assigned peer unit's officers.
    - ``review`` (and assign inspectors): the cluster's leader.
    - ``finalize`` (and publish): committee staff over the organizer.
    """

    model = ScoreItem
    actions = ("view", "report", "inspect", "review", "finalize")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        organizer_staff = under("review_point__campaign__organizer__path", scope.staff_paths)
        if action == "view":
            from pacesetter.campaigns.policies import campaign_policy

            published = Q(state=ItemState.PUBLISHED) & Q(
                review_point__campaign__in=campaign_policy.visible_to(actor)
            )
            return (
                published
                | under("unit__path", scope.unit_paths)
                | _led_by(scope)
                | _inspected_by(scope)
                | organizer_staff
            )
        if action == "report":
            return under("unit__path", scope.staff_paths + scope.officer_paths)
        if action == "inspect":
            return _inspected_by(scope)
        if action == "review":
            return _led_by(scope)
        if action == "finalize":
            return organizer_staff
        return NOTHING


class ScoringTablePolicy(Policy[ScoringTable]):
    """Tables are seen by roles over their owner and by everyone who sees a campaign
    using them; committee staff over the owner edit, adopt and clone them."""

    model = ScoringTable
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            from pacesetter.campaigns.policies import campaign_policy

            return under("owner_unit__path", scope.unit_paths) | Q(
                pk__in=campaign_policy.visible_to(actor).values("scoring_table_id")
            )
        if action == "update":
            return under("owner_unit__path", scope.staff_paths)
        return NOTHING


class RegistrationPolicy(Policy[Registration]):
    """A unit's registered targets are unpublished data of its participation.

    - ``view`` (the target and its amendments): roles over the unit (and above it), the
      leader of the cluster it is ranked in within the campaign, the organizer's staff.
    - ``update`` (register or change a target, request an amendment): officers and staff
      over the unit (the services decide whether registration is still open).
    - ``decide`` (approve or reject an amendment): committee staff over the organizer.
    """

    model = Registration
    actions = ("view", "update", "decide")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        organizer_staff = under("campaign__organizer__path", scope.staff_paths)
        if action == "view":
            return (
                under("unit__path", scope.unit_paths)
                | _led_by(scope, "campaign_id")
                | organizer_staff
            )
        if action == "update":
            return under("unit__path", scope.staff_paths + scope.officer_paths)
        if action == "decide":
            return organizer_staff
        return NOTHING


def return_step(user: Any, item: ScoreItem) -> str | None:
    """The strongest reviewing role the user holds on the item, if any."""
    for step in ("finalize", "review", "inspect"):
        if score_item_policy.allows(user, step, item):
            return step
    return None


score_item_policy = ScoreItemPolicy()
scoring_table_policy = ScoringTablePolicy()
registration_policy = RegistrationPolicy()
