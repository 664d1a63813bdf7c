"""Award screens: the catalog, proposals from a ranking or by nomination through votes to
the decision, the public comment page, and the registry of granted awards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.clusters.selectors import cluster_current_leader
from pacesetter.core.files import file_download
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    LANGUAGE_NAMES,
    column,
    content_language,
    values,
)
from pacesetter.core.views import add_service_errors, paginate, xlsx_response
from pacesetter.decisions.policies import decision_policy
from pacesetter.decisions.services import decision_create
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy

from . import selectors, services
from .forms import (
    AttachmentForm,
    AwardCreateForm,
    AwardEditForm,
    ClusterVoteForm,
    CommentForm,
    CouncilVoteForm,
    DecideForm,
    FromRankingForm,
    GrantSearchForm,
    NominateForm,
    ProposalFilterForm,
    PublishForm,
    ReturnForm,
    RevokeForm,
    RuleVersionForm,
    rule_text,
)
from .models import AwardGrant, Proposal, ProposalState, RecipientKind
from .people_views import candidate_form
from .policies import award_policy, grant_policy, proposal_policy
from .throttles import COMMENT_RATE, CommentThrottle
from .workflows import proposal_workflow


def _crumbs(*extra: tuple[str, str]) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("awards:index"), "label": _("Awards")}]
    crumbs.extend({"url": url, "label": label} for url, label in extra)
    return crumbs


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    *,
    cancel_url: str,
    breadcrumb: list[dict[str, str]],
    submit_label: str | None = None,
    intro: str | None = None,
) -> HttpResponse:
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "cancel_url": cancel_url,
            "breadcrumb": breadcrumb,
        },
    )


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _poll_url(poll_id: int | None) -> str | None:
    if poll_id is None:
        return None
    try:
        return reverse("ballots:detail", args=[poll_id])
    except NoReverseMatch:
        return f"/ballots/{poll_id}/"


# --- Catalog ------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    may_create = award_policy.may_create(request.user)
    return render(
        request,
        "awards/index.html",
        {
            "awards": selectors.award_catalog(request.user, inactive=may_create),
            "may_create": may_create,
        },
    )


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award = award_policy.access(request.user, pk)
    return render(
        request,
        "awards/award.html",
        {
            "award": award,
            # Every recorded name, with its HTML language tag (zh-hans -> zh-Hans).
            "names": [
                (LANGUAGE_NAMES[lang], "zh-Hans" if lang == "zh-hans" else lang, text)
                for lang, text in values(award, "name").items()
            ],
            "rules": selectors.rules_of(award, timezone.localdate()),
            "references": list(award.legal_references.order_by("-valid_from", "pk")),
            "may_update": award_policy.allows(request.user, "update", award),
        },
    )


@login_required
def award_create(request: HttpRequest) -> HttpResponse:
    if not award_policy.may_create(request.user):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = AwardCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award = services.award_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Award “%(name)s” created.") % {"name": award})
            return redirect("awards:award", award.pk)
    return _form_page(
        request,
        form,
        _("New award"),
        intro=_("It has no eligibility rule yet: add one from its page."),
        submit_label=_("Create"),
        cancel_url=reverse("awards:index"),
        breadcrumb=_crumbs(),
    )


@login_required
def award_edit(request: HttpRequest, pk: int) -> HttpResponse:
    award = award_policy.access(request.user, pk, "update")
    award_url = reverse("awards:award", args=[award.pk])
    crumbs = _crumbs((award_url, award.name))
    form = AwardEditForm(request.POST or None, instance=award)
    if request.method == "POST" and form.is_valid():
        try:
            award = services.award_update(actor=request.user, award=award, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Award “%(name)s” saved.") % {"name": award})
            return redirect(award_url)
    return _form_page(
        request,
        form,
        _("Edit %(name)s") % {"name": award.name},
        intro=_(
            "This award comes from a preset catalog: loading the preset again sets its "
            "fields back to the catalog's."
        )
        if award.preset
        else None,
        cancel_url=award_url,
        breadcrumb=crumbs,
    )


@login_required
def rule_add(request: HttpRequest, pk: int) -> HttpResponse:
    award = award_policy.access(request.user, pk, "update")
    award_url = reverse("awards:award", args=[award.pk])
    latest = award.rules.order_by("-valid_from").first()
    form = RuleVersionForm(
        request.POST or None, initial={"rule": rule_text(latest.rule) if latest else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rule_add(actor=request.user, award=award, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The new version of the rule was added."))
            return redirect(f"{award_url}#rules")
    return _form_page(
        request,
        form,
        _("New rule version: %(award)s") % {"award": award.name},
        intro=_(
            "Earlier versions stay as they are; this one applies from its start date, "
            "which must be after the latest version's."
        ),
        submit_label=_("Add the version"),
        cancel_url=award_url,
        breadcrumb=_crumbs((award_url, award.name)),
    )


# --- Proposals ----------------------------------------------------------------------------


def _proposal_search(request: HttpRequest) -> tuple[ProposalFilterForm, dict[str, Any], Any]:
    """The list's form, its filters and the proposals they find: the list, its print
    view and its export."""
    user = request.user
    form = ProposalFilterForm(request.GET or None, awards=award_policy.visible(user))
    filters = form.cleaned_data if form.is_valid() else {}
    proposals = selectors.proposal_search(
        user,
        state=filters.get("state") or "",
        award=filters.get("award"),
        year=filters.get("year"),
    )
    return form, filters, proposals


@login_required
def proposal_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The proposals the list finds, as .xlsx in the user's language."""
    _form, _filters, proposals = _proposal_search(request)
    rows = (
        [
            str(p.award.name),
            p.year,
            str(p.proposer_unit.name),
            str(p.cluster.name) if p.cluster else "",
            p.get_state_display(),
            p.candidate_count,
        ]
        for p in proposals[: settings.EXPORT_MAX_ROWS]
    )
    workbook = list_workbook(
        _("Award proposals"),
        _("Award proposals"),
        [_("Award"), _("Year"), _("Proposed by"), _("Cluster"), _("State"), _("Candidates")],
        rows,
        widths=[40, 8, 36, 28, 16, 12],
        total=proposals.count(),
    )
    return xlsx_response(workbook, "award-proposals.xlsx")


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, filters, proposals = _proposal_search(request)
    page = paginate(request, proposals)
    return render(
        request,
        "awards/proposal_list.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(filters and any(filters.values())),
            # Each button only for those its page lets in (no button leads to a 403).
            "may_propose_from_ranking": selectors.proposable_clusters(user).exists(),
            "may_nominate": unit_policy.visible(user, "manage").exists(),
        },
    )


@login_required
def proposal_create_from_ranking(request: HttpRequest) -> HttpResponse:
    user = request.user
    clusters = selectors.proposable_clusters(user)
    if not clusters.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = FromRankingForm(
        request.POST or None,
        awards=selectors.awards_for_units(
            award_policy.visible(user).filter(is_active=True, recipient_kind=RecipientKind.UNIT),
            Unit.objects.filter(pk__in=clusters.values("owner_unit")),
        ),
        review_points=selectors.ranking_review_points(user),
        clusters=clusters,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        review_point, cluster = data["review_point"], data["cluster"]
        leader = cluster_current_leader(cluster, review_point.period_end.year, "leader")
        try:
            proposal = services.proposal_from_ranking(
                actor=user,
                award=data["award"],
                review_point=review_point,
                cluster=cluster,
                decision_date=data["decision_date"],
                committee_unit=review_point.campaign.organizer,
                proposer_unit=leader.unit if leader else cluster.owner_unit,
                achievement_report=data["achievement_report"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The proposal was drafted from the ranking."))
            return redirect("awards:proposal", proposal.pk)
    return _form_page(
        request,
        form,
        _("Propose from a ranking"),
        intro=_(
            "The cluster's top units within the award's quota are proposed and checked "
            "against the award's rules."
        ),
        submit_label=_("Draft the proposal"),
        cancel_url=reverse("awards:proposal_list"),
        breadcrumb=_crumbs((reverse("awards:proposal_list"), _("Proposals"))),
    )


@login_required
def proposal_nominate(request: HttpRequest) -> HttpResponse:
    user = request.user
    proposers = unit_policy.visible(user, "manage").order_by("path")
    if not proposers.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = NominateForm(
        request.POST or None,
        awards=selectors.awards_for_units(
            award_policy.visible(user).filter(is_active=True), proposers
        ),
        proposers=proposers,
        committees=selectors.committee_choices(user),
        units=selectors.nominable_units(user),
        people=selectors.nominable_people(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_nominate(actor=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The nomination was drafted."))
            return redirect("awards:proposal", proposal.pk)
    return _form_page(
        request,
        form,
        _("Nominate units or people"),
        submit_label=_("Draft the nomination"),
        cancel_url=reverse("awards:proposal_list"),
        breadcrumb=_crumbs((reverse("awards:proposal_list"), _("Proposals"))),
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = proposal_policy.access(user, pk)
    proposal = (
        Proposal.objects.select_related(
            "award",
            "cluster",
            "proposer_unit",
            "committee_unit",
            "review_point__campaign",
            "cluster_poll",
            "council_poll",
            "decision",
        )
        .filter(pk=proposal.pk)
        .get()
    )
    full = proposal_policy.sees_dossier(user, proposal)
    candidates = selectors.proposal_candidates(user, proposal, full=full)
    names: dict[str, str] = {}
    for candidate in candidates:
        candidate.rows = selectors.eligibility_rows(candidate, names)  # type: ignore[attr-defined]
    return render(
        request,
        "awards/proposal.html",
        {
            "proposal": proposal,
            "candidates": candidates,
            "full": full,
            "actions": proposal_workflow.allowed(user, proposal),
            "attachments": list(proposal.attachments.order_by("uploaded_at", "pk")) if full else [],
            "attachment_form": AttachmentForm(),
            "candidate_form": candidate_form(user, proposal),
            "cluster_poll_url": _poll_url(proposal.cluster_poll_id),
            "council_poll_url": _poll_url(proposal.council_poll_id),
            "public_url": reverse("awards:public_proposal", args=[proposal.pk])
            if proposal.state == ProposalState.PUBLIC_COMMENT
            else None,
            "comment_count": proposal.comments.count() if full else 0,
            "grants": list(
                grant_policy.visible(user)
                .filter(proposal=proposal)
                .select_related("unit", "person")
                .order_by("certificate_number", "pk")
            ),
        },
    )


def _proposal_for(request: HttpRequest, pk: int, action: str) -> Proposal:
    return proposal_policy.access(request.user, pk, action)


def _simple_action(request: HttpRequest, pk: int, action: str, service: Any, done: str) -> Any:
    proposal = _proposal_for(request, pk, action)
    try:
        service(actor=request.user, proposal=proposal)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("awards:proposal", proposal.pk)


@require_POST
@login_required
def proposal_check(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_policy.access(request.user, pk)
    if not (
        proposal_policy.allows(request.user, "propose", proposal)
        or proposal_policy.allows(request.user, "decide", proposal)
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    try:
        services.proposal_check(actor=request.user, proposal=proposal)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The candidates were checked against the rules again."))
    return redirect("awards:proposal", proposal.pk)


@require_POST
@login_required
def proposal_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_action(
        request, pk, "propose", services.proposal_send, _("The proposal was sent.")
    )


@require_POST
@login_required
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_action(
        request, pk, "decide", services.proposal_accept, _("The proposal was accepted.")
    )


def _proposal_form(
    request: HttpRequest,
    proposal: Proposal,
    form: Any,
    title: str,
    submit_label: str,
    intro: str | None = None,
) -> HttpResponse:
    url = reverse("awards:proposal", args=[proposal.pk])
    return _form_page(
        request,
        form,
        title,
        intro=intro,
        submit_label=submit_label,
        cancel_url=url,
        breadcrumb=_crumbs((reverse("awards:proposal_list"), _("Proposals")), (url, str(proposal))),
    )


def _proposal_step(
    request: HttpRequest,
    proposal: Proposal,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse | None:
    """Run one step of the flow from a valid POSTed form: the service's errors go next to
    the form's fields; success redirects to the proposal. None means: show the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect("awards:proposal", proposal.pk)


@login_required
def proposal_cluster_vote(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk, "propose")
    form = ClusterVoteForm(request.POST or None)
    done = _proposal_step(
        request,
        proposal,
        form,
        lambda data: services.proposal_cluster_vote(actor=request.user, proposal=proposal, **data),
        _("The cluster vote is open."),
    )
    return done or _proposal_form(
        request,
        proposal,
        form,
        _("Put to the cluster's vote"),
        _("Open the vote"),
        intro=_("The eligible candidates go to a secret vote of the cluster's member units."),
    )


@login_required
def proposal_return(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk, "decide")
    form = ReturnForm(request.POST or None)
    done = _proposal_step(
        request,
        proposal,
        form,
        lambda data: services.proposal_return(
            actor=request.user, proposal=proposal, reason=data["return_reason"]
        ),
        _("The proposal was returned to the proposer."),
    )
    return done or _proposal_form(request, proposal, form, _("Return the proposal"), _("Return"))


@login_required
def proposal_publish(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk, "decide")
    form = PublishForm(request.POST or None)
    done = _proposal_step(
        request,
        proposal,
        form,
        lambda data: services.proposal_publish_for_comment(
            actor=request.user, proposal=proposal, days=data["days"]
        ),
        _("The proposed list is published for comment."),
    )
    return done or _proposal_form(
        request,
        proposal,
        form,
        _("Publish for public comment"),
        _("Publish"),
        intro=_("The proposed list appears on a public page where anyone may comment."),
    )


@login_required
def proposal_council_vote(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk, "decide")
    form = CouncilVoteForm(request.POST or None, bodies=selectors.council_bodies(request.user))
    done = _proposal_step(
        request,
        proposal,
        form,
        lambda data: services.proposal_council_vote(actor=request.user, proposal=proposal, **data),
        _("The council vote is open."),
    )
    return done or _proposal_form(
        request, proposal, form, _("Put to the council's vote"), _("Open the vote")
    )


@login_required
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = _proposal_for(request, pk, "decide")
    form = DecideForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = None
        try:
            # One transaction: a refused grant leaves no orphan decision behind.
            with transaction.atomic():
                decision = decision_create(
                    actor=user,
                    owner_unit=proposal.committee_unit,
                    number=data["number"],
                    date=data["date"],
                    source_language=content_language(),
                    issuer=data["issuer"],
                    title=data["title"] or str(proposal),
                    signer_title=data["signer_title"],
                    signed_for=data["signed_for"],
                    signer_name=data["signer_name"],
                    place=data["place"],
                    file=data["file"],
                )
                grants = services.proposal_decide(actor=user, proposal=proposal, decision=decision)
        except ValidationError as exc:
            if decision is not None and decision.file:
                decision.file.delete(save=False)  # the row was rolled back; drop the file too
            # The decision's texts are checked per language column: show them on the input.
            add_service_errors(
                form,
                exc,
                fields={
                    column(name, language): name
                    for name in ("issuer", "title", "signer_title", "signed_for", "place")
                    for language in CONTENT_LANGUAGES
                },
            )
        else:
            messages.success(
                request,
                _("The decision is recorded; %(n)s awards granted.") % {"n": len(grants)},
            )
            return redirect("awards:proposal", proposal.pk)
    return _proposal_form(
        request,
        proposal,
        form,
        _("Record the decision"),
        _("Record and grant"),
        intro=_(
            "The award is granted to the candidates the council vote carried, or to the "
            "selected candidates when there was no council vote."
        ),
    )


@require_POST
@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    proposal = proposal_policy.access(user, pk)
    if "attach" not in proposal_workflow.allowed(user, proposal):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.proposal_attachment_add(actor=user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("The file was added to the dossier."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("awards:proposal", proposal.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    proposal = proposal_policy.access(request.user, pk)
    if not proposal_policy.sees_dossier(request.user, proposal):
        raise Http404
    attachment = get_object_or_404(proposal.attachments, pk=attachment_pk)
    return file_download(attachment.file)


# --- The public page (no login) -----------------------------------------------------------


@reads_from_replica
def public_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposed list published for comment (no login). A comment sent counts against
    :data:`~.throttles.COMMENT_RATE` per client address, the same count as the API's
    comments: beyond it a translated 429 page with ``Retry-After``, nothing kept."""
    if request.method == "POST":
        throttle = CommentThrottle(COMMENT_RATE)
        if not throttle.allow_request(request):
            response = render(request, "awards/public_busy.html", status=429)
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response
    proposal = get_object_or_404(selectors.public_proposals(), pk=pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_add(proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you; your comment was received."))
            return redirect("awards:public_proposal", proposal.pk)
    today = timezone.localdate()
    return render(
        request,
        "awards/public_proposal.html",
        {
            "proposal": proposal,
            "candidates": list(
                proposal.candidates.filter(selected=True)
                .select_related("unit", "person__unit")
                .order_by("position", "pk")
            ),
            "comments": list(proposal.comments.order_by("created_at", "pk")),
            "form": form,
            "open": bool(
                proposal.public_from
                and proposal.public_until
                and proposal.public_from <= today <= proposal.public_until
            ),
        },
    )


# --- Registry -----------------------------------------------------------------------------


def _grant_search(request: HttpRequest) -> tuple[GrantSearchForm, dict[str, Any], Any]:
    """The registry's form, its filters and the grants they find: the registry, its
    print view and its export."""
    user = request.user
    form = GrantSearchForm(request.GET or None, awards=award_policy.visible(user))
    filters = form.cleaned_data if form.is_valid() else {}
    grants = selectors.grant_search(
        user,
        award=filters.get("award"),
        year=filters.get("year"),
        unit=(filters.get("unit") or "").strip(),
        decision=(filters.get("decision") or "").strip(),
    )
    return form, filters, grants


@login_required
def registry_xlsx(request: HttpRequest) -> HttpResponse:
    """The grants the registry finds, as .xlsx in the user's language."""
    _form, _filters, grants = _grant_search(request)

    def row(g: AwardGrant) -> list[Any]:
        # A grant is to a unit or to a person (a check constraint): as the registry shows.
        recipient, unit = "", ""
        if g.unit is not None:
            recipient, unit = str(g.unit.name), g.unit.code
        elif g.person is not None:
            recipient, unit = g.person.full_name, str(g.person.unit.name)
        return [
            g.year,
            str(g.award.name),
            recipient,
            unit,
            g.decision.number,
            g.decision.date,
            g.certificate_number,
            _("revoked") if g.revoked_at else "",
        ]

    workbook = list_workbook(
        _("Registry of granted awards"),
        _("Registry of granted awards"),
        [
            _("Year"),
            _("Award"),
            _("Awarded to"),
            _("Unit"),
            _("Decision"),
            _("Date"),
            _("Certificate"),
            _("State"),
        ],
        (row(g) for g in grants[: settings.EXPORT_MAX_ROWS]),
        widths=[8, 40, 36, 28, 16, 12, 16, 10],
        total=grants.count(),
    )
    return xlsx_response(workbook, "award-registry.xlsx")


@login_required
def registry(request: HttpRequest) -> HttpResponse:
    form, filters, grants = _grant_search(request)
    page = paginate(request, grants)
    return render(
        request,
        "awards/registry.html",
        {"form": form, "page_obj": page, "filtered": bool(filters and any(filters.values()))},
    )


@login_required
def unit_history(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = unit_policy.access(request.user, unit_pk)
    return render(
        request,
        "awards/unit_history.html",
        {"unit": unit, "grants": list(selectors.unit_grants(request.user, unit))},
    )


def _grant(request: HttpRequest, pk: int, action: str = "view") -> AwardGrant:
    grant = grant_policy.access(request.user, pk, action)
    return (
        AwardGrant.objects.select_related(
            "award", "decision", "unit", "person__unit", "proposal", "revoked_by"
        )
        .filter(pk=grant.pk)
        .get()
    )


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    grant = _grant(request, pk)
    may_update = grant_policy.allows(user, "update", grant)
    form = RevokeForm(request.POST or None) if may_update else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You do not have permission to do this."))
        if form.is_valid():
            try:
                services.grant_revoke(
                    actor=user, grant=grant, reason=form.cleaned_data["revoke_reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The award was revoked."))
                return redirect("awards:grant", grant.pk)
    return render(
        request,
        "awards/grant.html",
        {
            "grant": grant,
            "form": form,
            "decision_visible": decision_policy.visible(user).filter(pk=grant.decision_id).exists(),
            "proposal_visible": grant.proposal_id is not None
            and proposal_policy.visible(user).filter(pk=grant.proposal_id).exists(),
            "unit_visible": grant.unit_id is not None
            and unit_policy.visible(user).filter(pk=grant.unit_id).exists(),
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def grant_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    from .certificates import certificate_pdf  # written separately; loaded when used

    grant = _grant(request, pk)
    if grant.revoked_at is not None:
        raise Http404
    return _pdf(certificate_pdf([grant], get_language() or "en"), f"certificate-{grant.pk}.pdf")


@login_required
def decision_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    from .certificates import certificate_pdf  # written separately; loaded when used

    decision = decision_policy.access(request.user, pk)
    grants = selectors.grants_of_decision(request.user, decision.pk)
    if not grants:
        raise Http404
    return _pdf(certificate_pdf(grants, get_language() or "en"), f"certificates-{decision.pk}.pdf")


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("catalog/new/", award_create, name="award_create"),
    path("catalog/<int:pk>/", award_detail, name="award"),
    path("catalog/<int:pk>/edit/", award_edit, name="award_edit"),
    path("catalog/<int:pk>/rules/new/", rule_add, name="rule_add"),
    path("proposals/", proposal_list, name="proposal_list"),
    path("proposals.xlsx", proposal_list_xlsx, name="proposal_list_xlsx"),
    path(
        "proposals/from-ranking/",
        proposal_create_from_ranking,
        name="proposal_create_from_ranking",
    ),
    path("proposals/nominate/", proposal_nominate, name="proposal_nominate"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal"),
    path("proposals/<int:pk>/check/", proposal_check, name="proposal_check"),
    path("proposals/<int:pk>/cluster-vote/", proposal_cluster_vote, name="proposal_cluster_vote"),
    path("proposals/<int:pk>/send/", proposal_send, name="proposal_send"),
    path("proposals/<int:pk>/return/", proposal_return, name="proposal_return"),
    path("proposals/<int:pk>/accept/", proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/publish/", proposal_publish, name="proposal_publish"),
    path("proposals/<int:pk>/council-vote/", proposal_council_vote, name="proposal_council_vote"),
    path("proposals/<int:pk>/decide/", proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/attachments/", attachment_upload, name="attachment_upload"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_download,
        name="attachment_download",
    ),
    path("public/<int:pk>/", public_proposal, name="public_proposal"),
    path("registry/", registry, name="registry"),
    path("registry.xlsx", registry_xlsx, name="registry_xlsx"),
    path("registry/units/<int:unit_pk>/", unit_history, name="unit_history"),
    path("grants/<int:pk>/", grant_detail, name="grant"),
    path("grants/<int:pk>/certificate.pdf", grant_certificate, name="grant_certificate"),
    path(
        "decisions/<int:pk>/certificates.pdf",
        decision_certificates,
        name="decision_certificates",
    ),
]
