"""Who may see a meeting, run it, and check people in at the door."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pacesetter.accounts.scopes import NOTHING, under
from pacesetter.bodies.models import BodyMember
from pacesetter.core.policies import Actor, Policy

from .models import Invitation, Meeting


class MeetingPolicy(Policy[Meeting]):
    """``view``: roles (committee staff, officers, viewers) over the organizer unit or
    over an invited unit, roles over a visited unit of a research visit, the council
    members of the meeting's body (the council-member role, or a person seat current
    today: a former member no longer sees the body's meetings, those of their own time
    included, unless invited by name), and the invitees themselves.
    ``manage`` (details, state, invitations, agenda, documents, ballots, resolutions,
    findings, minutes) and ``checkin`` (the door): committee staff over the organizer unit.

    """

    model = Meeting
    actions = ("view", "manage", "checkin")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        if action == "view":
            q = under("organizer_unit__path", scope.unit_paths)
            if scope.unit_paths:
                q |= Q(
                    pk__in=Invitation.objects.filter(under("unit__path", scope.unit_paths)).values(
                        "meeting_id"
                    )
                )
                q |= Q(
                    pk__in=Meeting.visited_units.through.objects.filter(
                        under("unit__path", scope.unit_paths)
                    ).values("meeting_id")
                )
            if scope.council_body_ids:
                q |= Q(body_id__in=scope.council_body_ids)
            q |= Q(pk__in=Invitation.objects.filter(user=actor.user).values("meeting_id"))
            q |= Q(body_id__in=current_seats(actor.user).values("body_id"))
            return q
        if action in ("manage", "checkin"):
            return under("organizer_unit__path", scope.staff_paths)
        return NOTHING


def current_seats(user: Any) -> QuerySet[BodyMember]:
    """The user's person seats on bodies held today (started, and not ended before)."""
    today = timezone.localdate()
    return BodyMember.objects.filter(user=user, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )


meeting_policy = MeetingPolicy()


class InvitationPolicy(Policy[Invitation]):
    """``view`` (see the invitation and its code, download it): the meeting's managers,
    officers over the invited unit when the invitation names no person, and the invited
    person. An invitation addressed to a person is theirs: an officer over its unit
    does not see its code.
    ``register`` (say one will come): the same people.
    ``manage`` (withdraw it): the meeting's managers."""

    model = Invitation
    actions = ("view", "register", "manage")

    def rule(self, actor: Actor, action: str) -> Q:
        scope = actor.scope
        managed = Q(meeting__in=meeting_policy.visible_to(actor, "manage").values("pk"))
        if action in ("view", "register"):
            return (
                managed
                | (under("unit__path", scope.officer_paths) & Q(user__isnull=True))
                | Q(user=actor.user)
            )
        if action == "manage":
            return managed
        return NOTHING


invitation_policy = InvitationPolicy()
