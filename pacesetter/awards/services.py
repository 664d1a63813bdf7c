"""Writes to the award catalog (the presets, and awards and rule versions one by one),
proposals and the award registry. Each write is one transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pacesetter.audit.services import (
    audit_record,
    audited_create,
    audited_update,
    diff,
    snapshot,
)
from pacesetter.ballots.models import Base, Majority, Poll, PollKind, PollState
from pacesetter.ballots.services import poll_create, poll_open
from pacesetter.bodies.models import Body
from pacesetter.campaigns.models import ReviewPoint, ReviewPointState
from pacesetter.clusters.models import Cluster
from pacesetter.core.dates import check_not_after
from pacesetter.core.errors import FieldRuleError
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.translations import CONTENT_LANGUAGES, Text, column, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.decisions.models import Decision
from pacesetter.scoring.selectors import ranking_rows
from pacesetter.units.models import Unit

from . import eligibility
from .models import (
    Award,
    AwardGrant,
    Candidate,
    EligibilityRule,
    LegalReference,
    Person,
    Proposal,
    ProposalAttachment,
    ProposalState,
    PublicComment,
)
from .workflows import comment_window_closed, proposal_workflow

if TYPE_CHECKING:
    from .presets import AwardPreset, Catalog


def rule_at(award: Award, day: date) -> EligibilityRule | None:
    """The award's rule in force on ``day``."""
    return (
        award.rules.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


# --- the preset catalogs ----------------------------------------------------------------

#: What a screen or the API sets on an award. The code is set once: rules name awards by
#: code, so changing it would silently detach them; ``preset`` is the loader's. The name
#: and issuer are kept per language (core.translations): a service takes them as a text
#: in the source language, as texts by language, or as the columns.
AWARD_EDITABLE = (
    "source_language",
    *fields_of("name"),
    "level",
    "recipient_kind",
    *fields_of("issuer"),
    "quota_count",
    "quota_percent",
    "position",
    "is_active",
)
AWARD_FIELDS = ("code", "preset", *AWARD_EDITABLE)

#: The award fields a preset sets, recorded in its audit entry (all but ``is_active``).
PRESET_AWARD_FIELDS = ("preset", *AWARD_EDITABLE[:-1])


@dataclass
class PresetLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: The version of each catalog loaded, by name.
    versions: dict[str, str] = field(default_factory=dict)


def _preset_check(catalog: Catalog, awards: set[str]) -> None:
    """Each rule well formed and naming awards that exist (``awards``: the codes stored
    or loaded with it)."""
    for item in catalog.awards:
        for rule in item.rules:
            try:
                eligibility.validate(rule.rule, awards=awards)
            except eligibility.RuleError as exc:
                raise ValidationError(
                    f"{item.code} (from {rule.valid_from}): {exc.located}", code="invalid_rule"
                ) from exc


def _preset_award_write(
    item: AwardPreset, preset: str, position: int
) -> tuple[Award, dict[str, Any]]:
    """Create or update one award with its rules and references; the changes made."""
    texts = {
        column(name, language): dict(getattr(item, name)).get(language, "")
        for name in ("name", "issuer")
        for language in CONTENT_LANGUAGES
    }
    values: dict[str, Any] = {
        "preset": preset,
        "source_language": item.source_language,
        **texts,
        "level": str(item.level),
        "recipient_kind": str(item.recipient_kind),
        "quota_count": item.quota_count,
        "quota_percent": None
        if item.quota_percent is None
        else item.quota_percent.quantize(Decimal("0.01")),
        "position": position,
    }
    award = Award.objects.select_for_update().filter(code=item.code).first()
    before = snapshot(award, PRESET_AWARD_FIELDS) if award else {}
    if award is None:
        award = Award(code=item.code, **values)
    else:
        if any(getattr(award, name) != value for name, value in values.items()):
            # An edit page opened before the load is then refused, not saved over it.
            values["version"] = award.version + 1
        for name, value in values.items():
            setattr(award, name, value)
    award.full_clean()
    award.save()
    changes: dict[str, Any] = diff(before, snapshot(award, PRESET_AWARD_FIELDS))

    rules = {r.valid_from: r for r in award.rules.all()}
    for rule in item.rules:
        wanted: dict[str, Any] = {
            "valid_to": rule.valid_to,
            "rule": rule.rule,
            "description": rule.description,
        }
        stored = rules.get(rule.valid_from)
        if stored is None:
            stored = EligibilityRule(award=award, valid_from=rule.valid_from, **wanted)
            old = None
        else:
            old = {"valid_to": stored.valid_to, "rule": stored.rule}
            if all(getattr(stored, k) == v for k, v in wanted.items()):
                continue
            for name, value in wanted.items():
                setattr(stored, name, value)
        stored.full_clean()
        stored.save()
        changes[f"rule {rule.valid_from}"] = [old, {"valid_to": rule.valid_to, "rule": rule.rule}]

    references = {(r.citation, r.valid_from): r for r in award.legal_references.all()}
    for reference in item.references:
        facts: dict[str, Any] = {
            "valid_to": reference.valid_to,
            "confirmed": reference.confirmed,
            "note": reference.note,
        }
        ref = references.get((reference.citation, reference.valid_from))
        if ref is None:
            ref = LegalReference(
                award=award, citation=reference.citation, valid_from=reference.valid_from
            )
            old = None
        elif all(getattr(ref, k) == v for k, v in facts.items()):
            continue
        else:
            old = {k: getattr(ref, k) for k in facts}
        for name, value in facts.items():
            setattr(ref, name, value)
        ref.full_clean()
        ref.save()
        changes[f"reference {reference.citation[:60]} {reference.valid_from}"] = [old, facts]
    return award, changes


@transaction.atomic
def award_presets_load(*, actor: Any, catalogs: Sequence[Catalog]) -> PresetLoadResult:
    """Write preset catalogs, all or nothing, and idempotently.

    Awards are found by code, rules by their start date and legal references by citation
    and start date: what differs is updated, nothing is duplicated. Each award created or
    changed gets one ``award.preset_load`` audit entry naming the catalog's version; an
    award the catalog leaves as it is gets none. Rules and references not in a catalog (a
    deployment's own) are kept. A malformed rule refuses the whole load.
    """
    known = set(Award.objects.values_list("code", flat=True))
    known |= {item.code for catalog in catalogs for item in catalog.awards}
    for catalog in catalogs:
        _preset_check(catalog, known)
    result = PresetLoadResult()
    for catalog in catalogs:
        result.versions[catalog.name] = catalog.version
        for position, item in enumerate(catalog.awards):
            existed = Award.objects.filter(code=item.code).exists()
            award, changes = _preset_award_write(item, catalog.name, position)
            if not changes:
                result.unchanged.append(award.code)
                continue
            (result.updated if existed else result.created).append(award.code)
            audit_record(
                actor=actor,
                action="award.preset_load",
                target=award,
                changes={**changes, "preset_version": [None, f"{catalog.name} {catalog.version}"]},
            )
    return result


# --- the catalog, award by award ---------------------------------------------------------


def _quota_percent(value: Decimal | None) -> Decimal | None:
    """The percentage as the database stores it (two places), so that the audit entry
    says what was stored and 20 against a stored 20.00 is no change."""
    if value is None:
        return None
    # The database's CheckConstraint says the same, but its message names the constraint.
    if not Decimal(0) < value <= Decimal(100):
        raise ValidationError({"quota_percent": _("Give a percentage above 0 and at most 100.")})
    cents = value.quantize(Decimal("0.01"))
    # More places than two are the model's to refuse, not ours to round away.
    return cents if cents == value else value


@transaction.atomic
def award_create(
    *,
    actor: Any,
    code: str,
    level: str,
    recipient_kind: str,
    name: Text | str | None = None,
    issuer: Text | str | None = None,
    source_language: str = "en",
    quota_count: int | None = None,
    quota_percent: Decimal | None = None,
    position: int = 0,
    is_active: bool = True,
    **texts: Any,
) -> Award:
    """Add an award to the catalog (a deployment's own: no preset). The name and issuer
    are a text in ``source_language`` (required there) or texts by language, or given
    as their columns (``name_vi=``, as the forms do); the code is unique and never
    changes afterwards."""
    columns = expand(Award, {"name": name, "issuer": issuer, **texts}, source=source_language)
    unknown = set(columns) - set(fields_of("name", "issuer"))
    if unknown:
        raise TypeError(f"award_create: unknown fields {', '.join(sorted(unknown))}")
    award = Award(
        code=code,
        source_language=source_language,
        level=level,
        recipient_kind=recipient_kind,
        quota_count=quota_count,
        quota_percent=_quota_percent(quota_percent),
        position=position,
        is_active=is_active,
        **columns,
    )
    return audited_create(actor=actor, instance=award, action="award.create", fields=AWARD_FIELDS)


@transaction.atomic
def award_update(*, actor: Any, award: Award, version: int | None = None, **changes: Any) -> Award:
    """Change an award's names, level, issuer, quota, position or whether it is active
    (``AWARD_EDITABLE``). A ``version`` no longer the stored one is refused
    (``core.versions.next_version``); a preset load that changes the award raises it too.

    Who it is given to (units or people) cannot change once it has proposals or grants:
    their candidates and recipients are of the old kind (``award_in_use``). A later
    preset load sets a preset award's fields back to the catalog's. The name and issuer
    merge by language (``expand``): a language left out is kept, ``""`` clears it."""
    next_ = next_version(award, version)
    changes = expand(Award, changes, source=changes.get("source_language") or award.source_language)
    if "quota_percent" in changes:
        changes = {**changes, "quota_percent": _quota_percent(changes["quota_percent"])}
    kind = changes.get("recipient_kind")
    if kind is not None:
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if kind != locked.recipient_kind and (locked.proposals.exists() or locked.grants.exists()):
            raise FieldRuleError(
                "recipient_kind",
                _(
                    "This award already has proposals or granted awards; who it is "
                    "given to cannot change."
                ),
                code="award_in_use",
            )
    return audited_update(
        actor=actor,
        instance=award,
        action="award.update",
        changes={**changes, "version": next_},
        allowed=(*AWARD_EDITABLE, "version"),
        fields=AWARD_FIELDS,
    )


@transaction.atomic
def eligibility_rule_add(
    *,
    actor: Any,
    award: Award,
    valid_from: date,
    rule: Any,
    valid_to: date | None = None,
    description: str = "",
) -> EligibilityRule:
    """Add a new version of the award's rule, in force from ``valid_from``.

    Earlier versions are kept as they are (the rule in force on a day is the newest that
    started by then, see :func:`rule_at`), so a new version must start after the latest
    one (``valid_from_not_after_latest``). A malformed rule, or one naming an award
    code that does not exist, is refused with the path of its first bad node
    (``invalid_rule``). The entry is on the award, as the preset
    loader writes its rule changes."""
    # Lock the award so two versions added at once are ordered, not both "the latest".
    award = Award.objects.select_for_update().get(pk=award.pk)
    try:
        eligibility.validate(rule, awards=set(Award.objects.values_list("code", flat=True)))
    except eligibility.RuleError as exc:
        raise FieldRuleError("rule", exc.located, code="invalid_rule") from exc
    if valid_to is not None and valid_to < valid_from:
        # Here rather than from the database's constraint, whose message names it.
        raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
    latest = award.rules.order_by("-valid_from").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise FieldRuleError(
            "valid_from",
            _("A new version must start after the latest one, which starts on %(date)s.")
            % {"date": formats.date_format(latest.valid_from, "DATE_FORMAT")},
            code="valid_from_not_after_latest",
        )
    version = EligibilityRule(
        award=award,
        valid_from=valid_from,
        valid_to=valid_to,
        rule=rule,
        description=description,
    )
    version.full_clean()
    version.save()
    audit_record(
        actor=actor,
        action="award.rule_add",
        target=award,
        changes={f"rule {valid_from}": [None, {"valid_to": valid_to, "rule": rule}]},
    )
    return version


def candidate_check(candidate: Candidate) -> Candidate:
    """Check the candidate against the rule in force on the proposal's decision date and
    store the result tree (an award without rules is open to everyone)."""
    proposal = candidate.proposal
    rule = rule_at(proposal.award, proposal.decision_date)
    if rule is None:
        candidate.eligibility = None
        candidate.eligible = True
    else:
        ctx = eligibility.Context(
            decision_date=proposal.decision_date,
            unit=candidate.unit,
            person=candidate.person,
            rank=candidate.rank,
            percentage=candidate.percentage,
            veto=candidate.veto,
            achievement_key=candidate.achievement_key,
            candidate_id=candidate.pk,
            award=proposal.award,
            proposal_id=proposal.pk,
            reference_year=proposal.year,
        )
        tree = eligibility.evaluate(rule.rule, ctx)
        candidate.eligibility = {
            "rule_id": rule.pk,
            "valid_from": str(rule.valid_from),
            "tree": tree,
        }
        candidate.eligible = tree["passed"]
    candidate.save(update_fields=["eligibility", "eligible"])
    return candidate


@transaction.atomic
def proposal_check(*, actor: Any, proposal: Proposal) -> Proposal:
    proposal_workflow.check(proposal, "check")
    for candidate in proposal.candidates.select_related("unit__unit_type", "person__unit"):
        candidate_check(candidate)
    audit_record(actor=actor, action="proposal.check", target=proposal, changes={})
    return proposal


def _check_country(award: Award, committee_unit: Unit) -> None:
    """An award is proposed where its catalog applies: in the country of the committee
    that decides (``award_not_for_country``; an unknown country limits nothing)."""
    from pacesetter.units.selectors import unit_country

    from .presets import award_country

    wanted = award_country(award)
    where = unit_country(committee_unit) if wanted else ""
    if wanted and where and where != wanted:
        raise FieldRuleError(
            "award",
            _(
                "This award belongs to the catalog of another country (%(award)s); "
                "%(unit)s proposes the awards of %(country)s."
            )
            % {"award": wanted, "unit": committee_unit.name, "country": where},
            code="award_not_for_country",
        )


def _check_committee(committee_unit: Unit, proposer_unit: Unit) -> None:
    """A proposal goes up: the deciding committee is never the proposer or under it."""
    if committee_unit.path.startswith(proposer_unit.path):
        raise ValidationError(
            {
                "committee_unit": _(
                    "The committee that decides cannot be the proposer or one of its units."
                )
            }
        )


def _draftable(proposal: Proposal) -> None:
    if proposal.state not in (ProposalState.DRAFT, ProposalState.RETURNED):
        raise ValidationError(_("Only a draft or returned proposal can change."))


#: How far ahead a proposal's expected decision date may lie: a proposal is drafted before
#: its decision, for the round of the coming months, never for a year like 2099.
DECISION_DATE_AHEAD = timedelta(days=366)


def _check_decision_date(day: date) -> None:
    check_not_after(
        "decision_date",
        day,
        _("The expected decision date is at most a year after today."),
        ahead=DECISION_DATE_AHEAD,
    )


@transaction.atomic
def proposal_from_ranking(
    *,
    actor: Any,
    award: Award,
    review_point: ReviewPoint,
    cluster: Cluster,
    decision_date: date,
    committee_unit: Unit,
    proposer_unit: Unit,
    achievement_report: str = "",
) -> Proposal:
    """Draft a proposal with the cluster's top units of a published ranking, within the
    award's quota, each checked against the award's rules. The expected decision date is
    at most a year ahead (``date_in_future``)."""
    _check_decision_date(decision_date)
    if review_point.state != ReviewPointState.PUBLISHED:
        raise ValidationError(_("Proposals are drafted from a published ranking."))
    _check_committee(committee_unit, proposer_unit)
    _check_country(award, committee_unit)
    rows = ranking_rows(review_point, cluster_id=cluster.pk, published_only=True)
    if not rows:
        raise ValidationError({"cluster": _("This cluster has no units in that ranking.")})
    rows.sort(key=lambda r: (r["rank_in_cluster"], r["unit_name"]))
    quota = award.quota_for(len(rows))
    chosen = rows if quota is None else rows[:quota]
    if not chosen:
        raise ValidationError(_("The quota of this award allows no unit from this cluster."))
    proposal = Proposal.objects.create(
        award=award,
        year=review_point.period_end.year,
        proposer_unit=proposer_unit,
        committee_unit=committee_unit,
        cluster=cluster,
        review_point=review_point,
        decision_date=decision_date,
        achievement_report=achievement_report,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for position, row in enumerate(chosen):
        candidate = Candidate.objects.create(
            proposal=proposal,
            unit_id=row["unit_id"],
            rank=row["rank_in_cluster"],
            percentage=row["percentage"],
            veto=bool(row["veto"]),
            achievement_key=f"review_point:{review_point.pk}",
            achievement=_("%(campaign)s, %(review)s: rank %(rank)s, %(pct)s%%")
            % {
                "campaign": review_point.campaign.name,
                "review": review_point.name,
                "rank": row["rank_in_cluster"],
                "pct": row["percentage"],
            },
            position=position,
        )
        candidate_check(candidate)
    audit_record(
        actor=actor,
        action="proposal.create",
        target=proposal,
        changes={"candidates": [None, [r["unit_code"] for r in chosen]]},
    )
    return proposal


@transaction.atomic
def proposal_nominate(
    *,
    actor: Any,
    award: Award,
    year: int,
    decision_date: date,
    committee_unit: Unit,
    proposer_unit: Unit,
    units: Iterable[Unit] = (),
    people: Iterable[Person] = (),
    achievement: str = "",
    achievement_key: str = "",
    achievement_report: str = "",
) -> Proposal:
    """Draft a proposal by nomination (units or people, as the award is given); the
    expected decision date is at most a year ahead (``date_in_future``)."""
    _check_decision_date(decision_date)
    _check_committee(committee_unit, proposer_unit)
    _check_country(award, committee_unit)
    units, people = list(units), list(people)
    if award.recipient_kind == "unit" and (people or not units):
        raise ValidationError({"units": _("This award is given to units; nominate units.")})
    if award.recipient_kind == "person" and (units or not people):
        raise ValidationError({"people": _("This award is given to people; nominate people.")})
    proposal = Proposal.objects.create(
        award=award,
        year=year,
        proposer_unit=proposer_unit,
        committee_unit=committee_unit,
        decision_date=decision_date,
        achievement_report=achievement_report,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for position, recipient in enumerate([*units, *people]):
        candidate = Candidate.objects.create(
            proposal=proposal,
            unit=recipient if isinstance(recipient, Unit) else None,
            person=recipient if isinstance(recipient, Person) else None,
            achievement=achievement,
            achievement_key=achievement_key,
            position=position,
        )
        candidate_check(candidate)
    audit_record(
        actor=actor,
        action="proposal.nominate",
        target=proposal,
        changes={"candidates": [None, [str(r) for r in [*units, *people]]]},
    )
    return proposal


@transaction.atomic
def proposal_candidate_add(
    *,
    actor: Any,
    proposal: Proposal,
    person: Person,
    achievement: str = "",
    achievement_key: str = "",
) -> Candidate:
    """Add ``person`` to a draft (or returned) proposal of a personal award, checked
    against the award's rules as every candidate is. The person is of the proposing
    unit's register: their current unit is the proposing unit or one under it
    (``not_in_register``); nobody is a candidate twice (``already_candidate``)."""
    proposal = Proposal.objects.select_for_update().select_related("award").get(pk=proposal.pk)
    proposal_workflow.check(proposal, "add_person")
    person = Person.objects.select_related("unit__unit_type").get(pk=person.pk)
    if not person.unit.path.startswith(proposal.proposer_unit.path):
        raise FieldRuleError(
            "person",
            _("%(person)s is not in the register of %(unit)s or of a unit under it.")
            % {"person": person.full_name, "unit": proposal.proposer_unit.name},
            code="not_in_register",
        )
    if proposal.candidates.filter(person=person).exists():
        raise FieldRuleError(
            "person",
            _("%(person)s is already a candidate.") % {"person": person.full_name},
            code="already_candidate",
        )
    last = proposal.candidates.order_by("-position").values_list("position", flat=True).first()
    candidate = Candidate(
        proposal=proposal,
        person=person,
        achievement=achievement,
        achievement_key=achievement_key,
        position=0 if last is None else last + 1,
    )
    # Whether it is eligible and selected is for the check and the votes to say.
    candidate.full_clean(exclude=["eligible", "selected"])
    candidate.save()
    candidate_check(candidate)
    audit_record(
        actor=actor,
        action="proposal.candidate_add",
        target=proposal,
        changes={"candidate": [None, {"person": person.pk, "name": person.full_name}]},
    )
    return candidate


def _move(proposal: Proposal, name: str, *, actor: Any, **changes: Any) -> Proposal:
    """Make the move ``name`` of :data:`proposal_workflow` (refused with
    ``invalid_transition`` when the table has no such move from the proposal's state)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    to = proposal_workflow.check(proposal, name).target
    assert to is not None
    before = proposal.state
    for name, value in changes.items():
        setattr(proposal, name, value)
    proposal.state = to
    proposal.save()
    audit_record(
        actor=actor, action=f"proposal.{to}", target=proposal, changes={"state": [before, to]}
    )
    return proposal


def _label(candidate: Candidate) -> str:
    """The candidate's line on a ballot, unique within a proposal."""
    if candidate.unit is not None:
        return f"{candidate.unit.name} ({candidate.unit.code})"
    person = candidate.person
    assert person is not None
    return f"{person.full_name} — {person.unit.name} (#{person.pk})"


def _poll_for(
    proposal: Proposal,
    *,
    actor: Any,
    title: str,
    cluster: Cluster | None,
    body: Body | None,
    candidates: list[Candidate],
    quorum: Fraction,
    majority: str,
    base: str,
    link: str,
) -> Poll:
    """Open a yes/no poll with one line per candidate, and remember each candidate's line
    (``link`` is ``cluster_option`` or ``council_option``)."""
    poll = poll_create(
        actor=actor,
        owner_unit=proposal.committee_unit,
        title=title,
        kind=PollKind.YES_NO,
        options=[_label(c) for c in candidates],
        cluster=cluster,
        body=body,
        quorum=quorum,
        majority=majority,
        base=base,
    )
    for candidate, option in zip(candidates, poll.options.order_by("position"), strict=True):
        setattr(candidate, link, option)
    Candidate.objects.bulk_update(candidates, [link])
    return poll_open(actor=actor, poll=poll)


@transaction.atomic
def proposal_cluster_vote(
    *,
    actor: Any,
    proposal: Proposal,
    quorum: Fraction = Fraction(2, 3),
    majority: str = Majority.ABSOLUTE,
    base: str = Base.CAST,
) -> Proposal:
    """Put the eligible candidates to the cluster's secret vote."""
    _draftable(proposal)
    if proposal.cluster is None:
        raise ValidationError(_("Only a cluster's proposal goes to a cluster vote."))
    candidates = list(proposal.candidates.filter(eligible=True))
    if not candidates:
        raise ValidationError(_("No candidate meets the award's rules."))
    poll = _poll_for(
        proposal,
        actor=actor,
        title=_("%(award)s %(year)s — cluster vote")
        % {"award": proposal.award, "year": proposal.year},
        cluster=proposal.cluster,
        body=None,
        candidates=candidates,
        quorum=quorum,
        majority=majority,
        base=base,
        link="cluster_option",
    )
    return _move(proposal, "cluster_vote", actor=actor, cluster_poll=poll)


def _carried(poll: Poll, candidates: list[Candidate], link: str) -> set[int]:
    """The candidates whose line on the poll carried (matched by option, not by label)."""
    poll = Poll.objects.get(pk=poll.pk)  # the caller's copy may predate publication
    if poll.state != PollState.PUBLISHED or not poll.result:
        raise ValidationError(_("Publish the vote's result first."))
    passed = {o["option"] for o in poll.result["options"] if o["passed"]}
    return {c.pk for c in candidates if getattr(c, f"{link}_id") in passed}


@transaction.atomic
def proposal_send(*, actor: Any, proposal: Proposal) -> Proposal:
    """Send to the committee: after a cluster vote, only the candidates it carried."""
    candidates = list(proposal.candidates.all())
    if proposal.cluster_poll_id is not None:
        carried = _carried(proposal.cluster_poll, candidates, "cluster_option")  # type: ignore[arg-type]
    else:
        # Without a vote, only the candidates that meet the rules go forward.
        carried = {c.pk for c in candidates if c.eligible}
    if not carried:
        raise ValidationError(_("No candidate is left to send."))
    for c in candidates:
        c.selected = c.pk in carried
    Candidate.objects.bulk_update(candidates, ["selected"])
    return _move(proposal, "send", actor=actor)


@transaction.atomic
def proposal_return(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    if not reason.strip():
        raise ValidationError({"return_reason": _("Say what the proposer should change.")})
    return _move(proposal, "return", actor=actor, return_reason=reason)


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: Proposal) -> Proposal:
    return _move(proposal, "accept", actor=actor)


@transaction.atomic
def proposal_publish_for_comment(*, actor: Any, proposal: Proposal, days: int) -> Proposal:
    """Publish the proposed list on the public page for ``days`` days."""
    if not 1 <= days <= 90:
        raise ValidationError({"days": _("Publish for 1 to 90 days.")})
    today = timezone.localdate()
    return _move(
        proposal,
        "publish",
        actor=actor,
        public_from=today,
        public_until=today + timedelta(days=days),
    )


@transaction.atomic
def comment_add(*, proposal: Proposal, text: str, author_name: str = "") -> PublicComment:
    """Anyone may comment while the list is published; every comment is kept."""
    today = timezone.localdate()
    if proposal.state != ProposalState.PUBLIC_COMMENT or not (
        proposal.public_from
        and proposal.public_until
        and proposal.public_from <= today <= proposal.public_until
    ):
        raise ValidationError(_("This list is not open for comment."))
    if not text.strip():
        raise ValidationError({"text": _("Write your comment.")})
    comment = PublicComment.objects.create(
        proposal=proposal, text=text.strip()[:5000], author_name=author_name.strip()[:200]
    )
    audit_record(
        actor=None,
        action="proposal.comment",
        target=proposal,
        changes={"comment": [None, comment.pk]},
    )
    return comment


@transaction.atomic
def proposal_council_vote(
    *,
    actor: Any,
    proposal: Proposal,
    body: Body,
    quorum: Fraction = Fraction(2, 3),
    majority: str = Majority.ABSOLUTE,
    base: str = Base.ENTITLED,
) -> Proposal:
    """Put the selected candidates to the council's secret vote."""
    candidates = list(proposal.candidates.filter(selected=True))
    if not candidates:
        raise ValidationError(_("No candidate is left to vote on."))
    if not body.owner_unit.path.startswith(proposal.committee_unit.path):
        raise ValidationError({"body": _("Choose a council of the committee.")})
    poll = _poll_for(
        proposal,
        actor=actor,
        title=_("%(award)s %(year)s — council vote")
        % {"award": proposal.award, "year": proposal.year},
        cluster=None,
        body=body,
        candidates=candidates,
        quorum=quorum,
        majority=majority,
        base=base,
        link="council_option",
    )
    return _move(proposal, "council_vote", actor=actor, council_poll=poll)


def _check_comment_window(proposal: Proposal, decided_on: date) -> None:
    until = proposal.public_until
    if until is None:
        return
    if not comment_window_closed(proposal):
        raise ValidationError(
            _("The list is open for public comment until %(date)s: decide after that day.")
            % {"date": formats.date_format(until, "DATE_FORMAT")},
            code="comment_window_open",
        )
    if decided_on <= until:
        raise ValidationError(
            _(
                "The list was open for public comment until %(date)s: the decision is "
                "dated after that day."
            )
            % {"date": formats.date_format(until, "DATE_FORMAT")},
            code="comment_window_open",
        )


@transaction.atomic
def proposal_decide(*, actor: Any, proposal: Proposal, decision: Decision) -> list[AwardGrant]:
    """Record the decision and grant the award to the candidates that carried (after a
    council vote) or were selected (without one).

    A list published for public comment is decided only after its window has closed, by
    a decision dated after it (``comment_window_open``)."""
    candidates = list(proposal.candidates.filter(selected=True).select_related("unit", "person"))
    if proposal.council_poll_id is not None:
        carried = _carried(proposal.council_poll, candidates, "council_option")  # type: ignore[arg-type]
        candidates = [c for c in candidates if c.pk in carried]
    _check_comment_window(proposal, decision.date)
    # The rules in force on the real decision date, against today's registry.
    proposal.decision_date = decision.date
    Proposal.objects.filter(pk=proposal.pk).update(decision_date=decision.date)
    candidates = [c for c in candidates if candidate_check(c).eligible]
    if not candidates:
        raise ValidationError(_("No candidate meets the award's rules on the decision date."))
    proposal = _move(proposal, "decide", actor=actor, decision=decision)
    grants = []
    for number, candidate in enumerate(candidates, start=1):
        grants.append(
            AwardGrant.objects.create(
                award=proposal.award,
                decision=decision,
                unit=candidate.unit,
                person=candidate.person,
                year=proposal.year,
                achievement=candidate.achievement,
                achievement_key=candidate.achievement_key,
                proposal=proposal,
                certificate_number=f"{decision.number}/{number:03d}",
            )
        )
    audit_record(
        actor=actor,
        action="award.grant",
        target=decision,
        changes={"grants": [None, [str(g) for g in grants]]},
    )
    return grants


@transaction.atomic
def grant_record(
    *,
    actor: Any,
    award: Award,
    decision: Decision,
    year: int,
    unit: Unit | None = None,
    person: Person | None = None,
    achievement: str = "",
    achievement_key: str = "",
    certificate_number: str = "",
) -> AwardGrant:
    """Record an award granted outside a proposal (past awards, imports)."""
    if (unit is None) == (person is None):
        raise ValidationError({"unit": _("Name the unit or the person who received it.")})
    if (award.recipient_kind == "unit") != (unit is not None):
        raise ValidationError({"award": _("This award is not given to that kind of recipient.")})
    grant = AwardGrant(
        award=award,
        decision=decision,
        unit=unit,
        person=person,
        year=year,
        achievement=achievement,
        achievement_key=achievement_key,
        certificate_number=certificate_number,
    )
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor, action="award.record", target=grant, changes={"grant": [None, str(grant)]}
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Any, grant: AwardGrant, reason: str) -> AwardGrant:
    grant = AwardGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("This award is already revoked."))
    if not reason.strip():
        raise ValidationError({"revoke_reason": _("Give the reason for revoking.")})
    grant.revoked_at = timezone.now()
    grant.revoke_reason = reason
    grant.revoked_by = actor if getattr(actor, "pk", None) else None
    grant.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
    audit_record(
        actor=actor, action="award.revoke", target=grant, changes={"revoked": [None, reason]}
    )
    return grant


@transaction.atomic
def proposal_attachment_add(
    *, actor: Any, proposal: Proposal, kind: str, file: Any, name: str = ""
) -> ProposalAttachment:
    """Add a file to the proposal's dossier (a report, minutes, another document); a file
    over the limit or of another type is refused on ``file`` (codes ``file_too_large``,
    ``file_type``); the dossier is closed once the proposal is decided. The stored file
    is removed again if the row or its audit entry is not written."""
    proposal_workflow.check(proposal, "attach")
    check_upload(file)
    attachment = ProposalAttachment(
        proposal=proposal,
        kind=kind,
        name=(name or PurePath(file.name).name)[:255],
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    with upload_stored(attachment, "file", file):
        attachment.full_clean()
        attachment.save()
        audit_record(
            actor=actor,
            action="proposal.attach",
            target=proposal,
            changes={"attachment": [None, attachment.name]},
        )
    return attachment
