"""Score sheets, score items, the reviewer's queue, cross-inspections and the ranking.

Every item is fetched through ``score_item_policy``, every review point through
``review_point_policy``. A unit never sees another unit's unpublished scores: sheets
show only the items the policy lets the user view, and the ranking (``ranking_for``,
shared with the export and the API) is live only for the organizer's staff (all
clusters) and cluster leaders (their clusters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pacesetter.campaigns.models import Participant, ReviewPoint, ReviewPointState
from pacesetter.campaigns.policies import participant_policy, review_point_policy
from pacesetter.clusters.models import Cluster
from pacesetter.core.errors import ConflictError
from pacesetter.core.files import file_download
from pacesetter.core.policies import Actor
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.translations import ordered
from pacesetter.core.views import add_service_errors, paginate, printing
from pacesetter.units.models import Unit, UnitType

from .. import services
from ..charts import Bar, bar_chart
from ..forms.sheets import (
    BULK_ACTION_LABELS,
    AnswerForm,
    BulkForm,
    EvidenceForm,
    InspectionForm,
    QueueFilterForm,
    RankingFilterForm,
    ReportForm,
    ReturnForm,
    RotationForm,
    ScoreForm,
)
from ..models import (
    BASE_KINDS,
    CriterionKind,
    Direction,
    InspectionAssignment,
    ItemState,
    Registration,
    ScoreItem,
    ZeroTarget,
)
from ..policies import return_step, score_item_policy
from ..row_links import row_links
from ..selectors import (
    QUEUE_STEPS,
    RankingFilters,
    ranking_for,
    reviewer_queue,
    score_sheet,
    sheet_totals,
)
from ..workflows import score_item_workflow

#: Actions of reviewers, in the order of the flow.
REVIEW_ACTIONS = ("inspect", "review", "finalize")
UNDER_REVIEW = (ItemState.SUBMITTED, ItemState.INSPECTED, ItemState.REVIEWED, ItemState.FINAL)
SHEET_CHANGED = "sheet-changed"


# --- fetching -------------------------------------------------------------------------


def _review_point(user: Any, pk: int) -> ReviewPoint:
    """A review point of a campaign the user may see, or 404."""
    return review_point_policy.access(user, pk)


def _participant(review_point: ReviewPoint, unit_id: int) -> Participant:
    participant = (
        review_point.campaign.participants.select_related("unit", "cluster")
        .filter(unit_id=unit_id)
        .first()
    )
    if participant is None:
        raise Http404(_("Not found."))
    return participant


def _visible_items(user: Any, review_point: ReviewPoint, unit_id: int) -> QuerySet[ScoreItem]:
    return score_item_policy.visible(user).filter(review_point=review_point, unit_id=unit_id)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- the score sheet ------------------------------------------------------------------


@dataclass
class SheetRow:
    item: ScoreItem
    target: Decimal | None = None
    registration: Registration | None = None
    percent: Decimal | None = None
    previous: dict[str, Any] | None = None
    change: Decimal | None = None
    rule: str = ""
    form: ReportForm | None = None
    note: str = ""
    group: Any = None
    group_start: bool = False


@dataclass
class SheetGroup:
    criterion: Any
    earned: Decimal = Decimal(0)
    assigned: Decimal = Decimal(0)


def _plain(value: Decimal | None) -> Decimal | None:
    """``100.0000`` as ``100`` and ``12.5000`` as ``12.5``, for display and inputs."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _zero_target_rule(item: ScoreItem, registration: Registration | None) -> str:
    """In words, what happens to a quantitative item without a target."""
    criterion = item.criterion
    if registration is not None and registration.not_assigned:
        return _("The unit registered this criterion as not assigned.")
    if criterion.kind != CriterionKind.QUANTITATIVE or (registration and registration.target):
        return ""
    if criterion.zero_target == ZeroTarget.NOT_ASSIGNED:
        return _("No target was registered, so the criterion is not assigned to this unit.")
    if criterion.direction == Direction.LOWER:
        return _("No target was registered: full points only when the actual is zero.")
    return _("No target was registered: full points for any actual above zero, none otherwise.")


def _result(values: dict[str, Any], kind: str) -> Decimal | None:
    if kind == CriterionKind.QUANTITATIVE:
        return values.get("actual")
    if kind in (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY):
        count = values.get("count")
        return Decimal(count) if count is not None else None
    return None


def _sheet_rows(
    user: Any,
    review_point: ReviewPoint,
    unit_id: int,
    items: list[ScoreItem],
    *,
    forms: dict[int, ReportForm] | None = None,
) -> list[SheetRow]:
    """The rows of a sheet (or of one of its rows): targets, percent of target, the
    change from the predecessor's review point of the same code, and a report form
    for each item the user may still report. A fixed number of queries."""
    campaign = review_point.campaign
    criterion_ids = [item.criterion_id for item in items]
    registrations = {
        r.criterion_id: r
        for r in Registration.objects.filter(
            campaign=campaign, unit_id=unit_id, criterion_id__in=criterion_ids
        )
    }
    previous: dict[str, dict[str, Any]] = {}
    if campaign.predecessor_id:
        previous = {
            row["criterion__code"]: dict(row)
            for row in score_item_policy.visible(user)
            .filter(
                review_point__campaign_id=campaign.predecessor_id,
                review_point__code=review_point.code,
                unit_id=unit_id,
                criterion__code__in=[item.criterion.code for item in items],
            )
            .values("criterion__code", "actual", "count", "passed", "not_assigned")
        }
    for item in items:
        item.review_point = review_point  # the table's ``when`` reads it: no query per row
    editable = {
        pk
        for pk, names in score_item_workflow.allowed_many(user, items).items()
        if "report" in names
    }
    rows = []
    for item in items:
        criterion = item.criterion
        item.actual = _plain(item.actual)
        registration = registrations.get(criterion.pk)
        target = _plain(registration.target) if registration is not None else None
        row = SheetRow(
            item=item,
            registration=registration,
            target=target,
            rule=_zero_target_rule(item, registration),
        )
        if criterion.kind == CriterionKind.QUANTITATIVE and target and item.actual is not None:
            row.percent = item.actual * 100 / target
        before = previous.get(criterion.code)
        if before is not None:
            before["actual"] = _plain(before["actual"])
            row.previous = before
            now = _result({"actual": item.actual, "count": item.count}, criterion.kind)
            then = _result(before, criterion.kind)
            if now is not None and then is not None:
                row.change = now - then
        if item.pk in editable:
            row.form = (forms or {}).get(item.pk) or ReportForm(item=item)
        rows.append(row)
    return rows


def _group_rows(rows: list[SheetRow]) -> list[SheetRow]:
    """Mark where each group starts, with the group's earned and assigned points."""
    groups: dict[Any, SheetGroup] = {}
    previous_parent: Any = object()
    for row in rows:
        criterion = row.item.criterion
        parent_id = criterion.parent_id
        group = groups.get(parent_id)
        if group is None:
            group = groups[parent_id] = SheetGroup(criterion=criterion.parent)
        if criterion.kind in BASE_KINDS and not row.item.not_assigned:
            group.earned += row.item.score
            group.assigned += criterion.max_points
        row.group = group
        row.group_start = parent_id != previous_parent
        previous_parent = parent_id
    return rows


def _sheet_context(
    request: HttpRequest,
    review_point: ReviewPoint,
    participant: Participant,
    *,
    forms: dict[int, ReportForm] | None = None,
) -> dict[str, Any]:
    user = request.user
    visible = _visible_items(user, review_point, participant.unit_id)
    items = list(score_sheet(review_point, participant.unit_id).filter(pk__in=visible.values("pk")))
    if not items:
        raise Http404(_("Not found."))
    rows = _group_rows(_sheet_rows(user, review_point, participant.unit_id, items, forms=forms))
    # The print view (?print=1) is the sheet as it stands, without the report forms.
    editable = any(row.form for row in rows) and not printing(request)
    return {
        "review_point": review_point,
        "campaign": review_point.campaign,
        "participant": participant,
        "unit": participant.unit,
        "rows": rows,
        "totals": sheet_totals(items),
        "editable": editable,
        "columns": 11 + int(editable) + int(bool(review_point.campaign.predecessor_id)),
    }


@login_required
def sheet(request: HttpRequest, rp: int, unit: int) -> HttpResponse:
    review_point = _review_point(request.user, rp)
    participant = _participant(review_point, unit)
    if request.GET.get("part") == "totals":
        items = list(
            _visible_items(request.user, review_point, unit)
            .select_related("criterion")
            .only("score", "not_assigned", "passed", "criterion__kind", "criterion__max_points")
        )
        if not items:
            raise Http404(_("Not found."))
        return render(
            request,
            "scoring/sheets/_totals.html",
            {"review_point": review_point, "unit": participant.unit, "totals": sheet_totals(items)},
        )
    return render(
        request,
        "scoring/sheets/sheet.html",
        _sheet_context(request, review_point, participant),
    )


# --- reporting from the sheet or the item page -----------------------------------------


def _origin(request: HttpRequest) -> str:
    return "item" if request.POST.get("origin") == "item" else "sheet"


def _sheet_url(item: ScoreItem) -> str:
    url = reverse("scoring:sheet", args=[item.review_point_id, item.unit_id])
    return f"{url}#item-{item.pk}"


def _row_response(
    request: HttpRequest, item: ScoreItem, *, form: ReportForm | None = None, note: str = ""
) -> HttpResponse:
    """The sheet's row of ``item`` as it is now, for HTMX to swap in."""
    current = score_sheet(item.review_point, item.unit_id).get(pk=item.pk)
    rows = _sheet_rows(
        request.user,
        current.review_point,
        current.unit_id,
        [current],
        forms={current.pk: form} if form is not None else None,
    )
    row = rows[0]
    row.note = note
    return render(
        request,
        "scoring/sheets/_row.html",
        {
            "row": row,
            "review_point": current.review_point,
            "with_form_column": True,
            "with_previous": current.review_point.campaign.predecessor_id,
        },
    )


def _report_failed(request: HttpRequest, item: ScoreItem, form: ReportForm) -> HttpResponse:
    if _is_htmx(request):
        return _row_response(request, item, form=form)
    if _origin(request) == "item":
        return _item_page(request, item, forms={"report": form})
    review_point = _review_point(request.user, item.review_point_id)
    participant = _participant(review_point, item.unit_id)
    context = _sheet_context(request, review_point, participant, forms={item.pk: form})
    return render(request, "scoring/sheets/sheet.html", context)


def _report_saved(
    request: HttpRequest, item: ScoreItem, message: str, *, keep: dict[str, Any] | None = None
) -> HttpResponse:
    if _is_htmx(request):
        form = None
        if keep:
            fresh = ReportForm(item=item)
            fresh.initial.update(keep, actual=_plain(item.actual))
            form = fresh
        response = _row_response(request, item, form=form, note=message)
        response["HX-Trigger"] = SHEET_CHANGED
        return response
    messages.success(request, message)
    if _origin(request) == "item":
        return redirect("scoring:item", item.pk)
    return redirect(_sheet_url(item))


def _conflict(request: HttpRequest, item: ScoreItem, form: Any, exc: ValidationError) -> None:
    """Keep what the user typed, on the version now saved, so that they can look at the
    other person's change (shown in the row) before saving theirs again."""
    data = request.POST.copy()
    data[form.add_prefix("version")] = str(
        ScoreItem.objects.filter(pk=item.pk).values_list("version", flat=True).first() or 0
    )
    form.data = data
    form.full_clean()
    form.add_error(None, exc)


@login_required
@require_POST
def item_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = score_item_policy.access(user, pk, "report")
    form = ReportForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_report(
                actor=user,
                item=item,
                version=data["version"],
                explanation=data["explanation"],
                **form.result(),
            )
        except ConflictError as exc:
            _conflict(request, item, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # A self-score typed with the result stays in the form until it is submitted.
            self_score = data.get("self_score")
            keep = {"self_score": self_score} if self_score is not None else None
            return _report_saved(request, item, _("Saved."), keep=keep)
    return _report_failed(request, item, form)


@login_required
@require_POST
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Self-score and submit. A result typed but not saved yet is reported first, in
    the same transaction, so that nothing typed is lost."""
    user = request.user
    item = score_item_policy.access(user, pk, "report")
    form = ReportForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                version = data["version"]
                if form.report_changed():
                    item = services.item_report(
                        actor=user,
                        item=item,
                        version=version,
                        explanation=data["explanation"],
                        **form.result(),
                    )
                    version = item.version
                item = services.item_submit(
                    actor=user,
                    item=item,
                    version=version,
                    self_score=data["self_score"],
                    explanation=data["explanation"],
                )
        except ConflictError as exc:
            _conflict(request, item, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _report_saved(request, item, _("Submitted for review."))
    return _report_failed(request, item, form)


# --- the item page ----------------------------------------------------------------------


def _item_forms(item: ScoreItem, allowed: frozenset[str]) -> dict[str, Any]:
    """The forms of the moves in ``allowed`` (the item's workflow, for this user)."""
    initial = {"version": item.version}
    forms: dict[str, Any] = {}
    if "report" in allowed:
        forms["report"] = ReportForm(item=item)
    if "evidence" in allowed:
        forms["evidence"] = EvidenceForm()
    if "answer" in allowed:
        forms["answer"] = AnswerForm(initial=initial, prefix="answer")
    for action in REVIEW_ACTIONS:
        if action in allowed:
            forms[action] = ScoreForm(item=item, initial=initial, prefix=action)
    if "return" in allowed:
        forms["return"] = ReturnForm(initial=initial, prefix="return")
    return forms


STEP_LABELS = {
    "report": gettext_lazy("reported"),
    "submit": gettext_lazy("self-scored and submitted"),
    "inspect": gettext_lazy("cross-inspected"),
    "review": gettext_lazy("reviewed"),
    "finalize": gettext_lazy("finalized"),
    "return": gettext_lazy("returned with a question"),
    "answer": gettext_lazy("answered"),
    "evidence": gettext_lazy("evidence added"),
}
STATE_LABELS = dict(ItemState.choices)


def _item_page(
    request: HttpRequest, item: ScoreItem, *, forms: dict[str, Any] | None = None
) -> HttpResponse:
    user = request.user
    item = (
        ScoreItem.objects.select_related(
            "criterion", "criterion__parent", "unit", "review_point", "review_point__campaign"
        )
        .annotate(evidence_count=Count("evidence"))
        .get(pk=item.pk)
    )
    review_point = item.review_point
    row = _sheet_rows(user, review_point, item.unit_id, [item])[0]  # also tidies the values
    offered = _item_forms(item, score_item_workflow.allowed(user, item))
    offered.update(forms or {})
    events = list(item.events.select_related("actor"))
    for event in events:
        event.value = _plain(event.value)
        event.label = STEP_LABELS.get(event.action, event.action)  # type: ignore[attr-defined]
        event.from_label = STATE_LABELS.get(event.from_state, event.from_state)  # type: ignore[attr-defined]
        event.to_label = STATE_LABELS.get(event.to_state, event.to_state)  # type: ignore[attr-defined]
    return render(
        request,
        "scoring/sheets/item.html",
        {
            "item": item,
            "row": row,
            "criterion": item.criterion,
            "review_point": review_point,
            "campaign": review_point.campaign,
            "events": events,
            "evidence": list(item.evidence.select_related("uploaded_by")),
            "forms": offered,
            "steps": [
                (_("Computed"), item.computed),
                (_("Self-score"), item.self_score),
                (_("Cross-inspection"), item.inspected_score),
                (_("Leader's review"), item.reviewed_score),
                (_("Final"), item.final_score),
            ],
        },
    )


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, score_item_policy.access(request.user, pk))


def _item_action(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    form_class: Callable[..., Any],
    call: Callable[[Any, ScoreItem, dict[str, Any]], ScoreItem],
    done: str,
    actions: Iterable[str] | None = None,
) -> HttpResponse:
    """One step on the item page: parse the form, call the service, redirect or show
    the errors beside the fields."""
    user = request.user
    if actions is None:
        item = score_item_policy.access(user, pk, action)
    else:
        item = score_item_policy.access(user, pk)
        if not any(score_item_policy.allows(user, a, item) for a in actions):
            raise PermissionDenied(_("You do not have permission to do this."))
    kwargs: dict[str, Any] = {"prefix": action}
    if form_class is ScoreForm:
        kwargs["item"] = item
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            call(user, item, form.cleaned_data)
        except ConflictError as exc:
            _conflict(request, item, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("scoring:item", item.pk)
    return _item_page(request, item, forms={action: form})


def _review_call(service: Callable[..., ScoreItem]) -> Callable[..., ScoreItem]:
    def call(user: Any, item: ScoreItem, data: dict[str, Any]) -> ScoreItem:
        return service(
            actor=user, item=item, version=data["version"], score=data["score"], note=data["note"]
        )

    return call


@login_required
@require_POST
def item_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        action="inspect",
        form_class=ScoreForm,
        call=_review_call(services.item_inspect),
        done=_("Cross-inspection saved."),
    )


@login_required
@require_POST
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        action="review",
        form_class=ScoreForm,
        call=_review_call(services.item_review),
        done=_("Review saved."),
    )


@login_required
@require_POST
def item_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        action="finalize",
        form_class=ScoreForm,
        call=_review_call(services.item_finalize),
        done=_("Final score saved."),
    )


@login_required
@require_POST
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        action="return",
        form_class=ReturnForm,
        call=lambda user, item, data: services.item_return(
            actor=user,
            item=item,
            version=data["version"],
            question=data["question"],
            step=return_step(user, item) or "",
        ),
        done=_("The item was returned to the unit with your question."),
        actions=REVIEW_ACTIONS,
    )


@login_required
@require_POST
def item_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_action(
        request,
        pk,
        action="answer",
        form_class=AnswerForm,
        call=lambda user, item, data: services.item_answer(
            actor=user, item=item, version=data["version"], answer=data["answer"]
        ),
        done=_("Answer saved. Submit the item again when it is ready."),
        actions=("report",),
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = score_item_policy.access(user, pk, "report")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = services.evidence_add(actor=user, item=item, file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” attached.") % {"name": evidence.name})
            return redirect("scoring:item", item.pk)
    return _item_page(request, item, forms={"evidence": form})


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence: int) -> FileResponse:
    item = score_item_policy.access(request.user, pk, "view")
    return file_download(get_object_or_404(item.evidence.all(), pk=evidence).file)


# --- the reviewer's queue ---------------------------------------------------------------

EXPECT_LABELS = {
    "inspect": gettext_lazy("Cross-inspect"),
    "review": gettext_lazy("Review"),
    "finalize": gettext_lazy("Finalize"),
    "answer": gettext_lazy("Answer the question"),
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = QueueFilterForm(request.GET or None)
    expect = form.cleaned_data["expect"] if form.is_valid() else ""
    page = paginate(request, reviewer_queue(user, expect))
    on_page = list(page.object_list)
    # What each item waits for: the step the table offers this user now (one query).
    allowed = score_item_workflow.allowed_many(user, on_page)
    for entry in on_page:
        key = expect or next((s for s in QUEUE_STEPS if s in allowed[entry.pk]), "")
        entry.expect = key
        entry.expect_label = EXPECT_LABELS.get(key, "")
    # The batch offers the moves the table allows this user on some row of the page.
    offered = set().union(*allowed.values()) if allowed else set()
    bulk_form = BulkForm()
    action_field = bulk_form.fields["action"]
    assert isinstance(action_field, forms.ChoiceField)
    action_field.choices = [
        (name, label) for name, label in BULK_ACTION_LABELS.items() if name in offered
    ]
    return render(
        request,
        "scoring/sheets/queue.html",
        {
            "form": form,
            "page_obj": page,
            "items": on_page,
            "expect": expect,
            "bulk_form": bulk_form,
            "bulk_limit": services.BULK_LIMIT,
        },
    )


def _bulk_versions(request: HttpRequest) -> dict[int, int]:
    """The checked rows with the version each showed; a row without one is skipped
    (it cannot be checked against a change)."""
    versions: dict[int, int] = {}
    for raw in request.POST.getlist("item")[: services.BULK_LIMIT + 1]:
        version = request.POST.get(f"version-{raw}", "")
        if raw.isdigit() and version.isdigit():
            versions[int(raw)] = int(version)
    return versions


@login_required
@require_POST
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Review, finalize or return the checked items of the queue, each on its own; the
    answer lists what became of each."""
    form = BulkForm(request.POST)
    results: list[services.BulkResult] = []
    if form.is_valid():
        try:
            results = services.items_bulk(
                actor=request.user,
                action=form.cleaned_data["action"],
                versions=_bulk_versions(request),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    items = {
        item.pk: item
        for item in score_item_policy.visible(request.user)
        .filter(pk__in=[r.item_id for r in results])
        .select_related("criterion", "unit", "review_point")
    }
    rows = [(r, items.get(r.item_id)) for r in results]
    done = sum(1 for r in results if r.done)
    return render(
        request,
        "scoring/sheets/bulk_result.html",
        {"form": form, "rows": rows, "done": done, "refused": len(results) - done},
    )


# --- cross-inspections ------------------------------------------------------------------


@login_required
def inspections(request: HttpRequest, rp: int) -> HttpResponse:
    """The cluster leader assigns a peer unit of the same cluster to each unit."""
    user = request.user
    review_point = _review_point(user, rp)
    reviewed = score_item_policy.visible(user, "review").filter(review_point=review_point)
    participants = list(
        review_point.campaign.participants.filter(unit_id__in=reviewed.values("unit_id"))
        .select_related("unit", "cluster")
        .order_by(ordered("cluster__name"), ordered("unit__name"))
    )
    if not participants:
        raise PermissionDenied(_("You do not have permission to do this."))
    clusters = {p.cluster_id for p in participants}
    peers_by_cluster: dict[int | None, list[int]] = {}
    for cluster_id, unit_id in review_point.campaign.participants.filter(
        cluster_id__in=[c for c in clusters if c is not None]
    ).values_list("cluster_id", "unit_id"):
        peers_by_cluster.setdefault(cluster_id, []).append(unit_id)
    # Every peer unit in one query, shared by the rows' forms.
    units = Unit.objects.in_bulk([u for ids in peers_by_cluster.values() for u in ids])
    assignments = {
        a.unit_id: a
        for a in InspectionAssignment.objects.filter(
            review_point=review_point, unit_id__in=[p.unit_id for p in participants]
        ).select_related("inspector")
    }
    posted = request.POST.get("unit") if request.method == "POST" else None

    def make_form(participant: Participant) -> InspectionForm:
        assignment = assignments.get(participant.unit_id)
        bound = posted == str(participant.unit_id)
        return InspectionForm(
            request.POST if bound else None,
            unit=participant.unit,
            peers=[units[u] for u in peers_by_cluster.get(participant.cluster_id, [])],
            initial={"inspector": assignment.inspector_id if assignment else None},
        )

    rows = [(p, assignments.get(p.unit_id), make_form(p)) for p in participants]
    if posted is not None:
        match = next((r for r in rows if str(r[0].unit_id) == posted), None)
        if match is None:
            raise Http404(_("Not found."))
        participant, _assignment, form = match
        if form.is_valid():
            try:
                services.inspection_assign(
                    actor=user,
                    review_point=review_point,
                    unit=participant.unit,
                    inspector=form.cleaned_data["inspector"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(inspector)s will cross-inspect %(unit)s.")
                    % {"inspector": form.cleaned_data["inspector"].name, "unit": participant.unit},
                )
                return redirect("scoring:inspections", review_point.pk)
    return render(
        request,
        "scoring/sheets/inspections.html",
        {
            "review_point": review_point,
            "campaign": review_point.campaign,
            "rows": rows,
        },
    )


@login_required
def inspection_rotation(request: HttpRequest, rp: int) -> HttpResponse:
    """Assign a cluster's rotation in one step: choose the cluster and the offset, look
    at the preview (inspected unit → inspecting unit, replaced assignments marked), then
    confirm it (one transaction; refused whole if an assignment changed since)."""
    user = request.user
    review_point = _review_point(user, rp)
    led = participant_policy.visible(user, "review").filter(campaign=review_point.campaign)
    clusters = Cluster.objects.filter(pk__in=led.values("cluster_id")).order_by("code")
    if not led.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    data = request.POST if request.method == "POST" else request.GET
    form = RotationForm(data if "cluster" in data else None, clusters=clusters)
    plan = None
    if form.is_bound and form.is_valid():
        cluster, offset = form.cleaned_data["cluster"], form.cleaned_data["offset"]
        try:
            if request.method == "POST":
                done = services.inspection_rotation_assign(
                    actor=user,
                    review_point=review_point,
                    cluster=cluster,
                    offset=offset,
                    digest=form.cleaned_data["digest"],
                )
                messages.success(
                    request,
                    ngettext(
                        "The rotation of %(cluster)s is assigned (%(n)d unit).",
                        "The rotation of %(cluster)s is assigned (%(n)d units).",
                        len(done.rows),
                    )
                    % {"cluster": cluster.name, "n": len(done.rows)},
                )
                return redirect("scoring:inspections", review_point.pk)
        except ConflictError as exc:
            messages.error(request, " ".join(exc.messages))
        except ValidationError as exc:
            add_service_errors(form, exc)
        if not form.errors:
            try:
                plan = services.inspection_rotation_plan(
                    actor=user, review_point=review_point, cluster=cluster, offset=offset
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
    confirm = None
    if plan is not None:
        confirm = RotationForm(
            initial={"cluster": plan.cluster.pk, "offset": plan.offset, "digest": plan.digest},
            clusters=clusters,
        )
    return render(
        request,
        "scoring/sheets/inspection_rotation.html",
        {
            "review_point": review_point,
            "campaign": review_point.campaign,
            "form": form,
            "plan": plan,
            "confirm": confirm,
        },
    )


# --- publication and ranking ------------------------------------------------------------


@login_required
@require_POST
def publish(request: HttpRequest, rp: int) -> HttpResponse:
    user = request.user
    review_point = review_point_policy.access(user, rp, "manage")
    try:
        services.review_point_publish(actor=user, review_point=review_point)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The ranking of %(name)s is published.") % {"name": review_point.name}
        )
    return redirect("scoring:ranking", review_point.pk)


def _report_clusters(
    user: Any, may: frozenset[str], rows: list[dict[str, Any]]
) -> list[tuple[int, str]]:
    """The clusters of ``rows`` whose review report ``user`` may write."""
    if "manage" not in may and "review" not in may:
        return []
    led = Actor.of(user).scope.leader_cluster_ids if "manage" not in may else None
    found = {
        row["cluster_id"]: row["cluster_name"]
        for row in rows
        if row["cluster_id"] is not None and (led is None or row["cluster_id"] in led)
    }
    return sorted(found.items(), key=lambda pair: (pair[1], pair[0]))


#: Units on one page of the ranking (its print view holds them all: core.views.paginate).
RANKING_PAGE_SIZE = 50


@login_required
@reads_from_replica
def ranking_page(request: HttpRequest, rp: int) -> HttpResponse:
    """Organizer staff see the live ranking; cluster leaders the live ranking of their
    clusters; everyone else who sees the campaign only a published one."""
    user = request.user
    review_point = _review_point(user, rp)
    campaign = review_point.campaign
    participants = campaign.participants.all()
    form = RankingFilterForm(
        request.GET or None,
        clusters=Cluster.objects.filter(pk__in=participants.values("cluster_id")).order_by(
            ordered("name"), "pk"
        ),
        unit_types=UnitType.objects.filter(
            pk__in=participants.values("unit__unit_type_id")
        ).order_by(ordered("name"), "pk"),
    )
    cluster = form.cleaned_data.get("cluster") if form.is_valid() else None
    unit_type = form.cleaned_data.get("unit_type") if form.is_valid() else None
    result = ranking_for(
        user,
        review_point,
        RankingFilters(
            cluster_id=cluster.pk if cluster is not None else None,
            unit_type_id=unit_type.pk if unit_type is not None else None,
        ),
    )
    may = result.actions
    rows = result.rows
    # The print view (?print=1) is every row on one page (core.views.paginate).
    page = paginate(request, rows, per_page=RANKING_PAGE_SIZE)
    on_page = list(page.object_list)
    sheet_units = set(
        score_item_policy.visible(user)
        .filter(review_point=review_point, unit_id__in=[r["unit_id"] for r in on_page])
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    # What other apps offer on a unit's row (a practice proposed from it: practices).
    links = row_links(user, review_point, on_page)
    for row in on_page:
        row["links"] = links.get(row["unit_id"], [])
    chart = None
    if on_page:
        chart = bar_chart(
            [Bar(r["unit_name"], r["percentage"], muted=bool(r["veto"])) for r in on_page],
            title=_("Percentage of assigned points — %(name)s") % {"name": review_point.name},
            description=_(
                "One horizontal bar per unit, in the order of the table below; "
                "grey bars are units that are ineligible."
            ),
            id_prefix="ranking-chart",
        )
    return render(
        request,
        "scoring/sheets/ranking.html",
        {
            "review_point": review_point,
            "campaign": campaign,
            "form": form,
            "mode": result.mode,
            "page_obj": page,
            "rows": on_page,
            "sheet_units": sheet_units,
            "has_row_links": bool(links),
            "chart": chart,
            "may_publish": "manage" in may and review_point.state == ReviewPointState.OPEN,
            "may_assign": "review" in may and review_point.state == ReviewPointState.OPEN,
            # The review reports (pacesetter.reports): the campaign's for the organizer's
            # staff, a cluster's for its leader and the staff; the clusters are those of
            # the rows shown (no query: the scope is cached on the user).
            "may_report": "manage" in may,
            "report_clusters": _report_clusters(user, may, rows),
        },
    )


urlpatterns = [
    path("review/<int:rp>/units/<int:unit>/", sheet, name="sheet"),
    path("review/<int:rp>/inspections/", inspections, name="inspections"),
    path(
        "review/<int:rp>/inspections/rotation/",
        inspection_rotation,
        name="inspection_rotation",
    ),
    path("review/<int:rp>/publish/", publish, name="publish"),
    path("review/<int:rp>/ranking/", ranking_page, name="ranking"),
    path("items/<int:pk>/", item, name="item"),
    path("items/<int:pk>/report/", item_report, name="item_report"),
    path("items/<int:pk>/submit/", item_submit, name="item_submit"),
    path("items/<int:pk>/inspect/", item_inspect, name="item_inspect"),
    path("items/<int:pk>/review/", item_review, name="item_review"),
    path("items/<int:pk>/finalize/", item_finalize, name="item_finalize"),
    path("items/<int:pk>/return/", item_return, name="item_return"),
    path("items/<int:pk>/answer/", item_answer, name="item_answer"),
    path("items/<int:pk>/evidence/", evidence_upload, name="evidence_upload"),
    path("items/<int:pk>/evidence/<int:evidence>/", evidence_download, name="evidence_download"),
    path("queue/", queue, name="queue"),
    path("queue/bulk/", queue_bulk, name="queue_bulk"),
]
