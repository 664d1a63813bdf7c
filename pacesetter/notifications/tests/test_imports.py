"""A background import that finishes tells its uploader, in the bell."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.core.spreadsheets import CellError, ImportFailed
from pacesetter.imports import registry
from pacesetter.imports.models import ImportJob, JobState
from pacesetter.imports.services import job_run, jobs_sweep
from pacesetter.notifications import kinds
from pacesetter.notifications.models import Notification

pytestmark = pytest.mark.django_db


@dataclasses.dataclass
class Counted:
    saved: int


def _import(actor: Any, params: dict[str, Any], file: Any) -> Counted:
    if params.get("fail"):
        raise ImportFailed([CellError("Sheet1", "The file is wrong.")])
    return Counted(saved=3)


@pytest.fixture
def importer(settings: Any, tmp_path: Any) -> Iterator[str]:
    settings.MEDIA_ROOT = tmp_path
    registry.register("tests.counted", _import)
    yield "tests.counted"
    registry._entries.pop("tests.counted", None)


def _job(uploader: Any, kind: str, **params: Any) -> ImportJob:
    job = ImportJob(
        kind=kind,
        params=params,
        title="Targets 2026",
        back_url="/",
        actor=uploader,
        language="en",
        filename="targets.xlsx",
        created_at=timezone.now(),
    )
    job.upload.save("targets.xlsx", ContentFile(b"x"), save=False)
    job.save()
    return job


def test_a_finished_import_reaches_its_uploader_only(importer: str) -> None:
    uploader, other = UserFactory(), UserFactory()
    job = _job(uploader, importer)

    assert job_run(job.pk) == JobState.SUCCEEDED

    notice = Notification.objects.get()
    assert (notice.recipient, notice.kind) == (uploader, kinds.IMPORT_SUCCEEDED)
    assert notice.params == {"title": "Targets 2026", "saved": 3}
    assert not Notification.objects.filter(recipient=other).exists()


def test_a_failed_import_says_nothing_was_saved(importer: str) -> None:
    uploader = UserFactory()
    job = _job(uploader, importer, fail=True)

    assert job_run(job.pk) == JobState.FAILED

    assert list(Notification.objects.values_list("kind", flat=True)) == [kinds.IMPORT_FAILED]


def test_a_stalled_import_swept_as_failed_is_told_once(importer: str, settings: Any) -> None:
    uploader = UserFactory()
    job = _job(uploader, importer)
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=settings.IMPORT_JOB_TIMEOUT + 1)
    )

    assert jobs_sweep() == 1
    assert jobs_sweep() == 0

    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (uploader.pk, kinds.IMPORT_FAILED)
    ]
