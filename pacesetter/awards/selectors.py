"""Reads for the award screens: the catalog, proposals, the registry, and rules as text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.accounts.scopes import scope_of, under
from pacesetter.ballots.models import Poll
from pacesetter.ballots.subjects import Subject
from pacesetter.bodies.models import Body
from pacesetter.bodies.policies import body_policy
from pacesetter.campaigns.models import ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import campaign_policy, participant_policy
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.translations import fold, ordered
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import units_countries

from . import eligibility
from .models import Award, AwardGrant, Candidate, Person, Proposal, ProposalState
from .people_selectors import current_positions
from .policies import award_policy, grant_policy, person_policy, proposal_policy
from .presets import catalog_countries

LEVEL_ORDER = ["national", "provincial", "industry", "district", "grassroots"]


def awards_applying(awards: QuerySet[Award], countries: Iterable[str]) -> QuerySet[Award]:
    """The awards of ``awards`` that apply in one of ``countries`` (ISO 3166 alpha-2):
    those whose catalog is of one of them, and those that apply everywhere (generic
    presets, a deployment's own). An unknown country ("" among them, or none) limits
    nothing."""
    countries = set(countries)
    if not countries or "" in countries:
        return awards
    foreign = [name for name, c in catalog_countries().items() if c and c not in countries]
    return awards.exclude(preset__in=foreign)


def awards_for_units(awards: QuerySet[Award], units: QuerySet[Unit]) -> QuerySet[Award]:
    """The awards of ``awards`` that apply in the countries the ``units`` are in."""
    return awards_applying(awards, units_countries(units))


def award_catalog(user: Any, *, inactive: bool = False) -> list[Award]:
    """Active awards (and the inactive ones too with ``inactive``, for those who may
    activate them again), each with the ``country`` it applies in, by preset, then level
    (highest first), then position."""
    qs = award_policy.visible(user)
    awards = list(qs if inactive else qs.filter(is_active=True))
    countries = catalog_countries()
    for award in awards:
        # Where it applies (its catalog's country; "" everywhere), for the page.
        award.country = countries.get(award.preset, "")  # type: ignore[attr-defined]
    awards.sort(
        key=lambda a: (
            a.preset,
            LEVEL_ORDER.index(a.level) if a.level in LEVEL_ORDER else 99,
            a.position,
            a.name,
        )
    )
    return awards


def proposal_search(
    user: Any, *, state: str = "", award: Award | None = None, year: int | None = None
) -> QuerySet[Proposal]:
    qs = proposal_policy.visible(user).select_related(
        "award", "cluster", "proposer_unit", "committee_unit"
    )
    if state:
        qs = qs.filter(state=state)
    if award is not None:
        qs = qs.filter(award=award)
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(candidate_count=Count("candidates")).order_by("-year", "-pk")


def proposal_of_poll(poll: Poll, user: Any) -> Subject | None:
    """The proposal a poll is the cluster's or the council's vote on, as the poll's
    subject (its page, with the dossier), for a user who may see the proposal."""
    proposal = (
        Proposal.objects.filter(Q(cluster_poll=poll) | Q(council_poll=poll))
        .select_related("award")
        .first()
    )
    if proposal is None or not proposal_policy.allows(user, "view", proposal):
        return None
    return Subject(
        label=_("%(award)s %(year)s: the proposal and its dossier")
        % {"award": proposal.award.name, "year": proposal.year},
        url=reverse("awards:proposal", args=[proposal.pk]),
    )


def proposal_candidates(user: Any, proposal: Proposal, *, full: bool) -> list[Candidate]:
    """The candidates in order; without ``full`` sight only those of the user's units."""
    qs = proposal.candidates.select_related("unit", "person__unit").prefetch_related(
        current_positions("person__")
    )
    if not full and not getattr(user, "is_superuser", False):
        paths = scope_of(user).unit_paths
        qs = qs.filter(under("unit__path", paths) | under("person__unit__path", paths))
    return list(qs.order_by("position", "pk"))


def public_proposals() -> QuerySet[Proposal]:
    """Proposed lists open to the public: those in public comment."""
    return Proposal.objects.filter(state=ProposalState.PUBLIC_COMMENT).select_related(
        "award", "cluster", "committee_unit"
    )


def ranking_review_points(user: Any) -> QuerySet[ReviewPoint]:
    """Published review points of campaigns the user may see, newest first."""
    return (
        ReviewPoint.objects.filter(
            state=ReviewPointState.PUBLISHED,
            campaign__in=campaign_policy.visible(user).values("pk"),
        )
        .select_related("campaign__organizer")
        .order_by("-period_end", ordered("campaign__name"), "position", "pk")
    )


def proposable_clusters(user: Any) -> QuerySet[Cluster]:
    """Clusters the user manages, or leads in a campaign (whose rankings have rows of
    theirs): who leads is ``participant_policy``'s ``review``, as the ranking reads it."""
    if not getattr(user, "is_authenticated", False):
        return Cluster.objects.none()
    led = participant_policy.visible(user, "review").values("cluster_id")
    return Cluster.objects.filter(
        Q(pk__in=cluster_policy.visible(user, "update").values("pk")) | Q(pk__in=led)
    ).order_by(ordered("name"), "pk")


def leads_cluster_in(user: Any, review_point: ReviewPoint, cluster: Cluster) -> bool:
    """Whether the user leads ``cluster`` in the campaign of ``review_point`` (the
    participants of that cluster they may ``review``)."""
    return (
        participant_policy.visible(user, "review")
        .filter(campaign_id=review_point.campaign_id, cluster=cluster)
        .exists()
    )


def committee_choices(user: Any) -> QuerySet[Unit]:
    """Units a proposal may be sent to: those the user manages and the units above them."""
    managed = unit_policy.visible(user, "manage")
    prefixes: set[str] = set()
    for path in managed.values_list("path", flat=True)[:500]:
        parts = [p for p in path.split("/") if p]
        prefixes.update("".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts)))
    return Unit.objects.filter(Q(path__in=prefixes) | Q(pk__in=managed.values("pk"))).order_by(
        "path"
    )


def nominable_units(user: Any) -> QuerySet[Unit]:
    return unit_policy.visible(user).filter(active_to__isnull=True).order_by(ordered("name"), "pk")


def nominable_people(user: Any) -> QuerySet[Person]:
    """The people of the registers the user reads (person ``view``)."""
    return person_policy.visible(user).select_related("unit").order_by("full_name", "pk")


def council_bodies(user: Any) -> QuerySet[Body]:
    return body_policy.visible(user, "update").order_by(ordered("name"), "pk")


def grant_search(
    user: Any,
    *,
    award: Award | None = None,
    year: int | None = None,
    unit: str = "",
    decision: str = "",
) -> QuerySet[AwardGrant]:
    qs = grant_policy.visible(user).select_related("award", "decision", "unit", "person__unit")
    if award is not None:
        qs = qs.filter(award=award)
    if year:
        qs = qs.filter(year=year)
    if unit:
        qs = qs.filter(
            Q(unit__code__icontains=unit)
            | Q(unit__search_key__contains=fold(unit))
            | Q(person__full_name__icontains=unit)
            | Q(person__unit__code__icontains=unit)
            | Q(person__unit__search_key__contains=fold(unit))
        )
    if decision:
        qs = qs.filter(decision__number__icontains=decision)
    return qs.order_by("-year", "award__position", ordered("award__name"), "pk")


def unit_grants(user: Any, unit: Unit) -> QuerySet[AwardGrant]:
    """The unit's awards and its people's, through the years (revoked ones included)."""
    return (
        grant_policy.visible(user)
        .filter(Q(unit=unit) | Q(person__unit=unit))
        .select_related("award", "decision", "unit", "person__unit")
        .order_by("-year", "award__position", ordered("award__name"), "pk")
    )


def grants_of_decision(user: Any, decision_id: int) -> list[AwardGrant]:
    """A decision's standing grants the user may see, in certificate-number order."""
    return list(
        grant_policy.visible(user)
        .filter(decision_id=decision_id, revoked_at__isnull=True)
        .select_related("award", "decision", "unit", "person__unit")
        .order_by("certificate_number", "pk")
    )


def eligibility_rows(
    candidate: Candidate, names: dict[str, str] | None = None
) -> list[dict[str, Any]] | None:
    """The stored check as pass/fail rows, or None when no rule was in force. Pass the
    same ``names`` for every candidate so each award's name is read once."""
    if not candidate.eligibility:
        return None
    return eligibility.flatten(candidate.eligibility["tree"], names=names)


# --- Rules as text (what a rule asks, without any candidate's facts) ---------------------


def _award_codes(rule: Any, found: set[str]) -> set[str]:
    if isinstance(rule, dict):
        for name, body in rule.items():
            if name in ("all", "any"):
                for child in body:
                    _award_codes(child, found)
            elif name == "not":
                _award_codes(body, found)
            elif isinstance(body, dict):
                if "award" in body:
                    found.add(str(body["award"]))
                found.update(str(code) for code in body.get("awards", []))
    return found


def award_names(rules: Iterable[Any]) -> dict[str, str]:
    """Display names of every award the rules mention, in one query."""
    codes: set[str] = set()
    for rule in rules:
        _award_codes(rule, codes)
    return {a.code: a.name for a in Award.objects.filter(code__in=codes)}


def plural_count(value: Any) -> int:
    """The number a plural form is chosen by; a rule not yet valid reads as "many"."""
    return value if isinstance(value, int) else 2


def _sentence(name: str, p: dict[str, Any], names: dict[str, str]) -> str:
    def award(code: Any) -> str:
        return names.get(str(code), str(code))

    if name == "held_each_year":
        return ngettext(
            "Held “%(award)s” in the last year",
            "Held “%(award)s” in each of the last %(n)s years",
            plural_count(p.get("years")),
        ) % {
            "award": award(p.get("award")),
            "n": p.get("years"),
        }
    if name == "held_at_least":
        return ngettext(
            "Held any of %(awards)s at least %(k)s times within %(n)s year",
            "Held any of %(awards)s at least %(k)s times within %(n)s years",
            plural_count(p.get("years")),
        ) % {
            "awards": ", ".join(award(a) for a in p.get("awards", [])),
            "k": p.get("times"),
            "n": p.get("years"),
        }
    if name == "not_awarded_within":
        return ngettext(
            "Not awarded “%(award)s” within %(n)s year",
            "Not awarded “%(award)s” within %(n)s years",
            plural_count(p.get("years")),
        ) % {
            "award": award(p.get("award")),
            "n": p.get("years"),
        }
    if name == "achievement_unused":
        return _("The achievement backs no other award")
    if name == "rank_at_most":
        return _("Ranked %(k)s or better in the cluster") % {"k": p.get("rank")}
    if name == "percentage_at_least":
        return _("Score at least %(p)s%%") % {"p": p.get("percent")}
    if name == "no_veto":
        return _("No veto criterion applies")
    if name == "unit_type_in":
        return _("Unit type is one of %(codes)s") % {"codes": ", ".join(p.get("codes", []))}
    if name == "years_of_service_at_least":
        return ngettext(
            "At least %(n)s year of service",
            "At least %(n)s years of service",
            plural_count(p.get("years")),
        ) % {"n": p.get("years")}
    if name in eligibility.DESCRIBERS:  # a primitive another app registered
        return eligibility.DESCRIBERS[name]({"rule": name, "params": p, "facts": None}, names)
    return name


def rule_rows(rule: Any, names: dict[str, str], depth: int = 0) -> list[dict[str, Any]]:
    """The rule as indented sentences (depth, text) for the award's page."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return [{"depth": depth, "text": _("This rule cannot be read.")}]
    ((name, body),) = rule.items()
    if name in ("all", "any", "not"):
        heading = {
            "all": _("All of the following"),
            "any": _("At least one of the following"),
            "not": _("None of the following"),
        }[name]
        children = body if name != "not" else [body]
        rows = [{"depth": depth, "text": heading}]
        for child in children if isinstance(children, list) else []:
            rows.extend(rule_rows(child, names, depth + 1))
        return rows
    return [
        {"depth": depth, "text": _sentence(name, body if isinstance(body, dict) else {}, names)}
    ]


def rules_of(award: Award, today: date) -> list[dict[str, Any]]:
    """The award's rule versions, newest first, each with its sentences and whether it is
    the one in force today: the newest that started by then and has not ended, as
    ``services.rule_at`` picks it (an older version left open-ended is superseded)."""
    rules = list(award.rules.order_by("-valid_from"))
    names = award_names(r.rule for r in rules)
    current = next(
        (r for r in rules if r.valid_from <= today and (r.valid_to is None or r.valid_to >= today)),
        None,
    )
    return [
        {
            "rule": r,
            "rows": rule_rows(r.rule, names),
            "in_force": r is current,
            "future": r.valid_from > today,
        }
        for r in rules
    ]
