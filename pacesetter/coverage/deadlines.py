"""Deadlines of the coverage rules: opened when an organization is registered, met by a
building change, reminded before the date and escalated after it (docs/coverage.md,
"Rules and deadlines").

- :func:`deadlines_sync` keeps an organization's deadlines in step with the rules in
  force today and its facts: the services call it after registering, after a change of
  its details, of its status or of a building. A rule that applies and has a date opens
  a deadline (with ``met_on`` when the organization already meets it); a building change
  that meets it records ``met_on`` (the day it started to meet it); a deadline the rule
  no longer applies to is removed unless it was met.
- :func:`scan` (the daily job, ``coverage.tasks``) finds the deadlines to remind (not met,
  due within the rule's ``remind_days_before``, 14 by default) and to escalate (not met,
  overdue by more than ``escalate_after_days``, 0 by default), of organizations operating
  today, under a rule still in force. A deadline that was overdue when it was opened (an
  old organization entered late, an import) is not escalated by mail: it is on the
  blind-spot list already.
- :func:`notify` mails one stage of one deadline, once to each recipient: it writes a
  :class:`DeadlineNotice` per recipient (unique), claims each with a token
  (:mod:`pacesetter.core.outbox`), sends it and marks it sent; when every recipient's is
  sent it stamps ``reminded_at`` / ``escalated_at``. A stage cut short (a failed send, a
  worker killed mid-way) is left unstamped, so the next scan enqueues it again and the
  re-run mails only those not mailed yet. A stage with nobody to mail is not stamped
  either: the next scan looks again (someone may have been appointed or turned the mail
  back on). Reminders go to the unit officers of the organization's town or street;
  escalations to the committee staff of the nearest unit above it that has any who can
  be mailed. Each in the recipient's language, and only to those who keep that kind of
  mail on in their profile (``mail_reminders``, ``mail_escalations``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pacesetter.accounts.models import Role, RoleAssignment, User
from pacesetter.accounts.scopes import NOTHING
from pacesetter.core import outbox

from . import rules as rule_engine
from .blind_spots import open_blind_spot_sync
from .models import Building, Deadline, DeadlineNotice, Organization, Status

logger = logging.getLogger(__name__)

REMIND, ESCALATE = "remind", "escalate"
STAMP = {REMIND: "reminded_at", ESCALATE: "escalated_at"}
PROFILE_CHOICE = {REMIND: "mail_reminders", ESCALATE: "mail_escalations"}

OUTCOME_SENT = "sent"
OUTCOME_TAKEN = "taken"
OUTCOME_NOBODY = "nobody"
OUTCOME_FAILED = "failed"


def _met_since(rule: Any, periods: Sequence[Building], today: dt.date) -> dt.date | None:
    """The first day of the unbroken run of periods up to ``today`` that meet ``rule``
    (None when the period covering ``today`` does not)."""
    covering = [p for p in periods if p.valid_from <= today]
    since = None
    for period in reversed(covering):
        if not rule_engine.meets(rule, period.form):
            break
        if since is not None and period.valid_to != since:
            break
        since = period.valid_from
    return since


def deadlines_sync(organization: Organization, today: dt.date | None = None) -> None:
    """Open, meet or drop ``organization``'s deadlines by the rules in force ``today``,
    and store or drop its open blind spot (:func:`.blind_spots.open_blind_spot_sync`).
    Called inside the services' transactions."""
    today = today or timezone.localdate()
    rules = list(rule_engine.rules_at(today))
    open_blind_spot_sync(organization, today, rules)
    dated = [r for r in rules if rule_engine.due_on(r, organization) is not None]
    existing = {d.rule_id: d for d in Deadline.objects.filter(organization=organization)}
    if not dated and not existing:
        return
    periods: dict[int, list[Building]] = {}
    for period in Building.objects.filter(organization=organization).order_by("valid_from"):
        periods.setdefault(period.kind_id, []).append(period)
    in_force = {r.pk for r in dated}
    for rule in dated:
        deadline = existing.get(rule.pk)
        if not rule_engine.applies(rule, organization):
            if deadline is not None and deadline.met_on is None:
                deadline.delete()
            continue
        due = rule_engine.due_on(rule, organization)
        assert due is not None
        met_on = _met_since(rule, periods.get(rule.kind_id, []), today)
        if deadline is None:
            Deadline.objects.create(organization=organization, rule=rule, due_on=due, met_on=met_on)
        elif (deadline.due_on, deadline.met_on) != (due, met_on):
            deadline.due_on, deadline.met_on = due, met_on
            deadline.save(update_fields=["due_on", "met_on"])
    for rule_id, deadline in existing.items():
        if rule_id not in in_force and deadline.met_on is None:
            # The rule ended or the organization no longer falls under it.
            deadline.delete()


# --- the daily scan -----------------------------------------------------------------


def _windows(today: dt.date, rules: Sequence[Any]) -> tuple[Q, Q]:
    """Deadlines to remind and to escalate, by each rule's numbers of days (no date
    arithmetic on a column: it is not portable between SQLite and PostgreSQL)."""
    soon, late = NOTHING, NOTHING
    for rule in rules:
        before = rule.params.get("remind_days_before", rule_engine.REMIND_DAYS_BEFORE)
        after = rule.params.get("escalate_after_days", 0)
        soon |= Q(rule=rule, due_on__gte=today, due_on__lte=today + dt.timedelta(days=before))
        late |= Q(rule=rule, due_on__lte=today - dt.timedelta(days=max(after, 1)))
    return soon, late


def scan(today: dt.date) -> list[tuple[int, str]]:
    """The (deadline id, stage) pairs to mail on ``today``; a fixed number of queries."""
    rules = list(rule_engine.rules_at(today))
    soon, late = _windows(today, rules)
    base = Deadline.objects.filter(
        met_on__isnull=True, organization__status=Status.OPERATING
    ).order_by("due_on", "pk")
    remind = base.filter(soon, reminded_at__isnull=True).values_list("pk", flat=True)
    escalate = (
        base.filter(late, escalated_at__isnull=True)
        .filter(created_at__date__lte=F("due_on"))
        .values_list("pk", flat=True)
    )
    return [(pk, REMIND) for pk in remind] + [(pk, ESCALATE) for pk in escalate]


def _ancestor_paths(path: str) -> list[str]:
    """The materialized paths of a unit's proper ancestors, nearest first."""
    parts = path.strip("/").split("/")
    return ["".join(f"{p}/" for p in parts[:depth]) for depth in range(len(parts) - 1, 0, -1)]


def _mailable(users: Any, stage: str) -> list[User]:
    return [
        u
        for u in users
        if u.is_active and (u.email or "").strip() and getattr(u, PROFILE_CHOICE[stage])
    ]


def recipients(deadline: Deadline, stage: str) -> list[User]:
    """Who is mailed for ``stage`` of ``deadline`` (see the module's docstring)."""
    town = deadline.organization.town
    if stage == REMIND:
        users = User.objects.filter(
            role_assignments__role=Role.UNIT_OFFICER, role_assignments__unit=town
        ).distinct()
        return _mailable(users.order_by("pk"), stage)
    paths = _ancestor_paths(town.path)
    rows = (
        RoleAssignment.objects.filter(role=Role.COMMITTEE_STAFF, unit__path__in=paths)
        .select_related("user")
        .order_by("user_id")
        .annotate(unit_path=F("unit__path"))
    )
    by_path: dict[str, list[User]] = {}
    for row in rows:
        if row.user.is_active and (row.user.email or "").strip():
            by_path.setdefault(row.unit_path, []).append(row.user)
    nearest = next((by_path[p] for p in paths if p in by_path), [])
    return _mailable(dict.fromkeys(nearest), stage)


def organization_url(organization: Organization) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "coverage:organization_deadlines", args=[organization.pk]
    )


def message(deadline: Deadline, stage: str, user: User, today: dt.date) -> EmailMessage:
    organization = deadline.organization
    with translation.override(user.mail_language()):
        days = (deadline.due_on - today).days
        context = {
            "recipient": user,
            "organization": organization,
            "rule": deadline.rule,
            "due": deadline.due_on,
            "days_left": max(days, 0),
            "days_overdue": max(-days, 0),
            "url": organization_url(organization),
        }
        subject = render_to_string(f"coverage/email/deadline_{stage}_subject.txt", context)
        body = render_to_string(f"coverage/email/deadline_{stage}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()), body=body.strip() + "\n", to=[user.email]
    )


def send_message(mail: EmailMessage) -> None:
    """Send through the configured mail backend, raising on failure."""
    outbox.send(mail)


def notify(deadline_id: int, stage: str, today: dt.date | None = None) -> str:
    """Mail ``stage`` of one deadline to each recipient not mailed yet (unless the stage
    is done or the deadline met); returns one of the ``OUTCOME_*`` values: ``sent`` (this
    run mailed someone), ``failed`` (a send failed: the next scan tries again),
    ``nobody``, or ``taken`` (nothing left for this run to do).

    Run outside a transaction: each claim is committed before its mail goes out, so that
    a second worker sees it."""
    today = today or timezone.localdate()
    stamp = STAMP[stage]
    deadline = (
        Deadline.objects.select_related("organization__town", "rule__kind")
        .filter(pk=deadline_id, met_on__isnull=True, **{f"{stamp}__isnull": True})
        .first()
    )
    if deadline is None:
        return OUTCOME_TAKEN  # done, met, or removed
    users = {user.pk: user for user in recipients(deadline, stage)}
    if not users:
        # Not stamped: the next scan looks again.
        logger.info("Deadline %s: nobody to mail for %s.", deadline_id, stage)
        return OUTCOME_NOBODY
    DeadlineNotice.objects.bulk_create(
        [DeadlineNotice(deadline=deadline, stage=stage, recipient_id=pk) for pk in users],
        ignore_conflicts=True,
    )
    unsent = DeadlineNotice.objects.filter(
        deadline=deadline, stage=stage, recipient_id__in=users, sent_at__isnull=True
    )
    sent = failed = 0
    for notice_id, user_id in unsent.order_by("pk").values_list("pk", "recipient_id"):
        token = outbox.claim(DeadlineNotice.objects.filter(sent_at__isnull=True), notice_id)
        if token is None:
            continue  # another worker holds it, or has sent it
        try:
            send_message(message(deadline, stage, users[user_id], today))
        except Exception as exc:
            logger.warning(
                "Deadline %s: %s not sent to user %s: %s", deadline_id, stage, user_id, exc
            )
            outbox.release(DeadlineNotice, notice_id, token, exc)
            failed += 1
            continue
        outbox.finish(DeadlineNotice, notice_id, token, sent_at=timezone.now(), error="")
        sent += 1
    if not unsent.exists():
        # Everyone's mail is out (whichever worker sent it): the stage is done.
        Deadline.objects.filter(pk=deadline_id, **{f"{stamp}__isnull": True}).update(
            **{stamp: timezone.now()}
        )
    if failed:
        return OUTCOME_FAILED
    return OUTCOME_SENT if sent else OUTCOME_TAKEN
