"""Declarative eligibility rules: primitives composed with all / any / not.

A rule is JSON, stored as data with the date from which it applies::

    {"all": [
        {"held_each_year": {"award": "vn-excellent-collective", "years": 2}},
        {"rank_at_most": {"rank": 1}},
        {"no_veto": {}},
        {"not": {"not_awarded_within": {"award": "vn-provincial-flag", "years": 1}}}
    ]}

:func:`evaluate` returns a tree of results, each with ``passed`` and the ``facts`` it
found; :func:`describe` turns a node into a translated sentence for screens and the API.

Apps above awards add primitives of their own through :func:`register_primitive` (in their
``AppConfig.ready``): the good-practice library's ``recognized_practice_within``
(``practices/eligibility.py``), since awards may not import the apps above it
(docs/architecture.md, "Layers").
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Award, AwardGrant, Candidate, Person, ProposalState


@dataclass
class Context:
    """What a rule is checked against."""

    decision_date: date
    unit: Any = None
    person: Person | None = None
    rank: int | None = None
    percentage: Decimal | None = None
    veto: bool = False
    achievement_key: str = ""
    candidate_id: int | None = None
    award: Award | None = None
    proposal_id: int | None = None
    #: The year the achievement belongs to (the proposal's year); windows count back from it.
    reference_year: int | None = None
    _grants: list[AwardGrant] | None = field(default=None, repr=False)

    @property
    def year(self) -> int:
        return self.reference_year or self.decision_date.year

    def grants(self) -> list[AwardGrant]:
        """The recipient's awards that stand (not revoked), read once."""
        if self._grants is None:
            recipient = Q(unit=self.unit) if self.unit is not None else Q(person=self.person)
            self._grants = list(
                AwardGrant.objects.filter(recipient, revoked_at__isnull=True).select_related(
                    "award"
                )
            )
        return self._grants


Node = dict[str, Any]


def _node(rule: str, params: dict[str, Any], passed: bool, **facts: Any) -> Node:
    return {"rule": rule, "params": params, "passed": passed, "facts": facts}


def _held_each_year(ctx: Context, p: dict[str, Any]) -> Node:
    years = list(range(ctx.year - int(p["years"]), ctx.year))
    held = sorted({g.year for g in ctx.grants() if g.award.code == p["award"]} & set(years))
    missing = [y for y in years if y not in held]
    return _node("held_each_year", p, not missing, held=held, missing=missing)


def _held_at_least(ctx: Context, p: dict[str, Any]) -> Node:
    first = ctx.year - int(p["years"])
    found = [
        {"award": g.award.code, "year": g.year}
        for g in ctx.grants()
        if g.award.code in p["awards"] and first <= g.year < ctx.year
    ]
    return _node("held_at_least", p, len(found) >= int(p["times"]), found=found, count=len(found))


def _not_awarded_within(ctx: Context, p: dict[str, Any]) -> Node:
    # "Within N years": the N years before the reference year, and that year itself (an
    # award already given for the same year blocks too). The "held" rules look only at
    # the N years before, since the reference year's awards are what is being decided.
    first = ctx.year - int(p["years"])
    years = sorted(
        {g.year for g in ctx.grants() if g.award.code == p["award"] and first <= g.year <= ctx.year}
    )
    return _node("not_awarded_within", p, not years, years=years)


def _achievement_unused(ctx: Context, p: dict[str, Any]) -> Node:
    key = ctx.achievement_key
    if not key:
        return _node("achievement_unused", p, True, used_by=[])
    # The candidate's own grant (after its decision) is not a reuse; any other is.
    used = [
        g.award.code
        for g in ctx.grants()
        if g.achievement_key == key
        and (ctx.proposal_id is None or g.proposal_id != ctx.proposal_id)
    ]
    recipient = Q(unit=ctx.unit) if ctx.unit is not None else Q(person=ctx.person)
    others = (
        Candidate.objects.filter(recipient, achievement_key=key)
        .exclude(pk=ctx.candidate_id or 0)
        .exclude(proposal__state=ProposalState.REJECTED)
        .exclude(selected=False)
    )
    if ctx.proposal_id is not None:
        others = others.exclude(proposal_id=ctx.proposal_id)
    used += list(others.values_list("proposal__award__code", flat=True))
    return _node("achievement_unused", p, not used, used_by=sorted(set(used)))


def _rank_at_most(ctx: Context, p: dict[str, Any]) -> Node:
    ok = ctx.rank is not None and ctx.rank <= int(p["rank"])
    return _node("rank_at_most", p, ok, rank=ctx.rank)


def _percentage_at_least(ctx: Context, p: dict[str, Any]) -> Node:
    ok = ctx.percentage is not None and ctx.percentage >= Decimal(str(p["percent"]))
    value = None if ctx.percentage is None else str(ctx.percentage.quantize(Decimal("0.01")))
    return _node("percentage_at_least", p, ok, percentage=value)


def _no_veto(ctx: Context, p: dict[str, Any]) -> Node:
    return _node("no_veto", p, not ctx.veto, veto=ctx.veto)


def _unit_type_in(ctx: Context, p: dict[str, Any]) -> Node:
    unit = ctx.unit if ctx.unit is not None else getattr(ctx.person, "unit", None)
    code = unit.unit_type.code if unit is not None else None
    return _node("unit_type_in", p, code in p["codes"], unit_type=code)


def _years_of_service_at_least(ctx: Context, p: dict[str, Any]) -> Node:
    if ctx.person is not None:
        # In service since the recorded start, else at least since the first position
        # the register knows.
        start = ctx.person.service_start or (
            ctx.person.positions.filter(start__isnull=False)
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
    elif ctx.unit is not None:
        start = ctx.unit.active_from
    else:
        start = None
    if start is None:
        return _node("years_of_service_at_least", p, False, years=None)
    d = ctx.decision_date
    years = d.year - start.year - ((d.month, d.day) < (start.month, start.day))
    return _node("years_of_service_at_least", p, years >= int(p["years"]), years=years)


PRIMITIVES: dict[str, Callable[[Context, dict[str, Any]], Node]] = {
    "held_each_year": _held_each_year,
    "held_at_least": _held_at_least,
    "not_awarded_within": _not_awarded_within,
    "achievement_unused": _achievement_unused,
    "rank_at_most": _rank_at_most,
    "percentage_at_least": _percentage_at_least,
    "no_veto": _no_veto,
    "unit_type_in": _unit_type_in,
    "years_of_service_at_least": _years_of_service_at_least,
}


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return Decimal(str(value)).is_finite()
    except ArithmeticError:
        return False


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_text(v) for v in value)


#: Each primitive's settings and the check each value must pass.
REQUIRED: dict[str, dict[str, Callable[[Any], bool]]] = {
    "held_each_year": {"award": _text, "years": _count},
    "held_at_least": {"awards": _texts, "times": _count, "years": _count},
    "not_awarded_within": {"award": _text, "years": _count},
    "achievement_unused": {},
    "rank_at_most": {"rank": _count},
    "percentage_at_least": {"percent": _number},
    "no_veto": {},
    "unit_type_in": {"codes": _texts},
    "years_of_service_at_least": {"years": _count},
}


#: Settings a primitive may leave out, each with the check its value must pass.
OPTIONAL: dict[str, dict[str, Callable[[Any], bool]]] = {}

#: The sentences of the primitives registered by other apps (those of this module are
#: written out in :func:`describe`): ``describe(node, cache)``.
DESCRIBERS: dict[str, Callable[[Node, dict[str, str]], str]] = {}


def register_primitive(
    name: str,
    check: Callable[[Context, dict[str, Any]], Node],
    *,
    required: dict[str, Callable[[Any], bool]],
    describe: Callable[[Node, dict[str, str]], str],
    optional: dict[str, Callable[[Any], bool]] | None = None,
) -> None:
    """Add a primitive kept by an app above awards: ``check(ctx, params)`` returns a node
    (:func:`node`) whose ``facts`` are JSON (a candidate's tree is stored);
    ``describe(node, cache)`` is its translated sentence, in the active language (the
    node's ``facts`` None: what the rule asks only, for the rule's own page; ``cache``
    is shared by the nodes of every tree shown at once, so a name is read once per
    page, under keys of the registering app's own prefix); ``required``
    and ``optional`` are its settings with the check each value must pass. Registering
    the same name again replaces it (``ready()`` may run more than once)."""
    if name in ("all", "any", "not") or (name in PRIMITIVES and name not in DESCRIBERS):
        raise ValueError(f"{name!r} is a rule of the awards engine itself.")
    PRIMITIVES[name] = check
    REQUIRED[name] = dict(required)
    OPTIONAL[name] = dict(optional or {})
    DESCRIBERS[name] = describe


#: A node of a primitive's result, and the check of a count setting, for the primitives
#: registered by other apps.
node = _node
is_count = _count


class RuleError(ValidationError):
    """A malformed rule: the translated message, and ``path``, where in the tree the bad
    node is (JSONPath: ``$`` the whole rule, ``$.all[1].any[0]`` a node within it)."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message, code="invalid_rule")
        self.path = path

    @property
    def located(self) -> str:
        """The message with the path, for a form field or an API answer."""
        return _("At %(path)s: %(message)s") % {"path": self.path, "message": self.message}


#: How deeply "all", "any" and "not" may nest. Real rules use a handful of levels; the
#: bound keeps checking, storing and showing a rule (all recursive) from failing.
MAX_DEPTH = 20


#: The primitives' settings that name awards by code: one code, or a list of them.
AWARD_REFERENCES = {
    "held_each_year": "award",
    "held_at_least": "awards",
    "not_awarded_within": "award",
}


def _check_references(name: str, body: dict[str, Any], here: str, awards: Container[str]) -> None:
    key = AWARD_REFERENCES.get(name)
    if key is None:
        return
    value = body[key]
    named = (
        [(f"{here}.{key}[{i}]", code) for i, code in enumerate(value)]
        if isinstance(value, list)
        else [(f"{here}.{key}", value)]
    )
    for where, code in named:
        if code not in awards:
            # A rule naming no existing award would pass its check for everyone.
            raise RuleError(_("There is no award “%(code)s”.") % {"code": code}, where)


def validate(
    rule: Any, path: str = "$", depth: int = 0, *, awards: Container[str] | None = None
) -> None:
    """Raise :class:`RuleError` (a ValidationError) unless ``rule`` is a well-formed rule
    of at most :data:`MAX_DEPTH` levels; the error names the first bad node's path.
    Given ``awards`` (the codes that exist), every award a node names must be one."""
    if depth > MAX_DEPTH:
        raise RuleError(
            _("The rule is nested too deeply: at most %(max)s levels.") % {"max": MAX_DEPTH},
            path,
        )
    if not isinstance(rule, dict) or len(rule) != 1:
        raise RuleError(_("A rule is an object with exactly one key."), path)
    ((name, body),) = rule.items()
    here = f"{path}.{name}"
    if name in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise RuleError(_("“%(name)s” needs a list of rules.") % {"name": name}, here)
        for index, child in enumerate(body):
            validate(child, f"{here}[{index}]", depth + 1, awards=awards)
    elif name == "not":
        validate(body, here, depth + 1, awards=awards)
    elif name in PRIMITIVES:
        if not isinstance(body, dict):
            raise RuleError(_("“%(name)s” needs an object of settings.") % {"name": name}, here)
        missing = [key for key in REQUIRED[name] if key not in body]
        if missing:
            raise RuleError(
                _("“%(name)s” needs: %(keys)s.") % {"name": name, "keys": ", ".join(missing)},
                here,
            )
        checks = {**REQUIRED[name], **OPTIONAL.get(name, {})}
        wrong = [key for key, check in checks.items() if key in body and not check(body[key])]
        if wrong:
            raise RuleError(
                _("“%(name)s” has a wrong value for: %(keys)s.")
                % {"name": name, "keys": ", ".join(wrong)},
                here if len(wrong) > 1 else f"{here}.{wrong[0]}",
            )
        if awards is not None:
            _check_references(name, body, here, awards)
    else:
        raise RuleError(_("There is no rule called “%(name)s”.") % {"name": name}, path)


def evaluate(rule: dict[str, Any], ctx: Context) -> Node:
    """Check ``rule`` against ``ctx``; every node says whether it passed and why."""
    ((name, body),) = rule.items()
    if name == "all":
        children = [evaluate(child, ctx) for child in body]
        return {"rule": "all", "passed": all(c["passed"] for c in children), "children": children}
    if name == "any":
        children = [evaluate(child, ctx) for child in body]
        return {"rule": "any", "passed": any(c["passed"] for c in children), "children": children}
    if name == "not":
        child = evaluate(body, ctx)
        return {"rule": "not", "passed": not child["passed"], "children": [child]}
    return PRIMITIVES[name](ctx, body)


def describe(node: Node, names: dict[str, str] | None = None) -> str:
    """A translated sentence: what the rule asks, and what was found.

    ``names`` caches award names by code across the nodes of one tree.
    """
    names = {} if names is None else names

    def _award_name(code: str) -> str:
        if code not in names:
            award = Award.objects.filter(code=code).first()
            names[code] = award.name if award else code
        return names[code]

    rule, p, f = node["rule"], node.get("params", {}), node.get("facts", {})
    if rule == "all":
        return _("All of the following")
    if rule == "any":
        return _("At least one of the following")
    if rule == "not":
        return _("None of the following")
    if rule == "held_each_year":
        text = ngettext(
            "Held “%(award)s” in the last year",
            "Held “%(award)s” in each of the last %(n)s years",
            p["years"],
        ) % {
            "award": _award_name(p["award"]),
            "n": p["years"],
        }
        if f["missing"]:
            text += " — " + _("missing: %(years)s") % {"years": ", ".join(map(str, f["missing"]))}
        return text
    if rule == "held_at_least":
        return ngettext(
            "Held any of %(awards)s at least %(k)s times within %(n)s year — found %(c)s",
            "Held any of %(awards)s at least %(k)s times within %(n)s years — found %(c)s",
            p["years"],
        ) % {
            "awards": ", ".join(_award_name(a) for a in p["awards"]),
            "k": p["times"],
            "n": p["years"],
            "c": f["count"],
        }
    if rule == "not_awarded_within":
        text = ngettext(
            "Not awarded “%(award)s” within %(n)s year",
            "Not awarded “%(award)s” within %(n)s years",
            p["years"],
        ) % {
            "award": _award_name(p["award"]),
            "n": p["years"],
        }
        if f["years"]:
            text += " — " + _("awarded in %(years)s") % {"years": ", ".join(map(str, f["years"]))}
        return text
    if rule == "achievement_unused":
        text = _("The achievement backs no other award")
        if f["used_by"]:
            text += " — " + _("already used for %(awards)s") % {
                "awards": ", ".join(_award_name(a) for a in f["used_by"])
            }
        return text
    if rule == "rank_at_most":
        return _("Ranked %(k)s or better in the cluster — rank: %(rank)s") % {
            "k": p["rank"],
            "rank": f["rank"] if f["rank"] is not None else "—",
        }
    if rule == "percentage_at_least":
        return _("Score at least %(p)s%% — score: %(v)s") % {
            "p": p["percent"],
            "v": f["percentage"] if f["percentage"] is not None else "—",
        }
    if rule == "no_veto":
        return _("No veto criterion applies") if not f["veto"] else _("A veto criterion applies")
    if rule == "unit_type_in":
        return _("Unit type is one of %(codes)s — %(code)s") % {
            "codes": ", ".join(p["codes"]),
            "code": f["unit_type"] or "—",
        }
    if rule == "years_of_service_at_least":
        return ngettext(
            "At least %(n)s year of service — %(y)s",
            "At least %(n)s years of service — %(y)s",
            p["years"],
        ) % {
            "n": p["years"],
            "y": f["years"] if f["years"] is not None else "—",
        }
    if rule in DESCRIBERS:
        return DESCRIBERS[rule](node, names)
    return rule


def flatten(
    node: Node, depth: int = 0, names: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The tree as rows (depth, passed, sentence) for screens, exports and the API."""
    names = {} if names is None else names
    rows = [{"depth": depth, "passed": node["passed"], "text": describe(node, names)}]
    for child in node.get("children", []):
        rows.extend(flatten(child, depth + 1, names))
    return rows
