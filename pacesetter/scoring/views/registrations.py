"""The scoring steps of a campaign, on its pages under /campaigns/: a unit's registration
(the pact's lines), amendments of its targets and the committee's decision, and opening a
review point (one score item per participant and criterion, from the registrations).

``pacesetter/urls.py`` mounts :data:`urlpatterns` in the ``campaigns`` namespace beside
the campaign app's own screens, at the URLs and names they always had
(``campaigns:registration``, ``campaigns:amendment_request``, ``campaigns:amendment_decide``,
``campaigns:review_point_open``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.campaigns.models import REGISTRATION_OPEN, Campaign, Participant
from pacesetter.campaigns.policies import campaign_policy, participant_policy, review_point_policy
from pacesetter.core.errors import ConflictError
from pacesetter.core.views import add_service_errors, form_page
from pacesetter.units.models import Unit

from .. import services
from ..forms.registrations import (
    AmendmentDecideForm,
    AmendmentRequestForm,
    RegistrationRowForm,
    RegistrationVersionForm,
    TitleAimRowForm,
)
from ..models import AmendmentState, CriterionKind, Registration, TargetAmendment, TitleAim
from ..selectors import aimable_awards


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


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


# --- Registration (the pact) ------------------------------------------------------------


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
    aims_editable = may_edit and not locked
    aims_post = request.method == "POST" and request.POST.get("section") == "aims"
    aims = list(participant.title_aims.select_related("award"))
    aim_rows = _aim_rows(aims, request.POST if aims_post else None) if aims_editable else []
    version_form = RegistrationVersionForm(
        request.POST if request.method == "POST" else None, participant=participant
    )
    if aims_post and aims_editable:
        if _save_aims(request, campaign, unit, aim_rows, version_form):
            messages.success(request, _("The titles you aim for are saved."))
            return redirect(reverse("campaigns:registration", args=[campaign.pk, unit.pk]))
        messages.error(request, _("Nothing was saved; correct the titles marked below."))
    if request.method == "POST" and not editable and not (aims_post and aims_editable):
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
    data = request.POST if request.method == "POST" and not aims_post else None
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
    if request.method == "POST" and not aims_post:
        valid = all(row["form"].is_valid() for row in rows) and version_form.is_valid()
        if valid and _save_registrations(user, campaign, unit, rows, version_form):
            messages.success(request, _("The registration is saved."))
            return redirect("campaigns:registration", campaign.pk, unit.pk)
        messages.error(request, _("Nothing was saved; correct the rows marked below."))
    return render(
        request,
        "scoring/registrations/registration.html",
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
            "aims": aims,
            "aim_rows": aim_rows,
            "aims_editable": aims_editable,
            "version_form": version_form,
        },
    )


def _aim_rows(aims: list[TitleAim], data: Any) -> list[dict[str, Any]]:
    """One row per award the unit may aim for, and per award it already aims for (an
    award taken out of the catalog since stays until the unit unticks it)."""
    by_award = {aim.award_id: aim for aim in aims}
    awards = list(aimable_awards())
    known = {award.pk for award in awards}
    awards += [aim.award for aim in aims if aim.award_id not in known]
    rows = []
    for award in awards:
        aim = by_award.get(award.pk)
        initial = {"aimed": True, "note": aim.note} if aim is not None else {}
        form = TitleAimRowForm(data, prefix=f"aim{award.pk}", award=award, initial=initial)
        rows.append({"award": award, "form": form, "aim": aim})
    return rows


def _save_aims(
    request: HttpRequest,
    campaign: Campaign,
    unit: Unit,
    rows: list[dict[str, Any]],
    version_form: RegistrationVersionForm,
) -> bool:
    """Set the ticked awards as the unit's aims (one service call, all or nothing)."""
    if not all(row["form"].is_valid() for row in rows) or not version_form.is_valid():
        return False
    chosen = {
        row["award"].pk: row["form"].cleaned_data["note"]
        for row in rows
        if row["form"].cleaned_data["aimed"]
    }
    try:
        services.title_aims_set(
            actor=request.user,
            campaign=campaign,
            unit=unit,
            aims=chosen,
            version=version_form.cleaned_data["version"],
        )
    except ConflictError as exc:
        version_form.add_error(None, exc)
        return False
    except ValidationError as exc:
        _show_errors(request, exc)
        return False
    return True


def _save_registrations(
    user: Any,
    campaign: Campaign,
    unit: Unit,
    rows: list[dict[str, Any]],
    version_form: RegistrationVersionForm,
) -> bool:
    """Save the changed rows all together or not at all; errors go on the rows' fields,
    a page opened before another save of the registration on the page's top."""
    failed = False
    # Checked by the first row saved; its lock on the registration holds for the others.
    version = version_form.cleaned_data["version"]
    with transaction.atomic():
        for row in rows:
            form = row["form"]
            if not form.has_changed():
                continue
            try:
                services.registration_set(
                    actor=user,
                    campaign=campaign,
                    unit=unit,
                    criterion=row["criterion"],
                    version=version,
                    **form.values(),
                )
            except ConflictError as exc:
                version_form.add_error(None, exc)
                failed = True
                break
            except ValidationError as exc:
                add_service_errors(form, exc)
                failed = True
            version = None
        if failed:
            transaction.set_rollback(True)
    return not failed


# --- Amendments ---------------------------------------------------------------------------


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
            services.amendment_request(
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
    return form_page(
        request,
        form,
        title=_("Request an amendment of %(code)s %(title)s")
        % {"code": criterion.code, "title": criterion.title},
        intro=_("%(unit)s. The registered target is %(target)s; the committee decides.")
        % {"unit": participant.unit.name, "target": current},
        submit_label=_("Request the amendment"),
        cancel_url=back,
        breadcrumb=[
            {"url": reverse("campaigns:list"), "label": _("Campaigns")},
            {"url": reverse("campaigns:detail", args=[campaign.pk]), "label": campaign.name},
        ],
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
            services.amendment_decide(
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


# --- Opening a review point ---------------------------------------------------------------


@require_POST
@login_required
def review_point_open(request: HttpRequest, pk: int, review_point_pk: int) -> HttpResponse:
    user = request.user
    campaign = campaign_policy.access(user, pk, "update")
    review_point = review_point_policy.access(user, review_point_pk, "manage")
    if review_point.campaign_id != campaign.pk:
        raise Http404(_("Not found."))
    try:
        count = services.review_point_open(actor=user, review_point=review_point)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("“%(name)s” is open: %(count)s score items were created.")
            % {"name": review_point.name, "count": count},
        )
    return redirect("campaigns:detail", campaign.pk)


#: In the ``campaigns`` namespace, under /campaigns/.
urlpatterns = [
    path(
        "<int:pk>/review-points/<int:review_point_pk>/open/",
        review_point_open,
        name="review_point_open",
    ),
    path("<int:pk>/units/<int:unit_pk>/registration/", registration, name="registration"),
    path(
        "<int:pk>/units/<int:unit_pk>/registration/<int:criterion_pk>/amend/",
        amendment_request,
        name="amendment_request",
    ),
    path(
        "<int:pk>/amendments/<int:amendment_pk>/decide/",
        amendment_decide,
        name="amendment_decide",
    ),
]
