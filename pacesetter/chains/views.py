"""Chain screens: the list and its managers' forms. A chain's page (its organizations,
open problems, plans and meetings) combines domains: it is ``workspace.views.chain_detail``,
mounted as ``chains:chain_detail``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import fold, ordered
from pacesetter.core.views import add_service_errors, form_page, paginate, xlsx_response
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import unit_choices

from . import services
from .forms import ChainCreateForm, ChainForm, ChainSearchForm, MemberAddForm, MemberMoveForm
from .models import Chain
from .policies import chain_policy


def _breadcrumb(chain: Chain | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("chains:chain_list"), "label": _("Chains")}]
    if chain is not None:
        crumbs.append({"url": reverse("chains:chain_detail", args=[chain.pk]), "label": chain.name})
    return crumbs


def _chain_search(request: HttpRequest) -> tuple[ChainSearchForm, str, QuerySet[Chain]]:
    """The list's form, its query and the chains it finds: the list, its print view and
    its export."""
    user = request.user
    form = ChainSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    chains = chain_policy.visible(user).select_related("leader_unit", "owner_unit")
    if query:
        chains = chains.filter(
            Q(search_key__contains=fold(query)) | Q(leader_unit__search_key__contains=fold(query))
        )
    chains = chains.annotate(member_count=Count("members")).order_by(
        "-is_active", ordered("name"), "pk"
    )
    return form, query, chains


@login_required
def chain_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The chains the list finds, as .xlsx in the user's language."""
    _form, _query, chains = _chain_search(request)
    rows = (
        [
            str(chain.name),
            _("active") if chain.is_active else _("inactive"),
            str(chain.leader_unit.name),
            chain.member_count,  # type: ignore[attr-defined]
            str(chain.owner_unit.name),
        ]
        for chain in chains[: settings.EXPORT_MAX_ROWS]
    )
    workbook = list_workbook(
        _("Chains"),
        _("Chains"),
        [_("Chain"), _("State"), _("Chain leader"), _("Members"), _("Kept by")],
        rows,
        widths=[44, 10, 36, 10, 36],
        total=chains.count(),
    )
    return xlsx_response(workbook, "chains.xlsx")


@login_required
def chain_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, query, chains = _chain_search(request)
    return render(
        request,
        "chains/chain_list.html",
        {
            "form": form,
            "query": query,
            "page_obj": paginate(request, chains),
            "may_create": unit_policy.visible(user, "manage").exists(),
        },
    )


@login_required
def chain_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    owners = unit_policy.visible(user, "manage").order_by("path")
    if not owners.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = ChainCreateForm(request.POST or None, owners=owners, units=unit_choices(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chain = services.chain_create(
                actor=user,
                **{k: v for k, v in data.items() if k != "members"},
                members=data["members"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"unit": "members"})
        else:
            messages.success(request, _("Chain “%(name)s” created.") % {"name": chain.name})
            return redirect("chains:chain_detail", chain.pk)
    return form_page(
        request,
        form,
        title=_("New chain"),
        cancel_url=reverse("chains:chain_list"),
        breadcrumb=_breadcrumb(),
        submit_label=_("Create chain"),
    )


@login_required
def chain_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    chain = chain_policy.access(user, pk, "manage")
    form = ChainForm(
        request.POST or None,
        instance=Chain.objects.get(pk=chain.pk),
        units=unit_choices(user, chain.leader_unit_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            chain = services.chain_update(actor=user, chain=chain, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Chain “%(name)s” saved.") % {"name": chain.name})
            return redirect("chains:chain_detail", chain.pk)
    return form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": chain.name},
        cancel_url=reverse("chains:chain_detail", args=[chain.pk]),
        breadcrumb=_breadcrumb(chain),
    )


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    chain = chain_policy.access(user, pk, "manage")
    units = unit_choices(user).exclude(pk__in=chain.members.values("unit_id"))
    form = MemberAddForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.chain_member_add(actor=user, chain=chain, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(unit)s joined the chain.") % {"unit": form.cleaned_data["unit"].name},
            )
            return redirect("chains:chain_detail", chain.pk)
    return form_page(
        request,
        form,
        title=_("Add a unit to %(name)s") % {"name": chain.name},
        cancel_url=reverse("chains:chain_detail", args=[chain.pk]),
        breadcrumb=_breadcrumb(chain),
        submit_label=_("Add to the chain"),
    )


@require_POST
@login_required
def member_move(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Move a member one place up (towards upstream) or down."""
    user = request.user
    chain = chain_policy.access(user, pk, "manage")
    member = get_object_or_404(chain.members, pk=member_pk)
    form = MemberMoveForm(request.POST, chain=chain)
    if not form.is_valid():
        # Only a hand-made request gets here: the page's buttons send both fields.
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(reverse("chains:chain_detail", args=[chain.pk]) + "#members")
    order = list(chain.members.order_by("position").values_list("unit_id", flat=True))
    index = order.index(member.unit_id)
    target = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        try:
            services.chain_members_reorder(
                actor=user, chain=chain, unit_ids=order, version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return redirect(reverse("chains:chain_detail", args=[chain.pk]) + "#members")


@require_POST
@login_required
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = request.user
    chain = chain_policy.access(user, pk, "manage")
    member = get_object_or_404(chain.members.select_related("unit"), pk=member_pk)
    services.chain_member_remove(actor=user, member=member)
    messages.success(request, _("%(unit)s left the chain.") % {"unit": member.unit.name})
    return redirect(reverse("chains:chain_detail", args=[chain.pk]) + "#members")


urlpatterns: list[URLPattern] = [
    path("", chain_list, name="chain_list"),
    path("chains.xlsx", chain_list_xlsx, name="chain_list_xlsx"),
    path("new/", chain_create, name="chain_create"),
    path("<int:pk>/edit/", chain_edit, name="chain_edit"),
    path("<int:pk>/members/new/", member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/move/", member_move, name="member_move"),
    path("<int:pk>/members/<int:member_pk>/remove/", member_remove, name="member_remove"),
]
