"""Certificates: one page per grant, the award's own name in Vietnamese and Chinese."""

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError

from pacesetter.awards.certificates import certificate_pdf
from pacesetter.awards.models import Award, AwardGrant
from pacesetter.awards.people_services import person_create
from pacesetter.awards.services import grant_record, grant_revoke
from pacesetter.decisions.services import decision_create

FLAG_VI = "Cờ thi đua của Ủy ban nhân dân tỉnh"
FLAG_ZH = "省级竞赛锦旗"


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text through poppler's pdftotext (required on CI, skipped elsewhere)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is required on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(text.split())


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


@pytest.fixture
def decision_grants(world):
    """Decision No. 1234/QĐ-UBND grants the flag to two units and a medal to a person."""
    flag = Award.objects.create(
        code="test-flag",
        name_en="Provincial Emulation Flag",
        name_vi=FLAG_VI,
        name_zh_hans=FLAG_ZH,
        level="provincial",
        recipient_kind="unit",
        source_language="vi",
        issuer_vi="Ủy ban nhân dân tỉnh Thanh Hóa",
        issuer_en="Thanh Hoa Provincial People's Committee",
    )
    medal = Award.objects.create(
        code="test-fighter",
        name_en="Emulation Fighter",
        name_vi="Chiến sĩ thi đua cấp tỉnh",
        name_zh_hans="省级劳动模范",
        level="provincial",
        recipient_kind="person",
        source_language="vi",
        issuer_vi="Ủy ban nhân dân tỉnh Thanh Hóa",
        issuer_en="Thanh Hoa Provincial People's Committee",
    )
    decision = decision_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        number="1234/QĐ-UBND",
        date=dt.date(2024, 12, 5),
        issuer="Ủy ban nhân dân tỉnh Thanh Hóa",
        signer_title="Chủ tịch",
    )
    person = person_create(
        actor=None,
        unit=world.own,
        full_name="Nguyễn Thị Hương",
        source_language="vi",
        title="Tổ trưởng",
        start=dt.date(2020, 1, 1),
    )
    grants = [
        grant_record(
            actor=world.users["committee_staff"],
            award=flag,
            decision=decision,
            year=2024,
            unit=unit,
            achievement="Hoàn thành xuất sắc nhiệm vụ năm 2024, dẫn đầu phong trào thi đua. " * k,
            certificate_number=f"1234/{number:03d}",
        )
        for number, (unit, k) in enumerate(((world.own, 1), (world.sibling, 12)), start=1)
    ]
    grants.append(
        grant_record(
            actor=world.users["committee_staff"],
            award=medal,
            decision=decision,
            year=2024,
            person=person,
            certificate_number="1234/003",
        )
    )
    return decision, grants


def test_a_whole_decision_prints_one_page_per_grant_in_vietnamese(decision_grants, tmp_path):
    _decision, grants = decision_grants
    data = certificate_pdf(grants, "vi")
    assert data.startswith(b"%PDF-")
    assert page_count(data) == 3
    text = pdf_text(data, tmp_path)
    assert FLAG_VI in text and "Chiến sĩ thi đua cấp tỉnh" in text
    assert "Own unit" in text and "Sibling unit" in text
    assert "Nguyễn Thị Hương" in text and "Tổ trưởng" in text
    assert "1234/QĐ-UBND" in text and "1234/002" in text
    assert "tháng 12 năm 2024" in text  # the decision date in Vietnamese
    assert "CHỦ TỊCH" in text


def test_chinese_certificates_carry_the_chinese_award_name(decision_grants, tmp_path):
    _decision, grants = decision_grants
    data = certificate_pdf(AwardGrant.objects.filter(pk__in=[g.pk for g in grants]), "zh-hans")
    assert page_count(data) == 3
    text = pdf_text(data, tmp_path)
    assert FLAG_ZH in text and "省级劳动模范" in text
    assert "2024年12月5日" in text
    assert FLAG_VI not in text
    # No Chinese issuer is recorded: the award's source (Vietnamese) stands in.
    assert "ỦY BAN NHÂN DÂN TỈNH THANH HÓA" in text


def test_one_certificate_in_english(decision_grants, tmp_path):
    _decision, grants = decision_grants
    data = certificate_pdf(grants[:1], "en")
    assert page_count(data) == 1
    text = pdf_text(data, tmp_path)
    assert "Provincial Emulation Flag" in text and "Certificate" in text
    assert "THANH HOA PROVINCIAL PEOPLE'S COMMITTEE" in text  # the award's issuer in English


def test_output_is_deterministic_but_for_the_creation_date(decision_grants):
    _decision, grants = decision_grants

    def stripped(data: bytes) -> bytes:
        # The file identifier is a hash over the rest, creation date included.
        return re.sub(rb"/CreationDate \(D:[^)]*\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", data)

    assert stripped(certificate_pdf(grants, "vi")) == stripped(certificate_pdf(grants, "vi"))


def test_a_revoked_grant_says_so(world, decision_grants, tmp_path):
    _decision, grants = decision_grants
    revoked = grant_revoke(
        actor=world.users["committee_staff"], grant=grants[0], reason="Sai sót hồ sơ"
    )
    text = pdf_text(certificate_pdf([revoked], "vi"), tmp_path)
    assert "Sai sót hồ sơ" in text


def test_nothing_to_print_is_an_error():
    with pytest.raises(ValidationError):
        certificate_pdf([], "vi")
