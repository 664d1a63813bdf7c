"""Who may see and act on the award catalog, proposals and the registry of granted awards."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pacesetter.accounts.scopes import NOTHING, Scope, scope_of, under
from pacesetter.ballots.models import Entitlement
from pacesetter.core.policies import Actor, Policy, signed_in
from pacesetter.units.policies import unit_policy

from .models import Award, AwardGrant, Candidate, Person, Proposal


class AwardPolicy(Policy[Award]):
    """The catalog is reference data shared by every organization: everyone signed in
    reads it (``view``); committee staff of a root unit (and superusers) write it
    (``update``: an award's fields and new versions of its rule; :meth:`may_create`: new
    awards). An award has no issuing unit (``issuer`` is text), so no narrower scope
    exists, as for unit types."""

    model = Award
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        if action == "view":
            return Q()
        if action == "update":
            return Q() if actor.scope.staff_at_root else NOTHING
        return NOTHING

    def may_create(self, user: Any) -> bool:
        """Creating has no object to ask about; the same people who edit awards add them."""
        if not signed_in(user):
            return False
        return bool(user.is_superuser or scope_of(user).staff_at_root)


def _polls_voted_in_by(user: Any) -> QuerySet[Any]:
    """The polls ``user`` (signed in) is on the roll of (ids), for the council's voters."""
    return Entitlement.objects.filter(voter=user).values("poll_id")


class ProposalPolicy(Policy[Proposal]):
    """``view``: the proposer, the committee, the council voting on it (those on its
    vote's roll and the council-member role over its body: they read the dossier they vote
    on), and roles over a candidate's unit (who see only their own
    candidacy: see :meth:`sees_dossier`).
    ``propose`` (draft, check, cluster vote, send): the cluster's leader, or committee
    staff over the proposing unit.
    ``decide`` (accept, return, publish for comment, council vote, decide): committee
    staff over the receiving committee unit.
    ``nominate`` (add a person of the proposing unit's register as a candidate): the
    proposers, and the unit officers over the proposing unit, who also see it."""

    model = Proposal
    actions = ("view", "propose", "decide", "nominate")

    def _propose(self, scope: Scope) -> Q:
        q = under("proposer_unit__path", scope.staff_paths)
        if scope.leader_cluster_ids:
            q |= Q(cluster_id__in=scope.leader_cluster_ids)
        return q

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = self._propose(scope) | under("committee_unit__path", scope.staff_paths)
            q |= under("proposer_unit__path", scope.officer_paths)
            q |= self._council(actor)
            if scope.unit_paths:
                q |= Q(
                    pk__in=Candidate.objects.filter(
                        under("unit__path", scope.unit_paths)
                        | under("person__unit__path", scope.unit_paths)
                    ).values("proposal_id")
                )
            return q
        if action == "propose":
            return self._propose(scope)
        if action == "decide":
            return under("committee_unit__path", scope.staff_paths)
        if action == "nominate":
            return self._propose(scope) | under("proposer_unit__path", scope.officer_paths)
        return NOTHING

    def _council(self, actor: Actor) -> Q:
        q = Q(council_poll_id__in=_polls_voted_in_by(actor.user))
        if actor.scope.council_body_ids:
            q |= Q(council_poll__body_id__in=actor.scope.council_body_ids)
        return q

    def sees_dossier(self, user: Any, proposal: Proposal) -> bool:
        """The proposer, the committee and the council's voters see every candidate, the
        dossier and the attachments; a candidate's unit sees only its own candidacy."""
        if self.allows(user, "propose", proposal) or self.allows(user, "decide", proposal):
            return True
        if not proposal.council_poll_id or not signed_in(user):
            return False
        council = self._council(Actor.of(user))
        return Proposal.objects.filter(council, pk=proposal.pk).exists()


class GrantPolicy(Policy[AwardGrant]):
    """``view``: roles over the recipient unit (or the person's unit), and committee staff
    over the unit that recorded the decision. ``update`` (revoke): that committee staff."""

    model = AwardGrant
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            return (
                under("unit__path", scope.unit_paths)
                | under("person__unit__path", scope.unit_paths)
                | under("decision__owner_unit__path", scope.staff_paths)
            )
        if action == "update":
            return under("decision__owner_unit__path", scope.staff_paths)
        return NOTHING


class PersonPolicy(Policy[Person]):
    """The register of a unit's people. ``view``: roles over the person's current unit
    (its own and those of the units above it: committee staff, unit officers, viewers);
    nobody else — not a cluster's leader nor a council, who see the unit but not its
    people. ``update`` (the name, the start of service, positions): committee staff and
    unit officers over that unit. Adding a person to a unit is
    :meth:`may_add_to` (unit ``update``)."""

    model = Person
    actions = ("view", "update")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            return under("unit__path", scope.unit_paths)
        if action == "update":
            return under("unit__path", scope.staff_paths + scope.officer_paths)
        return NOTHING

    def may_read_register(self, user: Any, unit: Any) -> bool:
        """Whether ``user`` reads the register of ``unit`` (the same people as ``view``)."""
        return unit_policy.allows(user, "view_unpublished", unit)

    def may_add_to(self, user: Any, unit: Any) -> bool:
        """Whether ``user`` adds people (or moves a person) to ``unit``."""
        return unit_policy.allows(user, "update", unit)


award_policy = AwardPolicy()
proposal_policy = ProposalPolicy()
grant_policy = GrantPolicy()
person_policy = PersonPolicy()
