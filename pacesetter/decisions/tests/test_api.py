"""Recorded decisions and their signed files through /api/v1/decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create, decision_update
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    yield


def stored_files(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def record(api: ApiClient, owner_id: int, **overrides: Any) -> Any:
    return api.post(
        "/decisions",
        {
            "owner_unit_id": owner_id,
            "number": "1197/QD-UBND",
            "date": "2024-03-27",
            "issuer": "Thanh Hoa People's Committee",
            **overrides,
        },
    )


def test_staff_record_a_decision_and_attach_its_file(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])

    response = record(api, world.committee.pk, title="Setting up cluster No. 18")
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["has_file"] is False

    upload = SimpleUploadedFile("1197.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = api.upload(f"/decisions/{decision['id']}/file", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["has_file"] is True

    download = api.get(f"/decisions/{decision['id']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"


def test_a_file_of_a_refused_type_is_a_422(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    decision = record(api, world.committee.pk).json()

    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = api.upload(f"/decisions/{decision['id']}/file", {"file": upload})

    assert "file" in assert_error_shape(response, 422, "file_type")["detail"]


def test_the_same_number_twice_is_a_422(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    assert record(api, world.committee.pk).status_code == 201

    assert_error_shape(record(api, world.committee.pk), 422)


def test_decisions_stay_inside_scope(world: Any) -> None:
    staff = ApiClient(world.users["committee_staff"])
    decision = record(staff, world.committee.pk).json()

    outsider = ApiClient(world.users["nobody"])
    assert outsider.get("/decisions").json()["count"] == 0
    assert_error_shape(outsider.get(f"/decisions/{decision['id']}"), 404)
    assert_error_shape(record(staff, world.other.pk, number="9"), 422)
    officer = ApiClient(world.users["unit_officer"])
    assert_error_shape(officer.patch(f"/decisions/{decision['id']}", {"title": "x"}), 404)


def test_patch_and_search(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    decision = record(api, world.committee.pk).json()
    record(api, world.committee.pk, number="88/QD", date="2023-05-02")

    response = api.patch(f"/decisions/{decision['id']}", {"signer_title": "Chairman"})
    assert response.status_code == 200, response.content
    assert response.json()["signer_title"] == "Chairman"
    assert response.json()["number"] == "1197/QD-UBND"
    assert [d["number"] for d in api.get("/decisions", q="1197").json()["items"]] == [
        "1197/QD-UBND"
    ]
    assert [d["number"] for d in api.get("/decisions", year=2023).json()["items"]] == ["88/QD"]


def _audit_unavailable(**kwargs: Any) -> None:
    raise RuntimeError("the audit chain is unavailable")


def test_a_decision_whose_write_fails_leaves_no_file(
    world: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    signed = Decision.objects.create(
        owner_unit=world.committee, number="1/QD", date=dt.date(2024, 3, 27), issuer_en="Committee"
    )
    monkeypatch.setattr("pacesetter.audit.services.audit_record", _audit_unavailable)

    def pdf() -> SimpleUploadedFile:
        return SimpleUploadedFile("1197.pdf", b"%PDF-1.4 signed", content_type="application/pdf")

    with pytest.raises(RuntimeError):
        decision_create(
            actor=None,
            owner_unit=world.committee,
            number="2/QD",
            date=dt.date(2024, 3, 27),
            issuer="Committee",
            file=pdf(),
        )
    with pytest.raises(RuntimeError):
        decision_update(actor=None, decision=signed, file=pdf())
    assert list(Decision.objects.values_list("number", flat=True)) == ["1/QD"]
    assert not Decision.objects.get().file and stored_files(tmp_path) == []


def test_a_new_file_is_filed_under_the_decisions_year_after_the_change(world: Any) -> None:
    decision = Decision.objects.create(
        owner_unit=world.committee, number="1/QD", date=dt.date(2024, 3, 27), issuer_en="Committee"
    )
    signed = SimpleUploadedFile("1.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    updated = decision_update(
        actor=None, decision=decision, date=dt.date(2023, 12, 30), file=signed
    )
    assert updated.file.name == "decisions/2023/1.pdf"
    assert updated.file.read() == b"%PDF-1.4 signed"
    entry = AuditEntry.objects.get(action="decision.update")
    assert entry.changes["file"] == ["", "decisions/2023/1.pdf"]


def test_a_decision_cannot_be_dated_after_today(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    refused = assert_error_shape(record(api, world.committee.pk, date="2099-01-01"), 422)
    assert refused["code"] == "date_in_future" and "date" in refused["detail"]
    assert not Decision.objects.exists()
    decision = record(api, world.committee.pk, date=str(timezone.localdate())).json()
    response = api.patch(f"/decisions/{decision['id']}", {"date": str(tomorrow)})
    assert assert_error_shape(response, 422, "date_in_future")["detail"]["date"]
    assert Decision.objects.get().date == timezone.localdate()


def test_the_service_says_which_field_is_in_the_future(world: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        decision_create(
            actor=None,
            owner_unit=world.committee,
            number="1/QD",
            date=dt.date(2099, 1, 1),
            issuer="PPC",
        )
    assert excinfo.value.message_dict == {"date": ["A decision cannot be dated after today."]}


def test_the_signer_and_the_place_are_recorded_for_the_certificates(world: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    response = record(
        api,
        world.committee.pk,
        source_language="vi",
        issuer="Chủ tịch UBND tỉnh Thanh Hóa",
        place={"vi": "Thanh Hóa", "en": "Thanh Hoa"},
        signed_for={"vi": "KT. Chủ tịch", "en": "For the Chairman"},
        signer_title={"vi": "Phó Chủ tịch", "en": "Vice-Chairman"},
        signer_name="Lê Đức Giang",
    )
    assert response.status_code == 201, response.content
    decision = response.json()
    assert (decision["place"], decision["signed_for"], decision["signer_name"]) == (
        "Thanh Hoa",  # the request's language (English) where it is given
        "For the Chairman",
        "Lê Đức Giang",
    )
    assert decision["translations"]["signed_for"] == {
        "vi": "KT. Chủ tịch",
        "en": "For the Chairman",
    }

    patched = api.patch(
        f"/decisions/{decision['id']}?lang=vi",
        {"signer_name": "Đầu Thanh Tùng", "signed_for": {"en": ""}},
    ).json()
    assert (patched["signer_name"], patched["signed_for"]) == ("Đầu Thanh Tùng", "KT. Chủ tịch")
    assert patched["translations"]["signed_for"] == {"vi": "KT. Chủ tịch"}
    assert api.patch(f"/decisions/{decision['id']}", {"signer_name": "x" * 201}).status_code == 422
