"""A full disk on upload: a clear error on the file field (the form) or a 507 (the API),
no row, and no file left behind, whole or partly written (docs/security.md, Faults)."""

from __future__ import annotations

import errno
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.audit.models import AuditEntry
from pacesetter.practices.models import PracticeEvidence
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.testing.disk import FullDisk, stored_files

from .factories import PracticeFactory

NO_ROOM = "The server has no room left to store this file; nothing was saved."
ROOM = 64 * 1024


def big_pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * (3 * ROOM), "application/pdf")


@pytest.fixture
def practice(world, work_fields):
    return PracticeFactory(owner_unit=world.own, work_fields=[work_fields["skills"]])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path / "media"


def test_a_full_disk_shows_the_error_on_the_file_field_and_keeps_nothing(
    client, world, practice, media, monkeypatch, caplog
):
    client.force_login(world.users["unit_officer"])
    disk = FullDisk(monkeypatch, room=ROOM)
    with caplog.at_level(logging.ERROR, logger="pacesetter.core.files"):
        response = client.post(
            f"/practices/{practice.pk}/evidence/", {"file": big_pdf(), "title": "Report"}
        )
    assert response.status_code == 200
    assert NO_ROOM in response.context["form"].errors["file"][0]
    assert NO_ROOM in response.content.decode()
    assert disk.written == ROOM  # the storage did write part of the file
    assert stored_files(media) == []
    assert not PracticeEvidence.objects.exists()
    assert not AuditEntry.objects.filter(action="practice.evidence_add").exists()
    assert any("No room to store the upload" in r.getMessage() for r in caplog.records)


def test_the_form_error_is_in_the_users_language(client, world, practice, media, monkeypatch):
    client.force_login(world.users["unit_officer"])
    FullDisk(monkeypatch, room=ROOM)
    response = client.post(f"/practices/{practice.pk}/evidence/?lang=vi", {"file": big_pdf()})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Máy chủ không còn chỗ để lưu tệp này; chưa có gì được lưu. "
        "Hãy thử lại sau hoặc báo cho quản trị viên."
    ]


def test_a_full_quota_through_the_api_answers_507_and_keeps_nothing(
    world, practice, media, monkeypatch, settings
):
    # Past the memory limit, Django spools the upload to a temporary file first; the
    # storage copies it chunk by chunk and removes the part it wrote.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    officer = ApiClient(world.users["unit_officer"])
    disk = FullDisk(monkeypatch, room=ROOM, code=errno.EDQUOT)
    response = officer.upload(
        f"/practices/{practice.pk}/evidence", {"file": big_pdf(), "title": "Report"}
    )
    body = assert_error_shape(response, 507)
    assert body["code"] == "storage_full"
    assert body["message"].startswith(NO_ROOM)
    assert body["detail"] == {"file": [body["message"]]}
    assert disk.written == ROOM
    assert stored_files(media) == []
    assert not PracticeEvidence.objects.exists()


def test_an_upload_stores_its_file_when_there_is_room(world, practice, media, monkeypatch):
    disk = FullDisk(monkeypatch, room=10 * ROOM)
    officer = ApiClient(world.users["unit_officer"])
    response = officer.upload(f"/practices/{practice.pk}/evidence", {"file": big_pdf()})
    assert response.status_code == 201
    evidence = PracticeEvidence.objects.get()
    assert stored_files(media) == [evidence.file.name]
    assert disk.written == evidence.file.size
