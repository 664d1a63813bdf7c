"""The awards engine's primitive "has a recognized initiative or model at level L within N
years" (docs/practices.md, "Eligibility"), registered into ``awards.eligibility`` from
``PracticesConfig.ready`` (awards sits below practices and does not import it)::

    {"recognized_practice_within": {"kinds": ["initiative", "model"], "level": "provincial",
                                    "years": 3}}

True when a practice of one of ``kinds`` counts for the candidate: it comes from the
candidate unit (one of its source units; for a person, a practice from the person's unit
naming them as the model or the studio's lead), it is recognized or published (a retired
one no longer counts: the lead body withdrew it), its level is ``level`` or higher
(optional: any level), and the decision that recognized it is dated within the ``years``
years up to the rule's evaluation date (the proposal's decision date) — a decision dated
later did not exist yet then. The result names every practice counted and, for the
others of those kinds from the same source, why each does not count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pacesetter.awards import eligibility as engine
from pacesetter.core.translations import fields_of

from .models import InfluenceScope, Practice, PracticeKind, PracticeState, StudioLevel

NAME = "recognized_practice_within"

#: The levels, lowest first: an initiative's scope of influence, a model's or an experience's
#: level; a studio's level maps onto them.
LEVELS: tuple[str, ...] = tuple(InfluenceScope.values)
STUDIO_LEVELS = {
    StudioLevel.NATIONAL_DEMONSTRATION: InfluenceScope.NATIONAL,
    StudioLevel.PROVINCIAL_DEMONSTRATION: InfluenceScope.PROVINCIAL,
    StudioLevel.PROVINCIAL: InfluenceScope.PROVINCIAL,
}
#: The states in which a recognized practice counts.
COUNTED = (PracticeState.RECOGNIZED, PracticeState.PUBLISHED)
#: The reasons a practice of the asked kinds is not counted, as the explanation says them.
REASONS = {
    "not_recognized": gettext_lazy("not recognized yet"),
    "retired": gettext_lazy("retired"),
    "too_old": gettext_lazy("recognized too long ago"),
    "later": gettext_lazy("recognized after the date of the check"),
    "level": gettext_lazy("at a lower level"),
    "no_level": gettext_lazy("no level recorded"),
}
#: How many practices not counted the explanation names.
SHOWN = 5
#: The prefix of the practices' titles in the engine's cache of names.
CACHE = "practices.practice:"


def practice_level(practice: Practice) -> str | None:
    """The practice's level on the one scale of :data:`LEVELS`: an initiative's scope of
    influence, a studio's level (a demonstration studio at its own level), an advanced
    model's or an experience's own level (on the same scale; None when not recorded)."""
    if practice.kind == PracticeKind.INITIATIVE:
        return practice.influence_scope or None
    if practice.kind == PracticeKind.STUDIO:
        return STUDIO_LEVELS.get(practice.studio_level)  # type: ignore[call-overload]
    return practice.level or None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _candidates(ctx: engine.Context, kinds: list[str]) -> tuple[list[Practice], str]:
    """The practices of ``kinds`` that come from the candidate, and who the candidate is
    (``unit``, ``person``, or ``""`` when neither is given)."""
    qs = Practice.objects.filter(kind__in=kinds).select_related("decision")
    if ctx.unit is not None:
        return list(qs.filter(source_units=ctx.unit).order_by("pk")), "unit"
    person = ctx.person
    if person is None or person.unit_id is None:
        return [], ""
    key = _name_key(person.full_name)
    found = [
        p
        for p in qs.filter(source_units=person.unit_id).order_by("pk")
        if key in (_name_key(p.person_name), _name_key(p.lead_person))
    ]
    return found, "person"


def _reason(practice: Practice, first: dt.date, day: dt.date, level: str | None) -> str | None:
    """Why ``practice`` does not count (None: it counts)."""
    if practice.state == PracticeState.RETIRED:
        return "retired"
    if practice.state not in COUNTED or practice.decision is None:
        return "not_recognized"
    if practice.decision.date > day:
        return "later"
    if practice.decision.date < first:
        return "too_old"
    if level:
        own = practice_level(practice)
        if own is None:
            return "no_level"
        if LEVELS.index(own) < LEVELS.index(level):
            return "level"
    return None


def _fact(practice: Practice, reason: str | None = None) -> dict[str, Any]:
    decision = practice.decision
    fact: dict[str, Any] = {
        "practice": practice.pk,
        "title": practice.title,
        "kind": practice.kind,
        "level": practice_level(practice),
        "decision": decision.number if decision else None,
        "date": decision.date.isoformat() if decision else None,
    }
    if reason is not None:
        fact["reason"] = reason
    return fact


def recognized_practice_within(ctx: engine.Context, p: dict[str, Any]) -> engine.Node:
    """The primitive's check (see the module's text)."""
    day = ctx.decision_date
    first = _years_before(day, int(p["years"]))
    level = p.get("level") or None
    practices, subject = _candidates(ctx, list(p["kinds"]))
    found, others = [], []
    for practice in practices:
        reason = _reason(practice, first, day, level)
        if reason is None:
            found.append(_fact(practice))
        else:
            others.append(_fact(practice, reason))
    return engine.node(
        NAME,
        p,
        bool(found),
        subject=subject,
        since=first.isoformat(),
        found=found,
        not_counted=others[:SHOWN],
        not_counted_more=max(len(others) - SHOWN, 0),
    )


def _titles(ids: list[int], cache: dict[str, str]) -> dict[int, str]:
    """The practices' titles in the active language, read once per page: ``cache`` is
    shared by every node shown (the engine's ``names``)."""
    missing = [pk for pk in ids if f"{CACHE}{pk}" not in cache]
    if missing:
        shown = Practice.objects.filter(pk__in=missing).only("source_language", *fields_of("title"))
        cache.update({f"{CACHE}{practice.pk}": practice.title for practice in shown})
    return {pk: cache[f"{CACHE}{pk}"] for pk in ids if f"{CACHE}{pk}" in cache}


def _date(text: str | None) -> str:
    if not text:
        return "—"
    return dt.date.fromisoformat(text).strftime("%d/%m/%Y")


def _named(fact: dict[str, Any], titles: dict[int, str]) -> str:
    title = titles.get(fact["practice"]) or fact["title"]
    if fact.get("decision"):
        return _("“%(title)s” (decision %(number)s of %(date)s)") % {
            "title": title,
            "number": fact["decision"],
            "date": _date(fact["date"]),
        }
    return f"“{title}”"


def describe(node: engine.Node, cache: dict[str, str] | None = None) -> str:
    """The sentence: what the rule asks, which practices count (with the decision and
    its date) and, when none does, why the others do not; what the rule asks only when
    the node has no facts (the rule's own page)."""
    p, f = node["params"], node.get("facts")
    cache = {} if cache is None else cache
    kinds = ", ".join(
        str(PracticeKind(k).label) for k in p.get("kinds", []) if k in PracticeKind.values
    )
    years = p.get("years")
    count = years if isinstance(years, int) else 2
    values = {"kinds": kinds, "n": years}
    if p.get("level") in LEVELS:
        values["level"] = str(InfluenceScope(p["level"]).label)
        text = (
            ngettext(
                "Has a recognized practice of kind %(kinds)s, at the level “%(level)s” or higher, "
                "within %(n)s year",
                "Has a recognized practice of kind %(kinds)s, at the level “%(level)s” or higher, "
                "within %(n)s years",
                count,
            )
            % values
        )
    else:
        text = (
            ngettext(
                "Has a recognized practice of kind %(kinds)s within %(n)s year",
                "Has a recognized practice of kind %(kinds)s within %(n)s years",
                count,
            )
            % values
        )
    if f is None:
        return text
    found, others = f.get("found", []), f.get("not_counted", [])
    titles = _titles([x["practice"] for x in found + others], cache)
    if found:
        return (
            text
            + " — "
            + _("found: %(practices)s") % {"practices": "; ".join(_named(x, titles) for x in found)}
        )
    if not f.get("subject"):
        return text + " — " + _("the candidate names no unit")
    text += " — " + _("none found since %(date)s") % {"date": _date(f.get("since"))}
    if others:
        text += "; " + _("not counted: %(practices)s") % {
            "practices": "; ".join(
                f"{_named(x, titles)}: {REASONS.get(x['reason'], x['reason'])}" for x in others
            )
        }
        if f.get("not_counted_more"):
            text += " " + _("and %(n)s more") % {"n": f["not_counted_more"]}
    return text


def _kinds(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(v in PracticeKind.values for v in value)


def _level(value: Any) -> bool:
    return value in LEVELS


def register() -> None:
    engine.register_primitive(
        NAME,
        recognized_practice_within,
        required={"kinds": _kinds, "years": engine.is_count},
        optional={"level": _level},
        describe=describe,
    )
