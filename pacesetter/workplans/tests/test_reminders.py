"""Reminders and escalations: the real job worker, a real SMTP server, exactly once.

The worker runs in this process (``db_worker --batch``), so it sees the test database;
the tests are transactional because the worker commits and closes connections as it
would in production.
"""

import datetime as dt
import logging
import signal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.core import outbox
from pacesetter.testing.smtp import LocalSMTPServer
from pacesetter.workplans import reminders, services, tasks
from pacesetter.workplans.models import Reminder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock]

TODAY = dt.date(2021, 9, 10)
SITE = "https://pacesetter.example"


def days(n):
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def smtp(settings):
    with LocalSMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.SITE_URL = SITE + "/"
        yield server


def run_worker():
    """One ``db_worker --batch`` run: everything due, then exit. The worker installs
    its own signal handlers; the test process gets its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    failed = DBTaskResult.objects.failed().values_list("traceback", flat=True)
    assert not failed, "\n".join(failed)


def scan_and_work(today=TODAY):
    tasks.reminders_scan.enqueue(today=today.isoformat())
    run_worker()


@pytest.fixture
def people(world):
    users = world.users
    for key in ("committee_staff", "unit_officer", "viewer"):
        users[key].email = f"{users[key].username}@example.org"
        users[key].save()
    extra = {
        "lead_person": UserFactory(username="lead.person", email="lead.person@example.org"),
        "child_officer": UserFactory(username="officer.child", email="officer.child@example.org"),
        "own_staff": UserFactory(username="staff.own", email="staff.own@example.org"),
        "sibling_officer": UserFactory(username="officer.sibling", email=""),
    }
    role_grant(actor=None, user=extra["child_officer"], role=Role.UNIT_OFFICER, unit=world.child)
    role_grant(actor=None, user=extra["own_staff"], role=Role.COMMITTEE_STAFF, unit=world.own)
    role_grant(
        actor=None, user=extra["sibling_officer"], role=Role.UNIT_OFFICER, unit=world.sibling
    )
    return {**users, **extra}


@pytest.fixture
def plans(world, people):
    staff = people["committee_staff"]

    def plan(name, **options):
        return services.plan_create(
            actor=staff,
            body=world.council,
            name=name,
            kind="year",
            period_start=dt.date(2021, 1, 1),
            period_end=dt.date(2021, 12, 31),
            **options,
        )

    return plan("Key work 2021", remind_days_before=7, escalate_after_days=7), plan(
        "Standardization 2021", remind_days_before=14, escalate_after_days=30
    )


@pytest.fixture
def work(world, people, plans):
    """Key tasks around TODAY (due dates relative to it)."""
    staff = people["committee_staff"]
    plan, long_notice = plans

    def task(title, unit, due, task_plan=plan, **extra):
        return services.task_create(
            actor=staff,
            plan=task_plan,
            title=title,
            lead_unit=unit,
            start=dt.date(2021, 3, 1),
            due=due,
            **extra,
        )

    made = {
        "soon": task("Optics fair", world.own, days(3), lead_person=people["lead_person"]),
        "today": task("Skills competition", world.child, TODAY),
        "far": task("Teachers' course", world.own, days(10)),
        "long_notice": task("Technical committee", world.own, days(10), task_plan=long_notice),
        "done": task("Charity day", world.own, days(2)),
        "late_child": task("Cluster re-evaluation", world.child, days(-10)),
        "late_own": task("Upgrade enterprises", world.own, days(-7)),
        "late_other": task("Optometry forum", world.other, days(-8)),
        "just_late": task("Summer course", world.own, days(-3)),
        "no_address": task("Party-building survey", world.sibling, days(1)),
        "late_long_notice": task("Standards draft", world.own, days(-20), task_plan=long_notice),
    }
    services.task_report(actor=staff, task=made["done"], done_on=days(-1))
    return made


def mails_by(server):
    return sorted((m.recipients[0], m.subject) for m in server.messages)


EXPECTED = [
    # Due soon: the lead person and the lead unit's officers.
    ("lead.person@example.org", "Reminder: “Optics fair” is due in 3 days"),
    ("officer@example.org", "Reminder: “Optics fair” is due in 3 days"),
    ("officer.child@example.org", "Reminder: “Skills competition” is due today"),
    # A plan that reminds 14 days ahead.
    ("officer@example.org", "Reminder: “Technical committee” is due in 10 days"),
    # Escalated: the staff of the nearest proper ancestor that has staff.
    ("staff.own@example.org", "Overdue by 10 days: “Cluster re-evaluation” (Child unit)"),
    ("staff@example.org", "Overdue by 7 days: “Upgrade enterprises” (Own unit)"),
    # No staff above the lead unit (another tree): the staff over the body's unit.
    ("staff@example.org", "Overdue by 8 days: “Optometry forum” (Other unit)"),
]


def test_the_worker_mails_each_reminder_and_escalation_once(smtp, work, caplog):
    caplog.set_level(logging.WARNING, logger="pacesetter.workplans.reminders")
    scan_and_work()
    run_worker()  # nothing left to do
    scan_and_work()  # the next scan finds everything sent
    run_worker()

    assert mails_by(smtp) == sorted(EXPECTED)
    assert Reminder.objects.count() == len(EXPECTED)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    # Far-off, done, not yet escalated tasks get nothing; neither do viewers, staff of
    # the lead unit itself (for a reminder) or the officers of a late task's unit.
    nobody = {"viewer@example.org", "officer.sibling@example.org"}
    assert not nobody & {m.recipients[0] for m in smtp.messages}
    assert [m.subject for m in smtp.to("officer.child@example.org")] == [
        "Reminder: “Skills competition” is due today"
    ]
    # The officer of the sibling unit has no address: skipped, and said so in the log.
    skipped = [r.getMessage() for r in caplog.records if "without an e-mail" in r.getMessage()]
    assert (
        skipped
        == ["Reminders not mailed to users without an e-mail address: officer.sibling (1)."] * 2
    )  # once per scan


def test_the_mail_says_what_is_due_and_links_to_the_task(smtp, work):
    scan_and_work()

    (reminder,) = smtp.to("lead.person@example.org")
    task = work["soon"]
    assert reminder.sender == "pacesetter@localhost"
    assert "Hello lead.person," in reminder.body
    assert "due in 3 days" in reminder.body
    assert "Work plan: Key work 2021" in reminder.body
    assert "Lead unit: Own unit" in reminder.body
    assert "Due: 13 September 2021" in reminder.body
    assert SITE + reverse("workplans:task_detail", args=[task.pk]) in reminder.body

    (escalation,) = smtp.to("staff.own@example.org")
    late = work["late_child"]
    assert "10 days past its due date" in escalation.body
    assert SITE + reverse("workplans:task_detail", args=[late.pk]) in escalation.body


def test_a_new_due_date_brings_a_new_reminder(smtp, people, work):
    scan_and_work()
    task = work["soon"]
    services.task_update(actor=people["committee_staff"], task=task, due=days(5))
    scan_and_work()
    scan_and_work()

    subjects = [m.subject for m in smtp.to("lead.person@example.org")]
    assert subjects == [
        "Reminder: “Optics fair” is due in 3 days",
        "Reminder: “Optics fair” is due in 5 days",
    ]
    assert set(task.reminders.values_list("due", flat=True)) == {days(3), days(5)}


def test_concurrent_delivery_of_one_reminder_sends_it_once(smtp, work, monkeypatch):
    waiting = reminders.scan(TODAY)
    (reminder_id,) = Reminder.objects.filter(
        pk__in=waiting, recipient__username="lead.person"
    ).values_list("pk", flat=True)
    send = reminders.send_message
    while_sending = []

    def second_worker_meanwhile(message):
        # Another worker delivers the same reminder while this one is mid-send.
        while_sending.append(reminders.deliver(reminder_id, TODAY))
        send(message)

    monkeypatch.setattr(reminders, "send_message", second_worker_meanwhile)
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_SENT
    assert while_sending == [reminders.OUTCOME_TAKEN]
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_TAKEN
    assert len(smtp.to("lead.person@example.org")) == 1


def lead_person_reminder(waiting):
    (reminder_id,) = Reminder.objects.filter(
        pk__in=waiting, recipient__username="lead.person"
    ).values_list("pk", flat=True)
    return reminder_id


def test_a_send_that_raises_after_the_claim_releases_it_and_the_next_run_sends_once(
    smtp, work, monkeypatch
):
    reminder_id = lead_person_reminder(reminders.scan(TODAY))
    send = reminders.send_message
    failures = [TimeoutError("timed out")]

    def times_out_once(message):
        if failures:
            raise failures.pop()
        send(message)

    monkeypatch.setattr(reminders, "send_message", times_out_once)
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_FAILED
    row = Reminder.objects.get(pk=reminder_id)
    assert (row.sent_at, row.claimed_at, row.claim_token) == (None, None, "")
    assert row.error == "TimeoutError: timed out"

    assert reminder_id in reminders.scan(TODAY)
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_SENT
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_TAKEN
    assert reminder_id not in reminders.scan(TODAY)
    assert len(smtp.to("lead.person@example.org")) == 1


def expire_claim(reminder_id):
    """The claim looks as old as one left by a dead worker."""
    old = timezone.now() - outbox.claim_timeout() - dt.timedelta(seconds=1)
    Reminder.objects.filter(pk=reminder_id).update(claimed_at=old)


def test_a_send_that_outlives_its_claim_does_not_overwrite_the_new_claimer(
    smtp, work, monkeypatch, caplog
):
    reminder_id = lead_person_reminder(reminders.scan(TODAY))
    send = reminders.send_message
    calls, meanwhile = [], []

    def outlives_its_claim(message):
        calls.append(message)
        if len(calls) == 1:  # the first worker hangs past its claim; a second takes over
            expire_claim(reminder_id)
            meanwhile.append(reminders.deliver(reminder_id, TODAY))
            meanwhile.append(Reminder.objects.get(pk=reminder_id).sent_at)
        send(message)

    monkeypatch.setattr(reminders, "send_message", outlives_its_claim)
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_SENT
    second, sent_by_second = meanwhile
    assert second == reminders.OUTCOME_SENT
    # The second worker's record stands; the first one's late finish is only logged.
    assert Reminder.objects.get(pk=reminder_id).sent_at == sent_by_second
    assert any("another worker took it over" in r.getMessage() for r in caplog.records)
    # Both had passed their claims: at the SMTP boundary this one mail went twice
    # (docs/workplans.md says so); nothing more goes out.
    scan_and_work()
    assert len(smtp.to("lead.person@example.org")) == 2


def test_a_mail_sent_after_its_claim_was_taken_over_is_recorded_if_the_new_claimer_failed(
    smtp, work, monkeypatch
):
    reminder_id = lead_person_reminder(reminders.scan(TODAY))
    send = reminders.send_message
    calls, meanwhile = [], []

    def outlives_its_claim(message):
        calls.append(message)
        if len(calls) == 1:  # a second worker takes over and its send is refused
            expire_claim(reminder_id)
            smtp.refuse = True
            meanwhile.append(reminders.deliver(reminder_id, TODAY))
            smtp.refuse = False
        send(message)

    monkeypatch.setattr(reminders, "send_message", outlives_its_claim)
    assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_SENT
    assert meanwhile == [reminders.OUTCOME_FAILED]
    assert Reminder.objects.get(pk=reminder_id).sent_at is not None
    scan_and_work()  # the row is sent: the next scan sends it no more
    assert len(smtp.to("lead.person@example.org")) == 1


def test_duplicate_delivery_jobs_send_once(smtp, work):
    waiting = reminders.scan(TODAY)
    for reminder_id in waiting * 2:
        tasks.reminder_deliver.enqueue(reminder_id, today=TODAY.isoformat())
    run_worker()
    assert mails_by(smtp) == sorted(EXPECTED)


def test_a_refused_mail_is_kept_with_its_error_and_retried_by_the_next_scan(smtp, work):
    smtp.refuse = True
    scan_and_work()
    assert smtp.messages == []
    failed = Reminder.objects.all()
    assert failed.count() == len(EXPECTED)
    assert all(r.sent_at is None and r.claimed_at is None for r in failed)
    assert all("Try again later" in r.error for r in failed)

    smtp.refuse = False
    scan_and_work()
    assert mails_by(smtp) == sorted(EXPECTED)
    assert not Reminder.objects.exclude(error="").exists()


def test_a_reminder_that_no_longer_applies_is_dropped_unsent(smtp, people, work):
    waiting = reminders.scan(TODAY)
    task = work["soon"]
    services.task_report(actor=people["committee_staff"], task=task, progress=100)
    for reminder_id in task.reminders.values_list("pk", flat=True):
        assert reminders.deliver(reminder_id, TODAY) == reminders.OUTCOME_DROPPED
    assert not task.reminders.exists()
    assert smtp.to("lead.person@example.org") == []
    # Nothing new for a done task at the next scan either.
    scan_and_work()
    assert smtp.to("lead.person@example.org") == []
    assert len(waiting) == len(EXPECTED)


def test_a_claim_left_by_a_dead_worker_is_taken_over(smtp, work):
    waiting = reminders.scan(TODAY)
    stale = dt.datetime(2021, 9, 10, 8, 0, tzinfo=dt.UTC)
    Reminder.objects.filter(pk__in=waiting).update(claimed_at=stale)
    scan_and_work()
    assert mails_by(smtp) == sorted(EXPECTED)


def test_the_scan_keeps_one_successor_waiting(smtp, capsys):
    call_command("schedule_reminders")
    call_command("schedule_reminders")
    assert "already waiting" in capsys.readouterr().out
    ready = DBTaskResult.objects.filter(
        task_path=tasks.reminders_scan.module_path, status=TaskResultStatus.READY
    )
    assert ready.count() == 1
    tasks.reminders_scan.enqueue(today=TODAY.isoformat())
    run_worker()  # runs both waiting scans; each leaves at most one successor
    (successor,) = ready
    assert successor.run_after > timezone.now()
    assert (successor.run_after.minute, successor.run_after.second) == (0, 0)
    assert (
        DBTaskResult.objects.filter(
            task_path=tasks.reminders_scan.module_path, status=TaskResultStatus.SUCCESSFUL
        ).count()
        == 2
    )


def reads(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]


def test_the_scan_reads_in_a_fixed_number_of_queries(world, people, plans, work):
    # The plans' numbers of days, tasks due soon, tasks overdue, officers, staff, users,
    # rows to send: seven reads however many tasks there are.
    with CaptureQueriesContext(connection) as queries:
        assert len(reminders.scan(TODAY)) == len(EXPECTED)
    assert len(reads(queries)) == 7
    plan, _long_notice = plans
    for n in range(20):
        services.task_create(
            actor=people["committee_staff"],
            plan=plan,
            title=f"More work {n}",
            lead_unit=(world.own, world.child, world.other)[n % 3],
            lead_person=people["lead_person"],
            start=dt.date(2021, 3, 1),
            due=days(n - 10),
        )
    with CaptureQueriesContext(connection) as queries:
        more = reminders.scan(TODAY)
    assert len(reads(queries)) == 7
    assert len(more) > len(EXPECTED) + 10


def test_escalation_passes_over_deactivated_staff(smtp, people, work):
    people["own_staff"].is_active = False
    people["own_staff"].save()
    scan_and_work()
    assert smtp.to("staff.own@example.org") == []
    assert "Overdue by 10 days: “Cluster re-evaluation” (Child unit)" in [
        m.subject for m in smtp.to("staff@example.org")
    ]


def test_the_mail_is_written_in_the_sites_language_by_default(smtp, settings, work):
    # An account that chose no language is written to in the site's. (Django's
    # Vietnamese date format shows the switch.)
    settings.LANGUAGE_CODE = "vi"
    scan_and_work()
    (reminder,) = smtp.to("lead.person@example.org")
    assert "13 tháng 9 năm 2021" in reminder.body


def test_the_mail_is_written_in_the_language_of_the_recipients_profile(smtp, people, work):
    people["lead_person"].language = "vi"
    people["lead_person"].save()
    scan_and_work()
    (reminder,) = smtp.to("lead.person@example.org")
    assert "13 tháng 9 năm 2021" in reminder.body
    (other,) = smtp.to("officer.child@example.org")  # chose no language: the site's
    assert "Reminder:" in other.subject


def test_a_kind_of_mail_turned_off_in_the_profile_is_not_sent(smtp, people, work):
    people["lead_person"].mail_reminders = False
    people["lead_person"].save()
    people["own_staff"].mail_escalations = False
    people["own_staff"].save()
    scan_and_work()
    assert smtp.to("lead.person@example.org") == []
    assert smtp.to("staff.own@example.org") == []
    assert smtp.to("officer.child@example.org")  # others still get theirs


def test_a_mail_turned_off_after_the_scan_is_dropped_unsent(smtp, people, work):
    ids = reminders.scan(TODAY)
    people["lead_person"].mail_reminders = False
    people["lead_person"].save()
    outcomes = {
        pk: reminders.deliver(pk, TODAY)
        for pk in ids
        if Reminder.objects.get(pk=pk).recipient_id == people["lead_person"].pk
    }
    assert set(outcomes.values()) == {reminders.OUTCOME_DROPPED}
    assert smtp.to("lead.person@example.org") == []


def test_escalation_passes_over_staff_without_an_address(smtp, people, work):
    # The own unit's only staff has no address: the escalation of the child unit's task
    # goes on up to the staff over the province, who can be mailed.
    people["own_staff"].email = ""
    people["own_staff"].save()
    scan_and_work()
    assert "Overdue by 10 days: “Cluster re-evaluation” (Child unit)" in [
        m.subject for m in smtp.to("staff@example.org")
    ]
    assert not Reminder.objects.filter(recipient=people["own_staff"]).exists()


def test_a_scan_left_running_by_a_dead_worker_does_not_stop_the_chain(smtp, capsys):
    # A worker died mid-scan two hours ago: its job stays RUNNING and never schedules a
    # successor. Only a waiting scan counts, so the command starts a new chain ...
    tasks.reminders_scan.enqueue(today=TODAY.isoformat())
    DBTaskResult.objects.filter(task_path=tasks.reminders_scan.module_path).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert not tasks.scan_waiting()
    call_command("schedule_reminders")
    assert "Reminder scan enqueued" in capsys.readouterr().out
    # ... and the scan it starts leaves its successor waiting.
    run_worker()
    scans = DBTaskResult.objects.filter(task_path=tasks.reminders_scan.module_path)
    assert scans.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    assert scans.filter(status=TaskResultStatus.READY).count() == 1
    assert tasks.scan_waiting()


def test_the_plans_numbers_of_days_are_read_without_ordering(world, plans):
    # Meta.ordering (period start, name) inside SELECT DISTINCT would return one row per
    # plan instead of one per distinct pair of numbers.
    with CaptureQueriesContext(connection) as queries:
        reminders._windows(TODAY)
    (sql,) = reads(queries)
    assert "DISTINCT" in sql and "ORDER BY" not in sql
