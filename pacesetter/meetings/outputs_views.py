"""The files made from a meeting: the minutes (the editing page, .docx and .pdf) and the
invitations with their check-in QR codes (one, or all of a meeting in one PDF).

The meeting's managers draft, edit and finalize the minutes; whoever may see the meeting
reads and downloads them. An invitation is downloaded by its invitee (or the officers of
the invited unit) and by the managers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ConflictError
from pacesetter.core.views import add_service_errors

from . import selectors, services
from .invitations import invitation_pdf
from .minutes import finalized_by_name, minutes_file_name, render_docx, render_pdf, sections
from .models import Meeting, MeetingState, Minutes
from .policies import invitation_policy, meeting_policy
from .workflows import minutes_workflow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text of the minutes"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "class": "minutes-text"}),
        help_text=gettext_lazy(
            "“# ” starts a heading, “## ” a subheading, “- ” a bullet (indented: a bullet "
            "under a bullet); every other line is a paragraph."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_related("finalized_by").filter(meeting=meeting).first()


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _draft(request: HttpRequest, meeting: Meeting, record: Minutes | None) -> HttpResponse:
    version = _as_int(request.POST.get("version")) if record is not None else None
    try:
        services.minutes_draft(actor=request.user, meeting=meeting, version=version)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The minutes were drafted from the record."))
    return redirect("meetings:minutes", meeting.pk)


def _save(
    request: HttpRequest, meeting: Meeting, record: Minutes, action: str
) -> tuple[HttpResponse | None, MinutesForm]:
    """Save the text or, for "finalize", finalize with the text typed (saved first by
    the service, so nothing typed is lost)."""
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return None, form
    data = form.cleaned_data
    try:
        if action == "finalize":
            services.minutes_finalize(
                actor=request.user, minutes=record, version=data["version"], text=data["text"]
            )
        else:
            services.minutes_update(
                actor=request.user, minutes=record, text=data["text"], version=data["version"]
            )
    except ConflictError as exc:
        # Keep what the user typed on the version now saved; the preview shows the other
        # person's text, and saving again replaces it.
        fresh = _minutes_of(meeting)
        post = request.POST.copy()
        post["version"] = str(fresh.version if fresh else data["version"])
        form = MinutesForm(post)
        form.is_valid()
        form.add_error(None, exc)
        form.add_error(
            None, _("The preview shows the saved text; save again to replace it with yours.")
        )
        return None, form
    except ValidationError as exc:
        fresh = _minutes_of(meeting)
        if fresh is not None and fresh.is_locked:
            _show_errors(request, exc)
            return redirect("meetings:minutes", meeting.pk), form
        add_service_errors(form, exc)
        return None, form
    if action == "finalize":
        messages.success(request, _("The minutes are final and locked."))
    else:
        messages.success(request, _("The minutes were saved."))
    return redirect("meetings:minutes", meeting.pk), form


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = meeting_policy.access(user, pk)
    may_manage = meeting_policy.allows(user, "manage", meeting)
    record = _minutes_of(meeting)
    form: MinutesForm | None = None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("You do not have permission to do this."))
        action = request.POST.get("action", "save")
        if action == "draft":
            return _draft(request, meeting, record)
        if record is None or action not in ("save", "finalize"):
            return redirect("meetings:minutes", meeting.pk)
        if record.is_locked:
            messages.error(request, _("The minutes are final and can no longer be changed."))
            return redirect("meetings:minutes", meeting.pk)
        response, form = _save(request, meeting, record, action)
        if response is not None:
            return response
        record = _minutes_of(meeting)
    if form is None and record is not None and may_manage and not record.is_locked:
        form = MinutesForm(initial={"text": record.text, "version": record.version})
    moves = minutes_workflow.allowed(user, record) if record is not None else frozenset()
    return render(
        request,
        "meetings/outputs/minutes.html",
        {
            "meeting": meeting,
            "minutes": record,
            "form": form,
            "may_manage": may_manage,
            # Drafting the first minutes is not a move of the table: it creates them.
            "may_draft": may_manage and meeting.state != MeetingState.CANCELLED,
            "moves": moves,
            # A filter argument on a missing user (finalized by the system) would raise.
            "finalized_by": finalized_by_name(record) if record is not None else "",
            "preview": sections(record.text) if record is not None else [],
        },
    )


@login_required
@require_POST
def minutes_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of the text being typed (HTMX), without saving it."""
    meeting_policy.access(request.user, pk, "manage")
    text = str(request.POST.get("text", ""))
    return render(
        request, "meetings/outputs/_preview.html", {"preview": sections(text), "live": True}
    )


def _minutes_file(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    meeting = meeting_policy.access(request.user, pk)
    record = _minutes_of(meeting)
    if record is None:
        messages.error(request, _("There are no minutes yet."))
        return redirect("meetings:minutes", meeting.pk)
    if extension == "docx":
        response = HttpResponse(render_docx(record), content_type=DOCX)
    else:
        response = HttpResponse(render_pdf(record), content_type="application/pdf")
    name = minutes_file_name(record, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_file(request, pk, "docx")


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_file(request, pk, "pdf")


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def invitation_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One invitation: for the invitee, the officers of the invited unit, the managers."""
    invitation = invitation_policy.access(request.user, pk)
    content = invitation_pdf([invitation])
    return _pdf_response(content, f"invitation-{invitation.meeting_id}-{invitation.pk}.pdf")


@login_required
def invitations_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every invitation of the meeting in one PDF, to print (the managers)."""
    meeting = meeting_policy.access(request.user, pk, "manage")
    rows = selectors.invitations(meeting)
    if not rows.exists():
        messages.error(request, _("There is no invitation to print yet."))
        return redirect("meetings:meeting_detail", meeting.pk)
    return _pdf_response(invitation_pdf(rows), f"invitations-{meeting.pk}.pdf")


urlpatterns: list[URLPattern] = [
    path("<int:pk>/minutes/", minutes, name="minutes"),
    path("<int:pk>/minutes/preview/", minutes_preview, name="minutes_preview"),
    path("<int:pk>/minutes.docx", minutes_docx, name="minutes_docx"),
    path("<int:pk>/minutes.pdf", minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/invitations.pdf", invitations_pdf_view, name="invitations_pdf"),
    path("invitations/<int:pk>/invitation.pdf", invitation_pdf_view, name="invitation_pdf"),
]
