"""Pages that combine domains: the home page, a chain's page, "my work".

Each keeps the URL and URL name it always had (``core:home``, ``chains:chain_detail``,
``workplans:my_work``): ``pacesetter/urls.py`` mounts them in those namespaces.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pacesetter.accounts.selectors import roles_of
from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.core.translations import ordered
from pacesetter.core.views import paginate
from pacesetter.meetings.policies import meeting_policy
from pacesetter.workplans import selectors
from pacesetter.workplans.forms import STATUS_LABELS
from pacesetter.workplans.models import Reminder
from pacesetter.workplans.policies import plan_policy, task_policy
from pacesetter.workplans.views import BOARD_PAGE_SIZE, explain_row

from . import dashboards
from .my_work_forms import MyWorkFilterForm

#: Open tasks on one page of the chain's page.
TASK_PAGE_SIZE = 50
#: "My work" lists tasks due within this many days (and every late one).
MY_WORK_TASK_DAYS = 30
#: ... and meetings starting within this many days.
MY_WORK_MEETING_DAYS = 60


def _today() -> dt.date:
    return timezone.localdate()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs the user now and how things stand, a section per role they hold
    (``dashboards.py``), above the list of their roles."""
    return render(
        request,
        "core/home.html",
        {"roles": list(roles_of(request.user)), "dash": dashboards.dashboards_for(request.user)},
    )


@login_required
def chain_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The chain's organizations from upstream to downstream (the leader marked), its open
    problems (open tasks on the chain, with their status), the plans with tasks or
    projects on it, and its meetings; each list holds only what the user may see."""
    user = request.user
    today = _today()
    chain = chain_policy.access(user, pk)
    chain = Chain.objects.select_related("leader_unit", "owner_unit").get(pk=chain.pk)
    members = list(chain.members.select_related("unit"))
    tasks = (
        selectors.with_status(task_policy.visible(user).filter(selectors.on_chain(chain)), today)
        .exclude(status="done")  # type: ignore[misc]
        .select_related("lead_unit", "plan")
        .order_by("due", "pk")
    )
    page = paginate(request, tasks, per_page=TASK_PAGE_SIZE)
    rows = list(page.object_list)
    for task in rows:
        explain_row(task, task.plan, today)
    page.object_list = rows
    plans = list(
        plan_policy.visible(user)
        .filter(selectors.plans_on_chain(chain))
        .select_related("body")
        .order_by("-period_start", ordered("name"), "pk")[:50]
    )
    meetings = list(
        meeting_policy.visible(user)
        .filter(chain=chain)
        .select_related("organizer_unit")
        .order_by("-starts_at", "pk")[:50]
    )
    return render(
        request,
        "chains/chain_detail.html",
        {
            "chain": chain,
            "members": members,
            "leader_on_chain": any(m.unit_id == chain.leader_unit_id for m in members),
            "page_obj": page,
            "plans": plans,
            "meetings": meetings,
            "status_labels": STATUS_LABELS,
            "may_manage": chain_policy.allows(user, "manage", chain),
        },
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """For the signed-in user: open tasks they or their units lead that are due soon or
    late, meetings they (or their units) are invited to, and their recent reminders."""
    user = request.user
    today = _today()
    form = MyWorkFilterForm(request.GET or None)
    status, unit = ("", None)
    if form.is_valid():
        status, unit = form.cleaned_data["status"], form.cleaned_data["unit"]
    tasks = (
        dashboards.my_tasks(user, today)
        .filter(due__lte=today + dt.timedelta(days=MY_WORK_TASK_DAYS))
        .select_related("lead_unit", "plan")
        .order_by("due", "pk")
    )
    if status:
        tasks = tasks.filter(status=status)  # type: ignore[misc]
    if unit:
        tasks = tasks.filter(lead_unit_id=unit)
    page = paginate(request, tasks, per_page=BOARD_PAGE_SIZE)
    rows = list(page.object_list)
    for task in rows:
        explain_row(task, task.plan, today)
    page.object_list = rows
    meetings = list(dashboards.my_meetings(user, timezone.now())[:50])
    # Only reminders about tasks the user may still see (roles change; tasks move).
    reminders = list(
        Reminder.objects.filter(recipient_id=user.pk, task__in=task_policy.visible(user))
        .select_related("task")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "workplans/my_work.html",
        {
            "page_obj": page,
            "form": form,
            "filtered": bool(status or unit),
            "meetings": meetings,
            "reminders": reminders,
            "status_labels": STATUS_LABELS,
            "task_days": MY_WORK_TASK_DAYS,
            "meeting_days": MY_WORK_MEETING_DAYS,
        },
    )
