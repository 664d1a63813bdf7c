"""Reminders before a due date and escalations after it, each mailed exactly once.

Rules (``docs/workplans.md``, "Reminders and escalation"), for the tasks of open plans
only (a closed plan's tasks are neither reminded nor escalated):

- **Reminder**: a task that is not done and falls due within the plan's
  ``remind_days_before`` days (``due - N <= today <= due``) is mailed to its lead: the
  lead person, if set, and the unit officers of the lead unit itself.
- **Escalation**: a task not done and overdue by at least the plan's
  ``escalate_after_days`` days goes to the role above: the committee staff of the nearest
  proper ancestor of the lead unit that has any who can be mailed (active, with an
  e-mail address), or else the staff nearest over the plan's body's unit. One mail each.

Exactly once: :func:`scan` writes one :class:`Reminder` row per (task, kind, due date,
recipient), the unique constraint dropping the rows that exist already; :func:`deliver`
claims a row with a token (:mod:`pacesetter.core.outbox`) and only the claimer sends and
marks it sent, and only while the claim is still its own. A failed send keeps the error
and releases the claim, so the next scan retries it. A claim left by a worker that died
is taken over after ``outbox.claim_timeout()`` (10 minutes, well above
``EMAIL_TIMEOUT``). A task whose due date moves gets
new rows for the new date; a row that no longer applies when its turn comes (the task
is done, its date moved, its plan was closed, the recipient lost the address) is dropped
unsent.

Users without an e-mail address (or inactive) are skipped and logged; users who turned
the kind off in their profile (``mail_reminders``, ``mail_escalations``) are skipped.
Mails are written in the recipient's language (their profile's, else the site's
``LANGUAGE_CODE``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pacesetter.accounts.models import Role, RoleAssignment, User
from pacesetter.accounts.scopes import NOTHING
from pacesetter.core import outbox

from .models import PlanState, Reminder, ReminderKind, Task, WorkPlan

logger = logging.getLogger(__name__)

OUTCOME_SENT = "sent"
OUTCOME_TAKEN = "taken"  # already sent, or claimed by another worker
OUTCOME_DROPPED = "dropped"  # no longer applies
OUTCOME_FAILED = "failed"  # the mail server refused or could not be reached


def not_done() -> Q:
    """The complement of the "done" status of :func:`selectors.status_case` on the
    current day (a ``done_on`` is never in the future)."""
    return Q(done_on__isnull=True) & (Q(progress__isnull=True) | Q(progress__lt=100))


def _windows(today: dt.date) -> tuple[Q, Q]:
    """Tasks due soon and tasks to escalate, by each plan's own numbers of days.

    The numbers differ by plan, and date arithmetic on a column is not portable between
    SQLite and PostgreSQL, so each distinct number gets its own date range (plans use a
    handful of distinct numbers)."""
    soon, late = NOTHING, NOTHING
    settings_in_use = list(
        WorkPlan.objects.filter(state=PlanState.OPEN)
        .order_by()  # Meta.ordering would enter the DISTINCT
        .values_list("remind_days_before", "escalate_after_days")
        .distinct()
    )
    for before in sorted({b for b, _a in settings_in_use}):
        soon |= Q(
            plan__remind_days_before=before,
            due__gte=today,
            due__lte=today + dt.timedelta(days=before),
        )
    for after in sorted({a for _b, a in settings_in_use}):
        # Overdue starts the day after the due date, even for a plan that says 0 days.
        late |= Q(
            plan__escalate_after_days=after,
            due__lte=today - dt.timedelta(days=max(after, 1)),
        )
    return soon, late


def _ancestor_paths(path: str) -> list[str]:
    """The materialized paths of a unit's proper ancestors, nearest first."""
    parts = path.strip("/").split("/")
    return ["".join(f"{p}/" for p in parts[:depth]) for depth in range(len(parts) - 1, 0, -1)]


def _lead_recipients(tasks: Sequence[Mapping[str, Any]]) -> dict[int, list[int]]:
    """Task id → the lead person and the officers of the lead unit itself."""
    officers: dict[int, list[int]] = defaultdict(list)
    rows = RoleAssignment.objects.filter(
        role=Role.UNIT_OFFICER, unit_id__in={t["lead_unit_id"] for t in tasks}
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows:
        officers[unit_id].append(user_id)
    return {
        t["pk"]: ([t["lead_person_id"]] if t["lead_person_id"] else [])
        + officers[t["lead_unit_id"]]
        for t in tasks
    }


def _escalation_recipients(tasks: Sequence[Mapping[str, Any]]) -> dict[int, list[int]]:
    """Task id → the committee staff of the nearest proper ancestor of the lead unit that
    has any who can be mailed; else of the plan's body's unit or its nearest ancestor
    that has any. Staff who are deactivated or have no e-mail address do not count, so
    the escalation reaches the nearest level that can be mailed (at that level, staff
    without an address stay among the recipients, to be skipped and logged).

    One query for all tasks: the ancestors' paths are prefixes of the unit's path."""
    chains = {
        t["pk"]: (
            _ancestor_paths(t["lead_unit__path"]),
            [
                t["plan__body__owner_unit__path"],
                *_ancestor_paths(t["plan__body__owner_unit__path"]),
            ],
        )
        for t in tasks
    }
    wanted = {path for lead, body in chains.values() for path in (*lead, *body)}
    staff: dict[str, list[int]] = defaultdict(list)
    mailable: set[str] = set()  # the levels with staff who can be mailed
    # A deactivated account does not count: the escalation goes on up past it.
    rows = RoleAssignment.objects.filter(
        role=Role.COMMITTEE_STAFF, unit__path__in=wanted, user__is_active=True
    ).values_list("unit__path", "user_id", "user__email")
    for path, user_id, email in rows:
        staff[path].append(user_id)
        if (email or "").strip():
            mailable.add(path)
    recipients: dict[int, list[int]] = {}
    for pk, (lead, body) in chains.items():
        nearest = next((staff[p] for p in lead if p in mailable), None)
        if nearest is None:
            nearest = next((staff[p] for p in body if p in mailable), [])
        recipients[pk] = nearest
    return recipients


def _reminder_rows(
    kind: str, tasks: Sequence[Mapping[str, Any]], recipients: dict[int, list[int]]
) -> list[Reminder]:
    return [
        Reminder(task_id=t["pk"], kind=kind, due=t["due"], recipient_id=user_id)
        for t in tasks
        for user_id in dict.fromkeys(recipients[t["pk"]])  # once each, in order
    ]


#: The profile choice that turns each kind of mail on or off.
PROFILE_CHOICE = {
    ReminderKind.DUE_SOON: "mail_reminders",
    ReminderKind.ESCALATION: "mail_escalations",
}


def wants_mail(user: User, kind: str) -> bool:
    """Whether ``user`` keeps this kind of mail on (their profile)."""
    return bool(getattr(user, PROFILE_CHOICE[ReminderKind(kind)]))


def _reachable(rows: list[Reminder]) -> list[Reminder]:
    """Drop the rows whose recipient is inactive or has no e-mail address (those are
    logged, once per scan), and those whose recipient turned the kind off."""
    users = {
        user.pk: (user.username, user.email.strip() if user.is_active else None, user)
        for user in User.objects.filter(pk__in={r.recipient_id for r in rows}).only(
            "username", "email", "is_active", *PROFILE_CHOICE.values()
        )
    }
    kept: list[Reminder] = []
    unreachable: dict[str, int] = defaultdict(int)
    for row in rows:
        username, address, user = users[row.recipient_id]
        if address and not wants_mail(user, row.kind):
            continue
        if address:
            kept.append(row)
        elif address is not None:
            unreachable[username] += 1
    if unreachable:
        logger.warning(
            "Reminders not mailed to users without an e-mail address: %s.",
            ", ".join(f"{name} ({count})" for name, count in sorted(unreachable.items())),
        )
    return kept


@transaction.atomic
def scan(today: dt.date, *, now: dt.datetime | None = None) -> list[int]:
    """Write the reminder and escalation rows due on ``today`` (the existing ones stay
    as they are) and return the ids of all rows waiting to be sent: the new ones, the
    failed ones and those whose claim has expired.

    A fixed number of queries whatever the number of tasks (the plans' numbers of days,
    the tasks of each kind, the officers, the staff, the users, the rows to send), plus
    the inserts."""
    now = now or timezone.now()
    soon_q, late_q = _windows(today)
    base = Task.objects.filter(not_done(), due__isnull=False, plan__state=PlanState.OPEN)
    soon = list(base.filter(soon_q).values("pk", "due", "lead_unit_id", "lead_person_id"))
    late = list(
        base.filter(late_q).values("pk", "due", "lead_unit__path", "plan__body__owner_unit__path")
    )
    rows = _reminder_rows(ReminderKind.DUE_SOON, soon, _lead_recipients(soon))
    rows += _reminder_rows(ReminderKind.ESCALATION, late, _escalation_recipients(late))
    Reminder.objects.bulk_create(_reachable(rows), batch_size=500, ignore_conflicts=True)
    return list(
        Reminder.objects.filter(sent_at__isnull=True)
        .filter(outbox.claimable(now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _still_applies(reminder: Reminder, today: dt.date) -> bool:
    task = reminder.task
    if task.plan.state != PlanState.OPEN:
        return False  # closed after the scan wrote the row
    if task.done_on is not None or (task.progress is not None and task.progress >= 100):
        return False
    if task.due != reminder.due:
        return False  # the date moved: the scan writes rows for the new one
    if reminder.kind == ReminderKind.DUE_SOON and today > reminder.due:
        return False  # too late to remind; escalation takes over
    recipient = reminder.recipient
    if not wants_mail(recipient, reminder.kind):
        return False  # turned off in the profile after the scan wrote the row
    return recipient.is_active and bool(recipient.email.strip())


def deliver(reminder_id: int, today: dt.date | None = None) -> str:
    """Send one reminder unless it has been sent, another worker holds it, or it no
    longer applies; returns one of the ``OUTCOME_*`` values.

    Run it outside a transaction (the job worker does): the claim must be committed
    before the mail goes out, so that a second worker sees it."""
    today = today or timezone.localdate()
    token = outbox.claim(Reminder.objects.filter(sent_at__isnull=True), reminder_id)
    if token is None:
        return OUTCOME_TAKEN
    reminder = (
        Reminder.objects.select_related(
            "task__plan", "task__lead_unit", "task__lead_person", "recipient"
        )
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:  # its task was deleted meanwhile
        return OUTCOME_DROPPED
    if not _still_applies(reminder, today):
        logger.info("Reminder %s no longer applies; dropped unsent.", reminder_id)
        reminder.delete()
        return OUTCOME_DROPPED
    try:
        send_message(reminder_message(reminder, today))
    except Exception as exc:
        logger.warning("Reminder %s not sent (retried by the next scan): %s", reminder_id, exc)
        outbox.release(Reminder, reminder_id, token, exc)
        return OUTCOME_FAILED
    outbox.finish(Reminder, reminder_id, token, sent_at=timezone.now(), error="")
    return OUTCOME_SENT


def recipient_language(user: User) -> str:
    """The language to write to ``user`` in: their profile's, else the site's."""
    return user.mail_language()


def task_url(task: Task) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("workplans:task_detail", args=[task.pk])


def reminder_message(reminder: Reminder, today: dt.date) -> EmailMessage:
    """The mail for ``reminder``, in the recipient's language."""
    task = reminder.task
    days = (task.due - today).days if task.due else 0
    context = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "task": task,
        "plan": task.plan,
        "due": reminder.due,
        "days_left": max(days, 0),
        "days_overdue": max(-days, 0),
        "progress": task.progress if task.progress is not None else 0,
        "url": task_url(task),
    }
    with translation.override(recipient_language(reminder.recipient)):
        subject = render_to_string(f"workplans/email/{reminder.kind}_subject.txt", context)
        body = render_to_string(f"workplans/email/{reminder.kind}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),  # one line, whatever the template's layout
        body=body.strip() + "\n",
        to=[reminder.recipient.email],
    )


def send_message(message: EmailMessage) -> None:
    """Send through the configured mail backend, raising on failure."""
    outbox.send(message)
