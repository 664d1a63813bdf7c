"""Campaign screens: list, set-up, the overview, participants, registration (the pact),
amendments and pacts."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.clusters.policies import cluster_policy
from pacesetter.clusters.selectors import cluster_current_leader
from pacesetter.core.files import file_download
from pacesetter.core.views import add_service_errors, paginate
from pacesetter.scoring import services as scoring_services
from pacesetter.scoring.models import (
    AmendmentState,
    CriterionKind,
    Registration,
    TargetAmendment,
)
from pacesetter.scoring.policies import scoring_table_policy
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from . import services
from .forms import (
    AmendmentDecideForm,
    AmendmentRequestForm,
    CampaignCreateForm,
    CampaignForm,
    CampaignSearchForm,
    ClusterJoinForm,
    PactSignForm,
    ParticipantForm,
    PhaseForm,
    RegistrationRowForm,
    ReviewPointForm,
    TransitionForm,
)
from .models import Campaign, CampaignState, Participant, ReviewPointState, TieBreak
from .policies import campaign_policy, participant_policy, review_point_policy
from .workflows import campaign_workflow, review_point_workflow

#: States in which units may still change their registrations directly.
REGISTRATION_OPEN = (CampaignState.DRAFT, CampaignState.REGISTRATION)


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


def _scoring_url(name: str, args: list[int], fallback: str) -> str:
    """A link into the scoring screens, whether or not they are installed yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- List and set-up ----------------------------------------------------------------------


def _campaign_search(user: Any, *, query: str, state: str) -> QuerySet[Campaign]:
    qs = campaign_policy.visible(user).select_related("organizer")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    if state:
        qs = qs.filter(state=state)
    return qs.annotate(participant_count=Count("participants")).order_by("-start", "name", "pk")


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignSearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data["q"].strip() if valid else ""
    state = form.cleaned_data["state"] if valid else ""
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
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    organizers = unit_policy.visible(user, "manage").order_by("path")
    if not organizers.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = CampaignCreateForm(
        request.POST or None,
        organizers=organizers,
        tables=scoring_table_policy.visible(user).select_related("owner_unit"),
        predecessors=campaign_policy.visible(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=user, organizer=form.cleaned_data["organizer"], **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"tie_breaks": "tie_break_1"})
        else:
            messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(
        request,
        None,
        form,
        _("New campaign"),
        submit_label=_("Create campaign"),
        cancel_url=reverse("campaigns:list"),
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    tables = scoring_table_policy.visible(user)
    if campaign.scoring_table_id:
        tables = tables | scoring_table_policy.base_queryset().filter(pk=campaign.scoring_table_id)
    predecessors = campaign_policy.visible(user).exclude(pk=campaign.pk)
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        tables=tables.distinct(),
        predecessors=predecessors,
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_update(
                actor=user, campaign=campaign, **form.changed_service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"tie_breaks": "tie_break_1"})
        else:
            messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
            return redirect("campaigns:detail", campaign.pk)
    return _form_page(request, campaign, form, _("Edit %(name)s") % {"name": campaign.name})


# --- The overview -------------------------------------------------------------------------


def _cluster_rows(
    user: Any, campaign: Campaign, participants: list[Participant], may_update: bool
) -> list[dict[str, Any]]:
    """Participants grouped by cluster, each group with its pact and registration progress."""
    led = set(
        participant_policy.visible(user, "review")
        .filter(campaign=campaign)
        .values_list("cluster_id", flat=True)
    )
    pacts = {
        p.cluster_id: p
        for p in campaign.pacts.select_related("signer_unit", "signed_by", "cluster")
    }
    cluster_ids = {p.cluster_id for p in participants if p.cluster_id}
    visible_clusters = set(
        cluster_policy.visible(user).filter(pk__in=cluster_ids).values_list("pk", flat=True)
    )
    rows: list[dict[str, Any]] = []
    for cluster_id, group in groupby(participants, key=lambda p: p.cluster_id):
        members = list(group)
        cluster = members[0].cluster
        gaps: dict[int, int] = {}
        if cluster is not None:
            gaps = {
                unit.pk: missing for unit, missing in services.registration_gaps(campaign, cluster)
            }
        for participant in members:
            # Progress is counted per cluster; units outside clusters show none.
            participant.missing = (  # type: ignore[attr-defined]
                gaps.get(participant.unit_id, 0) if cluster is not None else None
            )
        is_leader = cluster_id in led
        pact = pacts.get(cluster_id)
        rows.append(
            {
                "cluster": cluster,
                "participants": members,
                "pact": pact,
                "gaps": gaps,
                "registered": len(members) - len(gaps),
                "may_sign": cluster is not None
                and pact is None
                and campaign.state == CampaignState.REGISTRATION
                and (is_leader or may_update),
                "may_download": pact is not None
                and bool(pact.document)
                and (may_update or is_leader or cluster_id in visible_clusters),
            }
        )
    return rows


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk)
    campaign = (
        Campaign.objects.select_related("organizer", "scoring_table", "predecessor")
        .filter(pk=campaign.pk)
        .get()
    )
    may_update = campaign_policy.allows(user, "update", campaign)
    participants = list(
        campaign.participants.select_related("unit", "unit__unit_type", "cluster").order_by(
            "cluster__name", "cluster_id", "unit__name"
        )
    )
    # Who may open a unit's registration (read-only unless editable) and its unpublished sheet.
    insight_units = set(
        participant_policy.visible(user, "view_unpublished")
        .filter(campaign=campaign)
        .values_list("unit_id", flat=True)
    )
    review_points = list(campaign.review_points.all())
    rp_actions = review_point_workflow.allowed_many(user, review_points)
    for rp in review_points:
        rp.actions = rp_actions[rp.pk]  # type: ignore[attr-defined]
        rp.ranking_url = _scoring_url(  # type: ignore[attr-defined]
            "scoring:ranking", [rp.pk], f"/scoring/review/{rp.pk}/ranking/"
        )
    sheet_points = [rp for rp in review_points if rp.state != ReviewPointState.PLANNED]
    for participant in participants:
        participant.sheets = [  # type: ignore[attr-defined]
            {
                "review_point": rp,
                "url": _scoring_url(
                    "scoring:sheet",
                    [rp.pk, participant.unit_id],
                    f"/scoring/review/{rp.pk}/units/{participant.unit_id}/",
                ),
            }
            for rp in sheet_points
            if participant.unit_id in insight_units or rp.state == ReviewPointState.PUBLISHED
        ]
    pending: list[TargetAmendment] = []
    if may_update:
        pending = list(
            TargetAmendment.objects.filter(
                registration__campaign=campaign, state=AmendmentState.PENDING
            )
            .select_related("registration__unit", "registration__criterion", "requested_by")
            .order_by("requested_at", "pk")
        )
    predecessor_visible = (
        campaign.predecessor_id is not None
        and campaign_policy.visible(user).filter(pk=campaign.predecessor_id).exists()
    )
    next_states = [
        (state, CampaignState(state).label)
        for state in campaign_workflow.allowed_list(user, campaign)
    ]
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "may_update": may_update,
            "next_states": next_states,
            "phases": list(campaign.phases.all()),
            "review_points": review_points,
            "cluster_rows": _cluster_rows(user, campaign, participants, may_update),
            "insight_units": insight_units,
            "participant_count": len(participants),
            "may_add_participants": may_update and campaign.state in REGISTRATION_OPEN,
            "pending_amendments": pending,
            "decide_form": AmendmentDecideForm(),
            "predecessor_visible": predecessor_visible,
            "tie_breaks": [TieBreak(t).label for t in campaign.tie_breaks if t in TieBreak.values],
            "table_visible": campaign.scoring_table_id is not None
            and scoring_table_policy.visible(user).filter(pk=campaign.scoring_table_id).exists(),
        },
    )


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


@login_required
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = PhaseForm(request.POST or None)
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
    form = ReviewPointForm(request.POST or None)
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


@require_POST
@login_required
def review_point_open(request: HttpRequest, pk: int, review_point_pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    review_point = review_point_policy.access(user, review_point_pk, "manage")
    if review_point.campaign_id != campaign.pk:
        raise Http404(_("Not found."))
    try:
        count = scoring_services.review_point_open(actor=user, review_point=review_point)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("“%(name)s” is open: %(count)s score items were created.")
            % {"name": review_point.name, "count": count},
        )
    return redirect("campaigns:detail", campaign.pk)


@login_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    form = ParticipantForm(
        request.POST or None,
        units=unit_policy.visible(user).filter(active_to__isnull=True).order_by("name"),
        clusters=cluster_policy.visible(user).filter(is_active=True).order_by("name"),
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
        clusters=cluster_policy.visible(user).filter(is_active=True).order_by("name"),
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


# --- Registration (the pact) and amendments ----------------------------------------------


def _participant_access(user: Any, pk: int, unit_pk: int) -> tuple[Campaign, Participant, bool]:
    """The campaign, the unit's participation and whether the user may edit it.

    Those over the unit edit; its viewers, its cluster's leader and the organizer's
    staff read. Anyone else does not learn that the registration exists."""
    campaign = campaign_policy.access(user, pk)
    participant = (
        participant_policy.visible(user, "view_unpublished")
        .filter(campaign=campaign, unit_id=unit_pk)
        .first()
    )
    if participant is None:
        raise Http404(_("Not found."))
    return campaign, participant, participant_policy.allows(user, "update", participant)


@login_required
def registration(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    user = request.user
    campaign, participant, may_edit = _participant_access(user, pk, unit_pk)
    unit: Unit = participant.unit
    table = campaign.scoring_table
    pact = (
        campaign.pacts.select_related("signer_unit")
        .filter(cluster_id=participant.cluster_id)
        .first()
        if participant.cluster_id
        else None
    )
    locked = pact is not None or campaign.state not in REGISTRATION_OPEN
    editable = may_edit and not locked and table is not None
    if request.method == "POST" and not editable:
        if not may_edit:
            raise PermissionDenied(_("You do not have permission to do this."))
        messages.error(
            request,
            _("The registrations are locked; request an amendment instead."),
        )
        return redirect("campaigns:registration", campaign.pk, unit.pk)
    criteria = (
        list(table.criteria.exclude(kind=CriterionKind.GROUP).select_related("parent"))
        if table is not None
        else []
    )
    registrations = {
        r.criterion_id: r
        for r in Registration.objects.filter(campaign=campaign, unit=unit).prefetch_related(
            "amendments"
        )
    }
    data = request.POST if request.method == "POST" else None
    rows: list[dict[str, Any]] = []
    for criterion in criteria:
        existing = registrations.get(criterion.pk)
        initial = (
            {
                "target": existing.target,
                "not_assigned": existing.not_assigned,
                "note": existing.note,
            }
            if existing is not None
            else {}
        )
        form = RegistrationRowForm(
            data, prefix=f"c{criterion.pk}", criterion=criterion, initial=initial
        )
        amendments = list(existing.amendments.all()) if existing is not None else []
        rows.append(
            {
                "criterion": criterion,
                "form": form,
                "registration": existing,
                "amendments": amendments,
                "pending": any(a.state == AmendmentState.PENDING for a in amendments),
            }
        )
    if request.method == "POST":
        valid = all(row["form"].is_valid() for row in rows)
        if valid and _save_registrations(user, campaign, unit, rows):
            messages.success(request, _("The registration is saved."))
            return redirect("campaigns:registration", campaign.pk, unit.pk)
        messages.error(request, _("Nothing was saved; correct the rows marked below."))
    return render(
        request,
        "campaigns/registration.html",
        {
            "campaign": campaign,
            "participant": participant,
            "unit": unit,
            "table": table,
            "rows": rows,
            "pact": pact,
            "locked": locked,
            "editable": editable,
            "may_amend": may_edit and pact is not None,
        },
    )


def _save_registrations(
    user: Any, campaign: Campaign, unit: Unit, rows: list[dict[str, Any]]
) -> bool:
    """Save the changed rows all together or not at all; errors go on the rows' fields."""
    failed = False
    with transaction.atomic():
        for row in rows:
            form = row["form"]
            if not form.has_changed():
                continue
            try:
                scoring_services.registration_set(
                    actor=user,
                    campaign=campaign,
                    unit=unit,
                    criterion=row["criterion"],
                    **form.values(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                failed = True
        if failed:
            transaction.set_rollback(True)
    return not failed


@login_required
def amendment_request(
    request: HttpRequest, pk: int, unit_pk: int, criterion_pk: int
) -> HttpResponse:
    user = request.user
    campaign, participant, may_edit = _participant_access(user, pk, unit_pk)
    if not may_edit:
        raise PermissionDenied(_("You do not have permission to do this."))
    registration = get_object_or_404(
        Registration.objects.filter(campaign=campaign, unit_id=participant.unit_id).select_related(
            "criterion", "campaign", "unit"
        ),
        criterion_id=criterion_pk,
    )
    criterion = registration.criterion
    back = reverse("campaigns:registration", args=[campaign.pk, participant.unit_id])
    form = AmendmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scoring_services.amendment_request(
                actor=user,
                registration=registration,
                new_target=form.cleaned_data["new_target"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"target": "new_target"})
        else:
            messages.success(
                request,
                _("The amendment of %(code)s is waiting for the committee's decision.")
                % {"code": criterion.code},
            )
            return redirect(back)
    current = registration.target if registration.target is not None else _("not assigned")
    return _form_page(
        request,
        campaign,
        form,
        _("Request an amendment of %(code)s %(title)s")
        % {"code": criterion.code, "title": criterion.title},
        intro=_("%(unit)s. The registered target is %(target)s; the committee decides.")
        % {"unit": participant.unit.name, "target": current},
        submit_label=_("Request the amendment"),
        cancel_url=back,
    )


@require_POST
@login_required
def amendment_decide(request: HttpRequest, pk: int, amendment_pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    amendment = get_object_or_404(
        TargetAmendment.objects.filter(registration__campaign=campaign), pk=amendment_pk
    )
    form = AmendmentDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to reject."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            scoring_services.amendment_decide(
                actor=user, amendment=amendment, approve=approve, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(
                request,
                _("The amendment is approved.") if approve else _("The amendment is rejected."),
            )
    return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#amendments")


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
        units=units.distinct().order_by("name"),
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
