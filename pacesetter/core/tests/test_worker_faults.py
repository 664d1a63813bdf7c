"""The job worker killed in the middle of its work: a real ``db_worker`` process over the
test database, stopped at a chosen point (``testing.worker.StopAt``) and killed with
SIGKILL, then a new worker (docs/security.md, "Faults": "A worker killed mid-job").

The processes need the test database on disk, which the suite's SQLite database is not
(it lives in memory): those tests run on PostgreSQL only, as the restart test does. The
recovery itself (``core.workers``) is tested on both databases below them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.core import outbox, workers
from pacesetter.coverage.models import DeadlineNotice
from pacesetter.testing.smtp import LocalSMTPServer
from pacesetter.testing.worker import StopAt, WorkerProcess
from pacesetter.workplans import services as workplan_services
from pacesetter.workplans import tasks as workplan_tasks
from pacesetter.workplans.models import Reminder

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2021, 9, 10)


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs the test database on a server (postgres)")


@pytest.fixture
def smtp() -> Iterator[LocalSMTPServer]:
    with LocalSMTPServer() as server:
        yield server


@pytest.fixture
def start_worker(tmp_path, smtp) -> Iterator[Any]:
    """Starts ``db_worker --batch`` processes over the test database, mailing to ``smtp``;
    every one is killed at the end if it is still running."""
    started: list[WorkerProcess] = []

    def start(stop_at: StopAt | None = None, **overrides: Any) -> WorkerProcess:
        worker = WorkerProcess(
            tmp_path,
            connection.settings_dict,
            timezone.now(),
            stop_at=stop_at,
            overrides={
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": smtp.host,
                "EMAIL_PORT": smtp.port,
                **overrides,
            },
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()


def ten_minutes_pass(model: Any) -> None:
    """The claims a dead worker left expire (``outbox.claim_timeout``)."""
    model.objects.filter(sent_at__isnull=True, claimed_at__isnull=False).update(
        claimed_at=F("claimed_at") - outbox.claim_timeout()
    )


def assert_no_job_left_running_or_failed() -> None:
    left = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exclude(
        status=TaskResultStatus.READY,
        run_after__gt=timezone.now(),  # the next scans
    )
    assert list(left.values_list("task_path", "status", "traceback")) == []


@pytest.fixture
def due_soon(world) -> list[str]:
    """Five tasks due in three days, each led by a person with an address: five
    reminders to mail on TODAY. Answers the addresses."""
    staff = world.users["committee_staff"]
    plan = workplan_services.plan_create(
        actor=staff,
        body=world.council,
        name="Key work 2021",
        kind="year",
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
        remind_days_before=7,
        escalate_after_days=7,
    )
    addresses = []
    for n in range(5):
        lead = UserFactory(username=f"lead{n}", email=f"lead{n}@example.org")
        workplan_services.task_create(
            actor=staff,
            plan=plan,
            title=f"Task {n}",
            lead_unit=world.child,  # no officers: the lead person alone is mailed
            lead_person=lead,
            start=dt.date(2021, 3, 1),
            due=TODAY + dt.timedelta(days=3),
        )
        addresses.append(lead.email)
    return addresses


def test_a_worker_killed_mid_reminder_scan_and_mid_mail_loses_and_doubles_nothing(
    postgres_only, start_worker, smtp, due_soon
):
    workplan_tasks.reminders_scan.enqueue(today=TODAY.isoformat())

    # Killed inside the scan's transaction: the rows are written, not committed.
    first = start_worker(StopAt("pacesetter.workplans.reminders.scan", after=True))
    first.wait_stopped()
    first.kill()
    assert not Reminder.objects.exists()
    assert smtp.messages == []

    # The next worker runs the dead scan again (nothing else would: the scan schedules
    # its successor when it ends), and is killed while sending the third mail.
    second = start_worker(StopAt("pacesetter.workplans.reminders.send_message", call=3))
    second.wait_stopped()
    second.kill()
    assert Reminder.objects.count() == 5
    assert len(smtp.messages) == 2

    # Once the dead worker's claim on the third has expired, a third worker sends the
    # rest: the third mail again (its delivery was cut off), the fourth and fifth.
    ten_minutes_pass(Reminder)
    third = start_worker()
    third.wait()
    assert sorted(m.recipients[0] for m in smtp.messages) == sorted(due_soon)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert_no_job_left_running_or_failed()
    assert "died while running it; queued again" in third.output()


@pytest.fixture
def deadline_due(world) -> list[str]:
    """An organization of the own unit whose deadline (build within 90 days) falls in ten
    days, and three officers of the unit with addresses: three reminders in one job.
    Answers their addresses."""
    from pacesetter.coverage.defaults import ensure_kinds
    from pacesetter.coverage.tests.factories import organization
    from pacesetter.coverage.tests.test_rules import make_rule

    ensure_kinds()  # seeded by a migration, which a transactional test's flush empties
    make_rule("dual", "build_within_days", {"days": 90, "min_full_members": 1})
    officers = [world.users["unit_officer"]]
    officers += [UserFactory(username=f"officer{n}") for n in range(2)]
    for n, officer in enumerate(officers):
        officer.email = f"officer{n}@example.org"
        officer.save()
        if n:
            role_grant(actor=None, user=officer, role=Role.UNIT_OFFICER, unit=world.own)
    organization(
        world.own,
        registered_on=timezone.localdate() - dt.timedelta(days=80),
        party_members_full=1,
    )
    return [officer.email for officer in officers]


def test_a_worker_killed_mid_deadline_notice_mails_each_officer_once(
    postgres_only, start_worker, smtp, deadline_due
):
    from pacesetter.coverage import tasks as coverage_tasks

    coverage_tasks.deadlines_scan.enqueue(today=timezone.localdate().isoformat())
    first = start_worker(StopAt("pacesetter.coverage.deadlines.scan", after=True))
    first.wait_stopped()
    first.kill()
    second = start_worker(StopAt("pacesetter.coverage.deadlines.send_message", call=2))
    second.wait_stopped()
    second.kill()
    assert len(smtp.messages) == 1  # the first officer's; the second's was cut off
    ten_minutes_pass(DeadlineNotice)
    third = start_worker()
    third.wait()
    assert sorted(m.recipients[0] for m in smtp.messages) == sorted(deadline_due)
    assert not DeadlineNotice.objects.filter(sent_at__isnull=True).exists()
    assert_no_job_left_running_or_failed()


@pytest.fixture
def registering(world):
    from pacesetter.scoring.tests.test_excel import registering as campaign_in_registration

    return campaign_in_registration.__wrapped__(world)


def test_a_worker_killed_mid_import_saves_nothing_and_the_retry_saves_each_row_once(
    postgres_only, client, settings, tmp_path, world, registering, start_worker
):
    from django.urls import reverse

    from pacesetter.audit.models import AuditEntry
    from pacesetter.imports.models import ImportJob, JobState
    from pacesetter.scoring.models import Registration
    from pacesetter.scoring.tests.test_excel import download, find_row, set_cell, upload

    settings.IMPORT_BACKGROUND_ROWS = 1  # every upload goes to the worker
    settings.MEDIA_ROOT = media = tmp_path / "media"
    client.force_login(world.users["unit_officer"])
    workbook = download(client, reverse("scoring:targets_template", args=[registering.pk]))
    sheet = workbook["Targets"]
    targets = {"Q1": 100, "Q2": 250}
    for code, value in targets.items():
        set_cell(sheet, find_row(sheet, criterion_code=code), "target", value)
    upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    job = ImportJob.objects.get()
    audited = AuditEntry.objects.count()

    # Killed with both rows written in the import's transaction, before its commit.
    first = start_worker(
        StopAt("pacesetter.scoring.services.registration_set", call=2, after=True),
        MEDIA_ROOT=str(media),
    )
    first.wait_stopped()
    first.kill()
    job.refresh_from_db()
    assert job.state == JobState.SAVING
    assert not Registration.objects.filter(campaign=registering).exists()
    assert AuditEntry.objects.count() == audited

    # The next worker retries the job at once, from the start.
    second = start_worker(MEDIA_ROOT=str(media))
    second.wait()
    job.refresh_from_db()
    assert (job.state, job.errors) == (JobState.SUCCEEDED, [])
    assert job.result == {"saved": 2, "unchanged": 0, "empty": 0}
    saved = Registration.objects.filter(campaign=registering)
    assert sorted(saved.values_list("criterion__code", "target")) == [
        ("Q1", 100),
        ("Q2", 250),
    ]
    assert AuditEntry.objects.count() == audited + 2  # one entry a row, once
    assert [p for p in media.rglob("*") if p.is_file()] == []  # the stored upload removed
    assert_no_job_left_running_or_failed()
    assert_audit_chain_verifies()


def assert_audit_chain_verifies() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("audit_verify", stdout=out)  # a broken chain raises CommandError
    assert "Audit chain intact" in out.getvalue()


# --- the recovery, on SQLite and PostgreSQL ---------------------------------------------


def running_job(*worker_ids: str) -> DBTaskResult:
    result = workplan_tasks.reminders_scan.enqueue(today=TODAY.isoformat())
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=list(worker_ids), started_at=timezone.now()
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_the_job_of_a_dead_worker_is_queued_again_and_a_live_ones_is_left_alone(tmp_path):
    dead = running_job("gone-worker")
    live = running_job("live-worker")
    held, release = threading.Event(), threading.Event()

    def live_worker() -> None:
        with workers.alive("live-worker"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=live_worker)
    thread.start()
    try:
        assert held.wait(10)
        assert workers.recover(me="me") == [str(dead.pk)]
    finally:
        release.set()
        thread.join(10)
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    assert live.status == TaskResultStatus.RUNNING
    # Once the live worker has ended without finishing its job, its job is taken too.
    assert workers.recover(me="me") == [str(live.pk)]


def test_a_job_whose_worker_died_three_times_is_failed_not_run_again():
    job = running_job("w1", "w2", "w3")
    assert workers.recover() == [str(job.pk)]
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert "died 3 times" in job.traceback


def test_a_worker_started_takes_the_dead_scan_up_again(smtp, settings, due_soon):
    """In this process (SQLite too): a scan left RUNNING by a dead worker is run by the
    next worker, and its mails sent once."""
    import signal

    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port
    running_job("killed-worker")
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert sorted(m.recipients[0] for m in smtp.messages) == sorted(due_soon)
    assert_no_job_left_running_or_failed()


def test_a_job_left_by_an_earlier_life_of_the_same_worker_id_is_queued_again():
    """A worker started again with the same ``--worker-id`` holds the same lock: its own
    id alone does not make a job look alive."""
    job = running_job("host-1")
    with workers.alive("host-1"):
        assert workers.recover(me="host-1") == [str(job.pk)]


def test_a_worker_takes_its_lock_again_when_the_database_cut_its_connection(
    postgres_only,
):
    with workers.alive("cut-worker") as liveness:
        liveness.wrapper.connection.close()  # as a server restart ends the session
        assert not workers.is_alive("cut-worker")
        liveness.ensure()
        assert workers.is_alive("cut-worker")
    assert not workers.is_alive("cut-worker")
