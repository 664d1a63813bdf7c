"""JSON API of the good-practice library: /api/v1/practices.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.awards.policies import grant_policy
from pacesetter.campaigns.policies import review_point_policy
from pacesetter.chains.policies import chain_policy
from pacesetter.core.api_types import VERSION_IN, VERSION_OUT, Id, Paged, Quantity, Version, Year
from pacesetter.core.files import file_download
from pacesetter.core.policies import Policy
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    text_input,
    text_patch,
    translations,
)
from pacesetter.decisions.policies import decision_policy
from pacesetter.meetings.policies import meeting_policy
from pacesetter.units.policies import unit_policy
from pacesetter.workplans.policies import task_policy

from . import services
from .models import (
    Adoption,
    AdoptionEvidence,
    Practice,
    PracticeEvidence,
    PracticeState,
    PracticeStep,
    WorkField,
)
from .policies import adoption_policy, practice_policy, work_field_policy
from .rankings import Standing, standings
from .selectors import (
    PracticeFilters,
    adoption_plans,
    adoptions_of,
    decisions_seen,
    links_seen,
    practices_for,
    work_fields_listed,
)
from .workflows import practice_workflow

router = Router(tags=["practices"])

TRANSLATIONS = Field(
    description="The recorded values of each translatable field, by language; a missing "
    "language is not translated (the field then shows the source language's text)."
)

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
IdList = Annotated[list[Id], Field(max_length=500)]


class WorkFieldOut(Schema):
    id: Id
    code: str
    name: str
    source_language: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    position: int
    is_active: bool
    version: Version = VERSION_OUT

    @staticmethod
    def resolve_translations(obj: WorkField) -> dict[str, dict[str, str]]:
        return translations(obj)


class WorkFieldIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")]
    source_language: Language | None = None
    name: text_input(120)  # type: ignore[valid-type]
    position: Annotated[int, Field(ge=0, le=32767)] = 0


class WorkFieldPatch(Schema):
    source_language: Language | None = None
    name: text_patch(120) = None  # type: ignore[valid-type]
    position: Annotated[int, Field(ge=0, le=32767)] | None = None
    is_active: bool | None = None
    version: Version | None = VERSION_IN


class PracticeStepOut(Schema):
    name: str
    from_state: str
    to_state: str
    comment: str
    assessment: str
    decision_id: Id | None = Field(description="Only a decision the user may see.")
    actor: str | None
    at: datetime

    @staticmethod
    def resolve_decision_id(obj: PracticeStep) -> int | None:
        return obj.decision_id if getattr(obj, "decision_shown", False) else None

    @staticmethod
    def resolve_actor(obj: PracticeStep) -> str | None:
        return obj.actor.get_username() if obj.actor is not None else None


class PracticeEvidenceOut(Schema):
    id: Id
    title: str
    name: str
    uploaded_at: datetime

    @staticmethod
    def resolve_name(obj: PracticeEvidence) -> str:
        return (obj.file.name or "").rsplit("/", 1)[-1]


class PracticeOut(Schema):
    id: Id
    title: str
    summary: str
    source_language: str
    languages: list[str] = Field(description="The languages the practice is written in.")
    kind: str
    year: int
    state: str
    owner_unit_id: Id
    source_unit_ids: list[Id]
    work_fields: list[str] = Field(description="The codes of its fields of work.")
    is_demo: bool

    @staticmethod
    def resolve_source_unit_ids(obj: Practice) -> list[int]:
        return [unit.pk for unit in obj.source_units.all()]

    @staticmethod
    def resolve_work_fields(obj: Practice) -> list[str]:
        return [field.code for field in obj.work_fields.all()]


class StandingOut(Schema):
    unit_id: Id
    cluster_id: Id | None
    rank_in_cluster: int
    rank_in_type: int | None = Field(
        description="None while only the reader's clusters are ranked live."
    )
    total: Decimal
    percentage: Decimal | None
    ineligible: bool
    live: bool = Field(description="The ranking is not published yet: it may still change.")


class PracticeDetailOut(PracticeOut):
    body: str = Field(description="Rich text, sanitized when saved.")
    translations: dict[str, dict[str, str]]
    subject: str
    person_name: str
    level: str = Field(
        description="An advanced model's or an experience's level: unit, local, provincial, "
        "national (or empty)."
    )
    influence_scope: str
    effect: str
    lead_person: str
    team: str
    team_size: int | None
    studio_level: str
    funding_amount: Decimal | None
    funding_currency: str
    decision_id: Id | None = Field(description="Only a decision the user may see.")
    review_point_id: Id | None = Field(description="Only a review point the user may see.")
    award_grant_ids: list[Id] = Field(description="Only the grants the user may see.")
    meeting_id: Id | None = Field(description="Only a meeting the user may see.")
    chain_id: Id | None = Field(description="Only a chain the user may see.")
    task_ids: list[Id] = Field(description="Only the key tasks the user may see.")
    published_at: datetime | None
    steps: list[PracticeStepOut]
    evidence: list[PracticeEvidenceOut]
    allowed_actions: list[str]
    standings: list[StandingOut] = Field(
        description="The keeping and source units' scores and ranks at the review point, "
        "only from a ranking the user may see (an unpublished one: the organizer's staff, "
        "and the cluster leaders for their clusters)."
    )
    version: Version = Field(description="Send it back with a change: a stale one is a 409.")

    @staticmethod
    def resolve_translations(obj: Practice) -> dict[str, dict[str, str]]:
        return translations(obj)

    # Each linked record through its own policy (``links_seen``), as on the page.
    @staticmethod
    def resolve_decision_id(obj: Practice, context: dict[str, Any]) -> int | None:
        return links_seen(obj, context["request"].user).decision_id

    @staticmethod
    def resolve_review_point_id(obj: Practice, context: dict[str, Any]) -> int | None:
        return links_seen(obj, context["request"].user).review_point_id

    @staticmethod
    def resolve_award_grant_ids(obj: Practice, context: dict[str, Any]) -> list[int]:
        return links_seen(obj, context["request"].user).grant_ids

    @staticmethod
    def resolve_meeting_id(obj: Practice, context: dict[str, Any]) -> int | None:
        return links_seen(obj, context["request"].user).meeting_id

    @staticmethod
    def resolve_chain_id(obj: Practice, context: dict[str, Any]) -> int | None:
        return links_seen(obj, context["request"].user).chain_id

    @staticmethod
    def resolve_task_ids(obj: Practice, context: dict[str, Any]) -> list[int]:
        return links_seen(obj, context["request"].user).task_ids

    @staticmethod
    def resolve_steps(obj: Practice, context: dict[str, Any]) -> list[PracticeStep]:
        return _steps_seen(obj, context["request"].user)[0]

    @staticmethod
    def resolve_evidence(obj: Practice) -> list[PracticeEvidence]:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_standings(obj: Practice, context: dict[str, Any]) -> list[Standing]:
        user = context["request"].user
        review_point = obj.review_point
        if review_point is None or not review_point_policy.allows(user, "view", review_point):
            return []
        units = [obj.owner_unit_id, *(u.pk for u in obj.source_units.all())]
        return standings(user, review_point, units)

    @staticmethod
    def resolve_allowed_actions(obj: Practice, context: dict[str, Any]) -> list[str]:
        return practice_workflow.allowed_list(context["request"].user, obj)


def _steps_seen(practice: Practice, user: Any) -> tuple[list[PracticeStep], set[int]]:
    """The practice's steps, each marked ``decision_shown`` when ``user`` may see its
    decision, and the decisions of the steps they may see; read once per practice and
    answer."""
    cached = getattr(practice, "_steps_seen", None)
    if cached is None:
        steps = list(practice.steps.select_related("actor").order_by("at", "pk"))
        seen = decisions_seen(user, [s.decision_id for s in steps])
        for step in steps:
            step.decision_shown = step.decision_id in seen  # type: ignore[attr-defined]
        cached = (steps, seen)
        practice._steps_seen = cached  # type: ignore[attr-defined]
    return cached


class PracticeIn(Schema):
    owner_unit_id: Id
    source_language: Language | None = None
    title: text_input(300)  # type: ignore[valid-type]
    summary: text_input(2000) | None = None  # type: ignore[valid-type]
    body: text_input(100_000) | None = None  # type: ignore[valid-type]
    kind: str
    year: Year
    source_unit_ids: IdList = []
    work_fields: Annotated[list[str], Field(max_length=100)] = []
    subject: str = ""
    person_name: str = ""
    level: str = ""
    influence_scope: str = ""
    effect: text_input(5000) | None = None  # type: ignore[valid-type]
    lead_person: str = ""
    team: text_input(1000) | None = None  # type: ignore[valid-type]
    team_size: Quantity | None = None
    studio_level: str = ""
    funding_amount: Money | None = None
    funding_currency: str = ""
    review_point_id: Id | None = None
    award_grant_ids: IdList = []
    meeting_id: Id | None = None
    chain_id: Id | None = None
    task_ids: IdList = []


class PracticePatch(Schema):
    source_language: Language | None = None
    title: text_patch(300) = None  # type: ignore[valid-type]
    summary: text_patch(2000) = None  # type: ignore[valid-type]
    body: text_patch(100_000) = None  # type: ignore[valid-type]
    kind: str | None = None
    year: Year | None = None
    source_unit_ids: IdList | None = None
    work_fields: Annotated[list[str], Field(max_length=100)] | None = None
    subject: str | None = None
    person_name: str | None = None
    level: str | None = None
    influence_scope: str | None = None
    effect: text_patch(5000) = None  # type: ignore[valid-type]
    lead_person: str | None = None
    team: text_patch(1000) = None  # type: ignore[valid-type]
    team_size: Quantity | None = None
    studio_level: str | None = None
    funding_amount: Money | None = None
    funding_currency: str | None = None
    review_point_id: Id | None = None
    award_grant_ids: IdList | None = None
    meeting_id: Id | None = None
    chain_id: Id | None = None
    task_ids: IdList | None = None
    version: Version | None = Field(
        None, description="The version read; a stale one is a 409 and nothing is changed."
    )


class PracticeTransitionIn(Schema):
    name: str = Field(description="comment, review, return, recognize, publish or retire")
    comment: Annotated[str, Field(max_length=5000)] = ""
    assessment: str = Field("", description="recommend, revise or not_recommended (review)")
    decision_id: Id | None = Field(None, description="The decision recognizing it (recognize).")


class PracticeFiltersIn(Schema):
    q: str = ""
    kind: str = ""
    field: str = Field("", description="A field of work's code.")
    state: str = ""
    year: Year | None = None


def _many(policy: Policy[Any], user: Any, ids: list[int], field: str) -> list[Any]:
    """The records ``ids`` names, each one the user may see (else 422 on ``field``)."""
    wanted = set(ids)
    found = list(policy.visible(user, "view").filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({field: _("Choose a valid option.")})
    return found


def _work_fields(codes: list[str]) -> list[WorkField]:
    wanted = set(codes)
    found = list(WorkField.objects.filter(code__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"work_fields": _("Choose a valid option.")})
    return found


_SINGLE: dict[str, tuple[str, Policy[Any]]] = {
    "review_point_id": ("review_point", review_point_policy),
    "meeting_id": ("meeting", meeting_policy),
    "chain_id": ("chain", chain_policy),
}
_MANY: dict[str, tuple[str, Policy[Any]]] = {
    "award_grant_ids": ("award_grants", grant_policy),
    "task_ids": ("tasks", task_policy),
}


def _refs(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The ids of the body as the records they name, each through its own policy."""
    for key, (name, policy) in _SINGLE.items():
        if key in data:
            pk = data.pop(key)
            data[name] = resolve_ref(policy, user, pk, "view", key) if pk else None
    for key, (name, policy) in _MANY.items():
        if key in data:
            ids = data.pop(key)
            data[name] = None if ids is None else _many(policy, user, ids, key)
    if "work_fields" in data and data["work_fields"] is not None:
        data["work_fields"] = _work_fields(data["work_fields"])
    if "source_unit_ids" in data:
        ids = data.pop("source_unit_ids")
        if ids is not None:
            units = _many(unit_policy, user, ids, "source_unit_ids")
            for unit in units:
                if not practice_policy.may_propose(user, unit):
                    raise ValidationError(
                        {
                            "source_unit_ids": _("You may not name practices of %(unit)s.")
                            % {"unit": unit.name}
                        }
                    )
            data["source_units"] = units
    return data


def _filters(data: PracticeFiltersIn) -> PracticeFilters:
    return PracticeFilters(
        query=data.q.strip(),
        kind=data.kind,
        work_field=get_object_or_404(WorkField, code=data.field) if data.field else None,
        state=data.state,
        year=data.year,
    )


@router.get("/fields", response=list[WorkFieldOut])
def work_field_list(request: HttpRequest, include_inactive: bool = False) -> list[WorkField]:
    """The fields of work a practice may be tagged with (with ``include_inactive``, the
    deactivated ones too, as the screen lists them), each with its names by language."""
    if include_inactive:
        return list(work_fields_listed(request.user))
    return list(work_field_policy.visible(request.user).filter(is_active=True))


@router.get("/fields/{int:field_id}", response=WorkFieldOut)
def work_field_detail(request: HttpRequest, field_id: Id) -> WorkField:
    """One field of work."""
    return work_field_policy.access(request.user, field_id)


@router.post("/fields", response={201: WorkFieldOut})
def work_field_create(request: HttpRequest, payload: WorkFieldIn) -> Status[WorkField]:
    """Add a field of work (committee staff of a top-level unit). ``unique`` on ``code``
    when it is taken."""
    if not work_field_policy.may_create(request.user):
        raise PermissionDenied(_("You do not have permission to do this."))
    data = payload.dict()
    data["source_language"] = data["source_language"] or content_language()
    return Status(201, services.work_field_create(actor=request.user, **data))


@router.patch("/fields/{int:field_id}", response=WorkFieldOut)
def work_field_update(request: HttpRequest, field_id: Id, payload: WorkFieldPatch) -> WorkField:
    """Rename (a name by language merges, ``""`` clears a translation), reorder or
    deactivate (``is_active``) a field of work; only the fields sent change. The code
    stays."""
    field = work_field_policy.access(request.user, field_id, "update")
    return services.work_field_update(
        actor=request.user, field=field, **payload.dict(exclude_unset=True)
    )


@router.get("", response=list[PracticeOut])
@paginate(Paged)
def practice_list(
    request: HttpRequest, filters: Query[PracticeFiltersIn]
) -> models.QuerySet[Practice]:
    """The practices the user may see (published ones: every signed-in user), searched
    in every language (``q``: a substring, so Chinese and Vietnamese without tone marks
    are found) and filtered."""
    return practices_for(request.user, _filters(filters))


@router.get("/{int:practice_id}", response=PracticeDetailOut)
def practice_detail(request: HttpRequest, practice_id: Id) -> Practice:
    """One practice with its texts by language, links, steps, evidence and the moves
    the user may make now (``allowed_actions``)."""
    return practice_policy.access(request.user, practice_id)


@router.post("", response={201: PracticeDetailOut})
def practice_create(request: HttpRequest, payload: PracticeIn) -> Status[Practice]:
    """Propose a practice kept by a unit the user proposes for (its officers, the staff
    above); every source unit likewise."""
    user = request.user
    data = payload.dict()
    owner = resolve_ref(unit_policy, user, data.pop("owner_unit_id"), "view", "owner_unit_id")
    if not practice_policy.may_propose(user, owner):
        raise PermissionDenied(_("You do not have permission to do this."))
    data["source_language"] = data["source_language"] or content_language()
    data = _refs(user, data)
    practice = services.practice_propose(
        actor=user, owner_unit=owner, kind=data.pop("kind"), year=data.pop("year"), **data
    )
    return Status(201, practice)


@router.patch("/{int:practice_id}", response=PracticeDetailOut)
def practice_update(request: HttpRequest, practice_id: Id, payload: PracticePatch) -> Practice:
    """Change a practice; only the fields sent are changed (a list sent replaces it).
    With ``version`` (from the detail read), a practice saved since is refused with 409
    ``stale_version`` and nothing is changed."""
    user = request.user
    practice = practice_policy.access(user, practice_id, "update")
    data = _refs(user, payload.dict(exclude_unset=True))
    return services.practice_update(actor=user, practice=practice, **data)


@router.post("/{int:practice_id}/transition", response=PracticeDetailOut)
def practice_transition(
    request: HttpRequest, practice_id: Id, payload: PracticeTransitionIn
) -> Practice:
    """Make a move of the vetting or comment (``allowed_actions`` names those the user
    may make now); a move the table refuses answers ``invalid_transition``."""
    user = request.user
    practice = practice_policy.access(user, practice_id)
    names = {t.name for t in practice_workflow.transitions if t.name == payload.name}
    if not names or payload.name == "edit":
        raise ValidationError({"name": _("Choose a valid option.")})
    if payload.name not in practice_workflow.allowed(user, practice):
        action = next(t.action for t in practice_workflow.transitions if t.name == payload.name)
        if not practice_policy.allows(user, action, practice):
            raise PermissionDenied(_("You do not have permission to do this."))
    decision = (
        resolve_ref(decision_policy, user, payload.decision_id, "view", "decision_id")
        if payload.decision_id
        else None
    )
    return services.practice_transition(
        actor=user,
        practice=practice,
        name=payload.name,
        comment=payload.comment,
        assessment=payload.assessment,
        decision=decision,
    )


@router.get("/{int:practice_id}/evidence", response=list[PracticeEvidenceOut])
def evidence_list(request: HttpRequest, practice_id: Id) -> list[PracticeEvidence]:
    """The practice's evidence, newest first (whoever sees the practice)."""
    return list(practice_policy.access(request.user, practice_id).evidence.all())


@router.post("/{int:practice_id}/evidence", response={201: PracticeEvidenceOut})
def evidence_add(
    request: HttpRequest,
    practice_id: Id,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Status[PracticeEvidence]:
    """Upload evidence, sent as multipart: the file in ``file``, an optional ``title``.
    Whoever may edit the practice. ``file_too_large`` and ``file_type`` as elsewhere."""
    user = request.user
    practice = practice_policy.access(user, practice_id, "update")
    evidence = services.evidence_add(actor=user, practice=practice, file=file, title=title)
    return Status(201, evidence)


@router.get("/{int:practice_id}/evidence/{int:evidence_id}/file")
def evidence_file(request: HttpRequest, practice_id: Id, evidence_id: Id) -> FileResponse:
    """Download one of the practice's evidence files."""
    practice = practice_policy.access(request.user, practice_id)
    return file_download(get_object_or_404(practice.evidence.all(), pk=evidence_id).file)


class AdoptionEvidenceOut(Schema):
    id: Id
    title: str
    name: str
    uploaded_at: datetime

    @staticmethod
    def resolve_name(obj: AdoptionEvidence) -> str:
        return (obj.file.name or "").rsplit("/", 1)[-1]


class AdoptionOut(Schema):
    id: Id
    practice_id: Id
    unit_id: Id
    unit: str
    adopted_on: date
    note: str
    task_id: Id | None = Field(description="Only a key task the user may see.")
    outcome: str = Field(description="adopted, partly, abandoned; empty until reported")
    rating: int | None
    report: str
    reported_on: date | None
    evidence: list[AdoptionEvidenceOut]

    @staticmethod
    def resolve_unit(obj: Adoption) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_task_id(obj: Adoption, context: dict[str, Any]) -> int | None:
        if obj.task is None:
            return None
        seen = getattr(obj, "task_seen", None)  # annotated on a list: no query per row
        if seen is None:
            seen = task_policy.allows(context["request"].user, "view", obj.task)
        return obj.task_id if seen else None

    @staticmethod
    def resolve_evidence(obj: Adoption) -> list[AdoptionEvidence]:
        return list(obj.evidence.all())


class AdoptionIn(Schema):
    unit_id: Id
    adopted_on: date
    note: Annotated[str, Field(max_length=5000)] = ""
    plan_id: Id | None = Field(None, description="A work plan of the unit: a key task there.")
    task_title: Annotated[str, Field(max_length=300)] = ""


class AdoptionReportIn(Schema):
    outcome: str = Field(description="adopted, partly or abandoned")
    rating: Annotated[int, Field(ge=1, le=5)]
    report: Annotated[str, Field(max_length=5000)] = ""
    reported_on: date | None = Field(None, description="Today unless given.")


def _adoption(user: Any, practice_id: int, adoption_id: int, action: str) -> Adoption:
    practice = practice_policy.access(user, practice_id)
    adoption = adoption_policy.access(user, adoption_id, action)
    if adoption.practice_id != practice.pk:
        raise Http404
    return adoption


@router.get("/{int:practice_id}/adoptions", response=list[AdoptionOut])
@paginate(Paged)
def adoption_list(request: HttpRequest, practice_id: Id) -> models.QuerySet[Adoption]:
    """The units that adopted the practice and how it went (its readers see them)."""
    practice = practice_policy.access(request.user, practice_id)
    tasks = task_policy.visible(request.user).filter(pk=OuterRef("task_id"))
    return adoptions_of(request.user, practice).annotate(task_seen=Exists(tasks))


@router.post("/{int:practice_id}/adoptions", response={201: AdoptionOut})
def adoption_create(request: HttpRequest, practice_id: Id, payload: AdoptionIn) -> Status[Adoption]:
    """A unit adopts the published practice (its officers, the staff above); with
    ``plan_id`` a key task led by the unit is added to that plan of the unit in the same
    step. ``not_published``, ``already_adopted``, ``plan_of_other_unit``."""
    user = request.user
    practice = practice_policy.access(user, practice_id)
    unit = resolve_ref(unit_policy, user, payload.unit_id, "view", "unit_id")
    # An unpublished practice is refused by the service (``not_published``).
    published = practice.state == PracticeState.PUBLISHED
    if published and not adoption_policy.may_adopt(user, practice, unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    plan = None
    if payload.plan_id:
        plan = adoption_plans(user).filter(pk=payload.plan_id).first()
        if plan is None:
            raise ValidationError({"plan_id": _("Choose a valid option.")})
    adoption = services.adoption_create(
        actor=user,
        practice=practice,
        unit=unit,
        adopted_on=payload.adopted_on,
        note=payload.note,
        plan=plan,
        task_title=payload.task_title or None,
    )
    return Status(201, adoption)


@router.post("/{int:practice_id}/adoptions/{int:adoption_id}/report", response=AdoptionOut)
def adoption_report(
    request: HttpRequest, practice_id: Id, adoption_id: Id, payload: AdoptionReportIn
) -> Adoption:
    """Report how the trial went (the adopting unit's officers, the staff above); sent
    again, it corrects the report."""
    user = request.user
    adoption = _adoption(user, practice_id, adoption_id, "report")
    return services.adoption_report(actor=user, adoption=adoption, **payload.dict())


@router.post(
    "/{int:practice_id}/adoptions/{int:adoption_id}/evidence", response={201: AdoptionEvidenceOut}
)
def adoption_evidence_add(
    request: HttpRequest,
    practice_id: Id,
    adoption_id: Id,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Status[AdoptionEvidence]:
    """Upload evidence of the trial (multipart ``file``, optional ``title``)."""
    user = request.user
    adoption = _adoption(user, practice_id, adoption_id, "report")
    evidence = services.adoption_evidence_add(actor=user, adoption=adoption, file=file, title=title)
    return Status(201, evidence)


@router.get("/{int:practice_id}/adoptions/{int:adoption_id}/evidence/{int:evidence_id}/file")
def adoption_evidence_file(
    request: HttpRequest, practice_id: Id, adoption_id: Id, evidence_id: Id
) -> FileResponse:
    """Download one of an adoption's evidence files."""
    adoption = _adoption(request.user, practice_id, adoption_id, "view")
    return file_download(get_object_or_404(adoption.evidence.all(), pk=evidence_id).file)
