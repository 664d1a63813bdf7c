"""Ballot screens: the list of polls, setting one up, its page (roll, state buttons,
paper totals, the published result), the voter's ballot page and the receipt check.

Secrecy on the screens: the roll says only who has voted; a receipt is shown once, in
the response to the vote, and never stored in the session, a message or a URL (a URL
would put it in the server's access log next to the voter's session). A receipt-free
poll shows no receipt at all, and its result no list of ballots by receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pacesetter.bodies.policies import body_policy
from pacesetter.clusters.policies import cluster_policy
from pacesetter.core.routers import reads_from_replica
from pacesetter.core.translations import ordered
from pacesetter.core.views import add_service_errors, paginate

from . import selectors, services, tally
from .forms import (
    PaperTallyForm,
    PollCreateForm,
    PollFilterForm,
    PollSettingsForm,
    ReceiptForm,
    VoteForm,
)
from .models import Poll, PollKind, PollState
from .policies import may_vote, poll_policy
from .subjects import poll_subject
from .workflows import poll_workflow


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _breadcrumb(poll: Poll | None = None) -> list[dict[str, str]]:
    crumbs = [{"url": reverse("ballots:list"), "label": _("Votes")}]
    if poll is not None:
        crumbs.append({"url": reverse("ballots:detail", args=[poll.pk]), "label": poll.title})
    return crumbs


def _may_create(user: Any) -> bool:
    return (
        cluster_policy.visible(user, "update").exists()
        or body_policy.visible(user, "update").exists()
    )


@login_required
def poll_list(request: HttpRequest) -> HttpResponse:
    form = PollFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    polls = selectors.poll_list(request.user)
    if state:
        polls = polls.filter(state=state)
    page = paginate(request, polls)
    return render(
        request,
        "ballots/list.html",
        {
            "page_obj": page,
            "form": form,
            "filtered": bool(state),
            "may_create": _may_create(request.user),
            "OPEN": PollState.OPEN,
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    clusters = (
        cluster_policy.visible(user, "update")
        .filter(is_active=True)
        .order_by(ordered("name"), "pk")
    )
    bodies = body_policy.visible(user, "update").order_by(ordered("name"), "pk")
    if not clusters.exists() and not bodies.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = PollCreateForm(request.POST or None, clusters=clusters, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(actor=user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(
                form,
                exc,
                fields={"cluster": "voters", "body": "voters"},
            )
        else:
            messages.success(request, _("Poll “%(title)s” created.") % {"title": poll.title})
            return redirect("ballots:detail", poll.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New poll"),
            "submit_label": _("Create poll"),
            "cancel_url": reverse("ballots:list"),
            "breadcrumb": _breadcrumb(),
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft poll's settings (whether voters get receipts); refused once it is open."""
    user = request.user
    poll = poll_policy.access(user, pk, "manage")
    form = PollSettingsForm(
        request.POST or None,
        initial={"verification": poll.verification, "version": poll.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.poll_update(actor=user, poll=poll, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The poll's settings are saved."))
            return redirect("ballots:detail", poll.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Settings of “%(title)s”") % {"title": poll.title},
            "intro": _("These settings can be changed until the poll opens."),
            "cancel_url": reverse("ballots:detail", args=[poll.pk]),
            "breadcrumb": _breadcrumb(poll),
        },
    )


def _paper_form(poll: Poll, data: Any = None) -> PaperTallyForm:
    return PaperTallyForm(
        data,
        poll=poll,
        options=selectors.poll_options(poll),
        entered=selectors.paper_tallies(poll),
        ballots=selectors.paper_ballot_count(poll),
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    poll = poll_policy.access(user, pk)
    may_manage = poll_policy.allows(user, "manage", poll)
    entitlement = selectors.my_entitlement(user, poll)
    published = poll.state == PollState.PUBLISHED
    actions = poll_workflow.allowed(user, poll)
    context: dict[str, Any] = {
        "poll": poll,
        "subject": poll_subject(poll, user),
        "actions": actions,
        "options": selectors.poll_options(poll),
        "may_manage": may_manage,
        "entitlement": entitlement,
        "roll": selectors.poll_roll(poll) if may_manage else None,
        "paper_form": _paper_form(poll) if "paper_tally" in actions else None,
        "paper_tallies": list(selectors.paper_tallies(poll).values()) if may_manage else [],
        "result": selectors.published_result(poll),
        "receipts": (
            selectors.published_receipts(poll) if published and tally.receipts_public(poll) else []
        ),
        "receipts_note": selectors.receipts_withheld_note(poll),
        "secrecy_warnings": selectors.secrecy_warnings(poll) if may_manage else [],
        "approval": poll.kind == PollKind.APPROVAL,
        "S": PollState,
    }
    return render(request, "ballots/detail.html", context)


def _transition(
    service: Callable[..., Any], done: Any
) -> Callable[[HttpRequest, int], HttpResponse]:
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        poll = poll_policy.access(request.user, pk, "manage")
        try:
            service(actor=request.user, poll=poll)
        except ValidationError as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, done)
        return redirect("ballots:detail", poll.pk)

    return view


poll_open = _transition(services.poll_open, gettext_lazy("The poll is open; the roll is fixed."))
poll_close = _transition(services.poll_close, gettext_lazy("The poll is closed."))
poll_publish = _transition(services.poll_publish, gettext_lazy("The result is published."))


@login_required
def paper_tally(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    poll = poll_policy.access(user, pk, "manage")
    form = _paper_form(poll, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_tally_enter(
                actor=user,
                poll=poll,
                ballots=form.cleaned_data["ballots"],
                totals=form.totals(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The paper ballots are entered."))
            return redirect("ballots:detail", poll.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Paper ballots of “%(title)s”") % {"title": poll.title},
            "intro": _("Enter the totals counted by hand; entering them again replaces them."),
            "submit_label": _("Save the paper totals"),
            "cancel_url": reverse("ballots:detail", args=[poll.pk]),
            "breadcrumb": _breadcrumb(poll),
        },
    )


@never_cache
@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    poll = poll_policy.access(user, pk)
    if not may_vote(user, poll):
        raise Http404(_("Not found."))
    form = VoteForm(request.POST or None, poll=poll, options=selectors.poll_options(poll))
    receipt = None
    cast = False
    if request.method == "POST" and form.is_valid():
        try:
            receipt = services.ballot_cast(voter=user, poll=poll, choices=form.choices())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            cast = True
    entitlement = selectors.my_entitlement(user, poll)
    return render(
        request,
        "ballots/vote.html",
        {
            "poll": poll,
            "subject": poll_subject(poll, user),
            "form": form,
            "cast": cast,
            "receipt": receipt,
            "has_voted": not cast and entitlement is not None and entitlement.voted,
            "is_open": poll.state == PollState.OPEN,
            "approval": poll.kind == PollKind.APPROVAL,
        },
    )


@never_cache
@login_required
def receipt_check(request: HttpRequest, pk: int) -> HttpResponse:
    poll = poll_policy.access(request.user, pk)
    # POST, not GET: a receipt in a URL would sit in access logs beside the session.
    form = ReceiptForm(request.POST or None)
    checked = False
    choices = None
    if (
        request.method == "POST"
        and form.is_valid()
        and poll.state == PollState.PUBLISHED
        and not poll.receipt_free
    ):
        checked = True
        choices = selectors.receipt_choices(poll, form.cleaned_data["receipt"].strip())
    return render(
        request,
        "ballots/receipt.html",
        {
            "poll": poll,
            "form": form,
            "published": poll.state == PollState.PUBLISHED,
            "receipt_free_note": selectors.RECEIPT_FREE_CHECK if poll.receipt_free else None,
            "checked": checked,
            "choices": choices,
        },
    )


def _minutes(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    poll = poll_policy.access(request.user, pk)
    if poll.state != PollState.PUBLISHED:
        raise Http404(_("The minutes are ready once the result is published."))
    # Imported here: the documents module pulls in python-docx and fpdf2.
    from . import minutes

    language = get_language() or "en"
    if fmt == "docx":
        content = minutes.minutes_docx(poll, language)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        content = minutes.minutes_pdf(poll, language)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-minutes.{fmt}"'
    return response


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes(request, pk, "docx")


@login_required
@reads_from_replica
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes(request, pk, "pdf")


urlpatterns: list[URLPattern] = [
    path("", poll_list, name="list"),
    path("new/", create, name="create"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/open/", poll_open, name="open"),
    path("<int:pk>/close/", poll_close, name="close"),
    path("<int:pk>/publish/", poll_publish, name="publish"),
    path("<int:pk>/paper/", paper_tally, name="paper_tally"),
    path("<int:pk>/vote/", vote, name="vote"),
    path("<int:pk>/receipt/", receipt_check, name="receipt"),
    path("<int:pk>/minutes.docx", minutes_docx, name="minutes_docx"),
    path("<int:pk>/minutes.pdf", minutes_pdf, name="minutes_pdf"),
]
