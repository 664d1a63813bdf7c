"""Campaign screens: the list, state moves, phases, review points, participants and
pacts.

The campaign's page and its set-up forms show and choose its scoring table, and so live
with the pages that combine domains (``pacesetter.workspace.campaign_views``); a unit's
registration, amendments and opening a review point are scoring's
(``pacesetter.scoring.views.registrations``). All keep their ``campaigns:`` names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import cluster_current_leader
from pacesetter.core.files import file_download
from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import matching, ordered
from pacesetter.core.views import add_service_errors, paginate, xlsx_response
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from . import services
from .forms import (
    CampaignSearchForm,
    ClusterJoinForm,
    PactSignForm,
    ParticipantForm,
    PhaseForm,
    PublicityForm,
    ReviewPointForm,
    TransitionForm,
)
from .models import Campaign, CampaignPhase, ReviewPoint
from .policies import campaign_policy, participant_policy


def _form_page(
    request: HttpRequest,
    campaign: Campaign | None,
    form: Any,
    title: str,
    *,
    submit_label: str | None = None,
    intro: str | None = None,
    cancel_url: str | None = None,
) -> HttpResponse:
    breadcrumb = [{"url": reverse("campaigns:list"), "label": _("Campaigns")}]
    if campaign is not None:
        breadcrumb.append(
            {"url": reverse("campaigns:detail", args=[campaign.pk]), "label": campaign.name}
        )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "cancel_url": cancel_url or breadcrumb[-1]["url"],
            "breadcrumb": breadcrumb,
        },
    )


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- The list ---------------------------------------------------------------------------


def _campaign_search(user: Any, *, query: str, state: str) -> QuerySet[Campaign]:
    """Visible campaigns whose code or name (any language, accents and case aside)
    contains ``query``, newest first, then by name in the active language."""
    qs = matching(campaign_policy.visible(user).select_related("organizer"), query)
    if state:
        qs = qs.filter(state=state)
    return qs.annotate(participant_count=Count("participants")).order_by(
        "-start", ordered("name"), "pk"
    )


def _campaign_filters(request: HttpRequest) -> tuple[CampaignSearchForm, str, str]:
    form = CampaignSearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data["q"].strip() if valid else ""
    state = form.cleaned_data["state"] if valid else ""
    return form, query, state


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    form, query, state = _campaign_filters(request)
    page = paginate(request, _campaign_search(request.user, query=query, state=state))
    return render(
        request,
        "campaigns/list.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(query or state),
            "may_create": unit_policy.visible(request.user, "manage").exists(),
        },
    )


@login_required
def campaign_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The campaigns the list shows (its search), as .xlsx in the user's language."""
    _form, query, state = _campaign_filters(request)
    campaigns = _campaign_search(request.user, query=query, state=state)
    rows = (
        [
            campaign.code,
            str(campaign.name),
            campaign.get_kind_display(),
            str(campaign.organizer.name),
            campaign.start,
            campaign.end,
            campaign.get_state_display(),
            campaign.participant_count,  # type: ignore[attr-defined]
        ]
        for campaign in campaigns[: settings.EXPORT_MAX_ROWS]
    )
    workbook = list_workbook(
        _("Campaigns"),
        _("Campaigns"),
        [
            _("Code"),
            _("Name"),
            _("Kind"),
            _("Organizer"),
            _("Start"),
            _("End"),
            _("State"),
            _("Participants"),
        ],
        rows,
        widths=[14, 44, 18, 30, 12, 12, 14, 12],
        total=campaigns.count(),
    )
    return xlsx_response(workbook, "campaigns.xlsx")


# --- State moves, phases, review points, participants ----------------------------------


@require_POST
@login_required
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a state to move to."))
        return redirect("campaigns:detail", campaign.pk)
    try:
        campaign = services.campaign_transition(
            actor=user, campaign=campaign, to_state=form.cleaned_data["to_state"]
        )
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("The campaign is now in the state “%(state)s”.")
            % {"state": campaign.get_state_display()},
        )
    return redirect("campaigns:detail", campaign.pk)


@require_POST
@login_required
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the campaign on the public pages, or take it off (``public``: true or false)."""
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = PublicityForm(request.POST)
    form.is_valid()  # a boolean: anything but a true value takes it off
    campaign = services.campaign_publicity_set(
        actor=user, campaign=campaign, public=form.cleaned_data.get("public", False)
    )
    messages.success(
        request,
        _("The campaign is on the public pages.")
        if campaign.is_public
        else _("The campaign is no longer on the public pages."),
    )
    return redirect("campaigns:detail", campaign.pk)


@login_required
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = PhaseForm(
        request.POST or None,
        instance=CampaignPhase(campaign=campaign, source_language=campaign.source_language),
        initial={"source_language": campaign.source_language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            phase = services.phase_add(actor=user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Phase “%(name)s” added.") % {"name": phase.name})
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(request, campaign, form, _("Add a phase to %(name)s") % {"name": campaign})


@login_required
def review_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = ReviewPointForm(
        request.POST or None,
        instance=ReviewPoint(campaign=campaign, source_language=campaign.source_language),
        initial={"source_language": campaign.source_language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_point = services.review_point_add(
                actor=user, campaign=campaign, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Review point “%(name)s” added.") % {"name": review_point.name}
            )
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(
        request, campaign, form, _("Add a review point to %(name)s") % {"name": campaign}
    )


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = ParticipantForm(
        request.POST or None,
        units=unit_policy.visible(user)
        .filter(active_to__isnull=True)
        .order_by(ordered("name"), "pk"),
        clusters=cluster_policy.visible(user)
        .filter(is_active=True)
        .order_by(ordered("name"), "pk"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_add(
                actor=user, campaign=campaign, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(unit)s takes part now.") % {"unit": participant.unit.name}
            )
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(
        request, campaign, form, _("Add a participating unit to %(name)s") % {"name": campaign}
    )


@login_required
def cluster_join(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = ClusterJoinForm(
        request.POST or None,
        clusters=cluster_policy.visible(user)
        .filter(is_active=True)
        .order_by(ordered("name"), "pk"),
    )
    if request.method == "POST" and form.is_valid():
        cluster = form.cleaned_data["cluster"]
        try:
            joined = services.cluster_join(actor=user, campaign=campaign, cluster=cluster)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(count)s unit(s) of %(cluster)s joined.")
                % {"count": len(joined), "cluster": cluster.name},
            )
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(
        request,
        campaign,
        form,
        _("Join a whole cluster to %(name)s") % {"name": campaign},
        submit_label=_("Join the cluster"),
    )


# --- Pacts --------------------------------------------------------------------------------


@login_required
def pact_sign(request: HttpRequest, pk: int, cluster_pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk)
    participation = (
        campaign.participants.filter(cluster_id=cluster_pk).select_related("cluster").first()
    )
    if participation is None or participation.cluster is None:
        raise Http404(_("Not found."))
    cluster = participation.cluster
    is_leader = participant_policy.allows(user, "review", participation)
    if not (is_leader or campaign_policy.allows(user, "update", campaign)):
        raise PermissionDenied(_("You do not have permission to do this."))
    units = Unit.objects.filter(participations__campaign=campaign, participations__cluster=cluster)
    leader = cluster_current_leader(cluster, campaign.start.year, "leader")
    if leader is not None:
        units = units | Unit.objects.filter(pk=leader.unit_id)
    form = PactSignForm(
        request.POST or None,
        request.FILES or None,
        units=units.distinct().order_by(ordered("name"), "pk"),
        initial={"signer_unit": leader.unit_id if leader else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pact_sign(actor=user, campaign=campaign, cluster=cluster, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The pact of %(cluster)s is signed; its registrations are locked.")
                % {"cluster": cluster.name},
            )
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(
        request,
        campaign,
        form,
        _("Sign the pact of %(cluster)s") % {"cluster": cluster.name},
        intro=_("Signing locks the registrations of every unit of the cluster."),
        submit_label=_("Sign the pact"),
    )


@login_required
def pact_document(request: HttpRequest, pk: int, pact_pk: int) -> FileResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk)
    pact = get_object_or_404(campaign.pacts, pk=pact_pk)
    # A cluster's leader sees the cluster (``cluster_policy``), and so its pact.
    allowed = (
        campaign_policy.allows(user, "update", campaign)
        or cluster_policy.visible(user).filter(pk=pact.cluster_id).exists()
    )
    if not allowed:
        raise Http404(_("Not found."))
    return file_download(pact.document)
