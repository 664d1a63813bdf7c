"""Reads of the register of people: a unit's people (the list, its export, its print
view and the API read the same selector), a person's positions and award history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from pacesetter.core.translations import matching
from pacesetter.units.models import Unit

from .models import AwardGrant, Candidate, Person, PersonPosition
from .policies import grant_policy, person_policy, proposal_policy


def current_positions(prefix: str = "") -> Prefetch:
    """The open position of each person, as ``person.current`` (a list of at most one);
    ``prefix`` reaches the person from another model (``"person__"``)."""
    return Prefetch(
        f"{prefix}positions",
        queryset=PersonPosition.objects.filter(end__isnull=True).select_related("unit"),
        to_attr="current",
    )


def people_search(user: Any, *, unit: Unit | None = None, q: str = "") -> QuerySet[Person]:
    """The people ``user`` may see (those of ``unit`` only, when given), whose name
    contains ``q`` (accents and case aside), by name; each with ``current``."""
    qs = person_policy.visible(user).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    if q.strip():
        qs = matching(qs, q)
    return qs.prefetch_related(current_positions()).order_by("full_name", "pk")


def person_positions(person: Person) -> list[PersonPosition]:
    """The person's positions, the earliest first (an unrecorded start first of all)."""
    return list(person.positions.select_related("unit"))


@dataclass
class AwardHistory:
    grants: list[AwardGrant]
    candidacies: list[Candidate]


def person_award_history(user: Any, person: Person) -> AwardHistory:
    """The awards granted to ``person`` and the proposals naming them, those ``user``
    may see, newest first."""
    grants = (
        grant_policy.visible(user)
        .filter(person=person)
        .select_related("award", "decision", "proposal")
        .order_by("-year", "-pk")
    )
    candidacies = (
        Candidate.objects.filter(
            person=person, proposal__in=proposal_policy.visible(user).values("pk")
        )
        .select_related("proposal__award", "proposal__proposer_unit")
        .order_by("-proposal__year", "-proposal_id")
    )
    return AwardHistory(grants=list(grants), candidacies=list(candidacies))


def register_people_for(user: Any, proposal: Any) -> QuerySet[Person]:
    """The people ``user`` may add to ``proposal``: of the proposing unit's register
    (the unit or one under it), seen by the user, not yet candidates."""
    return (
        person_policy.visible(user)
        .filter(unit__path__startswith=proposal.proposer_unit.path)
        .exclude(pk__in=proposal.candidates.filter(person__isnull=False).values("person_id"))
        .select_related("unit")
        .order_by("full_name", "pk")
    )
