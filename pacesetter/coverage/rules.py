"""Coverage rules as versioned data: which organizations should have which kind of
organization built, in which form and by when (docs/coverage.md, "Rules and deadlines").

One JSON file per rule set in ``coverage/rules/``, loaded into :class:`CoverageRule` rows
(``manage.py migrate`` loads the shipped ones; loading again updates a version in place,
keyed by code and start date). Each rule is a *primitive* with parameters:

- ``standalone_if_members``: ``min_full_members`` full party members or more → the kind
  should be built standalone (``within_days`` of registration, if given);
- ``build_within_days``: the kind should be built, standalone or joint, within ``days``
  of registration, for organizations registered from ``registered_from`` (default: the
  rule's start) — dual synchronization;
- ``standalone_by_date_if_size``: staff ≥ ``min_staff``, revenue band ≥
  ``min_revenue_band``, or above designated size (``above_designated_size: true``) →
  standalone by the date ``by``.

Every primitive also takes the optional conditions ``sectors`` (``economic``,
``social``), ``organization_kinds``, ``min_full_members`` and ``min_staff``, and the
mail timing ``remind_days_before`` (default 14) and ``escalate_after_days`` (default 0:
the day after the due date).

:func:`check` answers for one organization at a date (applies, met, due on D, overdue,
with the sentence that explains it, in the active language); :func:`unmet_q` and
:func:`due_expression` say the same in SQL for the blind-spot list (a test checks that
the two agree on the worked examples).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Least
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.core.translations import CONTENT_LANGUAGES, column

from .models import (
    ECONOMIC_KINDS,
    ORGANIZED_FORMS,
    Building,
    CoverageKind,
    CoverageRule,
    Form,
    Organization,
    OrganizationKind,
    Primitive,
    RevenueBand,
    Status,
)

DIRECTORY = Path(__file__).resolve().parent / "rules"

#: Revenue bands from the lowest; a rule's ``min_revenue_band`` counts this band and above.
REVENUE_ORDER = [band.value for band in RevenueBand]
REMIND_DAYS_BEFORE = 14
SECTORS = ("economic", "social")


# --- parameters --------------------------------------------------------------------


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _positive(value: Any) -> bool:
    return _count(value) and value > 0


def _date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _band(value: Any) -> bool:
    return value in REVENUE_ORDER


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _sectors(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(v in SECTORS for v in value)


def _kinds(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(v in OrganizationKind.values for v in value)
    )


#: Parameters every primitive may take.
COMMON: dict[str, Callable[[Any], bool]] = {
    "sectors": _sectors,
    "organization_kinds": _kinds,
    "min_full_members": _positive,
    "min_staff": _positive,
    "remind_days_before": _count,
    "escalate_after_days": _count,
}
#: Each primitive's own parameters: (required, optional).
PARAMS: dict[str, tuple[dict[str, Callable[[Any], bool]], dict[str, Callable[[Any], bool]]]] = {
    Primitive.STANDALONE_IF_MEMBERS: ({"min_full_members": _positive}, {"within_days": _positive}),
    Primitive.BUILD_WITHIN_DAYS: ({"days": _positive}, {"registered_from": _date}),
    Primitive.STANDALONE_BY_DATE_IF_SIZE: (
        {"by": _date},
        {"min_revenue_band": _band, "above_designated_size": _flag},
    ),
}


def check_params(primitive: str, params: Any) -> list[str]:
    """What is wrong with ``params`` for ``primitive`` (empty when nothing is)."""
    if primitive not in PARAMS:
        return [
            _("unknown check “%(name)s” (known: %(known)s)")
            % {"name": primitive, "known": ", ".join(PARAMS)}
        ]
    if not isinstance(params, dict):
        return [_("the parameters must be an object")]
    required, optional = PARAMS[primitive]
    allowed = {**COMMON, **optional, **required}
    problems = [
        _("the parameter “%(name)s” is missing") % {"name": name}
        for name in required
        if name not in params
    ]
    for name, value in params.items():
        if name not in allowed:
            problems.append(_("unknown parameter “%(name)s”") % {"name": name})
        elif not allowed[name](value):
            problems.append(_("the parameter “%(name)s” has a wrong value") % {"name": name})
    if primitive == Primitive.STANDALONE_BY_DATE_IF_SIZE and not (
        "min_staff" in params or "min_revenue_band" in params or params.get("above_designated_size")
    ):
        problems.append(_("say the size: min_staff, min_revenue_band or above_designated_size"))
    return problems


# --- files -------------------------------------------------------------------------


def shipped_files() -> list[Path]:
    return sorted(DIRECTORY.glob("*.json"))


def _error(path: Path, code: str, problem: str) -> ValidationError:
    return ValidationError(
        _("%(file)s, rule %(code)s: %(problem)s.")
        % {"file": path.name, "code": code or "—", "problem": problem},
        code="bad_rule",
    )


def read_rules(path: Path, kind_codes: Iterable[str]) -> dict[str, Any]:
    """The file's data, checked: a source language, and rules each with a code, a known
    kind and primitive, good parameters, an ISO start (and end after it) and a name in the
    source language. An error names the file and the rule."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _error(path, "", _("not JSON (%(error)s)") % {"error": exc}) from exc
    source = data.get("source_language") if isinstance(data, dict) else None
    if source not in CONTENT_LANGUAGES or not isinstance(data.get("rules"), list):
        raise _error(path, "", _("give a known source language and a list of rules"))
    kinds = set(kind_codes)
    seen: set[tuple[str, str]] = set()
    for entry in data["rules"]:
        code = str(entry.get("code", "")) if isinstance(entry, dict) else ""
        if not code:
            raise _error(path, "", _("a rule has no code"))
        if entry.get("kind") not in kinds:
            raise _error(path, code, _("unknown kind “%(kind)s”") % {"kind": entry.get("kind", "")})
        problems = check_params(entry.get("primitive", ""), entry.get("params", {}))
        if problems:
            raise _error(path, code, "; ".join(problems))
        start, end = entry.get("valid_from"), entry.get("valid_to")
        if not _date(start) or (end is not None and (not _date(end) or end <= start)):
            raise _error(path, code, _("give valid_from, and valid_to after it, as YYYY-MM-DD"))
        if (code, start) in seen:
            raise _error(path, code, _("two versions start on the same date"))
        seen.add((code, start))
        for name in ("name", "explanation"):
            texts = entry.get(name) or {}
            unknown = sorted(set(texts) - set(CONTENT_LANGUAGES))
            if unknown:
                raise _error(
                    path,
                    code,
                    _("the %(field)s is in an unknown language: %(languages)s")
                    % {"field": name, "languages": ", ".join(unknown)},
                )
        if not (entry.get("name") or {}).get(source):
            raise _error(path, code, _("no name in the source language"))
    return data


@transaction.atomic
def load_rules(path: Path, rule_model: Any = None, kind_model: Any = None) -> int:
    """Load one file (the historical models inside a migration); returns the number of
    versions in it. A version is keyed by its code and start: loading again updates it."""
    if rule_model is None:
        rule_model, kind_model = CoverageRule, CoverageKind
    kinds = {k.code: k for k in kind_model.objects.all()}
    data = read_rules(path, kinds)
    for entry in data["rules"]:
        texts = {
            column(name, lang): text
            for name in ("name", "explanation")
            for lang, text in (entry.get(name) or {}).items()
        }
        rule_model.objects.update_or_create(
            code=entry["code"],
            valid_from=dt.date.fromisoformat(entry["valid_from"]),
            defaults={
                "kind": kinds[entry["kind"]],
                "primitive": entry["primitive"],
                "params": entry.get("params", {}),
                "valid_to": dt.date.fromisoformat(entry["valid_to"])
                if entry.get("valid_to")
                else None,
                "source_language": data["source_language"],
                "note": entry.get("note", data.get("note", "")),
                "source_file": path.name,
                **texts,
            },
        )
    return len(data["rules"])


def rules_at(at: dt.date) -> QuerySet[CoverageRule]:
    """The rule versions in force on ``at``."""
    return (
        CoverageRule.objects.filter(valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .select_related("kind")
        .order_by("code", "pk")
    )


# --- checks in Python ----------------------------------------------------------------

NOT_APPLICABLE, MET, DUE, OVERDUE = "not_applicable", "met", "due", "overdue"


@dataclass(frozen=True)
class Check:
    """What a rule says of one organization at a date."""

    rule: CoverageRule
    state: str  # NOT_APPLICABLE | MET | DUE | OVERDUE
    due_on: dt.date | None
    sentence: str

    @property
    def applies(self) -> bool:
        return self.state != NOT_APPLICABLE

    @property
    def unmet(self) -> bool:
        return self.state in (DUE, OVERDUE)


def due_on(rule: CoverageRule, organization: Organization) -> dt.date | None:
    """The date by which ``organization`` should meet ``rule`` (None: no date)."""
    p = rule.params
    if rule.primitive == Primitive.STANDALONE_IF_MEMBERS:
        days = p.get("within_days")
        return organization.registered_on + dt.timedelta(days=days) if days else None
    if rule.primitive == Primitive.BUILD_WITHIN_DAYS:
        return organization.registered_on + dt.timedelta(days=p["days"])
    return dt.date.fromisoformat(p["by"])


def _conditions(p: Mapping[str, Any], organization: Organization) -> bool:
    sectors = p.get("sectors")
    if sectors and ("economic" if organization.kind in ECONOMIC_KINDS else "social") not in sectors:
        return False
    if p.get("organization_kinds") and organization.kind not in p["organization_kinds"]:
        return False
    if organization.party_members_full < p.get("min_full_members", 0):
        return False
    return p.get("min_staff", 0) == 0 or organization.staff_count >= p["min_staff"]


def _large(p: Mapping[str, Any], organization: Organization) -> bool:
    """Whether the size clause of ``standalone_by_date_if_size`` holds (any part)."""
    band = p.get("min_revenue_band")
    return bool(
        ("min_staff" in p and organization.staff_count >= p["min_staff"])
        or (
            band
            and organization.revenue_band
            and REVENUE_ORDER.index(organization.revenue_band) >= REVENUE_ORDER.index(band)
        )
        or (p.get("above_designated_size") and organization.above_designated_size)
    )


def applies(rule: CoverageRule, organization: Organization) -> bool:
    """Whether ``rule`` covers ``organization`` (its facts as recorded now and its
    registration date; being operating at a date is the caller's question)."""
    p = dict(rule.params)
    if rule.primitive == Primitive.STANDALONE_BY_DATE_IF_SIZE:
        p.pop("min_staff", None)  # part of the size clause here, not a condition
        return _conditions(p, organization) and _large(rule.params, organization)
    if rule.primitive == Primitive.BUILD_WITHIN_DAYS:
        start = p.get("registered_from") or rule.valid_from.isoformat()
        if organization.registered_on < dt.date.fromisoformat(str(start)):
            return False
    return _conditions(p, organization)


def meets(rule: CoverageRule, form: str | None) -> bool:
    if rule.primitive == Primitive.BUILD_WITHIN_DAYS:
        return form in ORGANIZED_FORMS
    return form == Form.STANDALONE


def _now(form: str | None) -> str:
    if form == Form.STANDALONE:
        return _("it is standalone")
    if form in ORGANIZED_FORMS:
        return _("it is joint")
    if form == Form.WORK_ONLY:
        return _("only an instructor or liaison is sent")
    return _("it is not built")


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _reason(rule: CoverageRule, organization: Organization) -> str:
    """Why the rule applies, and what it asks."""
    p = rule.params
    kind = rule.kind.name
    if rule.primitive == Primitive.STANDALONE_IF_MEMBERS:
        return ngettext(
            "%(count)s full party member: a standalone %(kind)s should be built",
            "%(count)s full party members: a standalone %(kind)s should be built",
            organization.party_members_full,
        ) % {"count": organization.party_members_full, "kind": kind}
    if rule.primitive == Primitive.BUILD_WITHIN_DAYS:
        return ngettext(
            "Registered on %(registered)s: the %(kind)s should be built within %(days)s day",
            "Registered on %(registered)s: the %(kind)s should be built within %(days)s days",
            p["days"],
        ) % {"registered": _day(organization.registered_on), "kind": kind, "days": p["days"]}
    if "min_staff" in p and organization.staff_count >= p["min_staff"]:
        size = ngettext("%(count)s staff", "%(count)s staff", organization.staff_count) % {
            "count": organization.staff_count
        }
    elif p.get("above_designated_size") and organization.above_designated_size:
        size = _("Above designated size")
    else:
        size = _("Annual revenue %(band)s") % {"band": organization.get_revenue_band_display()}
    return _("%(size)s: a standalone %(kind)s should be built by %(date)s") % {
        "size": size,
        "kind": kind,
        "date": _day(dt.date.fromisoformat(p["by"])),
    }


def check(
    rule: CoverageRule, organization: Organization, at: dt.date, form: str | None, operating: bool
) -> Check:
    """What ``rule`` says of ``organization`` at ``at``, given its form of the rule's
    kind then and whether it was operating then."""
    if not operating or organization.registered_on > at or not applies(rule, organization):
        return Check(rule, NOT_APPLICABLE, None, _("The rule does not apply."))
    due = due_on(rule, organization)
    reason = _reason(rule, organization)
    if meets(rule, form):
        return Check(
            rule, MET, due, _("%(reason)s; %(now)s.") % {"reason": reason, "now": _now(form)}
        )
    state = OVERDUE if due is not None and due < at else DUE
    if due is None:
        tail = _now(form)
    elif state == OVERDUE:
        tail = _("%(now)s, overdue since %(date)s") % {
            "now": _now(form),
            "date": _day(due + dt.timedelta(days=1)),
        }
    else:
        tail = _("%(now)s, due on %(date)s") % {"now": _now(form), "date": _day(due)}
    return Check(rule, state, due, _("%(reason)s; %(tail)s.") % {"reason": reason, "tail": tail})


# --- the same in SQL ----------------------------------------------------------------


def checks_at(organization: Organization, at: dt.date) -> list[Check]:
    """Every rule in force at ``at`` checked on ``organization`` as it stood then (its
    status and its form of each kind at that date): the organization's page and its API."""
    status = (
        organization.status_periods.filter(valid_from__lte=at)
        .order_by("-valid_from")
        .values_list("status", flat=True)
        .first()
    )
    forms = dict(
        Building.objects.filter(organization=organization, valid_from__lte=at)
        .order_by("kind_id", "valid_from")
        .values_list("kind__code", "form")
    )
    return [
        check(rule, organization, at, forms.get(rule.kind.code), status == Status.OPERATING)
        for rule in rules_at(at)
    ]


def _conditions_q(p: Mapping[str, Any], prefix: str = "") -> Q:
    q = Q()
    sectors = p.get("sectors")
    if sectors and len(set(sectors)) == 1:
        economic = Q(**{f"{prefix}kind__in": ECONOMIC_KINDS})
        q &= economic if sectors[0] == "economic" else ~economic
    if p.get("organization_kinds"):
        q &= Q(**{f"{prefix}kind__in": p["organization_kinds"]})
    if p.get("min_full_members"):
        q &= Q(**{f"{prefix}party_members_full__gte": p["min_full_members"]})
    if p.get("min_staff"):
        q &= Q(**{f"{prefix}staff_count__gte": p["min_staff"]})
    return q


def applies_q(rule: CoverageRule) -> Q:
    """:func:`applies` as a filter on organizations."""
    p = dict(rule.params)
    if rule.primitive == Primitive.STANDALONE_BY_DATE_IF_SIZE:
        p.pop("min_staff", None)
        large = Q(pk__in=[])
        if "min_staff" in rule.params:
            large |= Q(staff_count__gte=rule.params["min_staff"])
        band = rule.params.get("min_revenue_band")
        if band:
            large |= Q(revenue_band__in=REVENUE_ORDER[REVENUE_ORDER.index(band) :])
        if rule.params.get("above_designated_size"):
            large |= Q(above_designated_size=True)
        return _conditions_q(p) & large
    q = _conditions_q(p)
    if rule.primitive == Primitive.BUILD_WITHIN_DAYS:
        start = p.get("registered_from") or rule.valid_from.isoformat()
        q &= Q(registered_on__gte=dt.date.fromisoformat(str(start)))
    return q


def form_alias(kind_code: str) -> str:
    """The annotation that holds an organization's form of ``kind_code`` at the date."""
    return f"form_{kind_code}"


def unmet_q(rule: CoverageRule) -> Q:
    """Organizations (annotated with :func:`form_alias` of the rule's kind) the rule
    applies to and that do not meet it."""
    form = form_alias(rule.kind.code)
    if rule.primitive == Primitive.BUILD_WITHIN_DAYS:
        met = Q(**{f"{form}__in": ORGANIZED_FORMS})
    else:
        met = Q(**{form: Form.STANDALONE})
    return applies_q(rule) & ~met


def due_expression(rule: CoverageRule) -> Any:
    """:func:`due_on` as an expression (NULL: no date)."""
    p = rule.params
    if rule.primitive == Primitive.STANDALONE_BY_DATE_IF_SIZE:
        return Value(dt.date.fromisoformat(p["by"]), output_field=DateField())
    days = p.get("within_days") if rule.primitive == Primitive.STANDALONE_IF_MEMBERS else p["days"]
    if not days:
        return Value(None, output_field=DateField())
    return Cast(F("registered_on") + dt.timedelta(days=days), DateField())


def first_due(rules: Iterable[CoverageRule], latest: dt.date) -> Any:
    """The earliest due date among the rules an organization does not meet, as an
    expression; ``latest`` stands for "no date" (NULLs sort differently by database, and
    LEAST of a NULL is NULL on SQLite)."""
    cases = [
        Case(
            When(unmet_q(rule), then=Coalesce(due_expression(rule), Value(latest))),
            default=Value(latest),
            output_field=DateField(),
        )
        for rule in rules
    ]
    if not cases:
        return Value(latest, output_field=DateField())
    return cases[0] if len(cases) == 1 else Least(*cases, output_field=DateField())
