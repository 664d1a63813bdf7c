"""The one search box: a provider per kind of record, each its own policy's ``visible``
rows that match the query, in a fixed order, and how one row is shown.

A query is folded (``core.translations.fold``: case and Vietnamese tone marks dropped) and
matched as a substring of the records' search keys, which hold every language's text: a
Chinese term inside a longer phrase is found (Chinese has no spaces), and Vietnamese
typed with or without its marks finds the marked text. Criteria keep no search key; their
code and titles are matched as typed, case aside (docs/search.md).

Every group reads ``GROUP_SIZE + 1`` rows in one query (the extra row says "more than
``GROUP_SIZE``"), so the page's query count does not grow with the data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.accounts.models import Role, RoleAssignment, User
from pacesetter.awards.models import Award, AwardGrant, Proposal
from pacesetter.awards.policies import award_policy, grant_policy, proposal_policy
from pacesetter.bodies.policies import body_policy
from pacesetter.campaigns.models import Campaign
from pacesetter.campaigns.policies import campaign_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.translations import CONTENT_LANGUAGES, column, fold, matching
from pacesetter.meetings.models import Meeting
from pacesetter.meetings.policies import meeting_policy
from pacesetter.practices.models import Practice
from pacesetter.practices.policies import practice_policy
from pacesetter.practices.selectors import searched as practices_searched
from pacesetter.scoring.models import Criterion
from pacesetter.scoring.policies import scoring_table_policy
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import users_visible_to
from pacesetter.workplans.models import Task
from pacesetter.workplans.policies import task_policy

#: Rows shown per kind on the page of every kind; one more is read to say "more than".
GROUP_SIZE = 5
#: The shortest query searched: two characters, or one Chinese (CJK) character, which is
#: a word by itself (先, 旗).
MIN_LENGTH = 2
#: The longest query accepted (characters, as typed): no record's name is longer, and a
#: bounded query keeps every ``LIKE`` cheap.
MAX_LENGTH = 100


@dataclass(frozen=True)
class RoleHeld:
    """One role of a person found, over what it is held (a unit, cluster or body)."""

    role: str
    label: str
    over: str
    unit_id: int | None
    cluster_id: int | None
    body_id: int | None


@dataclass(frozen=True)
class Hit:
    """One record found, as the page and the API show it."""

    id: int
    title: str
    detail: str
    url: str
    roles: list[RoleHeld] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    """A kind of record the box searches: its key (``?kind=``), its label, its rows (the
    user's visible rows matching a query, ordered) and how a row is shown."""

    key: str
    label: Promise
    rows: Callable[[Any, str], QuerySet[Any]]
    show: Callable[[Any], Hit]


@dataclass(frozen=True)
class Group:
    kind: Kind
    hits: list[Hit]
    #: The number of rows found, exact unless ``more`` (then "more than ``count``").
    count: int
    more: bool


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def cleaned_query(raw: str) -> str:
    """The query as searched (spaces trimmed), or a ``FieldRuleError`` on ``q``: shorter
    than ``MIN_LENGTH`` once folded (one CJK character is enough), or longer than
    ``MAX_LENGTH``."""
    query = " ".join((raw or "").split())
    if len(query) > MAX_LENGTH:
        raise FieldRuleError(
            "q",
            _("Type at most %(max)d characters.") % {"max": MAX_LENGTH},
            code="query_too_long",
        )
    folded = fold(query)
    if len(folded) < MIN_LENGTH and not any(_is_cjk(c) for c in folded):
        raise FieldRuleError(
            "q",
            _("Type at least %(min)d characters (or one Chinese character).") % {"min": MIN_LENGTH},
            code="query_too_short",
        )
    return query


# --- the providers ----------------------------------------------------------------------


def _units(user: Any, query: str) -> QuerySet[Unit]:
    return matching(unit_policy.visible(user), query).order_by("path")


def _show_unit(unit: Unit) -> Hit:
    return Hit(unit.pk, str(unit.name), unit.code, reverse("units:detail", args=[unit.pk]))


def _campaigns(user: Any, query: str) -> QuerySet[Campaign]:
    return matching(campaign_policy.visible(user), query).order_by("-pk")


def _show_campaign(campaign: Campaign) -> Hit:
    return Hit(
        campaign.pk,
        str(campaign.name),
        f"{campaign.code} · {campaign.get_state_display()}",
        reverse("campaigns:detail", args=[campaign.pk]),
    )


def _criteria(user: Any, query: str) -> QuerySet[Criterion]:
    # No search key (scoring tables are read by code and position): the code and each
    # language's title, as typed, case aside.
    text = Q(code__icontains=query)
    for language in CONTENT_LANGUAGES:
        text |= Q(**{f"{column('title', language)}__icontains": query})
    return (
        Criterion.objects.filter(table__in=scoring_table_policy.visible(user))
        .filter(text)
        .select_related("table")
        .order_by("-table_id", "position", "pk")
    )


def _show_criterion(criterion: Criterion) -> Hit:
    return Hit(
        criterion.pk,
        f"{criterion.code} {criterion.title}".strip(),
        str(criterion.table.name),
        reverse("scoring:table_detail", args=[criterion.table_id]),
    )


def _tasks(user: Any, query: str) -> QuerySet[Task]:
    return (
        matching(task_policy.visible(user), query)
        .select_related("plan", "lead_unit")
        .order_by("-pk")
    )


def _show_task(task: Task) -> Hit:
    lead = f" · {task.lead_unit.name}" if task.lead_unit else ""
    return Hit(
        task.pk,
        str(task),
        f"{task.plan.name}{lead}",
        reverse("workplans:task_detail", args=[task.pk]),
    )


def _meetings(user: Any, query: str) -> QuerySet[Meeting]:
    return matching(meeting_policy.visible(user), query).order_by("-starts_at", "-pk")


def _show_meeting(meeting: Meeting) -> Hit:
    when = f"{meeting.get_kind_display()} · {meeting.starts_at.date().isoformat()}"
    return Hit(
        meeting.pk, str(meeting.title), when, reverse("meetings:meeting_detail", args=[meeting.pk])
    )


def _proposals(user: Any, query: str) -> QuerySet[Proposal]:
    # Joined, newest first: the database walks the newest rows and stops at the group's
    # size (an ``award_id IN (…)`` of the matching awards and units made SQLite sort
    # every match first: 5x slower at the bench's scale).
    folded = fold(query)
    return (
        proposal_policy.visible(user)
        .filter(
            Q(award__search_key__contains=folded) | Q(proposer_unit__search_key__contains=folded)
        )
        .select_related("award", "proposer_unit")
        .order_by("-pk")
    )


def _show_proposal(proposal: Proposal) -> Hit:
    return Hit(
        proposal.pk,
        f"{proposal.award.name} {proposal.year}",
        f"{proposal.proposer_unit.name} · {proposal.get_state_display()}",
        reverse("awards:proposal", args=[proposal.pk]),
    )


def _awards(user: Any, query: str) -> QuerySet[Award]:
    return matching(award_policy.visible(user), query).order_by("code")


def _show_award(award: Award) -> Hit:
    return Hit(
        award.pk,
        str(award.name),
        f"{award.code} · {award.get_level_display()}",
        reverse("awards:award", args=[award.pk]),
    )


def _grants(user: Any, query: str) -> QuerySet[AwardGrant]:
    folded = fold(query)  # joined, newest first, as the proposals
    return (
        grant_policy.visible(user)
        .filter(
            Q(award__search_key__contains=folded)
            | Q(unit__search_key__contains=folded)
            | Q(person__search_key__contains=folded)
        )
        .select_related("award", "unit", "person")
        .order_by("-pk")
    )


def _show_grant(grant: AwardGrant) -> Hit:
    recipient = grant.unit.name if grant.unit else grant.person.full_name if grant.person else ""
    return Hit(
        grant.pk,
        f"{grant.award.name} {grant.year}",
        str(recipient),
        reverse("awards:grant", args=[grant.pk]),
    )


def _practices(user: Any, query: str) -> QuerySet[Practice]:
    # The library's own search (its substring index, the source units' and the fields'
    # names): practices.selectors.searched, not a second copy of it.
    return practices_searched(practice_policy.visible(user, "view"), query).order_by("-year", "-pk")


def _show_practice(practice: Practice) -> Hit:
    return Hit(
        practice.pk,
        str(practice.title),
        f"{practice.get_kind_display()} · {practice.year}",
        reverse("practices:detail", args=[practice.pk]),
    )


def roles_named(query: str) -> list[str]:
    """The roles whose name, in any language of the screens, contains the folded query
    ("trưởng cụm", "cluster leader", "组长"): people are found by role too."""
    folded = fold(query)
    found = []
    for role in Role:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                if folded in fold(str(role.label)):
                    found.append(role.value)
                    break
    return found


def visible_roles(user: Any) -> QuerySet[RoleAssignment]:
    """The role assignments over a unit, cluster or body ``user`` sees: a person found is
    shown with those roles only."""
    return RoleAssignment.objects.filter(
        Q(unit__in=unit_policy.visible(user))
        | Q(cluster__in=cluster_policy.visible(user))
        | Q(body__in=body_policy.visible(user))
    )


def _people(user: Any, query: str) -> QuerySet[User]:
    # Names are single-valued and not folded (usernames are ASCII): icontains.
    text = (
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    )
    roles = roles_named(query)
    if roles:
        text |= Q(pk__in=visible_roles(user).filter(role__in=roles).values("user_id"))
    return (
        users_visible_to(user)
        .filter(text)
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=visible_roles(user)
                .select_related("unit", "cluster", "body")
                .order_by("role", "pk"),
                to_attr="roles_seen",
            )
        )
    )


def _show_person(person: User) -> Hit:
    roles = [
        RoleHeld(
            role=a.role,
            label=str(a.get_role_display()),
            over=str((a.unit or a.cluster or a.body).name)
            if (a.unit or a.cluster or a.body)
            else "",
            unit_id=a.unit_id,
            cluster_id=a.cluster_id,
            body_id=a.body_id,
        )
        for a in getattr(person, "roles_seen", [])
    ]
    return Hit(person.pk, person.get_full_name() or person.username, person.username, "", roles)


#: The kinds, in the page's order.
KINDS: tuple[Kind, ...] = (
    Kind("units", gettext_lazy("Units"), _units, _show_unit),
    Kind("campaigns", gettext_lazy("Campaigns"), _campaigns, _show_campaign),
    Kind("criteria", gettext_lazy("Criteria"), _criteria, _show_criterion),
    Kind("tasks", gettext_lazy("Key tasks"), _tasks, _show_task),
    Kind("meetings", gettext_lazy("Meetings"), _meetings, _show_meeting),
    Kind("proposals", gettext_lazy("Award proposals"), _proposals, _show_proposal),
    Kind("awards", gettext_lazy("Awards (catalog)"), _awards, _show_award),
    Kind("grants", gettext_lazy("Granted awards"), _grants, _show_grant),
    Kind("practices", gettext_lazy("Good practice"), _practices, _show_practice),
    Kind("people", gettext_lazy("People"), _people, _show_person),
)
BY_KEY = {kind.key: kind for kind in KINDS}


def kind_named(key: str) -> Kind:
    """The kind of ``?kind=``, or a ``FieldRuleError`` on ``kind``."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise FieldRuleError(
            "kind",
            _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(BY_KEY)},
            code="unknown_kind",
        ) from None


def search_all(user: Any, query: str, kinds: Iterable[Kind] = KINDS) -> list[Group]:
    """Every kind's first ``GROUP_SIZE`` rows matching ``query`` that ``user`` may see,
    one query each (people: two, their roles prefetched); a kind with none is left out.
    ``query`` is a :func:`cleaned_query`."""
    groups = []
    for kind in kinds:
        rows = list(kind.rows(user, query)[: GROUP_SIZE + 1])
        if rows:
            more = len(rows) > GROUP_SIZE
            groups.append(
                Group(kind, [kind.show(r) for r in rows[:GROUP_SIZE]], len(rows[:GROUP_SIZE]), more)
            )
    return groups


def search_kind(user: Any, query: str, kind: Kind) -> QuerySet[Any]:
    """One kind's rows matching ``query`` that ``user`` may see, for a paged list."""
    return kind.rows(user, query)
