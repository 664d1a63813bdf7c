"""Meeting screens: the list, the organizer's page (attendance and quorum live,
invitations, agenda, documents, ballots, resolutions with their key tasks, research
findings), the forms that change it, the phone-friendly check-in page at the door and
checking oneself in.

Invitees who do not run the meeting see a read-only page with their own invitation and a
"Check in" button while the meeting runs.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from ninja.throttling import SimpleRateThrottle

from pacesetter.accounts.models import User
from pacesetter.ballots.models import Poll
from pacesetter.bodies.models import Body
from pacesetter.bodies.policies import body_policy
from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.core.errors import refuse_nul
from pacesetter.core.files import file_download
from pacesetter.core.spreadsheets import list_workbook
from pacesetter.core.translations import fold, ordered
from pacesetter.core.views import add_service_errors, form_page, paginate, print_page, xlsx_response
from pacesetter.units.models import Unit
from pacesetter.units.policies import unit_policy
from pacesetter.units.selectors import users_visible_to
from pacesetter.workplans.models import PlanState, Task, WorkPlan
from pacesetter.workplans.policies import plan_policy

from . import scanning, selectors, services
from .forms import (
    AgendaItemForm,
    BaseTaskRows,
    CheckInForm,
    DocumentForm,
    FindingForm,
    FollowUpForm,
    InvitationForm,
    MeetingForm,
    MeetingPollForm,
    MeetingSearchForm,
    ResolutionForm,
    ScanForm,
    StateForm,
    TaskRowForm,
    VisitedUnitsForm,
)
from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Finding,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingPoll,
    MeetingState,
    Minutes,
    MinutesState,
)
from .policies import invitation_policy, meeting_policy
from .workflows import meeting_moves

# --- helpers -----------------------------------------------------------------------------


def _breadcrumb(meeting: Meeting | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("meetings:meeting_list"), "label": _("Meetings")}]
    if meeting is not None:
        crumbs.append(
            {"url": reverse("meetings:meeting_detail", args=[meeting.pk]), "label": meeting.title}
        )
    return crumbs


def _to_detail(meeting: Meeting, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _units(user: Any) -> QuerySet[Unit]:
    return unit_policy.visible(user).order_by("path")


def _people(user: Any) -> QuerySet[User]:
    return users_visible_to(user).order_by("username")


def _plans(user: Any) -> QuerySet[WorkPlan]:
    # A closed plan takes no new tasks (workplans refuses them: plan_closed).
    return (
        plan_policy.visible(user, "manage")
        .filter(state=PlanState.OPEN)
        .order_by("-period_start", ordered("name"), "pk")
    )


def _form_page(
    request: HttpRequest, meeting: Meeting | None, form: Any, title: str, **extra: Any
) -> HttpResponse:
    return form_page(
        request,
        form,
        title=title,
        cancel_url=(
            reverse("meetings:meeting_detail", args=[meeting.pk])
            if meeting
            else reverse("meetings:meeting_list")
        ),
        breadcrumb=_breadcrumb(meeting),
        **extra,
    )


#: Rows of the invitations table on one page of the meeting's page.
INVITATIONS_PER_PAGE = 50


# --- list, create, edit ---------------------------------------------------------------------


def _meeting_search(request: HttpRequest) -> tuple[MeetingSearchForm, QuerySet[Meeting], bool]:
    """The list's form, the meetings it finds and whether it searches: the list, its
    print view and its export."""
    user = request.user
    years = selectors.meeting_years(user)
    form = MeetingSearchForm(request.GET or None, years=years)
    q, kind, year = "", "", None
    if form.is_valid():
        q, kind, year = form.cleaned_data["q"], form.cleaned_data["kind"], form.cleaned_data["year"]
    meetings = selectors.meeting_list(user, q=q, kind=kind, year=year)
    return form, meetings, bool(q.strip() or kind or year)


@login_required
def meeting_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The meetings the list finds, as .xlsx in the user's language, times on each
    meeting's clocks."""
    _form, meetings, _searching = _meeting_search(request)

    def row(meeting: Meeting) -> list[Any]:
        zone = ZoneInfo(meeting.time_zone)
        return [
            timezone.localtime(meeting.starts_at, zone).replace(tzinfo=None),
            meeting.time_zone,
            str(meeting.title),
            meeting.get_state_display(),
            meeting.get_kind_display(),
            str(meeting.organizer_unit.name),
            str(meeting.place),
            meeting.invited_count,  # type: ignore[attr-defined]
            meeting.present_count,  # type: ignore[attr-defined]
        ]

    workbook = list_workbook(
        _("Meetings"),
        _("Meetings"),
        [
            _("When"),
            _("Time zone"),
            _("Meeting"),
            _("State"),
            _("Kind"),
            _("Organizer"),
            _("Place"),
            _("Invited"),
            _("Present"),
        ],
        (row(m) for m in meetings[: settings.EXPORT_MAX_ROWS]),
        widths=[18, 18, 44, 12, 18, 30, 24, 10, 10],
        total=meetings.count(),
    )
    return xlsx_response(workbook, "meetings.xlsx")


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, meetings, searching = _meeting_search(request)
    return render(
        request,
        "meetings/list.html",
        {
            "form": form,
            "page_obj": paginate(request, meetings),
            "searching": searching,
            "may_create": unit_policy.visible(user, "manage").exists(),
            "S": MeetingState,
        },
    )


def _meeting_form(request: HttpRequest, meeting: Meeting | None = None) -> MeetingForm:
    user = request.user
    bodies = body_policy.visible(user, "update")
    chains = chain_policy.visible(user)
    if meeting is not None:
        # Keep the current body and chain choosable even if the editor could not pick them.
        bodies = Body.objects.filter(Q(pk__in=bodies.values("pk")) | Q(pk=meeting.body_id))
        chains = Chain.objects.filter(Q(pk__in=chains.values("pk")) | Q(pk=meeting.chain_id))
    return MeetingForm(
        request.POST or None,
        instance=meeting,
        organizers=unit_policy.visible(user, "manage"),
        bodies=bodies,
        chains=chains,
        initial={"organizer_unit": request.GET.get("organizer")} if meeting is None else None,
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not unit_policy.visible(user, "manage").exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = _meeting_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting “%(title)s” created.") % {"title": meeting.title})
            return _to_detail(meeting)
    return _form_page(request, None, form, _("New meeting"), submit_label=_("Create the meeting"))


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_policy.access(request.user, pk, "manage")
    form = _meeting_form(request, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_update(
                actor=request.user, meeting=meeting, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting “%(title)s” saved.") % {"title": meeting.title})
            return _to_detail(meeting)
    return _form_page(request, meeting, form, _("Edit %(title)s") % {"title": meeting.title})


@require_POST
@login_required
def meeting_state(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_policy.access(request.user, pk, "manage")
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose held or cancelled."))
        return _to_detail(meeting)
    try:
        meeting = services.meeting_set_state(
            actor=request.user, meeting=meeting, state=form.cleaned_data["state"]
        )
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("The meeting is marked %(state)s.")
            % {"state": MeetingState(meeting.state).label.lower()},
        )
    return _to_detail(meeting)


# --- the organizer's page -------------------------------------------------------------------


def _invitations(request: HttpRequest, meeting: Meeting) -> tuple[str, QuerySet[Invitation]]:
    """The meeting's invitations found by ``?who=`` (name, unit, user or check-in code):
    the meeting page's table, the attendance list and its export."""
    who = request.GET.get("who", "").replace("\x00", "").strip()[:100]
    invitations = selectors.invitations(meeting)
    if who:
        invitations = invitations.filter(
            Q(label__icontains=who)
            | Q(unit__search_key__contains=fold(who))
            | Q(unit__code__iexact=who)
            | Q(user__username__icontains=who)
            | Q(code__iexact=services.normalize_code(who))
        )
    return who, invitations


def _detail_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_manage = meeting_policy.allows(user, "manage", meeting)
    may_checkin = may_manage or meeting_policy.allows(user, "checkin", meeting)
    is_visit = meeting.kind == MeetingKind.RESEARCH_VISIT
    minutes = Minutes.objects.filter(meeting=meeting).first()
    final = minutes is not None and minutes.state == MinutesState.FINAL
    changeable = meeting.state != MeetingState.CANCELLED and not final
    agenda, agenda_total = selectors.agenda_tree(meeting)
    tasks = Prefetch(
        "tasks", queryset=Task.objects.select_related("lead_unit", "lead_person").order_by("pk")
    )
    context: dict[str, Any] = {
        "meeting": meeting,
        "may_manage": may_manage,
        "may_checkin": may_checkin,
        "changeable": changeable,
        "meeting_moves": meeting_moves(user, meeting, final=final) if may_manage else [],
        "minutes": minutes,
        "is_visit": is_visit,
        "running": selectors.is_running(meeting),
        "attendance": selectors.attendance(meeting),
        "my_invitation": selectors.invitation_of(user, meeting),
        "agenda": agenda,
        "agenda_total": agenda_total,
        "documents": meeting.documents.select_related("agenda_item").order_by("pk"),
        "polls": MeetingPoll.objects.filter(meeting=meeting)
        .select_related("poll", "agenda_item")
        .order_by("poll_id"),
        "resolutions": meeting.resolutions.select_related("poll")
        .prefetch_related(tasks)
        .order_by("number"),
        "S": MeetingState,
        "breadcrumb": _breadcrumb(),
    }
    if may_manage:
        # Hundreds may be invited (nearly 300 in Danyang): the table is searched and paged.
        who, invitations = _invitations(request, meeting)
        page = paginate(request, invitations, per_page=INVITATIONS_PER_PAGE)
        context.update({"invitations": page, "page_obj": page, "who": who})
    if is_visit:
        findings = meeting.findings.select_related("unit").prefetch_related(tasks)
        by_unit: dict[int, list[Finding]] = {}
        for finding in findings.order_by("position", "pk"):
            by_unit.setdefault(finding.unit_id, []).append(finding)
        context["visited"] = [
            (unit, by_unit.get(unit.pk, []))
            for unit in meeting.visited_units.order_by(ordered("name"), "pk")
        ]
    if may_manage and changeable:
        units = _units(user)
        context.update(
            invitation_form=forms.get("invitation_form")
            or InvitationForm(users=_people(user), units=units),
            agenda_form=forms.get("agenda_form") or AgendaItemForm(meeting=meeting, units=units),
            document_form=forms.get("document_form") or DocumentForm(meeting=meeting),
        )
        if is_visit:
            context.update(
                visited_form=forms.get("visited_form")
                or VisitedUnitsForm(
                    meeting=meeting,
                    units=units,
                    initial={"units": list(meeting.visited_units.all())},
                ),
                finding_form=forms.get("finding_form") or FindingForm(meeting=meeting),
            )
    return context


def _meeting(user: Any, pk: int, action: str = "view") -> Meeting:
    meeting = meeting_policy.access(user, pk, action)
    return Meeting.objects.select_related("organizer_unit", "body", "chain").get(pk=meeting.pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request.user, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@require_GET
@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The live counts (an HTMX partial polled by the meeting and check-in pages)."""
    meeting = meeting_policy.access(request.user, pk)
    return render(
        request,
        "meetings/_attendance.html",
        {
            "meeting": meeting,
            "attendance": selectors.attendance(meeting),
            # Polling stops once the meeting is over (the partial replaces itself).
            "running": selectors.is_running(meeting),
        },
    )


@login_required
def attendance_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list for paper: every invitation (``?who=`` as on the meeting
    page, up to ``PRINT_MAX_ROWS``) with registration, presence and a column to sign;
    for those who manage the meeting, who see the invitations."""
    meeting = _meeting(request.user, pk, "manage")
    who, invitations = _invitations(request, meeting)
    return render(
        request,
        "meetings/attendance_list.html",
        {
            "meeting": meeting,
            "who": who,
            "page_obj": print_page(invitations),
            "attendance": selectors.attendance(meeting),
            "breadcrumb": _breadcrumb(),
        },
    )


@login_required
def attendance_list_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list as .xlsx, in the user's language (same rows as the page)."""
    meeting = _meeting(request.user, pk, "manage")
    _who, invitations = _invitations(request, meeting)
    zone = ZoneInfo(meeting.time_zone)  # the meeting's clocks, as on its pages

    def local(moment: Any) -> Any:
        return timezone.localtime(moment, zone).replace(tzinfo=None) if moment else None

    rows = []
    for number, inv in enumerate(invitations[: settings.EXPORT_MAX_ROWS], start=1):
        rows.append(
            [
                number,
                inv.display_name,
                inv.delegation_size,
                inv.get_role_display(),
                inv.email,
                inv.code,
                local(inv.registered_at),
                local(inv.checked_in_at),
                inv.present_count if inv.is_delegation and inv.checked_in_at else None,
            ]
        )
    workbook = list_workbook(
        _("Attendance list"),
        str(meeting.title),
        [
            _("No."),
            _("Invitee"),
            _("Delegation size"),
            _("Role"),
            _("Email"),
            _("Code"),
            _("Registered"),
            _("Checked in"),
            _("People present"),
        ],
        rows,
        widths=[6, 36, 10, 16, 28, 12, 18, 18, 10],
        total=invitations.count() if len(rows) == settings.EXPORT_MAX_ROWS else None,
    )
    return xlsx_response(workbook, f"meeting-{meeting.pk}-attendance.xlsx")


def _inline_post(
    request: HttpRequest, meeting: Meeting, key: str, form: Any, anchor: str, save: Any
) -> HttpResponse:
    """Handle one of the forms on the meeting page: on success back to the page (at the
    section), on error the page again with the form and its errors."""
    if form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return _to_detail(meeting, anchor)
    context = _detail_context(request, meeting, **{key: form})
    return render(request, "meetings/detail.html", context)


@require_POST
@login_required
def invitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    form = InvitationForm(request.POST, users=_people(user), units=_units(user))

    def save(data: dict[str, Any]) -> str:
        invitation = services.invitation_add(actor=user, meeting=meeting, **data)
        return _("%(who)s is invited.") % {"who": invitation.display_name}

    return _inline_post(request, meeting, "invitation_form", form, "invitations", save)


@require_POST
@login_required
def invite_body(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request.user, pk, "manage")
    try:
        added = services.invitations_add_body_members(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("%(n)s members of %(body)s invited (those already invited were skipped).")
            % {"n": added, "body": meeting.body},
        )
    return _to_detail(meeting, "invitations")


@require_POST
@login_required
def invitation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_policy.access(request.user, pk, "manage")
    meeting = invitation.meeting
    try:
        services.invitation_remove(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request, _("The invitation of %(who)s is withdrawn.") % {"who": invitation}
        )
    return _to_detail(meeting, "invitations")


@require_POST
@login_required
def check_in_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a check-in recorded by mistake (the meeting's managers), with a reason."""
    invitation = invitation_policy.access(request.user, pk, "manage")
    meeting = invitation.meeting
    try:
        reason = refuse_nul("reason", str(request.POST.get("reason", "")))
        services.check_in_undo(actor=request.user, invitation=invitation, reason=reason)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The check-in of %(who)s is taken back.") % {"who": invitation})
    return _to_detail(meeting, "invitations")


@require_POST
@login_required
def registration(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_policy.access(request.user, pk, "register")
    registered = request.POST.get("registered") == "1"
    try:
        services.registration_set(actor=request.user, invitation=invitation, registered=registered)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("%(who)s is registered to attend.") % {"who": invitation}
            if registered
            else _("%(who)s is no longer registered.") % {"who": invitation},
        )
    anchor = (
        "invitations" if meeting_policy.allows(request.user, "manage", invitation.meeting) else ""
    )
    return _to_detail(invitation.meeting, anchor)


@require_POST
@login_required
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    form = AgendaItemForm(request.POST, meeting=meeting, units=_units(user))

    def save(data: dict[str, Any]) -> str:
        item = services.agenda_item_add(actor=user, meeting=meeting, **data)
        return _("“%(title)s” added to the agenda.") % {"title": item.title}

    return _inline_post(request, meeting, "agenda_form", form, "agenda", save)


@login_required
def agenda_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    item = meeting.agenda_items.filter(pk=item_pk).first()
    if item is None:
        raise Http404(_("Not found."))
    form = AgendaItemForm(request.POST or None, meeting=meeting, units=_units(user), instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_item_update(actor=user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(title)s” saved.") % {"title": item.title})
            return _to_detail(meeting, "agenda")
    return _form_page(
        request,
        meeting,
        form,
        _("Agenda item of %(meeting)s") % {"meeting": meeting.title},
        submit_label=_("Save"),
    )


@require_POST
@login_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    form = DocumentForm(request.POST, request.FILES, meeting=meeting)

    def save(data: dict[str, Any]) -> str:
        document = services.document_add(actor=user, meeting=meeting, **data)
        return _("“%(title)s” attached.") % {"title": document.title}

    return _inline_post(request, meeting, "document_form", form, "documents", save)


@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    meeting = meeting_policy.access(request.user, pk)
    document = meeting.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404(_("Not found."))
    return file_download(document.file)


@login_required
def poll_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    form = MeetingPollForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.meeting_poll_create(
                actor=user, meeting=meeting, **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Ballot “%(title)s” created; open it on its page when the vote starts.")
                % {"title": poll.title},
            )
            return redirect("ballots:detail", poll.pk)
    intro = (
        _("Voted by %(body)s, in the ballots module.") % {"body": meeting.body}
        if meeting.body_id
        else _("Set the meeting's body first: its members vote.")
    )
    return _form_page(
        request,
        meeting,
        form,
        _("New ballot in %(title)s") % {"title": meeting.title},
        intro=intro,
        submit_label=_("Create the ballot"),
    )


# --- resolutions and their key tasks --------------------------------------------------------


def _task_row_errors(rows: Any, exc: ValidationError) -> ValidationError | None:
    """Put ``tasks.<row>.<field>`` errors on the formset's rows; answer the rest."""
    if not hasattr(exc, "error_dict"):
        return exc
    filled = [f for f in rows.forms if f.has_changed()]
    rest: dict[str, Any] = {}
    for key, errors in exc.error_dict.items():
        parts = key.split(".")
        if parts[0] == "tasks" and len(parts) == 3 and int(parts[1]) < len(filled):
            form = filled[int(parts[1])]
            field = parts[2] if parts[2] in form.fields else None
            form.add_error(None if parts[2] == NON_FIELD_ERRORS else field, errors)
        else:
            rest[key] = errors
    return ValidationError(rest) if rest else None


def _row_count(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("rows", 5)), 50))
    except ValueError:
        return 5


def _posted_total(data: Any) -> int:
    try:
        return max(0, min(int(data.get("tasks-TOTAL_FORMS", 0)), 50))
    except (TypeError, ValueError):
        return 0


@login_required
def resolution_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    polls = Poll.objects.filter(meeting_link__meeting=meeting).order_by("pk")
    data = request.POST or None
    initial: dict[str, Any] = {"adopted_on": selectors.meeting_day(meeting)}
    initial_rows: list[dict[str, Any]] = []
    extra = _row_count(request)
    if data is not None and "more_rows" in data:
        # More rows: show what was typed again, unsaved and unjudged, with 5 empty rows.
        initial = {name: data.get(name) for name in ResolutionForm.base_fields}
        total = _posted_total(data)
        initial_rows = [
            {name: data.get(f"tasks-{i}-{name}") for name in TaskRowForm.base_fields}
            for i in range(total)
        ]
        extra = max(0, min(5, 50 - total))
        data = None
    form = ResolutionForm(data, meeting=meeting, polls=polls, plans=_plans(user), initial=initial)
    rows: Any = forms.formset_factory(TaskRowForm, formset=BaseTaskRows, extra=extra, max_num=50)(
        data,
        initial=initial_rows or None,
        prefix="tasks",
        form_kwargs={"units": _units(user), "users": _people(user)},
    )
    if request.method == "POST" and all([form.is_valid(), rows.is_valid()]):
        try:
            resolution = services.resolution_create(
                actor=user, meeting=meeting, tasks=rows.specs(), **form.cleaned_data
            )
        except ValidationError as exc:
            rest = _task_row_errors(rows, exc)
            if rest is not None:
                add_service_errors(form, rest)
        else:
            count = resolution.tasks.count()
            messages.success(
                request,
                _("Resolution %(number)s recorded with %(count)s key tasks.")
                % {"number": resolution.number, "count": count},
            )
            return _to_detail(meeting, "resolutions")
    return render(
        request,
        "meetings/resolution_form.html",
        {
            "meeting": meeting,
            "form": form,
            "rows": rows,
            "may_add_rows": rows.total_form_count() < 50,
            "breadcrumb": _breadcrumb(meeting),
        },
    )


# --- research visits ----------------------------------------------------------------------


@require_POST
@login_required
def visited_units(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    form = VisitedUnitsForm(request.POST, meeting=meeting, units=_units(user))

    def save(data: dict[str, Any]) -> str:
        # Units the editor cannot see stay on the visit; they are not in the form.
        hidden = meeting.visited_units.exclude(pk__in=_units(user).values("pk"))
        services.visited_units_set(
            actor=user,
            meeting=meeting,
            units=[*data["units"], *hidden],
            version=data["version"],
        )
        return _("The visited units are saved.")

    return _inline_post(request, meeting, "visited_form", form, "visit", save)


@require_POST
@login_required
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    form = FindingForm(request.POST, meeting=meeting)

    def save(data: dict[str, Any]) -> str:
        finding = services.finding_add(actor=user, meeting=meeting, **data)
        return _("Finding at %(unit)s added.") % {"unit": finding.unit}

    return _inline_post(request, meeting, "finding_form", form, "visit", save)


@login_required
def finding_follow_up(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting(user, pk, "manage")
    finding = meeting.findings.select_related("unit").filter(pk=finding_pk).first()
    if finding is None:
        raise Http404(_("Not found."))
    form = FollowUpForm(
        request.POST or None,
        plans=_plans(user),
        units=_units(user),
        users=_people(user),
        initial={"lead_unit": finding.unit_id, "title": finding.topic},
    )
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan"]
        try:
            task = services.finding_follow_up(
                actor=user, finding=finding, plan=plan, spec=form.spec()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Follow-up task “%(title)s” created.") % {"title": task.title}
            )
            return _to_detail(meeting, "visit")
    return _form_page(
        request,
        meeting,
        form,
        _("Follow-up task for a finding at %(unit)s") % {"unit": finding.unit},
        intro=f"{finding.topic}: {finding.text}",
        submit_label=_("Create the task"),
    )


# --- check-in ----------------------------------------------------------------------------


def _door(
    request: HttpRequest,
    meeting: Meeting,
    *,
    form: CheckInForm | None = None,
    result: Any = None,
    error: str | None = None,
    error_code: str = "",
    status: int = 200,
) -> HttpResponse:
    """The door page (or, for htmx and the camera's frames, its changing parts)."""
    context = {
        "meeting": meeting,
        "form": form or CheckInForm(),
        "scan_form": ScanForm(),
        "result": result,
        "error": error,
        "attendance": selectors.attendance(meeting),
        "running": selectors.is_running(meeting),
        "recent": meeting.invitations.filter(checked_in_at__isnull=False)
        .select_related("user", "unit")
        .order_by("-checked_in_at", "-pk")[:5],
        "breadcrumb": _breadcrumb(meeting),
    }
    template = (
        "meetings/_checkin_response.html"
        if getattr(request, "htmx", False)
        else "meetings/checkin.html"
    )
    response = render(request, template, context, status=status)
    # The camera's script reads this: "no_code" means keep looking.
    response["X-Check-In"] = error_code or ("checked_in" if result else "")
    return response


def _error_code(exc: ValidationError) -> str:
    rule = getattr(exc, "rule_code", None)
    if rule:
        return str(rule)
    codes = getattr(exc, "error_dict", None)
    if codes:
        return str(next(iter(codes.values()))[0].code or "")
    return str(getattr(exc, "code", "") or "")


@login_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The door: type or scan the invitee's code (and a delegation's number who came);
    the result and the counts follow."""
    user = request.user
    meeting = _meeting(user, pk, "checkin")
    if request.method != "POST":
        return _door(request, meeting, form=CheckInForm())
    form = CheckInForm(request.POST)
    if not form.is_valid():
        message = (
            " ".join(str(m) for m in form.errors["present"])
            if "present" in form.errors
            else _("Type or scan the code on the invitation.")
        )
        return _door(request, meeting, error=message, error_code="invalid")
    try:
        result = services.check_in(
            actor=user,
            meeting=meeting,
            code=form.cleaned_data["code"],
            present=form.cleaned_data["present"],
        )
    except ValidationError as exc:
        return _door(request, meeting, error=" ".join(exc.messages), error_code=_error_code(exc))
    return _door(request, meeting, result=result)


class ScanThrottle(SimpleRateThrottle):
    """The camera's frames, per door keeper (not per address: the keepers of one venue
    share its Wi-Fi's)."""

    scope = "meeting_scan"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


#: A live preview posts two frames a second; a photo now and then is far below this.
SCAN_RATE = "240/m"


def _best_code(codes: list[str]) -> str:
    """Of the codes in a photo, one that looks like a check-in code (else the first)."""
    for text in codes:
        clean = services.normalize_code(text)
        if len(clean) == CODE_LENGTH and all(c in CODE_ALPHABET for c in clean):
            return clean
    return codes[0]


@require_POST
@login_required
def checkin_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo (or a camera frame) of the invitation's QR code: decoded on the server,
    then checked in as if the code had been typed. Without a code in it, a clear
    refusal (``X-Check-In: no_code``: the camera's preview keeps looking)."""
    user = request.user
    meeting = _meeting(user, pk, "checkin")
    if not ScanThrottle(SCAN_RATE).allow_request(request):
        return _door(
            request,
            meeting,
            error=_("Too many requests; wait a minute and try again."),
            error_code="throttled",
            status=429,
        )
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        if "photo" in form.errors:
            message = _("Take a photo of the QR code on the invitation.")
        else:
            message = " ".join(str(m) for errors in form.errors.values() for m in errors)
        return _door(request, meeting, error=message, error_code="invalid")
    try:
        code = _best_code(scanning.codes_in_image(form.cleaned_data["photo"]))
        result = services.check_in(
            actor=user, meeting=meeting, code=code, present=form.cleaned_data["present"]
        )
    except ValidationError as exc:
        return _door(request, meeting, error=" ".join(exc.messages), error_code=_error_code(exc))
    return _door(request, meeting, result=result)


@require_POST
@login_required
def self_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_policy.access(request.user, pk)
    try:
        invitation = services.self_check_in(user=request.user, meeting=meeting)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("You are checked in (%(who)s). Welcome!") % {"who": invitation.display_name},
        )
    return _to_detail(meeting)


urlpatterns: list[URLPattern] = [
    path("", meeting_list, name="meeting_list"),
    path("meetings.xlsx", meeting_list_xlsx, name="meeting_list_xlsx"),
    path("new/", meeting_create, name="meeting_create"),
    path("<int:pk>/", meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("<int:pk>/state/", meeting_state, name="meeting_state"),
    path("<int:pk>/attendance/", attendance, name="attendance"),
    path("<int:pk>/attendance-list/", attendance_list, name="attendance_list"),
    path("<int:pk>/attendance-list.xlsx", attendance_list_xlsx, name="attendance_list_xlsx"),
    path("<int:pk>/checkin/", checkin, name="checkin"),
    path("<int:pk>/checkin/scan/", checkin_scan, name="checkin_scan"),
    path("<int:pk>/self-checkin/", self_checkin, name="self_checkin"),
    path("<int:pk>/invitations/add/", invitation_add, name="invitation_add"),
    path("<int:pk>/invitations/body/", invite_body, name="invite_body"),
    path("invitations/<int:pk>/remove/", invitation_remove, name="invitation_remove"),
    path("invitations/<int:pk>/registration/", registration, name="registration"),
    path("invitations/<int:pk>/undo-check-in/", check_in_undo, name="check_in_undo"),
    path("<int:pk>/agenda/add/", agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", agenda_edit, name="agenda_edit"),
    path("<int:pk>/documents/add/", document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", document_download, name="document_download"),
    path("<int:pk>/ballots/new/", poll_create, name="poll_create"),
    path("<int:pk>/resolutions/new/", resolution_create, name="resolution_create"),
    path("<int:pk>/visited-units/", visited_units, name="visited_units"),
    path("<int:pk>/findings/add/", finding_add, name="finding_add"),
    path(
        "<int:pk>/findings/<int:finding_pk>/follow-up/",
        finding_follow_up,
        name="finding_follow_up",
    ),
]
