"""JSON API for scoring tables, score items and review points:
/api/v1/scoring-tables, /api/v1/criteria, /api/v1/score-items, /api/v1/review-points.
A campaign's registrations, amendments and ranking are ``campaign_api``.

No ``from __future__ import annotations`` here: django-ninja reads the endpoint and
schema annotations at runtime (``Query[...]`` filters fail to resolve otherwise).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pacesetter.campaigns.api import ReviewPointDetailOut, ReviewPointRef
from pacesetter.campaigns.models import Campaign, ReviewPoint
from pacesetter.campaigns.policies import participant_policy, review_point_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.api_types import (
    SMALL_MAX,
    VERSION_IN,
    VERSION_OUT,
    Id,
    Paged,
    Position,
    Quantity,
    Version,
    Year,
)
from pacesetter.core.files import file_download
from pacesetter.core.refs import resolve_ref
from pacesetter.core.translations import (
    Language,
    content_language,
    fields_of,
    ordered,
    text_input,
    text_patch,
    translations,
)
from pacesetter.units.api import SOURCE_LANGUAGE, TRANSLATIONS, UnitRef
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from .models import (
    Criterion,
    CriterionKind,
    Direction,
    Evidence,
    InspectionAssignment,
    ItemState,
    Method,
    Registration,
    ScoreEvent,
    ScoreItem,
    ScoringTable,
    TableState,
    ZeroTarget,
)
from .policies import return_step, score_item_policy, scoring_table_policy
from .services import (
    criterion_add,
    criterion_update,
    evidence_add,
    inspection_assign,
    inspection_rotation_assign,
    inspection_rotation_plan,
    item_answer,
    item_finalize,
    item_inspect,
    item_report,
    item_return,
    item_review,
    item_submit,
    items_bulk,
    review_point_publish,
    table_adopt,
    table_clone,
    table_create,
)
from .workflows import score_item_workflow

tables_router = Router(tags=["scoring tables"])
criteria_router = Router(tags=["scoring tables"])
items_router = Router(tags=["score items"])
review_points_router = Router(tags=["review points"])

#: Any reviewer may send an item back with a question.
RETURN_ACTIONS = ("inspect", "review", "finalize")


# --- access helpers ------------------------------------------------------------------


def review_point_access(user: Any, pk: int, action: str = "view") -> ReviewPoint:
    """A review point of a campaign the user may see (404), and may ``action`` (403)."""
    return review_point_policy.access(user, pk, action)


def leads_unit(user: Any, campaign: Campaign, unit: Unit) -> bool:
    """Whether the user leads the cluster ``unit`` is ranked in within ``campaign``."""
    return participant_policy.visible(user, "review").filter(campaign=campaign, unit=unit).exists()


def _criterion_access(user: Any, pk: int, action: str = "view") -> Criterion:
    """A criterion of a table the user may see (404), and may ``action`` (403)."""
    criterion = get_object_or_404(
        Criterion.objects.filter(table__in=scoring_table_policy.visible(user)).select_related(
            "table", "parent"
        ),
        pk=pk,
    )
    if action != "view" and not scoring_table_policy.allows(user, action, criterion.table):
        raise PermissionDenied(_("You do not have permission to do this."))
    return criterion


# --- schemas -------------------------------------------------------------------------


class CriterionRef(Schema):
    id: Id
    code: str
    title: str
    kind: str
    max_points: Decimal
    measure: str
    source_language: str


class CriterionOut(CriterionRef):
    """One node of a table's tree; ``parent_id`` is the group holding it."""

    parent_id: Id | None
    root_id: Id | None
    position: Position
    direction: str
    method: str
    points_per_item: Decimal
    zero_target: str
    guidance: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS
    version: Version = VERSION_OUT

    @staticmethod
    def resolve_translations(obj: Criterion) -> dict[str, dict[str, str]]:
        return translations(obj)


CRITERION_SOURCE = Field(
    None,
    description="The language the criterion's texts are written in (en, vi, zh-hans); a "
    "text sent as a string is in it. Default: the table's source language.",
)


class CriterionIn(Schema):
    code: str
    source_language: Language | None = CRITERION_SOURCE
    title: text_input(500)  # type: ignore[valid-type]
    kind: CriterionKind
    parent_id: Id | None = None
    max_points: Decimal = Decimal(0)
    position: Position | None = None
    direction: Direction = Direction.HIGHER
    method: Method = Method.PROPORTIONAL
    points_per_item: Decimal = Decimal(0)
    measure: text_input(50) = ""  # type: ignore[valid-type]
    zero_target: ZeroTarget = ZeroTarget.NOT_ASSIGNED
    guidance: text_input() = ""  # type: ignore[valid-type]


class CriterionPatch(Schema):
    """Only the fields sent are changed. A criterion cannot move to another group."""

    code: str | None = None
    source_language: Language | None = None
    title: text_patch(500) = None  # type: ignore[valid-type]
    kind: CriterionKind | None = None
    max_points: Decimal | None = None
    position: Position | None = None
    direction: Direction | None = None
    method: Method | None = None
    points_per_item: Decimal | None = None
    measure: text_patch(50) = None  # type: ignore[valid-type]
    zero_target: ZeroTarget | None = None
    guidance: text_patch() = None  # type: ignore[valid-type]
    version: Version | None = VERSION_IN


class TableRef(Schema):
    id: Id
    name: str
    source_language: str
    year: Year
    version: Version
    state: str


class TableOut(TableRef):
    owner_unit: UnitRef
    cloned_from_id: Id | None
    adopted_at: dt.datetime | None
    description: str
    translations: dict[str, dict[str, str]] = TRANSLATIONS

    @staticmethod
    def resolve_translations(obj: ScoringTable) -> dict[str, dict[str, str]]:
        return translations(obj)


class TableDetailOut(TableOut):
    """The table with its criteria, flat in table order; ``parent_id`` builds the tree."""

    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: ScoringTable) -> list[Criterion]:
        return list(obj.criteria.order_by("position", "pk"))


class TableIn(Schema):
    owner_unit_id: Id
    source_language: Language | None = SOURCE_LANGUAGE
    name: text_input(255)  # type: ignore[valid-type]
    year: Year
    description: text_input() = ""  # type: ignore[valid-type]


class TableCloneIn(Schema):
    year: Year


class TableFilters(Schema):
    q: str = ""
    year: Year | None = None
    state: TableState | None = None
    owner: Id | None = None


class ScoreItemOut(Schema):
    id: Id
    review_point: ReviewPointRef
    unit: UnitRef
    criterion: CriterionRef
    actual: Decimal | None
    count: Quantity | None
    passed: bool | None
    not_assigned: bool
    computed: Decimal | None
    self_score: Decimal | None
    inspected_score: Decimal | None
    reviewed_score: Decimal | None
    final_score: Decimal | None
    score: Decimal
    explanation: str
    question: str
    answer: str
    state: str
    version: Version
    updated_at: dt.datetime


class ScoreEventOut(Schema):
    action: str
    from_state: str
    to_state: str
    value: Decimal | None
    note: str
    actor: str | None
    at: dt.datetime

    @staticmethod
    def resolve_actor(obj: ScoreEvent) -> str | None:
        if obj.actor is None:
            return None
        return obj.actor.get_full_name() or obj.actor.get_username()


class EvidenceOut(Schema):
    id: Id
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime


class ScoreItemDetailOut(ScoreItemOut):
    """The item with the unit's registered target and every step it went through."""

    target: Decimal | None
    events: list[ScoreEventOut]
    evidence: list[EvidenceOut]
    allowed_actions: list[str] = Field(
        description="The steps this user may take now (report, evidence, submit, answer, "
        "inspect, review, finalize, return), from the score item's workflow."
    )

    @staticmethod
    def resolve_target(obj: ScoreItem) -> Decimal | None:
        registration = Registration.objects.filter(
            campaign_id=obj.review_point.campaign_id,
            unit_id=obj.unit_id,
            criterion_id=obj.criterion_id,
        ).first()
        return registration.target if registration is not None else None

    @staticmethod
    def resolve_events(obj: ScoreItem) -> list[ScoreEvent]:
        return list(obj.events.select_related("actor").order_by("at", "pk"))

    @staticmethod
    def resolve_evidence(obj: ScoreItem) -> list[Any]:
        return list(obj.evidence.order_by("uploaded_at", "pk"))

    @staticmethod
    def resolve_allowed_actions(obj: ScoreItem, context: Any) -> list[str]:
        return score_item_workflow.allowed_list(context["request"].user, obj)


class ScoreItemFilters(Schema):
    review_point: Id | None = None
    unit: Id | None = None
    criterion: Id | None = None
    state: ItemState | None = None


class ScoreReportIn(Schema):
    """Send the field that fits the criterion's kind: ``actual`` (quantitative),
    ``count`` (count, bonus, penalty) or ``passed`` (pass/fail, veto)."""

    version: Version
    actual: Decimal | None = None
    count: Quantity | None = None
    passed: bool | None = None
    explanation: str | None = None


class SubmitIn(Schema):
    """Without ``self_score`` the computed score is taken."""

    version: Version
    self_score: Decimal | None = None
    explanation: str = ""


class ScoreIn(Schema):
    """Without ``score`` the latest score along the flow is confirmed."""

    version: Version
    score: Decimal | None = None
    note: str = ""


class ReturnIn(Schema):
    version: Version
    question: str


class AnswerIn(Schema):
    version: Version
    answer: str


class ScoreBulkItemIn(Schema):
    id: Id
    version: Version


class ScoreBulkIn(Schema):
    """One move (inspect, review, finalize, return) on many items, each with the
    ``version`` the caller read; ``comment`` is the note (the question of a return)."""

    action: str
    items: list[ScoreBulkItemIn]
    comment: str = ""


class ScoreBulkResultOut(Schema):
    id: Id
    code: str = Field(
        description="done, or why the item was left as it was: not_found, not_allowed, "
        "stale_version, invalid_transition, review_point_not_open, invalid"
    )
    message: str
    state: str | None
    version: Version | None


class ScoreBulkOut(Schema):
    done: int
    refused: int
    results: list[ScoreBulkResultOut]


class InspectionIn(Schema):
    unit_id: Id
    inspector_id: Id


class RotationIn(Schema):
    cluster_id: Id
    offset: int = Field(
        1, ge=1, le=SMALL_MAX, description="Places along the ring (1 = the next unit)."
    )
    #: Only answer the preview (nothing is saved).
    dry_run: bool = False
    #: The ``digest`` of the preview; required to confirm.
    digest: str | None = Field(None, max_length=64)


class RotationRowOut(Schema):
    unit: UnitRef
    inspector: UnitRef
    current: UnitRef | None
    replaces: bool


class RotationOut(Schema):
    review_point_id: Id
    cluster_id: Id
    offset: int
    dry_run: bool
    digest: str
    rows: list[RotationRowOut]


class InspectionOut(Schema):
    id: Id
    review_point_id: Id
    unit: UnitRef
    inspector: UnitRef
    assigned_at: dt.datetime


# --- scoring tables ------------------------------------------------------------------


def _name_matching(qs: models.QuerySet[ScoringTable], query: str) -> models.QuerySet[ScoringTable]:
    """Tables whose name contains ``query`` in any language (tables keep no search key:
    the database's own case rules apply)."""
    found = models.Q(pk__in=[])
    for name in fields_of("name"):
        found |= models.Q(**{f"{name}__icontains": query})
    return qs.filter(found)


@tables_router.get("", response=list[TableOut])
@paginate(Paged)
def table_list(request: HttpRequest, filters: Query[TableFilters]) -> models.QuerySet[ScoringTable]:
    """Scoring tables the user may see, newest year first.

    ``q`` searches the name (in any language); ``year`` and ``state`` filter; ``owner``
    keeps tables owned within that unit's subtree.
    """
    qs = scoring_table_policy.visible(request.user).select_related("owner_unit")
    if filters.q.strip():
        qs = _name_matching(qs, filters.q.strip())
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.owner:
        owner = resolve_ref(unit_policy, request.user, filters.owner, "view", "owner")
        qs = qs.filter(owner_unit__path__startswith=owner.path)
    return qs.order_by("-year", ordered("name"), "-version", "pk")


@tables_router.get("/{int:table_id}", response=TableDetailOut)
def table_detail(request: HttpRequest, table_id: Id) -> ScoringTable:
    """One table with its whole tree of groups and criteria."""
    return scoring_table_policy.access(request.user, table_id)


@tables_router.post("", response={201: TableDetailOut})
def table_create_endpoint(request: HttpRequest, payload: TableIn) -> Status[ScoringTable]:
    """Draft a table owned by ``owner_unit_id`` (committee staff over that unit).

    A table of the same owner, name and year gets the next version number. The texts'
    source language defaults to the request's.
    """
    user = request.user
    owner = resolve_ref(unit_policy, user, payload.owner_unit_id, "manage", "owner_unit_id")
    table = table_create(
        actor=user,
        owner_unit=owner,
        source_language=payload.source_language or content_language(),
        name=payload.name,
        year=payload.year,
        description=payload.description,
    )
    return Status(201, table)


@tables_router.post("/{int:table_id}/criteria", response={201: CriterionOut})
def criterion_add_endpoint(
    request: HttpRequest, table_id: Id, payload: CriterionIn
) -> Status[Criterion]:
    """Add a group or criterion to a draft table; ``parent_id`` is a group of the table.

    A group's base criteria and subgroups may not add up to more than its maximum.
    """
    user = request.user
    table = scoring_table_policy.access(user, table_id, "update")
    fields = payload.dict(exclude_unset=True)
    parent_id = fields.pop("parent_id", None)
    if parent_id is not None:
        parent = table.criteria.filter(pk=parent_id).first()
        if parent is None:
            raise ValidationError({"parent_id": _("Choose a group of this table.")})
        fields["parent"] = parent
    if fields.get("position") is None:
        fields.pop("position", None)
    criterion = criterion_add(
        actor=user,
        table=table,
        code=fields.pop("code"),
        kind=fields.pop("kind"),
        **fields,
    )
    return Status(201, criterion)


@criteria_router.patch("/{int:criterion_id}", response=CriterionOut)
def criterion_update_endpoint(
    request: HttpRequest, criterion_id: Id, payload: CriterionPatch
) -> Criterion:
    """Change a criterion of a draft table; only the fields sent are changed."""
    criterion = _criterion_access(request.user, criterion_id, "update")
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return criterion_update(actor=request.user, criterion=criterion, **fields)


@tables_router.post("/{int:table_id}/adopt", response=TableDetailOut)
def table_adopt_endpoint(request: HttpRequest, table_id: Id) -> ScoringTable:
    """Adopt and lock the table: it needs criteria and no group above its maximum."""
    table = scoring_table_policy.access(request.user, table_id, "update")
    return table_adopt(actor=request.user, table=table)


@tables_router.post("/{int:table_id}/clone", response={201: TableDetailOut})
def table_clone_endpoint(
    request: HttpRequest, table_id: Id, payload: TableCloneIn
) -> Status[ScoringTable]:
    """Copy the table (adopted or not) with its tree into a new draft for ``year``."""
    table = scoring_table_policy.access(request.user, table_id, "update")
    return Status(201, table_clone(actor=request.user, table=table, year=payload.year))


# --- score items ---------------------------------------------------------------------


@items_router.get("", response=list[ScoreItemOut])
@paginate(Paged)
def item_list(request: HttpRequest, filters: Query[ScoreItemFilters]) -> models.QuerySet[ScoreItem]:
    """Score items the user may see, by review point, unit and table order.

    A unit sees its own items (and those of units below it) at every step, and other
    units' items only once published. Filter by ``review_point``, ``unit``,
    ``criterion`` (ids) and ``state``.
    """
    qs = score_item_policy.visible(request.user).select_related("review_point", "unit", "criterion")
    if filters.review_point is not None:
        qs = qs.filter(review_point_id=filters.review_point)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    if filters.criterion is not None:
        qs = qs.filter(criterion_id=filters.criterion)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    return qs.order_by("review_point__position", ordered("unit__name"), "criterion__position", "pk")


@items_router.post("/bulk", response=ScoreBulkOut)
def items_bulk_endpoint(request: HttpRequest, payload: ScoreBulkIn) -> dict[str, Any]:
    """Review, finalize or return many items at once (at most 500). Each item is its own
    transaction: it moves fully or stays as it was, and ``results`` says which, in the
    given order. A malformed batch (unknown action, too many items, a return without a
    question) answers 422 and moves nothing."""
    results = items_bulk(
        actor=request.user,
        action=payload.action,
        versions={row.id: row.version for row in payload.items},
        comment=payload.comment,
    )
    done = sum(1 for r in results if r.done)
    return {
        "done": done,
        "refused": len(results) - done,
        "results": [
            {
                "id": r.item_id,
                "code": r.code,
                "message": r.message,
                "state": r.item.state if r.item is not None else None,
                "version": r.item.version if r.item is not None else None,
            }
            for r in results
        ],
    }


@items_router.get("/{int:item_id}", response=ScoreItemDetailOut)
def item_detail(request: HttpRequest, item_id: Id) -> ScoreItem:
    """One item with the unit's target and its history (who did what, when, with which
    value)."""
    return score_item_policy.access(request.user, item_id)


@items_router.post("/{int:item_id}/report", response=ScoreItemOut)
def item_report_endpoint(request: HttpRequest, item_id: Id, payload: ScoreReportIn) -> ScoreItem:
    """The unit reports its result (officers and staff over the unit); computed scores
    follow, for the cluster's peers too. A stale ``version`` answers 409."""
    item = score_item_policy.access(request.user, item_id, "report")
    data = payload.dict(exclude_unset=True)
    return item_report(actor=request.user, item=item, **data)


@items_router.post("/{int:item_id}/submit", response=ScoreItemOut)
def item_submit_endpoint(request: HttpRequest, item_id: Id, payload: SubmitIn) -> ScoreItem:
    """Self-score and send the item on for inspection or review."""
    item = score_item_policy.access(request.user, item_id, "report")
    return item_submit(actor=request.user, item=item, **payload.dict())


@items_router.post("/{int:item_id}/inspect", response=ScoreItemOut)
def item_inspect_endpoint(request: HttpRequest, item_id: Id, payload: ScoreIn) -> ScoreItem:
    """The assigned peer unit's score."""
    item = score_item_policy.access(request.user, item_id, "inspect")
    return item_inspect(actor=request.user, item=item, **payload.dict())


@items_router.post("/{int:item_id}/review", response=ScoreItemOut)
def item_review_endpoint(request: HttpRequest, item_id: Id, payload: ScoreIn) -> ScoreItem:
    """The cluster leader's score."""
    item = score_item_policy.access(request.user, item_id, "review")
    return item_review(actor=request.user, item=item, **payload.dict())


@items_router.post("/{int:item_id}/finalize", response=ScoreItemOut)
def item_finalize_endpoint(request: HttpRequest, item_id: Id, payload: ScoreIn) -> ScoreItem:
    """The committee's final score (staff over the organizer)."""
    item = score_item_policy.access(request.user, item_id, "finalize")
    return item_finalize(actor=request.user, item=item, **payload.dict())


@items_router.post("/{int:item_id}/return", response=ScoreItemOut)
def item_return_endpoint(request: HttpRequest, item_id: Id, payload: ReturnIn) -> ScoreItem:
    """Any reviewer (inspector, leader, committee) sends the item back with a question."""
    user = request.user
    item = score_item_policy.access(user, item_id)
    step = return_step(user, item)
    if step is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    return item_return(actor=user, item=item, step=step, **payload.dict())


@items_router.post("/{int:item_id}/answer", response=ScoreItemOut)
def item_answer_endpoint(request: HttpRequest, item_id: Id, payload: AnswerIn) -> ScoreItem:
    """The unit answers a returned item's question; it then submits again."""
    item = score_item_policy.access(request.user, item_id, "report")
    return item_answer(actor=request.user, item=item, **payload.dict())


@items_router.get("/{int:item_id}/evidence", response=list[EvidenceOut])
def evidence_list(request: HttpRequest, item_id: Id) -> list[Evidence]:
    """The files attached to the item, oldest first (whoever sees the item)."""
    item = score_item_policy.access(request.user, item_id)
    return list(item.evidence.order_by("uploaded_at", "pk"))


@items_router.post("/{int:item_id}/evidence", response={201: EvidenceOut})
def evidence_add_endpoint(
    request: HttpRequest, item_id: Id, file: File[UploadedFile]
) -> Status[Evidence]:
    """Attach a file, sent as multipart field ``file`` (officers and staff over the unit),
    while the item is a draft or returned and its review point is open.

    A file over the upload limit is refused with ``file_too_large``, one of a type not
    accepted with ``file_type``; a step the item's state does not allow with
    ``invalid_transition``."""
    item = score_item_policy.access(request.user, item_id, "report")
    return Status(201, evidence_add(actor=request.user, item=item, file=file))


@items_router.get("/{int:item_id}/evidence/{int:evidence_id}/file")
def evidence_file(request: HttpRequest, item_id: Id, evidence_id: Id) -> FileResponse:
    """Download one of the item's files."""
    item = score_item_policy.access(request.user, item_id)
    return file_download(get_object_or_404(item.evidence.all(), pk=evidence_id).file)


# --- review points -------------------------------------------------------------------


@review_points_router.get("/{int:review_point_id}/inspections", response=list[InspectionOut])
def inspection_list(request: HttpRequest, review_point_id: Id) -> list[InspectionAssignment]:
    """Who cross-inspects whom at the review point, limited to units the user may see."""
    review_point = review_point_access(request.user, review_point_id)
    visible = unit_policy.visible(request.user)
    return list(
        review_point.inspections.filter(unit__in=visible)
        .select_related("unit", "inspector")
        .order_by(ordered("unit__name"))
    )


@review_points_router.post("/{int:review_point_id}/inspections", response={201: InspectionOut})
def inspection_assign_endpoint(
    request: HttpRequest, review_point_id: Id, payload: InspectionIn
) -> Status[InspectionAssignment]:
    """The cluster leader assigns a peer of the same cluster to inspect ``unit_id``
    (never the unit itself); assigning again replaces the inspector."""
    user = request.user
    review_point = review_point_access(user, review_point_id)
    unit = resolve_ref(unit_policy, user, payload.unit_id, "view", "unit_id")
    if not leads_unit(user, review_point.campaign, unit):
        raise PermissionDenied(_("Only the leader of the unit's cluster assigns inspectors."))
    inspector = resolve_ref(unit_policy, user, payload.inspector_id, "view", "inspector_id")
    assignment = inspection_assign(
        actor=user, review_point=review_point, unit=unit, inspector=inspector
    )
    return Status(201, assignment)


@review_points_router.post("/{int:review_point_id}/inspections/rotation", response=RotationOut)
def inspection_rotation_endpoint(
    request: HttpRequest, review_point_id: Id, payload: RotationIn
) -> dict[str, Any]:
    """The cluster leader assigns the cluster's rotation: in the cluster's order (unit
    code), each unit is inspected by the one ``offset`` places after it, in a ring.
    ``dry_run`` answers the preview and its ``digest``; confirming needs that digest,
    and answers 409 ``stale_version`` (nothing saved) when an assignment changed since."""
    user = request.user
    review_point = review_point_access(user, review_point_id)
    cluster = resolve_ref(cluster_policy, user, payload.cluster_id, "view", "cluster_id")
    if payload.dry_run:
        plan = inspection_rotation_plan(
            actor=user, review_point=review_point, cluster=cluster, offset=payload.offset
        )
    elif not payload.digest:
        raise ValidationError({"digest": _("Give the digest of the preview (dry_run) to confirm.")})
    else:
        plan = inspection_rotation_assign(
            actor=user,
            review_point=review_point,
            cluster=cluster,
            offset=payload.offset,
            digest=payload.digest,
        )
    return {
        "review_point_id": review_point.pk,
        "cluster_id": cluster.pk,
        "offset": plan.offset,
        "dry_run": payload.dry_run,
        "digest": plan.digest,
        "rows": [
            {
                "unit": row.unit,
                "inspector": row.inspector,
                "current": row.current,
                "replaces": row.replaces,
            }
            for row in plan.rows
        ],
    }


@review_points_router.post("/{int:review_point_id}/publish", response=ReviewPointDetailOut)
def review_point_publish_endpoint(request: HttpRequest, review_point_id: Id) -> ReviewPoint:
    """Publish the review point's ranking (committee staff over the organizer); every
    assigned item must be final, and all items become published and locked."""
    user = request.user
    review_point = review_point_access(user, review_point_id, "manage")
    return review_point_publish(actor=user, review_point=review_point)
