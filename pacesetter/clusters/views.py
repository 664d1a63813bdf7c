"""Screens for clusters: search, detail, create and edit, members and yearly leaders."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import CONTENT_LANGUAGES, column, ordered
from pacesetter.core.views import add_service_errors, paginate, xlsx_response
from pacesetter.decisions.policies import decision_policy
from pacesetter.decisions.services import decision_create
from pacesetter.units.policies import unit_policy

from . import selectors, services
from .forms import (
    ClusterCreateForm,
    ClusterForm,
    ClusterSearchForm,
    LeaderSetForm,
    MemberAddForm,
    MemberEndForm,
)
from .models import Cluster, ClusterLeadership, LeadershipRole
from .policies import cluster_policy

#: A new decision's errors on its translated columns go to the form's one input each.
DECISION_ERROR_FIELDS = {
    column(name, language): f"decision_{name}"
    for name in ("issuer", "title", "signer_title")
    for language in CONTENT_LANGUAGES
}


def _form_page(request: HttpRequest, cluster: Cluster, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": reverse("clusters:detail", args=[cluster.pk]),
            "breadcrumb": [
                {"url": reverse("clusters:list"), "label": _("Clusters")},
                {"url": reverse("clusters:detail", args=[cluster.pk]), "label": cluster.name},
            ],
        },
    )


@login_required
def cluster_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The clusters the list finds (those the user sees), as .xlsx in the user's language."""
    form = ClusterSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    clusters = selectors.cluster_search(request.user, query=query)
    rows = (
        [
            cluster.code,
            str(cluster.name),
            _("active") if cluster.is_active else _("inactive"),
            str(cluster.owner_unit.name),
            cluster.decision.number if cluster.decision else "",
            cluster.decision.date if cluster.decision else None,
            cluster.member_count,  # type: ignore[attr-defined]
        ]
        for cluster in clusters[: settings.EXPORT_MAX_ROWS]
    )
    workbook = list_workbook(
        _("Clusters"),
        _("Clusters"),
        [
            _("Code"),
            _("Name"),
            _("State"),
            _("Lead body"),
            _("Founding decision"),
            _("Date"),
            _("Members"),
        ],
        rows,
        widths=[14, 40, 10, 32, 18, 12, 10],
        total=clusters.count(),
    )
    return xlsx_response(workbook, "clusters.xlsx")


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    form = ClusterSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = paginate(request, selectors.cluster_search(request.user, query=query))
    return render(
        request,
        "clusters/list.html",
        {
            "form": form,
            "page_obj": page,
            "query": query,
            "may_create": unit_policy.visible(request.user, "manage").exists(),
        },
    )


def _leader_rows(leaderships: list[ClusterLeadership]) -> list[dict[str, Any]]:
    """One row per year, newest first: the holders of each post, current holder first."""
    years: OrderedDict[int, dict[str, Any]] = OrderedDict()
    for post in leaderships:
        row = years.setdefault(
            post.year,
            {"year": post.year, LeadershipRole.LEADER: [], LeadershipRole.DEPUTY: []},
        )
        row[post.role].append(post)
    for row in years.values():
        for role in LeadershipRole.values:
            row[role].sort(key=lambda p: (p.ended_on is not None, p.assigned_on))
        row["leaders"], row["deputies"] = row[LeadershipRole.LEADER], row[LeadershipRole.DEPUTY]
    return list(years.values())


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cluster = cluster_policy.access(user, pk)
    members = list(selectors.cluster_members(cluster))
    history = list(selectors.cluster_membership_history(cluster))
    leaderships = list(selectors.cluster_leaders(cluster))
    unit_ids = {m.unit_id for m in history} | {p.unit_id for p in leaderships}
    unit_ids.add(cluster.owner_unit_id)
    this_year = date.today().year
    leader_rows = _leader_rows(leaderships)
    return render(
        request,
        "clusters/detail.html",
        {
            "cluster": cluster,
            "owner": cluster.owner_unit,
            "decision": cluster.decision,
            "members": members,
            "history": history,
            "leader_rows": leader_rows,
            "this_year": this_year,
            "this_year_has_leaders": any(r["year"] == this_year for r in leader_rows),
            # Member units are across the tree: link only those the user may open.
            "visible_unit_ids": set(
                unit_policy.visible(user).filter(pk__in=unit_ids).values_list("pk", flat=True)
            ),
            "may_update": cluster_policy.allows(user, "update", cluster),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    owners = unit_policy.visible(user, "manage").order_by("path")
    if not owners.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = ClusterCreateForm(
        request.POST or None,
        request.FILES or None,
        owners=owners,
        decisions=decision_policy.visible(user),
        initial={"owner_unit": request.GET.get("owner")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_decision = form.new_decision()
        decision = data["decision"]
        try:
            # One transaction for both, so a cluster error leaves no orphan decision.
            with transaction.atomic():
                if new_decision is not None:
                    try:
                        decision = decision_create(
                            actor=user,
                            owner_unit=data["owner_unit"],
                            source_language=data["source_language"],
                            **new_decision,
                        )
                    except ValidationError as exc:
                        add_service_errors(
                            form, exc, prefix="decision_", fields=DECISION_ERROR_FIELDS
                        )
                        raise
                cluster = services.cluster_create(
                    actor=user,
                    **{name: data[name] for name in form.cluster_fields()},
                    decision=decision,
                )
        except ValidationError as exc:
            if new_decision is not None and decision is not None and decision.file:
                decision.file.delete(save=False)  # the row was rolled back; drop the file too
            if not form.errors:
                add_service_errors(form, exc)
        else:
            messages.success(request, _("Cluster “%(name)s” created.") % {"name": cluster.name})
            return redirect("clusters:detail", cluster.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New cluster"),
            "cancel_url": reverse("clusters:list"),
            "submit_label": _("Create cluster"),
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cluster = cluster_policy.access(user, pk, "update")
    title = _("Edit %(name)s") % {"name": cluster.name}
    form = ClusterForm(request.POST or None, instance=cluster, decisions=_decisions(user, cluster))
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_update(actor=user, cluster=cluster, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cluster “%(name)s” saved.") % {"name": cluster.name})
            return redirect("clusters:detail", cluster.pk)
    return _form_page(request, cluster, form, title)


def _decisions(user: Any, cluster: Cluster) -> Any:
    visible = decision_policy.visible(user)
    if cluster.decision_id:
        # Keep the current decision choosable even if the user could not pick it today.
        visible = visible | decision_policy.base_queryset().filter(pk=cluster.decision_id)
    return visible.distinct()


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cluster = cluster_policy.access(user, pk, "update")
    units = unit_policy.visible(user).filter(active_to__isnull=True).order_by(ordered("name"), "pk")
    form = MemberAddForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.cluster_member_add(
                actor=user, cluster=cluster, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(unit)s added to the cluster.") % {"unit": membership.unit.name}
            )
            return redirect("clusters:detail", cluster.pk)
    return _form_page(
        request, cluster, form, _("Add a member to %(name)s") % {"name": cluster.name}
    )


@login_required
def member_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    user = request.user
    cluster = cluster_policy.access(user, pk, "update")
    membership = get_object_or_404(cluster.memberships.select_related("unit"), pk=membership_pk)
    form = MemberEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_member_end(
                actor=user, membership=membership, end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The membership of %(unit)s ended.") % {"unit": membership.unit.name}
            )
            return redirect("clusters:detail", cluster.pk)
    return _form_page(
        request,
        cluster,
        form,
        _("End the membership of %(unit)s") % {"unit": membership.unit.name},
    )


@login_required
def leader_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cluster = cluster_policy.access(user, pk, "update")
    form = LeaderSetForm(
        request.POST or None,
        units=selectors.cluster_member_units(cluster),
        initial={"role": request.GET.get("role", LeadershipRole.LEADER)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = services.cluster_leader_set(actor=user, cluster=cluster, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(unit)s is %(post)s for %(year)s.")
                % {"unit": post.unit.name, "post": post.get_role_display(), "year": post.year},
            )
            return redirect("clusters:detail", cluster.pk)
    return _form_page(
        request, cluster, form, _("Set the leader or deputy of %(name)s") % {"name": cluster.name}
    )
