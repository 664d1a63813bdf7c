"""A large workbook is imported by the job worker: the upload is stored, the uploader
follows the job on its page, the outcome is the same all-or-nothing import as during a
request, and the stored file is removed when the job ends."""

from __future__ import annotations

import datetime as dt
import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pacesetter.imports.models import ImportJob, JobState
from pacesetter.imports.services import job_run
from pacesetter.scoring.models import Registration
from pacesetter.scoring.tests import test_excel
from pacesetter.scoring.tests.test_excel import download, errors_of, find_row, set_cell, upload

#: A campaign in registration with Cluster A's two units (test_excel's fixture).
registering = test_excel.registering


@pytest.fixture
def background(settings, tmp_path):
    """Every upload counts as large; uploads are stored under ``tmp_path``."""
    settings.IMPORT_BACKGROUND_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def targets_workbook(client, campaign, **cells):
    workbook = download(client, reverse("scoring:targets_template", args=[campaign.pk]))
    sheet = workbook["Targets"]
    for code, value in cells.items():
        set_cell(sheet, find_row(sheet, criterion_code=code), "target", value)
    return workbook


def test_a_large_workbook_waits_for_the_worker_then_is_imported(
    client,
    world,
    registering,
    background,
):
    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:targets_import", args=[registering.pk])
    response = upload(client, url, targets_workbook(client, registering, Q1=100, Q2=250))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    # Stored and waiting: nothing imported yet, the page reloads itself.
    assert job.state == JobState.WAITING and job.actor == world.users["unit_officer"]
    assert job.params == {"campaign": registering.pk} and job.back_url == url
    assert len(stored_files(background)) == 1
    assert not Registration.objects.filter(campaign=registering).exists()
    page = client.get(response["Location"])
    assert b'http-equiv="refresh"' in page.content
    assert "waits for the job worker" in page.content.decode()

    assert job_run(job.pk) == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.result == {"saved": 2, "unchanged": 0, "empty": 0} and job.errors == []
    assert job.rows_declared >= 3 and job.finished_at is not None
    targets = dict(
        Registration.objects.filter(campaign=registering).values_list("criterion__code", "target")
    )
    assert targets == {"Q1": 100, "Q2": 250}
    assert stored_files(background) == []  # the upload is removed once imported
    page = client.get(reverse("imports:detail", args=[job.pk]))
    text = page.content.decode()
    assert "2 rows saved." in text and 'http-equiv="refresh"' not in text
    # A second run of the same task (a second worker) finds nothing to do.
    assert job_run(job.pk) == "skipped"


def test_a_background_import_with_an_error_saves_nothing_and_lists_it(
    client,
    world,
    registering,
    background,
):
    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:targets_import", args=[registering.pk])
    upload(client, url, targets_workbook(client, registering, Q1=100, Q2="twelve"))
    job = ImportJob.objects.get()
    assert job_run(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.errors == ["Sheet “Targets”, row 3, column E (target): enter a number."]
    assert not Registration.objects.filter(campaign=registering).exists()
    assert stored_files(background) == []
    page = client.get(reverse("imports:detail", args=[job.pk]))
    assert errors_of(page) == job.errors
    assert "Nothing was saved" in page.content.decode()


def test_the_job_speaks_the_uploaders_language(
    client,
    world,
    registering,
    background,
    settings,
):
    client.force_login(world.users["unit_officer"])
    workbook = targets_workbook(client, registering, Q1="twelve")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    job = ImportJob.objects.get()
    assert job.language == "vi"
    job_run(job.pk)  # the worker runs in English
    job.refresh_from_db()
    assert job.errors and job.errors[0].endswith("nhập một số.")


def test_progress_is_recorded_while_reading(
    client,
    world,
    registering,
    background,
    monkeypatch,
):
    from pacesetter.core import spreadsheets

    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 1)
    seen: list[tuple[str, int]] = []
    real = spreadsheets._report

    def spy(phase, rows, declared):
        real(phase, rows, declared)
        job = ImportJob.objects.get()
        seen.append((job.state, job.rows_read))

    monkeypatch.setattr(spreadsheets, "_report", spy)
    client.force_login(world.users["unit_officer"])
    upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=1),
    )
    job_run(ImportJob.objects.get().pk)
    assert (JobState.READING, 2) in seen and (JobState.READING, 3) in seen
    assert seen[-1][0] == JobState.SAVING


def test_only_the_uploader_sees_a_job(client, world, registering, background):
    client.force_login(world.users["unit_officer"])
    upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=1),
    )
    job = ImportJob.objects.get()
    listing = client.get(reverse("imports:list"))
    assert job.title in listing.content.decode()
    client.force_login(world.users["committee_staff"])
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404
    listing = client.get(reverse("imports:list"))
    assert "You have no background imports." in listing.content.decode()


def test_a_job_no_worker_took_is_reported_stalled(
    client,
    world,
    registering,
    background,
    settings,
):
    client.force_login(world.users["unit_officer"])
    upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=1),
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT + 1)
    )
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "has not finished in the time it should take" in page
    assert 'http-equiv="refresh"' not in page


def test_a_small_workbook_is_still_imported_during_the_request(
    client,
    world,
    registering,
    settings,
):
    client.force_login(world.users["unit_officer"])
    response = upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=1),
    )
    assert response.status_code == 200 and response.context["result"].saved == 1
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_job_worker_runs_the_enqueued_import(
    client,
    world,
    registering,
    background,
):
    client.force_login(world.users["unit_officer"])
    upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=100),
    )
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert not DBTaskResult.objects.failed().exists()
    assert ImportJob.objects.get().state == JobState.SUCCEEDED
    assert Registration.objects.get(campaign=registering, criterion__code="Q1").target == 100


def test_a_full_disk_refuses_the_upload_on_its_field_and_makes_no_job(
    client, world, registering, background, monkeypatch
):
    from pacesetter.testing.disk import FullDisk

    client.force_login(world.users["unit_officer"])
    workbook = targets_workbook(client, registering, Q1=1)
    FullDisk(monkeypatch, room=100)
    response = upload(client, reverse("scoring:targets_import", args=[registering.pk]), workbook)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The server has no room left to store this file; nothing was saved. "
        "Try again later or tell the administrator."
    ]
    assert not ImportJob.objects.exists() and stored_files(background) == []


def test_a_job_reported_stalled_is_never_started_late(
    client, world, registering, background, settings
):
    client.force_login(world.users["unit_officer"])
    upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=1),
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT + 1)
    )
    assert job_run(job.pk) == "skipped"
    assert not Registration.objects.filter(campaign=registering).exists()


def test_a_job_left_saving_runs_again_only_as_a_retry_after_its_worker_died(
    client, world, registering, background
):
    """A job a dead worker left saving (its transaction died with it: nothing saved) is
    taken again by the retry ``core.workers`` queues, and imported whole; any other
    second run of its task does nothing (core/tests/test_worker_faults.py kills a real
    worker)."""
    client.force_login(world.users["unit_officer"])
    upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=7),
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.SAVING, rows_read=3)
    assert job_run(job.pk) == "skipped"
    assert job_run(job.pk, retry=True) == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.result["saved"] == 1
    assert Registration.objects.get(campaign=registering, criterion__code="Q1").target == 7
    assert job_run(job.pk, retry=True) == "skipped"  # finished: never imported twice


def test_a_file_over_the_size_limit_is_refused_in_the_request_not_stored(
    client, world, registering, background, settings
):
    settings.SPREADSHEET_MAX_BYTES = 1000
    client.force_login(world.users["unit_officer"])
    response = upload(
        client,
        reverse("scoring:targets_import", args=[registering.pk]),
        targets_workbook(client, registering, Q1=1),
    )
    assert response.status_code == 200 and "the limit is" in str(response.context["form"].errors)
    assert not ImportJob.objects.exists() and stored_files(background) == []


def test_the_sweep_fails_stalled_jobs_and_removes_their_files(
    client, world, registering, background, settings
):
    """A job no worker can claim any more, and one whose worker was stopped mid-way, are
    failed with a sentence in the uploader's language and their files deleted; a job
    still in time, or one a worker is reading within its time, is left alone."""
    from pacesetter.imports.services import jobs_sweep

    client.force_login(world.users["unit_officer"])
    url = reverse("scoring:targets_import", args=[registering.pk])
    for _ in range(4):
        upload(client, url, targets_workbook(client, registering, Q1=1))
    waiting_late, reading_late, reading_in_time, fresh = ImportJob.objects.order_by("pk")
    timeout = dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT)
    now = timezone.now()
    ImportJob.objects.filter(pk=waiting_late.pk).update(created_at=now - timeout - timeout / 10)
    ImportJob.objects.filter(pk=reading_late.pk).update(
        state=JobState.READING, created_at=now - 2 * timeout - timeout / 10, language="vi"
    )
    ImportJob.objects.filter(pk=reading_in_time.pk).update(
        state=JobState.READING, created_at=now - timeout - timeout / 10
    )
    assert len(stored_files(background)) == 4

    call_command("imports_sweep", verbosity=0)

    jobs = {job.pk: job for job in ImportJob.objects.all()}
    assert jobs[waiting_late.pk].state == jobs[reading_late.pk].state == JobState.FAILED
    assert jobs[waiting_late.pk].errors == [
        "No job worker finished this import in time; nothing was saved. Upload the file again."
    ]
    assert "Upload the file again" not in jobs[reading_late.pk].errors[0]  # in Vietnamese
    assert jobs[reading_in_time.pk].state == JobState.READING
    assert jobs[fresh.pk].state == JobState.WAITING
    assert sorted(p.name for p in stored_files(background)) == sorted(
        jobs[pk].upload.name.rsplit("/", 1)[-1] for pk in (reading_in_time.pk, fresh.pk)
    )
    assert jobs_sweep() == 0  # nothing left to sweep
