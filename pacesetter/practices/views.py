"""The library's screens: the list, a practice's page, and the forms to propose, edit,
vet and attach evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.audit.history import audit_rows
from pacesetter.audit.selectors import audit_entries_for
from pacesetter.campaigns.policies import review_point_policy
from pacesetter.core.files import file_download
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.spreadsheets import XLSX_CONTENT_TYPE, workbook_bytes
from pacesetter.core.views import add_service_errors, form_page, paginate
from pacesetter.units.models import Unit

from . import services
from .exports import adoptions_workbook
from .forms import (
    AdoptionForm,
    AdoptionReportForm,
    EvidenceForm,
    FiltersForm,
    PracticeForm,
    StepForm,
)
from .models import AdoptionOutcome, Practice, PracticeState, PracticeStep, WorkField
from .policies import adoption_policy, practice_policy
from .rankings import standings
from .selectors import (
    adoptable_units,
    adoption_plans,
    adoptions_of,
    decisions_seen,
    links_seen,
    practices_for,
    proposable_units,
    search_cap,
    spread_of,
)
from .workflows import MOVES, practice_workflow

#: The label of each step's button and form.
STEP_LABELS = {
    "comment": gettext_lazy("Comment"),
    "review": gettext_lazy("Review"),
    "return": gettext_lazy("Return for changes"),
    "recognize": gettext_lazy("Recognize"),
    "publish": gettext_lazy("Publish"),
    "retire": gettext_lazy("Retire"),
}
STEP_DONE = {
    "comment": gettext_lazy("Your comment is kept."),
    "review": gettext_lazy("The practice is reviewed."),
    "return": gettext_lazy("The practice is returned to its proposer."),
    "recognize": gettext_lazy("The practice is recognized."),
    "publish": gettext_lazy("The practice is published."),
    "retire": gettext_lazy("The practice is retired."),
}


def _breadcrumb(practice: Practice | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("practices:list"), "label": _("Good practice")}]
    if practice is not None:
        crumbs.append(
            {"url": reverse("practices:detail", args=[practice.pk]), "label": practice.title}
        )
    return crumbs


@login_required
def practice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = FiltersForm(request.GET or None)
    filters = form.filters()
    return render(
        request,
        "practices/list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": paginate(request, practices_for(user, filters), cap=search_cap(filters)),
            "may_propose": proposable_units(user).exists(),
        },
    )


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    practice = practice_policy.access(user, pk, "view")
    practice = (
        Practice.objects.select_related("owner_unit")
        .prefetch_related(
            Prefetch("source_units", queryset=Unit.objects.order_by("code")),
            Prefetch("work_fields", queryset=WorkField.objects.order_by("position", "pk")),
            Prefetch(
                "steps",
                queryset=PracticeStep.objects.select_related("actor", "decision").order_by(
                    "at", "pk"
                ),
            ),
            "evidence",
        )
        .get(pk=practice.pk)
    )
    allowed = practice_workflow.allowed_list(user, practice)
    adoptions = adoptions_of(user, practice)
    spread = spread_of(adoptions)
    # The card counts every adoption in SQL and lists one page of them: the page reads
    # the same rows whatever the number of adoptions (docs/performance.md, "Practices").
    adopters = paginate(request, adoptions, count=spread.total)
    rows = list(adopters.object_list)
    may_report = adoption_policy.allowed_actions(user, rows, ["report"])
    steps = list(practice.steps.all())
    seen_decisions = decisions_seen(user, [practice.decision_id, *(s.decision_id for s in steps)])
    links = links_seen(practice, user)
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "moves": [(name, STEP_LABELS[name]) for name in allowed if name in MOVES],
            "may_edit": "edit" in allowed,
            "may_comment": "comment" in allowed,
            "decision": links.decision,
            "steps": steps,
            "seen_decisions": seen_decisions,
            "review_point": links.review_point,
            # The scores behind it, only from a ranking the reader may see.
            "standings": standings(
                user,
                links.review_point,
                [practice.owner_unit_id, *(u.pk for u in practice.source_units.all())],
            ),
            "meeting": links.meeting,
            "chain": links.chain,
            "grants": links.grants,
            "tasks": links.tasks,
            "spread": spread,
            "adopters": adopters,
            "adopter_rows": [(a, spread.top_unit_of(a)) for a in rows],
            "outcome_counts": [
                (label, spread.by_outcome[value]) for value, label in AdoptionOutcome.choices
            ],
            "not_reported": spread.by_outcome[""],
            "may_report": {pk for pk, actions in may_report.items() if actions},
            "may_adopt": practice.state == PracticeState.PUBLISHED
            and adoptable_units(user).exists(),
            "history": audit_rows(audit_entries_for(practice).order_by("-pk")[:20], reader=user),
            "breadcrumb": _breadcrumb(),
        },
    )


def _links(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.pop(name) for name in services.LINKS if name in data}


def _from_ranking(request: HttpRequest, units: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's initial values and the page's introduction when the proposal starts
    from a unit's row of a ranking (``?unit=&review_point=``, ``rankings.propose_url``):
    the unit (one the user proposes for) as keeper and source, the review point (one
    they see) and its year, and the unit's standing there with a link back to the
    ranking (only if they may see that ranking). Anything else in the query is ignored."""
    user = request.user
    unit = review_point = None
    if (raw := request.GET.get("unit", "")).isdigit():
        unit = units.filter(pk=int(raw)).first()
    if (raw := request.GET.get("review_point", "")).isdigit():
        review_point = review_point_policy.visible(user).filter(pk=int(raw)).first()
    initial: dict[str, Any] = {}
    if unit is not None:
        initial |= {"owner_unit": unit.pk, "source_units": [unit.pk]}
    if review_point is not None:
        initial |= {"review_point": review_point.pk, "year": review_point.period_end.year}
    extra: dict[str, Any] = {}
    if unit is not None and review_point is not None:
        for standing in standings(user, review_point, [unit.pk]):
            extra["intro"] = standing_sentence(standing, review_point)
            extra["intro_link"] = {"url": standing.ranking_url, "label": _("See the ranking")}
    return initial, extra


def standing_sentence(standing: Any, review_point: Any) -> str:
    """“Own unit: rank 1 in Cluster A, total 95 (95.00%) at 6-month review.”"""
    values = {
        "unit": standing.unit_name,
        "rank": standing.rank_in_cluster,
        "cluster": standing.cluster_name or "—",
        "total": floatformat(standing.total, -2),
        "percentage": "—" if standing.percentage is None else floatformat(standing.percentage, 2),
        "review_point": review_point.name,
    }
    if standing.live:
        return (
            _(
                "%(unit)s: rank %(rank)s in %(cluster)s, total %(total)s (%(percentage)s%%) "
                "at %(review_point)s, live: the ranking is not published yet."
            )
            % values
        )
    return (
        _(
            "%(unit)s: rank %(rank)s in %(cluster)s, total %(total)s (%(percentage)s%%) "
            "at %(review_point)s."
        )
        % values
    )


@login_required
def practice_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = proposable_units(user)
    if not units.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    initial, extra = _from_ranking(request, units)
    form = PracticeForm(
        request.POST if request.method == "POST" else None,
        user=user,
        units=units,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        links = _links(data)
        try:
            practice = services.practice_propose(
                actor=user,
                owner_unit=data.pop("owner_unit"),
                kind=data.pop("kind"),
                year=data.pop("year"),
                **links,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” is proposed.") % {"title": practice.title})
            return redirect("practices:detail", practice.pk)
    return form_page(
        request,
        form,
        title=_("Propose a practice"),
        cancel_url=reverse("practices:list"),
        breadcrumb=_breadcrumb(),
        submit_label=_("Propose"),
        **extra,
    )


@login_required
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    practice = practice_policy.access(user, pk, "update")
    if "edit" not in practice_workflow.allowed(user, practice):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = PracticeForm(
        request.POST if request.method == "POST" else None,
        instance=Practice.objects.get(pk=practice.pk),
        user=user,
        units=proposable_units(user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        links = _links(data)
        try:
            practice = services.practice_update(actor=user, practice=practice, **links, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” saved.") % {"title": practice.title})
            return redirect("practices:detail", practice.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": practice.title},
        cancel_url=reverse("practices:detail", args=[practice.pk]),
        breadcrumb=_breadcrumb(practice),
    )


@login_required
def practice_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    if name not in STEP_LABELS:
        raise Http404
    practice = practice_policy.access(user, pk, "view")
    if name not in practice_workflow.allowed(user, practice):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = StepForm(request.POST if request.method == "POST" else None, name=name, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_transition(
                actor=user, practice=practice, name=name, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(STEP_DONE[name]))
            return redirect("practices:detail", practice.pk)
    return form_page(
        request,
        form,
        title=_("%(step)s: %(title)s") % {"step": STEP_LABELS[name], "title": practice.title},
        cancel_url=reverse("practices:detail", args=[practice.pk]),
        breadcrumb=_breadcrumb(practice),
        submit_label=str(STEP_LABELS[name]),
    )


@login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    practice = practice_policy.access(user, pk, "update")
    if "edit" not in practice_workflow.allowed(user, practice):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(
                actor=user,
                practice=practice,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The evidence is uploaded."))
            return redirect("practices:detail", practice.pk)
    return form_page(
        request,
        form,
        title=_("Evidence for %(title)s") % {"title": practice.title},
        cancel_url=reverse("practices:detail", args=[practice.pk]),
        breadcrumb=_breadcrumb(practice),
        submit_label=_("Upload"),
    )


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> Any:
    practice = practice_policy.access(request.user, pk, "view")
    return file_download(get_object_or_404(practice.evidence.all(), pk=evidence_pk).file)


@login_required
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    practice = practice_policy.access(user, pk, "view")
    units = adoptable_units(user)
    if practice.state != PracticeState.PUBLISHED or not units.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = AdoptionForm(
        request.POST if request.method == "POST" else None,
        units=units,
        plans=adoption_plans(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.adoption_create(
                actor=user,
                practice=practice,
                unit=data["unit"],
                adopted_on=data["adopted_on"],
                note=data["note"],
                plan=data["plan"],
                task_title=data["task_title"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(unit)s adopts the practice.") % {"unit": data["unit"].name}
            )
            return redirect("practices:detail", practice.pk)
    return form_page(
        request,
        form,
        title=_("Adopt %(title)s") % {"title": practice.title},
        cancel_url=reverse("practices:detail", args=[practice.pk]),
        breadcrumb=_breadcrumb(practice),
        submit_label=_("Adopt"),
    )


@login_required
def adoption_report(request: HttpRequest, pk: int, adoption_pk: int) -> HttpResponse:
    user = request.user
    practice = practice_policy.access(user, pk, "view")
    adoption = adoption_policy.access(user, adoption_pk, "report")
    if adoption.practice_id != practice.pk:
        raise Http404
    posted = request.method == "POST"
    initial = (
        {
            "outcome": adoption.outcome,
            "rating": adoption.rating,
            "report": adoption.report,
            "reported_on": adoption.reported_on,
        }
        if adoption.is_reported
        else None
    )
    form = AdoptionReportForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.adoption_report(
                    actor=user,
                    adoption=adoption,
                    outcome=data["outcome"],
                    rating=data["rating"],
                    report=data["report"],
                    reported_on=data["reported_on"],
                )
                if data["file"]:
                    services.adoption_evidence_add(actor=user, adoption=adoption, file=data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The report is kept."))
            return redirect("practices:detail", practice.pk)
    return form_page(
        request,
        form,
        title=_("How %(unit)s fared with %(title)s")
        % {"unit": adoption.unit.name, "title": practice.title},
        cancel_url=reverse("practices:detail", args=[practice.pk]),
        breadcrumb=_breadcrumb(practice),
        submit_label=_("Report"),
    )


@login_required
def adoption_evidence_download(
    request: HttpRequest, pk: int, adoption_pk: int, evidence_pk: int
) -> Any:
    practice = practice_policy.access(request.user, pk, "view")
    adoption = adoption_policy.access(request.user, adoption_pk, "view")
    if adoption.practice_id != practice.pk:
        raise Http404
    return file_download(get_object_or_404(adoption.evidence.all(), pk=evidence_pk).file)


@login_required
@reads_from_replica
def adoptions_export(request: HttpRequest, pk: int) -> HttpResponse:
    practice = practice_policy.access(request.user, pk, "view")
    response = HttpResponse(
        workbook_bytes(adoptions_workbook(request.user, practice)),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"practice-{practice.pk}-adoptions.xlsx"
    )
    return response


urlpatterns: list[URLPattern] = [
    path("", practice_list, name="list"),
    path("new/", practice_create, name="create"),
    path("<int:pk>/", practice_detail, name="detail"),
    path("<int:pk>/edit/", practice_edit, name="edit"),
    path("<int:pk>/evidence/", evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_pk>/", evidence_download, name="evidence_download"),
    path("<int:pk>/adopt/", adoption_create, name="adopt"),
    path("<int:pk>/adoptions.xlsx", adoptions_export, name="adoptions_export"),
    path("<int:pk>/adoptions/<int:adoption_pk>/report/", adoption_report, name="adoption_report"),
    path(
        "<int:pk>/adoptions/<int:adoption_pk>/evidence/<int:evidence_pk>/",
        adoption_evidence_download,
        name="adoption_evidence_download",
    ),
    path("<int:pk>/<slug:name>/", practice_step, name="step"),
]
