"""Who may see, manage and vote in a poll.

The result of a poll (its tally, receipts and digest) is shown only once it is
published; that is a rule of the screens and the API on top of ``view``, not a
separate action, because before publication there is no result to show anyone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.policies import Actor, Policy

from .models import Entitlement, Poll


class PollPolicy(Policy[Poll]):
    """``view``: the poll's voters (its Entitlement rows), its managers, and those who
    may view its voting cluster or body. ``manage`` (open, close, enter paper totals,
    publish, see the roll): committee staff over the poll's owner unit, and the leaders of
    the poll's voting cluster (a cluster runs its own vote).

    """

    model = Poll
    actions = ("view", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = under("owner_unit__path", scope.staff_paths)
            q |= Q(cluster__in=cluster_policy.visible_to(actor).values("pk"))
            q |= Q(body__in=body_policy.visible_to(actor).values("pk"))
            q |= Q(pk__in=Entitlement.objects.filter(voter=actor.user).values("poll_id"))
            return q
        if action == "manage":
            return under("owner_unit__path", scope.staff_paths) | Q(
                cluster_id__in=scope.leader_cluster_ids
            )
        return NOTHING


poll_policy = PollPolicy()


def may_vote(user: Any, poll: Poll) -> bool:
    """Whether ``user`` is on the poll's roll (an active user with an Entitlement).

    Being on the roll is not the same as being able to cast a ballot right now: the
    poll must be open and the voter must not have voted yet, which
    :func:`pacesetter.ballots.services.ballot_cast` checks (and says why not).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Entitlement.objects.filter(poll=poll, voter=user).exists()
