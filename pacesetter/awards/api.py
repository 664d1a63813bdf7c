"""JSON API for the award catalog, proposals and the registry of granted awards:
/api/v1/awards, /api/v1/proposals, /api/v1/grants and the public /api/v1/public/proposals.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.ballots.models import Base, Majority
from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.api import ClusterRef
from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import cluster_current_leader
from pacesetter.core.api_types import (
    VERSION_IN,
    VERSION_OUT,
    Days,
    Id,
    Paged,
    Position,
    Quantity,
    ShareIn,
    Version,
    Year,
)
from pacesetter.core.files import file_download
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    matching,
    ordered,
    text_input,
    text_patch,
    translations,
)
from pacesetter.decisions.api import DecisionOut
from pacesetter.decisions.policies import decision_policy
from pacesetter.decisions.services import decision_create
from pacesetter.scoring.api import review_point_access
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from . import selectors
from .models import (
    AttachmentKind,
    Award,
    AwardGrant,
    AwardLevel,
    Candidate,
    Person,
    Proposal,
    ProposalAttachment,
    ProposalState,
    PublicComment,
    RecipientKind,
)
from .people_api import AwardPersonRef, people_router
from .people_selectors import current_positions, register_people_for
from .policies import award_policy, grant_policy, proposal_policy
from .presets import catalog_countries
from .services import (
    award_create,
    award_update,
    comment_add,
    eligibility_rule_add,
    grant_record,
    grant_revoke,
    proposal_accept,
    proposal_attachment_add,
    proposal_candidate_add,
    proposal_check,
    proposal_cluster_vote,
    proposal_council_vote,
    proposal_decide,
    proposal_from_ranking,
    proposal_nominate,
    proposal_publish_for_comment,
    proposal_return,
    proposal_send,
)
from .throttles import COMMENT_RATE, CommentThrottle
from .workflows import proposal_workflow

awards_router = Router(tags=["awards"])
#: /awards/people: the register of people (people_api.py).
awards_router.add_router("/people", people_router)
proposals_router = Router(tags=["award proposals"])
grants_router = Router(tags=["award registry"])
public_router = Router(tags=["public"])


# --- schemas -------------------------------------------------------------------------


class AwardRef(Schema):
    """``name`` is in the request's language (``?lang=``, else Accept-Language), else in
    the award's source language."""

    id: Id
    code: str
    name: str
    source_language: str


class AwardOut(AwardRef):
    preset: str
    country: str = Field(
        description="Where it applies: its catalog's country (ISO 3166 alpha-2, such as VN); "
        "empty: everywhere. A proposal for it is refused (award_not_for_country) when its "
        "committee is in another country."
    )
    level: AwardLevel
    recipient_kind: RecipientKind
    issuer: str
    quota_count: Quantity | None
    quota_percent: Decimal | None
    position: Position
    is_active: bool

    @staticmethod
    def resolve_country(obj: Award | dict[str, Any]) -> str:
        preset = obj["preset"] if isinstance(obj, dict) else obj.preset
        return catalog_countries().get(preset, "")


class RuleTextRow(Schema):
    depth: int
    text: str


class RuleOut(Schema):
    id: Id
    valid_from: dt.date
    valid_to: dt.date | None
    in_force: bool
    rule: dict[str, Any]
    description: str
    text: list[RuleTextRow] = Field(description="The rule as indented sentences.")


class LegalReferenceOut(Schema):
    id: Id
    citation: str
    valid_from: dt.date
    valid_to: dt.date | None
    confirmed: bool = Field(description="False: not checked against the official text.")
    note: str


class AwardDetailOut(AwardOut):
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT
    rules: list[RuleOut]
    legal_references: list[LegalReferenceOut]


class AwardIn(Schema):
    """A new award of the catalog (a deployment's own, without a preset). ``code`` is
    unique and never changes: rules name awards by it."""

    code: str = Field(max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    level: AwardLevel
    recipient_kind: RecipientKind
    issuer: text_input(255)  # type: ignore[valid-type]
    quota_count: Quantity | None = Field(None, ge=0)
    quota_percent: Decimal | None = Field(None, gt=0, le=100, decimal_places=2)
    position: Position = Field(0, ge=0, le=32767)
    is_active: bool = True


class AwardPatch(Schema):
    """Only the fields sent are changed; ``code`` cannot be. ``recipient_kind`` cannot
    change once the award has proposals or grants (``award_in_use``). A name or issuer
    by language merges: languages not sent are kept, ``""`` clears one (not the
    source's)."""

    source_language: Language | None = None
    name: text_patch(255) = None  # type: ignore[valid-type]
    level: AwardLevel | None = None
    recipient_kind: RecipientKind | None = None
    issuer: text_patch(255) = None  # type: ignore[valid-type]
    quota_count: Quantity | None = Field(None, ge=0)
    quota_percent: Decimal | None = Field(None, gt=0, le=100, decimal_places=2)
    position: Position | None = Field(None, ge=0, le=32767)
    is_active: bool | None = None
    version: Version | None = VERSION_IN


class EligibilityRuleIn(Schema):
    """A new version of the award's rule, in force from ``valid_from``, which must be
    after the latest version's (``valid_from_not_after_latest``). A malformed ``rule`` is
    refused with ``invalid_rule`` and the path of its first bad node in the message."""

    valid_from: dt.date
    valid_to: dt.date | None = None
    rule: dict[str, Any] = Field(
        description='The rule tree, e.g. {"all": [{"rank_at_most": {"rank": 1}}, {"no_veto": {}}]}.'
    )
    description: str = ""


class AwardFilters(Schema):
    q: str = ""
    preset: str = ""
    level: AwardLevel | None = None
    recipient_kind: RecipientKind | None = None
    active: bool | None = None


class CheckRow(Schema):
    """One line of the eligibility check: a rule, indented by ``depth``, passed or not,
    with what was found."""

    depth: int
    passed: bool
    text: str


class EligibilityOut(Schema):
    rule_id: Id
    valid_from: dt.date
    rows: list[CheckRow]


class CandidateOut(Schema):
    id: Id
    unit: UnitRef | None
    person: AwardPersonRef | None
    position: Position
    rank: int | None
    percentage: Decimal | None
    veto: bool
    achievement: str
    achievement_key: str
    eligible: bool | None
    selected: bool | None
    eligibility: EligibilityOut | None = Field(
        description="The check against the rule in force on the decision date; null when "
        "the award had no rule then."
    )

    @staticmethod
    def resolve_eligibility(obj: Candidate) -> dict[str, Any] | None:
        rows = selectors.eligibility_rows(obj)
        if rows is None or not obj.eligibility:
            return None
        return {
            "rule_id": obj.eligibility["rule_id"],
            "valid_from": obj.eligibility["valid_from"],
            "rows": rows,
        }


class AttachmentOut(Schema):
    id: Id
    kind: str
    name: str
    uploaded_at: dt.datetime


class GrantRef(Schema):
    id: Id
    certificate_number: str
    unit: UnitRef | None
    person: AwardPersonRef | None
    revoked_at: dt.datetime | None


class ProposalOut(Schema):
    id: Id
    award: AwardRef
    year: Year
    state: ProposalState
    proposer_unit: UnitRef
    committee_unit: UnitRef
    cluster: ClusterRef | None
    review_point_id: Id | None
    decision_date: dt.date
    public_from: dt.date | None
    public_until: dt.date | None
    cluster_poll_id: Id | None = Field(description="Its result: GET /polls/{id}.")
    council_poll_id: Id | None
    decision_id: Id | None
    created_at: dt.datetime


class ProposalDetailOut(ProposalOut):
    full_view: bool = Field(
        description="False for a candidate's unit: it sees its own candidacy only, "
        "without the dossier."
    )
    achievement_report: str
    return_reason: str
    candidates: list[CandidateOut]
    attachments: list[AttachmentOut]
    decision: DecisionOut | None
    grants: list[GrantRef]
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (check, attach, cluster_vote, send, "
        "accept, return, publish, council_vote, decide), from the proposal's workflow."
    )


class ProposalFilters(Schema):
    state: ProposalState | None = None
    award: Id | None = None
    year: Year | None = None


class FromRankingIn(Schema):
    """The cluster's top units of a published ranking, within the award's quota.

    ``proposer_unit_id`` defaults to the cluster's leader unit for the ranking's year and
    ``committee_unit_id`` to the unit that owns the cluster."""

    award_id: Id
    review_point_id: Id
    cluster_id: Id
    decision_date: dt.date
    proposer_unit_id: Id | None = None
    committee_unit_id: Id | None = None
    achievement_report: str = ""


class NominateIn(Schema):
    """Units (for a collective award) or people (for a personal one) nominated by
    ``proposer_unit_id`` (needs committee staff over it) to ``committee_unit_id`` (a unit
    the user manages or one above it)."""

    award_id: Id
    year: Year = Field(ge=1900, le=2999)
    decision_date: dt.date
    proposer_unit_id: Id
    committee_unit_id: Id
    unit_ids: list[Id] = []
    person_ids: list[Id] = []
    achievement: str = ""
    achievement_key: str = Field("", max_length=100)
    achievement_report: str = ""


class VoteSettingsIn(Schema):
    quorum: ShareIn = Field(Fraction(2, 3))
    majority: Majority = Majority.ABSOLUTE


class ClusterVoteIn(VoteSettingsIn):
    base: Base = Base.CAST


class CouncilVoteIn(VoteSettingsIn):
    body_id: Id
    base: Base = Base.ENTITLED


class ProposalReturnIn(Schema):
    reason: str


class PublishForCommentIn(Schema):
    days: Days


class DecideIn(Schema):
    """The decision that grants the award; it is recorded under the committee unit."""

    number: str = Field(max_length=100)
    date: dt.date
    issuer: str = Field(max_length=255)
    title: str = Field("", max_length=500)
    signer_title: str = Field("", max_length=255)
    signed_for: str = Field(
        "",
        max_length=255,
        description="When the signer signs for another: the line above their title (KT. Chủ tịch).",
    )
    signer_name: str = Field("", max_length=200)
    place: str = Field("", max_length=100, description="Where it was signed (Thanh Hóa).")


class CommentOut(Schema):
    id: Id
    author_name: str
    text: str
    created_at: dt.datetime


class CommentIn(Schema):
    text: str = Field(max_length=5000)
    author_name: str = Field("", max_length=200)


class PublicCandidateOut(Schema):
    name: str
    unit: UnitRef | None
    achievement: str


class PublicProposalOut(Schema):
    id: Id
    award: AwardRef
    year: Year
    committee_unit: UnitRef
    cluster: ClusterRef | None
    public_from: dt.date | None
    public_until: dt.date | None
    open_for_comment: bool
    candidates: list[PublicCandidateOut]
    comment_count: int


class GrantOut(Schema):
    id: Id
    award: AwardRef
    decision: DecisionOut
    unit: UnitRef | None
    person: AwardPersonRef | None
    year: Year
    achievement: str
    achievement_key: str
    proposal_id: Id | None
    certificate_number: str
    revoked_at: dt.datetime | None
    revoke_reason: str


class GrantFilters(Schema):
    award: Id | None = None
    year: Year | None = None
    unit: str = Field("", description="Code or name of the unit, or a person's name.")
    unit_id: Id | None = Field(None, description="One unit's awards and its people's.")
    decision: str = Field("", description="Part of the decision number.")
    revoked: bool | None = None


class GrantIn(Schema):
    """A past award (or one granted outside a proposal) under a recorded decision; needs
    committee staff over the unit that recorded the decision. Name ``unit_id`` or
    ``person_id``, as the award is given."""

    award_id: Id
    decision_id: Id
    year: Year = Field(ge=1900, le=2999)
    unit_id: Id | None = None
    person_id: Id | None = None
    achievement: str = ""
    achievement_key: str = Field("", max_length=100)
    certificate_number: str = Field("", max_length=50)


class RevokeIn(Schema):
    reason: str


# --- helpers -------------------------------------------------------------------------


def _in(qs: models.QuerySet[Any], pk: int, field: str) -> Any:
    """An object of ``qs`` named by an input field; any other id is an invalid value."""
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("Choose a valid option.")})
    return obj


def _proposal(user: Any, proposal_id: Id, action: str = "view") -> Proposal:
    proposal = proposal_policy.access(user, proposal_id, action)
    return (
        Proposal.objects.select_related(
            "award", "proposer_unit", "committee_unit", "cluster", "decision__owner_unit"
        )
        .filter(pk=proposal.pk)
        .get()
    )


def _detail(user: Any, proposal: Proposal) -> dict[str, Any]:
    """A proposal as ``ProposalDetailOut``: the proposer and the committee see every
    candidate and the dossier; a candidate's unit only its own candidacy."""
    full = proposal_policy.sees_dossier(user, proposal)
    grants = (
        grant_policy.visible(user)
        .filter(proposal=proposal)
        .select_related("unit", "person__unit")
        .prefetch_related(current_positions("person__"))
        .order_by("certificate_number", "pk")
    )
    return {
        **{f: getattr(proposal, f) for f in ProposalOut.model_fields},
        "full_view": full,
        "achievement_report": proposal.achievement_report if full else "",
        "return_reason": proposal.return_reason if full else "",
        "candidates": selectors.proposal_candidates(user, proposal, full=full),
        "attachments": list(proposal.attachments.order_by("uploaded_at", "pk")) if full else [],
        "decision": proposal.decision,
        "grants": list(grants),
        "allowed_actions": proposal_workflow.allowed_list(user, proposal),
    }


def _acted(user: Any, proposal: Proposal) -> dict[str, Any]:
    return _detail(user, _proposal(user, proposal.pk))


# --- the award catalog ---------------------------------------------------------------


@awards_router.get("", response=list[AwardOut])
@paginate(Paged)
def award_list(request: HttpRequest, filters: Query[AwardFilters]) -> models.QuerySet[Award]:
    """The award catalog (every signed-in user reads it), by preset and position.

    ``q`` searches code and names in every language; ``preset`` (``vn``, ``cn``,
    ``generic``…), ``level``, ``recipient_kind`` and ``active`` filter."""
    qs = award_policy.visible(request.user)
    q = filters.q.strip()
    if q:
        qs = matching(qs, q)
    if filters.preset:
        qs = qs.filter(preset=filters.preset)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.recipient_kind:
        qs = qs.filter(recipient_kind=filters.recipient_kind)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.order_by("preset", "position", ordered("name"), "pk")


def _rules(award: Award) -> list[dict[str, Any]]:
    """The award's rule versions as ``RuleOut``, newest first."""
    return [
        {
            "id": r["rule"].pk,
            "valid_from": r["rule"].valid_from,
            "valid_to": r["rule"].valid_to,
            "in_force": r["in_force"],
            "rule": r["rule"].rule,
            "description": r["rule"].description,
            "text": r["rows"],
        }
        for r in selectors.rules_of(award, timezone.localdate())
    ]


def _award_detail(award: Award) -> dict[str, Any]:
    return {
        **{f: getattr(award, f) for f in AwardOut.model_fields if f != "country"},
        "translations": translations(award),
        "version": award.version,
        "rules": _rules(award),
        "legal_references": list(award.legal_references.order_by("-valid_from", "pk")),
    }


@awards_router.post("", response={201: AwardDetailOut})
def award_create_endpoint(request: HttpRequest, payload: AwardIn) -> Status[dict[str, Any]]:
    """Add an award to the catalog (committee staff of a root unit). It has no rule yet:
    every candidate is eligible until ``POST /awards/{id}/rules`` adds one."""
    if not award_policy.may_create(request.user):
        raise PermissionDenied(_("You do not have permission to do this."))
    fields = payload.dict()
    fields["source_language"] = fields["source_language"] or content_language()
    award = award_create(actor=request.user, **fields)
    return Status(201, _award_detail(award))


@awards_router.get("/{int:award_id}", response=AwardDetailOut)
def award_detail(request: HttpRequest, award_id: Id) -> dict[str, Any]:
    """An award with its eligibility rules (newest first: period, the rule as JSON and as
    sentences, whether it is in force today) and its legal references (``confirmed``
    false marks one not checked against the official text)."""
    return _award_detail(award_policy.access(request.user, award_id))


@awards_router.patch("/{int:award_id}", response=AwardDetailOut)
def award_update_endpoint(
    request: HttpRequest, award_id: Id, payload: AwardPatch
) -> dict[str, Any]:
    """Change an award (committee staff of a root unit); only the fields sent change.
    With ``version``, an award saved since it was read is a 409 ``stale_version``."""
    award = award_policy.access(request.user, award_id, "update")
    fields = payload.dict(exclude_unset=True)
    # Of the fields sent, those the model requires cannot be emptied with null.
    for name in ("name", "level", "recipient_kind", "issuer", "position", "is_active"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be null.")})
    return _award_detail(award_update(actor=request.user, award=award, **fields))


@awards_router.get("/{int:award_id}/rules", response=list[RuleOut])
@paginate(Paged)
def award_rule_list(request: HttpRequest, award_id: Id) -> list[dict[str, Any]]:
    """The versions of the award's rule, newest first, each with its period, the rule as
    JSON and as sentences, and whether it is the one in force today."""
    return _rules(award_policy.access(request.user, award_id))


@awards_router.post("/{int:award_id}/rules", response={201: RuleOut})
def award_rule_add_endpoint(
    request: HttpRequest, award_id: Id, payload: EligibilityRuleIn
) -> Status[dict[str, Any]]:
    """Add a new version of the award's rule (committee staff of a root unit); earlier
    versions stay as they are."""
    award = award_policy.access(request.user, award_id, "update")
    version = eligibility_rule_add(actor=request.user, award=award, **payload.dict())
    return Status(201, next(r for r in _rules(award) if r["id"] == version.pk))


# --- proposals -----------------------------------------------------------------------


@proposals_router.get("", response=list[ProposalOut])
@paginate(Paged)
def proposal_list(
    request: HttpRequest, filters: Query[ProposalFilters]
) -> models.QuerySet[Proposal]:
    """Proposals the user may see (the proposer, the committee, and the units among the
    candidates), newest first; ``state``, ``award`` (id) and ``year`` filter."""
    qs = proposal_policy.visible(request.user).select_related(
        "award", "cluster", "proposer_unit", "committee_unit"
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.award is not None:
        qs = qs.filter(award_id=filters.award)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return qs.order_by("-year", "-pk")


@proposals_router.get("/{int:proposal_id}", response=ProposalDetailOut)
def proposal_detail(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    """A proposal with its candidates (rank, percentage, eligible, and the eligibility
    check as rows ``{depth, passed, text}``), its dossier, its decision and grants.

    A candidate's unit sees only its own candidacy and no dossier (``full_view`` false).
    The votes' results are read from ``GET /polls/{id}`` once published."""
    return _detail(request.user, _proposal(request.user, proposal_id))


@proposals_router.post("/from-ranking", response={201: ProposalDetailOut})
def proposal_from_ranking_endpoint(
    request: HttpRequest, payload: FromRankingIn
) -> Status[dict[str, Any]]:
    """Draft a proposal from a published ranking: the cluster's top units within the
    award's quota, each checked against the award's rules. The cluster's leader, or
    committee staff over the proposing unit, drafts it."""
    user = request.user
    award = resolve_ref(award_policy, user, payload.award_id, "view", "award_id")
    cluster = resolve_ref(cluster_policy, user, payload.cluster_id, "view", "cluster_id")
    try:
        review_point = review_point_access(user, payload.review_point_id)
    except Http404 as exc:
        raise ValidationError({"review_point_id": _("Choose a valid option.")}) from exc
    if payload.proposer_unit_id is not None:
        proposer = resolve_ref(
            unit_policy, user, payload.proposer_unit_id, "view", "proposer_unit_id"
        )
    else:
        leadership = cluster_current_leader(cluster, review_point.period_end.year, "leader")
        if leadership is None:
            raise ValidationError(
                {"proposer_unit_id": _("The cluster has no leader that year; name the proposer.")}
            )
        proposer = leadership.unit
    leads = selectors.leads_cluster_in(user, review_point, cluster)
    if not (user.is_superuser or leads or unit_policy.allows(user, "manage", proposer)):
        raise PermissionDenied(_("Only the cluster's leader or the proposer's staff draft this."))
    if payload.committee_unit_id is not None:
        committee = _in(
            Unit.objects.filter(
                models.Q(pk__in=selectors.committee_choices(user).values("pk"))
                | models.Q(pk__in=unit_policy.visible(user).values("pk"))
                | models.Q(pk=cluster.owner_unit_id)
            ),
            payload.committee_unit_id,
            "committee_unit_id",
        )
    else:
        committee = cluster.owner_unit
    proposal = proposal_from_ranking(
        actor=user,
        award=award,
        review_point=review_point,
        cluster=cluster,
        decision_date=payload.decision_date,
        committee_unit=committee,
        proposer_unit=proposer,
        achievement_report=payload.achievement_report,
    )
    return Status(201, _acted(user, proposal))


@proposals_router.post("/nominate", response={201: ProposalDetailOut})
def proposal_nominate_endpoint(request: HttpRequest, payload: NominateIn) -> Status[dict[str, Any]]:
    """Draft a proposal by nomination, each candidate checked against the award's rules."""
    user = request.user
    award = resolve_ref(award_policy, user, payload.award_id, "view", "award_id")
    proposer = resolve_ref(
        unit_policy, user, payload.proposer_unit_id, "manage", "proposer_unit_id"
    )
    committee = _in(
        selectors.committee_choices(user), payload.committee_unit_id, "committee_unit_id"
    )
    units = list(selectors.nominable_units(user).filter(pk__in=payload.unit_ids))
    if len(units) != len(set(payload.unit_ids)):
        raise ValidationError({"unit_ids": _("Choose a valid option.")})
    people = list(selectors.nominable_people(user).filter(pk__in=payload.person_ids))
    if len(people) != len(set(payload.person_ids)):
        raise ValidationError({"person_ids": _("Choose a valid option.")})
    order = {pk: i for i, pk in enumerate([*payload.unit_ids, *payload.person_ids])}
    units.sort(key=lambda u: order[u.pk])
    people.sort(key=lambda p: order[p.pk])
    proposal = proposal_nominate(
        actor=user,
        award=award,
        year=payload.year,
        decision_date=payload.decision_date,
        committee_unit=committee,
        proposer_unit=proposer,
        units=units,
        people=people,
        achievement=payload.achievement,
        achievement_key=payload.achievement_key,
        achievement_report=payload.achievement_report,
    )
    return Status(201, _acted(user, proposal))


class CandidatePersonIn(Schema):
    """A person of the proposing unit's register (the unit or one under it)."""

    person_id: Id
    achievement: str = ""
    achievement_key: str = Field("", max_length=100)


@proposals_router.post("/{int:proposal_id}/candidates", response={201: ProposalDetailOut})
def proposal_candidate_add_endpoint(
    request: HttpRequest, proposal_id: Id, payload: CandidatePersonIn
) -> Status[dict[str, Any]]:
    """Add a person of the register as a candidate of a draft or returned proposal of a
    personal award (``add_person`` in ``allowed_actions``: the proposers and the unit
    officers over the proposing unit); checked against the award's rules at once.
    ``not_in_register``: the person is of another unit; ``already_candidate``."""
    user = request.user
    proposal = _proposal(user, proposal_id, "nominate")
    person = _in(register_people_for(user, proposal), payload.person_id, "person_id")
    proposal_candidate_add(
        actor=user,
        proposal=proposal,
        person=person,
        achievement=payload.achievement,
        achievement_key=payload.achievement_key,
    )
    return Status(201, _acted(user, proposal))


@proposals_router.post("/{int:proposal_id}/check", response=ProposalDetailOut)
def proposal_check_endpoint(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    """Check every candidate again against the rule in force on the decision date (the
    proposer or the committee)."""
    user = request.user
    proposal = _proposal(user, proposal_id)
    if not proposal_policy.sees_dossier(user, proposal):
        raise PermissionDenied(_("You do not have permission to do this."))
    return _acted(user, proposal_check(actor=user, proposal=proposal))


@proposals_router.post("/{int:proposal_id}/cluster-vote", response=ProposalDetailOut)
def proposal_cluster_vote_endpoint(
    request: HttpRequest, proposal_id: Id, payload: ClusterVoteIn
) -> dict[str, Any]:
    """Put the eligible candidates to the cluster's secret vote (the proposer): opens a
    poll, ``cluster_poll_id``, that the member units vote in."""
    user = request.user
    proposal = _proposal(user, proposal_id, "propose")
    proposal = proposal_cluster_vote(actor=user, proposal=proposal, **payload.dict())
    return _acted(user, proposal)


@proposals_router.post("/{int:proposal_id}/send", response=ProposalDetailOut)
def proposal_send_endpoint(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    """Send to the committee (the proposer): after a cluster vote, only the candidates it
    carried (its result must be published)."""
    user = request.user
    proposal = _proposal(user, proposal_id, "propose")
    return _acted(user, proposal_send(actor=user, proposal=proposal))


@proposals_router.post("/{int:proposal_id}/return", response=ProposalDetailOut)
def proposal_return_endpoint(
    request: HttpRequest, proposal_id: Id, payload: ProposalReturnIn
) -> dict[str, Any]:
    """The committee returns a sent proposal, saying what to change."""
    user = request.user
    proposal = _proposal(user, proposal_id, "decide")
    return _acted(user, proposal_return(actor=user, proposal=proposal, reason=payload.reason))


@proposals_router.post("/{int:proposal_id}/accept", response=ProposalDetailOut)
def proposal_accept_endpoint(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    """The committee accepts a sent proposal."""
    user = request.user
    proposal = _proposal(user, proposal_id, "decide")
    return _acted(user, proposal_accept(actor=user, proposal=proposal))


@proposals_router.post("/{int:proposal_id}/publish-for-comment", response=ProposalDetailOut)
def proposal_publish_endpoint(
    request: HttpRequest, proposal_id: Id, payload: PublishForCommentIn
) -> dict[str, Any]:
    """The committee publishes the accepted list for public comment for ``days`` days
    (1 to 90) at ``GET /public/proposals/{id}``."""
    user = request.user
    proposal = _proposal(user, proposal_id, "decide")
    proposal = proposal_publish_for_comment(actor=user, proposal=proposal, days=payload.days)
    return _acted(user, proposal)


@proposals_router.post("/{int:proposal_id}/council-vote", response=ProposalDetailOut)
def proposal_council_vote_endpoint(
    request: HttpRequest, proposal_id: Id, payload: CouncilVoteIn
) -> dict[str, Any]:
    """The committee puts the selected candidates to the council's (``body_id``) secret
    vote: opens a poll, ``council_poll_id``."""
    user = request.user
    proposal = _proposal(user, proposal_id, "decide")
    body = resolve_ref(body_policy, user, payload.body_id, "view", "body_id")
    proposal = proposal_council_vote(
        actor=user,
        proposal=proposal,
        body=body,
        quorum=payload.quorum,
        majority=payload.majority,
        base=payload.base,
    )
    return _acted(user, proposal)


@proposals_router.post("/{int:proposal_id}/decide", response=ProposalDetailOut)
def proposal_decide_endpoint(
    request: HttpRequest, proposal_id: Id, payload: DecideIn
) -> dict[str, Any]:
    """The committee records the decision (under the committee unit) and the award is
    granted to the candidates that carried the council vote (or, without one, that were
    selected). Both happen or neither. Attach the signed file with
    ``POST /decisions/{id}/file``."""
    user = request.user
    proposal = _proposal(user, proposal_id, "decide")
    with transaction.atomic():
        decision = decision_create(
            actor=user,
            owner_unit=proposal.committee_unit,
            source_language=content_language(),
            **payload.dict(),
        )
        proposal_decide(actor=user, proposal=proposal, decision=decision)
    return _acted(user, proposal)


def _dossier(user: Any, proposal_id: Id) -> Proposal:
    """A proposal whose dossier the user sees (the proposer and the committee): 404 when
    the proposal is out of sight, 403 for a candidate's unit."""
    proposal = _proposal(user, proposal_id)
    if not proposal_policy.sees_dossier(user, proposal):
        raise PermissionDenied(_("You do not have permission to do this."))
    return proposal


@proposals_router.get("/{int:proposal_id}/attachments", response=list[AttachmentOut])
def proposal_attachments(request: HttpRequest, proposal_id: Id) -> list[ProposalAttachment]:
    """The dossier's files, oldest first (the proposer and the committee)."""
    proposal = _dossier(request.user, proposal_id)
    return list(proposal.attachments.order_by("uploaded_at", "pk"))


@proposals_router.post("/{int:proposal_id}/attachments", response={201: AttachmentOut})
def proposal_attachment_add_endpoint(
    request: HttpRequest,
    proposal_id: Id,
    kind: Form[AttachmentKind],
    file: File[UploadedFile],
    name: Form[str] = "",
) -> Status[ProposalAttachment]:
    """Add a file to the dossier, sent as multipart: ``kind`` (report, minutes, other),
    the file in ``file`` and an optional ``name`` (the file's name by default). The
    proposer or the committee, until the proposal is decided (``invalid_transition``).

    A file over the upload limit is refused with ``file_too_large``, one of a type not
    accepted with ``file_type``."""
    user = request.user
    proposal = _dossier(user, proposal_id)
    attachment = proposal_attachment_add(
        actor=user, proposal=proposal, kind=kind, file=file, name=name
    )
    return Status(201, attachment)


@proposals_router.get("/{int:proposal_id}/attachments/{int:attachment_id}/file")
def proposal_attachment_file(
    request: HttpRequest, proposal_id: Id, attachment_id: Id
) -> FileResponse:
    """Download one of the dossier's files."""
    proposal = _dossier(request.user, proposal_id)
    return file_download(get_object_or_404(proposal.attachments, pk=attachment_id).file)


@proposals_router.get("/{int:proposal_id}/comments", response=list[CommentOut])
@paginate(Paged)
def proposal_comments(request: HttpRequest, proposal_id: Id) -> models.QuerySet[PublicComment]:
    """The public comments on the proposed list, oldest first (all are kept)."""
    proposal = _proposal(request.user, proposal_id)
    return proposal.comments.order_by("created_at", "pk")


@proposals_router.post(
    "/{int:proposal_id}/comments",
    response={201: CommentOut},
    auth=None,
    throttle=[CommentThrottle(COMMENT_RATE)],
)
def proposal_comment_add(
    request: HttpRequest, proposal_id: Id, payload: CommentIn
) -> Status[PublicComment]:
    """Comment on a list in public comment: no login; the name is optional. 404 for a
    proposal that is not published for comment; 422 once the period is over."""
    proposal = get_object_or_404(selectors.public_proposals(), pk=proposal_id)
    comment = comment_add(proposal=proposal, text=payload.text, author_name=payload.author_name)
    return Status(201, comment)


@public_router.get("/proposals/{int:proposal_id}", response=PublicProposalOut, auth=None)
def public_proposal(request: HttpRequest, proposal_id: Id) -> dict[str, Any]:
    """A proposed list published for public comment (no login): the award, the
    committee, the period and the candidates with their achievements. 404 otherwise."""
    proposal = get_object_or_404(selectors.public_proposals(), pk=proposal_id)
    today = timezone.localdate()
    candidates = (
        proposal.candidates.filter(selected=True)
        .select_related("unit", "person")
        .order_by("position", "pk")
    )
    return {
        "id": proposal.pk,
        "award": proposal.award,
        "year": proposal.year,
        "committee_unit": proposal.committee_unit,
        "cluster": proposal.cluster,
        "public_from": proposal.public_from,
        "public_until": proposal.public_until,
        "open_for_comment": bool(
            proposal.public_from
            and proposal.public_until
            and proposal.public_from <= today <= proposal.public_until
        ),
        "candidates": [
            {"name": str(c), "unit": c.unit, "achievement": c.achievement} for c in candidates
        ],
        "comment_count": proposal.comments.count(),
    }


# --- the registry --------------------------------------------------------------------


@grants_router.get("", response=list[GrantOut])
@paginate(Paged)
def grant_list(request: HttpRequest, filters: Query[GrantFilters]) -> models.QuerySet[AwardGrant]:
    """Granted awards the user may see (roles over the recipient unit; committee staff
    over the unit that recorded the decision), newest year first, revoked ones included.

    ``award`` (id), ``year``, ``unit`` (code or name, or a person's name), ``unit_id``,
    ``decision`` (part of its number) and ``revoked`` filter."""
    qs = selectors.grant_search(
        request.user, year=filters.year, unit=filters.unit.strip(), decision=filters.decision
    ).select_related("decision__owner_unit")
    qs = qs.prefetch_related(current_positions("person__"))
    if filters.award is not None:
        qs = qs.filter(award_id=filters.award)
    if filters.unit_id is not None:
        qs = qs.filter(
            models.Q(unit_id=filters.unit_id) | models.Q(person__unit_id=filters.unit_id)
        )
    if filters.revoked is not None:
        qs = qs.filter(revoked_at__isnull=not filters.revoked)
    return qs


def _grant(pk: int) -> AwardGrant:
    return (
        AwardGrant.objects.select_related("award", "decision__owner_unit", "unit", "person__unit")
        .filter(pk=pk)
        .get()
    )


@grants_router.get("/{int:grant_id}", response=GrantOut)
def grant_detail(request: HttpRequest, grant_id: Id) -> AwardGrant:
    """One granted award."""
    return _grant(grant_policy.access(request.user, grant_id).pk)


@grants_router.post("", response={201: GrantOut})
def grant_record_endpoint(request: HttpRequest, payload: GrantIn) -> Status[AwardGrant]:
    """Record a past award (so eligibility works from the first day)."""
    user = request.user
    award = resolve_ref(award_policy, user, payload.award_id, "view", "award_id")
    decision = resolve_ref(decision_policy, user, payload.decision_id, "update", "decision_id")
    unit = (
        resolve_ref(unit_policy, user, payload.unit_id, "manage", "unit_id")
        if payload.unit_id is not None
        else None
    )
    person: Person | None = (
        _in(selectors.nominable_people(user), payload.person_id, "person_id")
        if payload.person_id is not None
        else None
    )
    grant = grant_record(
        actor=user,
        award=award,
        decision=decision,
        year=payload.year,
        unit=unit,
        person=person,
        achievement=payload.achievement,
        achievement_key=payload.achievement_key,
        certificate_number=payload.certificate_number,
    )
    return Status(201, _grant(grant.pk))


@grants_router.post("/{int:grant_id}/revoke", response=GrantOut)
def grant_revoke_endpoint(request: HttpRequest, grant_id: Id, payload: RevokeIn) -> AwardGrant:
    """Revoke a granted award with the reason (committee staff over the recording unit);
    it stays in the registry, marked revoked, and no longer counts for eligibility."""
    grant = grant_policy.access(request.user, grant_id, "update")
    grant_revoke(actor=request.user, grant=grant, reason=payload.reason)
    return _grant(grant.pk)
