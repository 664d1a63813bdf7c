"""Scoring table screens: list, the tree of groups and criteria, create, add and edit a
criterion, adopt (lock) and clone into next year's draft."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.formatting import number
from pacesetter.core.translations import ordered
from pacesetter.core.views import add_service_errors, paginate
from pacesetter.units.policies import unit_policy

from .. import services
from ..forms.tables import CriterionForm, TableCloneForm, TableCreateForm
from ..models import Criterion, CriterionKind, ScoringTable, TableState, ZeroTarget
from ..policies import scoring_table_policy


def _form_page(
    request: HttpRequest,
    table: ScoringTable | None,
    form: Any,
    title: str,
    *,
    submit_label: str | None = None,
    intro: str | None = None,
) -> HttpResponse:
    breadcrumb = [{"url": reverse("scoring:table_list"), "label": _("Scoring tables")}]
    if table is not None:
        breadcrumb.append(
            {"url": reverse("scoring:table_detail", args=[table.pk]), "label": str(table)}
        )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "cancel_url": breadcrumb[-1]["url"],
            "breadcrumb": breadcrumb,
        },
    )


def rule_in_words(criterion: Criterion) -> str:
    """How the criterion is scored, as the screen says it."""
    kind = criterion.kind
    if kind == CriterionKind.QUANTITATIVE:
        zero = (
            _("If the target is missing or zero: not assigned")
            if criterion.zero_target == ZeroTarget.NOT_ASSIGNED
            else _("If the target is missing or zero: pass/fail on the actual")
        )
        return f"{criterion.get_method_display()}; {criterion.get_direction_display()}. {zero}."
    if kind == CriterionKind.PASS_FAIL:
        return _("All the points if met, none otherwise.")
    if kind in (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY):
        text = {
            CriterionKind.COUNT: _("%(ppi)s points per item, up to %(max)s."),
            CriterionKind.BONUS: _("Adds %(ppi)s points per item, up to %(max)s."),
            CriterionKind.PENALTY: _("Takes %(ppi)s points per item, up to %(max)s."),
        }[CriterionKind(kind)]
        return text % {
            "ppi": number(criterion.points_per_item),
            "max": number(criterion.max_points),
        }
    if kind == CriterionKind.VETO:
        return _("When it applies, the unit is ineligible for awards.")
    return ""


def _tree_rows(criteria: list[Criterion], overflow_ids: set[int]) -> list[dict[str, Any]]:
    """Depth-first rows of the tree, each group with the total of its criteria's maxima."""
    children: dict[int | None, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        children[criterion.parent_id].append(criterion)
    rows: list[dict[str, Any]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for criterion in children.get(parent_id, []):
            row: dict[str, Any] = {"criterion": criterion, "depth": depth, "indent": depth * 1.5}
            if criterion.is_group:
                row["total"] = sum(
                    (
                        c.max_points
                        for c in children.get(criterion.pk, [])
                        if c.kind in services.SUMMED_KINDS
                    ),
                    Decimal(0),
                )
                row["overflow"] = criterion.pk in overflow_ids
            else:
                row["rule"] = rule_in_words(criterion)
            rows.append(row)
            walk(criterion.pk, depth + 1)

    walk(None, 0)
    return rows


@login_required
def table_list(request: HttpRequest) -> HttpResponse:
    tables = (
        scoring_table_policy.visible(request.user)
        .select_related("owner_unit")
        .annotate(criterion_count=Count("criteria", filter=~Q(criteria__kind=CriterionKind.GROUP)))
        .order_by("-year", ordered("name"), "-version", "pk")
    )
    return render(
        request,
        "scoring/tables/list.html",
        {
            "page_obj": paginate(request, tables),
            "may_create": unit_policy.visible(request.user, "manage").exists(),
        },
    )


@login_required
def table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    table = scoring_table_policy.access(user, pk)
    criteria = list(table.criteria.order_by("position", "pk"))
    overflows = services.group_overflows(table)
    may_update = scoring_table_policy.allows(user, "update", table)
    return render(
        request,
        "scoring/tables/detail.html",
        {
            "table": table,
            "owner": table.owner_unit,
            "rows": _tree_rows(criteria, {group.pk for group, _total in overflows}),
            "overflows": overflows,
            "base_total": sum(
                (
                    c.max_points
                    for c in criteria
                    if c.parent_id is None and c.kind in services.SUMMED_KINDS
                ),
                Decimal(0),
            ),
            "may_update": may_update,
            "may_edit": may_update and table.state == TableState.DRAFT,
        },
    )


@login_required
def table_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    owners = unit_policy.visible(user, "manage").order_by("path")
    if not owners.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = TableCreateForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            table = services.table_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Scoring table “%(name)s” created.") % {"name": table})
            return redirect("scoring:table_detail", table.pk)
    return _form_page(
        request, None, form, _("New scoring table"), submit_label=_("Create the table")
    )


def _editable_table(request: HttpRequest, pk: int) -> ScoringTable | None:
    """The table if the user may edit it and it is a draft; None (with a message) if adopted."""
    table = scoring_table_policy.access(request.user, pk, "update")
    if table.state != TableState.DRAFT:
        messages.error(request, _("The table is adopted and locked; clone it to change it."))
        return None
    return table


@login_required
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    table = _editable_table(request, pk)
    if table is None:
        return redirect("scoring:table_detail", pk)
    groups = table.criteria.filter(kind=CriterionKind.GROUP).order_by("position")
    form = CriterionForm(
        request.POST or None,
        groups=groups,
        initial={"parent": request.GET.get("parent"), "source_language": table.source_language},
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            criterion = services.criterion_add(
                actor=user,
                table=table,
                code=data.pop("code"),
                kind=data.pop("kind"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(criterion)s added.") % {"criterion": criterion})
            return redirect("scoring:table_detail", table.pk)
    return _form_page(request, table, form, _("Add a group or criterion"), submit_label=_("Add"))


@login_required
def criterion_edit(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    user = request.user
    table = _editable_table(request, pk)
    if table is None:
        return redirect("scoring:table_detail", pk)
    criterion = get_object_or_404(table.criteria, pk=criterion_pk)
    form = CriterionForm(request.POST or None, instance=criterion, groups=None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_update(
                actor=user, criterion=criterion, **form.service_fields(changed_only=True)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(criterion)s saved.") % {"criterion": criterion})
            return redirect("scoring:table_detail", table.pk)
    return _form_page(request, table, form, _("Edit %(criterion)s") % {"criterion": criterion})


@require_POST
@login_required
def table_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    table = scoring_table_policy.access(request.user, pk, "update")
    try:
        table = services.table_adopt(actor=request.user, table=table)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The table is adopted and locked."))
    return redirect("scoring:table_detail", table.pk)


@login_required
def table_clone(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    table = scoring_table_policy.access(user, pk, "update")
    form = TableCloneForm(request.POST or None, initial={"year": table.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            clone = services.table_clone(actor=user, table=table, year=form.cleaned_data["year"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft %(table)s was created.") % {"table": clone})
            return redirect("scoring:table_detail", clone.pk)
    return _form_page(
        request,
        table,
        form,
        _("Clone %(table)s") % {"table": table},
        submit_label=_("Clone into a draft"),
    )


urlpatterns = [
    path("tables/", table_list, name="table_list"),
    path("tables/new/", table_create, name="table_create"),
    path("tables/<int:pk>/", table_detail, name="table_detail"),
    path("tables/<int:pk>/criteria/add/", criterion_add, name="criterion_add"),
    path(
        "tables/<int:pk>/criteria/<int:criterion_pk>/edit/",
        criterion_edit,
        name="criterion_edit",
    ),
    path("tables/<int:pk>/adopt/", table_adopt, name="table_adopt"),
    path("tables/<int:pk>/clone/", table_clone, name="table_clone"),
]
