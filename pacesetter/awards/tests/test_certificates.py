"""Certificates: one page per grant, in the layout of the award's country (the layout
files of ``certificate_layouts/``), with its fixed words in the language asked for."""

import datetime as dt
import json
import os
import re
import shutil
import string
import subprocess

import pytest
from django.core.exceptions import ValidationError

from pacesetter.awards import certificates
from pacesetter.awards.certificates import certificate_pdf
from pacesetter.awards.layouts import (
    KINDS,
    LAYOUT_DIR,
    date_parts,
    layout_for,
    read_layout,
    read_layouts,
)
from pacesetter.awards.models import Award, AwardGrant
from pacesetter.awards.people_services import person_create
from pacesetter.awards.services import grant_record, grant_revoke
from pacesetter.core.translations import CONTENT_LANGUAGES
from pacesetter.decisions.services import decision_create
from pacesetter.units.models import Unit

FLAG_VI = "Cờ thi đua của Ủy ban nhân dân tỉnh"
FLAG_ZH = "省级竞赛锦旗"
ISSUER = {
    "vi": "Chủ tịch Ủy ban nhân dân tỉnh Thanh Hóa",
    "en": "Chairman of the Thanh Hoa Provincial People's Committee",
    "zh-hans": "清化省人民委员会主席",
}


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


def award(code, *, preset, kind="unit", **texts):
    return Award.objects.create(
        code=code, preset=preset, level="provincial", recipient_kind=kind, **texts
    )


@pytest.fixture
def decision_grants(world):
    """Decision No. 1197/QĐ-UBND of 24 July 2024, signed by a vice-chairman for the
    chairman, grants the flag to two units and the provincial fighter title to a person."""
    flag = award(
        "test-flag",
        preset="vn",
        source_language="vi",
        name_vi=FLAG_VI,
        name_en="Provincial Emulation Flag",
        name_zh_hans=FLAG_ZH,
        issuer_vi="Chủ tịch Ủy ban nhân dân tỉnh",
        issuer_en="Chairman of the Provincial People's Committee",
    )
    fighter = award(
        "test-fighter",
        preset="vn",
        kind="person",
        source_language="vi",
        name_vi="Chiến sĩ thi đua cấp tỉnh",
        name_en="Provincial Emulation Fighter",
        name_zh_hans="省级竞赛战士",
        issuer_vi="Chủ tịch Ủy ban nhân dân tỉnh",
        issuer_en="Chairman of the Provincial People's Committee",
    )
    decision = decision_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        number="1197/QĐ-UBND",
        date=dt.date(2024, 7, 24),
        source_language="vi",
        issuer=ISSUER,
        place={"vi": "Thanh Hóa", "en": "Thanh Hoa", "zh-hans": "清化"},
        signed_for={"vi": "KT. Chủ tịch", "en": "For the Chairman", "zh-hans": "代主席"},
        signer_title={"vi": "Phó Chủ tịch", "en": "Vice-Chairman", "zh-hans": "副主席"},
        signer_name="Lê Đức Giang",
    )
    # The units' own Vietnamese names (the shared world names them in English only).
    Unit.objects.filter(pk=world.own.pk).update(name_vi="Công ty TNHH Lam Sơn")
    Unit.objects.filter(pk=world.sibling.pk).update(name_vi="Công ty Cổ phần Cấp nước")
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
            certificate_number=f"1197/{number:03d}",
        )
        for number, (unit, k) in enumerate(((world.own, 1), (world.sibling, 12)), start=1)
    ]
    grants.append(
        grant_record(
            actor=world.users["committee_staff"],
            award=fighter,
            decision=decision,
            year=2024,
            person=person,
            certificate_number="1197/003",
        )
    )
    return decision, AwardGrant.objects.filter(pk__in=[g.pk for g in grants]).order_by("pk")


def fixed_words(layout_name: str, language: str) -> set[str]:
    """The fixed words of a shipped layout's texts in ``language`` (the parts around the
    values), those of more than one letter."""
    data = json.loads((LAYOUT_DIR / f"{layout_name}.json").read_text(encoding="utf-8"))
    blocks = [*data["body"], *data["foot"].get("left", []), *data["foot"].get("right", [])]
    texts = [t[language] for b in blocks for t in b.values() if isinstance(t, dict)]
    texts.append(data["revoked"][language])
    words = set()
    for text in texts:
        for literal, *_rest in string.Formatter().parse(text):
            words |= set(re.findall(r"[A-Za-z]{2,}", literal))
    return words


# --- Vietnam ------------------------------------------------------------------------------


def test_a_vietnamese_decision_prints_the_vietnamese_layout_in_vietnamese(
    decision_grants, tmp_path
):
    _decision, grants = decision_grants
    data = certificate_pdf(grants, "vi")
    assert data.startswith(b"%PDF-")
    assert page_count(data) == 3
    text = pdf_text(data, tmp_path)
    # Above the award: the national title and the motto, on every page.
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc") == 3
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA TẶNG" in text  # the decision's issuer
    assert FLAG_VI.upper() in text and "CHIẾN SĨ THI ĐUA CẤP TỈNH" in text
    assert "Công ty TNHH Lam Sơn" in text and "Công ty Cổ phần Cấp nước" in text
    assert "Nguyễn Thị Hương Tổ trưởng, Công ty TNHH Lam Sơn" in text
    assert "Đã có thành tích: Hoàn thành xuất sắc nhiệm vụ năm 2024" in text
    assert "Đã có thành tích xuất sắc năm 2024" in text  # the person's grant has none
    # The foot: the decision and the register number; the place, date and signer.
    assert "Quyết định số: 1197/QĐ-UBND ngày 24/07/2024" in text
    assert "Số sổ khen thưởng: 1197/002" in text
    assert text.count("Thanh Hóa, ngày 24 tháng 7 năm 2024 KT. CHỦ TỊCH PHÓ CHỦ TỊCH") == 3
    assert text.count("Lê Đức Giang") == 3
    # Not a word of English: neither the layouts' nor the old certificate's wording.
    english = fixed_words("vn", "en") | fixed_words("default", "en")
    english |= {"Certificate", "awarded", "Decision", "Issued", "Year"}
    english -= fixed_words("vn", "vi")  # NAM, of VIỆT NAM and VIET NAM
    found = set(re.findall(r"[A-Za-z]{2,}", text))
    assert not found & english, found & english


def test_vietnamese_dates_take_the_leading_zeros_of_administrative_documents():
    assert date_parts(dt.date(2025, 2, 5), "vn") == {"day": "05", "month": "02", "year": "2025"}
    assert date_parts(dt.date(2024, 12, 5), "vn") == {"day": "05", "month": "12", "year": "2024"}
    assert date_parts(dt.date(2024, 7, 24), "vn") == {"day": "24", "month": "7", "year": "2024"}


def test_the_vietnamese_layout_in_chinese_and_english(decision_grants, tmp_path):
    _decision, grants = decision_grants
    chinese = pdf_text(certificate_pdf(grants, "zh-hans"), tmp_path)
    assert "越南社会主义共和国 独立—自由—幸福" in chinese
    assert FLAG_ZH in chinese and "省级竞赛战士" in chinese and FLAG_VI not in chinese
    assert "清化，2024年7月24日 代主席 副主席" in chinese
    assert "清化省人民委员会主席 授予" in chinese

    english = pdf_text(certificate_pdf(grants[:1], "en"), tmp_path)
    assert "SOCIALIST REPUBLIC OF VIET NAM Independence - Freedom - Happiness" in english
    assert "PROVINCIAL EMULATION FLAG" in english
    assert "Thanh Hoa, 24 July 2024 FOR THE CHAIRMAN VICE-CHAIRMAN" in english
    assert "Decision No. 1197/QĐ-UBND of 24 July 2024" in english
    assert "Register No. 1197/001" in english


def test_a_decision_without_place_or_signer_still_prints(world, tmp_path):
    flag = award("test-flag", preset="vn", source_language="vi", name_vi=FLAG_VI, issuer_vi="X")
    decision = decision_create(
        actor=None,
        owner_unit=world.committee,
        number="12/QĐ-UBND",
        date=dt.date(2024, 2, 5),
        source_language="vi",
        issuer="Chủ tịch Ủy ban nhân dân tỉnh Thanh Hóa",
    )
    grant = grant_record(actor=None, award=flag, decision=decision, year=2023, unit=world.own)
    text = pdf_text(certificate_pdf([grant], "vi"), tmp_path)
    assert "Ngày 05 tháng 02 năm 2024" in text
    assert "Số sổ" not in text and "KT." not in text


def test_a_deployments_own_award_takes_the_layout_of_the_deciding_units_country(world, tmp_path):
    own = award("own-flag", preset="", source_language="vi", name_vi="Cờ riêng", issuer_vi="X")
    decision = decision_create(
        actor=None,
        owner_unit=world.committee,
        number="7/QĐ",
        date=dt.date(2024, 7, 24),
        source_language="vi",
        issuer="Ủy ban nhân dân huyện",
    )
    grant = grant_record(actor=None, award=own, decision=decision, year=2024, unit=world.own)
    assert "CERTIFICATE" in pdf_text(certificate_pdf([grant], "en"), tmp_path)

    Unit.objects.filter(pk=world.root.pk).update(country="VN")  # the committee's is above it
    text = pdf_text(certificate_pdf(AwardGrant.objects.filter(pk=grant.pk), "en"), tmp_path)
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text


def test_a_revoked_grant_says_so(world, decision_grants, tmp_path):
    _decision, grants = decision_grants
    revoked = grant_revoke(
        actor=world.users["committee_staff"], grant=grants[0], reason="Sai sót hồ sơ"
    )
    text = pdf_text(certificate_pdf([revoked], "vi"), tmp_path)
    assert "Đã thu hồi ngày" in text and "Sai sót hồ sơ" in text


# --- China --------------------------------------------------------------------------------


@pytest.fixture
def chinese_grants(world):
    medal = award(
        "test-may1-medal",
        preset="cn",
        kind="person",
        source_language="zh-hans",
        name_zh_hans="全国五一劳动奖章",
        name_en="National May 1 Labour Medal",
        issuer_zh_hans="中华全国总工会",
    )
    pioneer = award(
        "test-pioneer",
        preset="cn",
        source_language="zh-hans",
        name_zh_hans="全国工人先锋号",
        issuer_zh_hans="中华全国总工会",
    )
    decision = decision_create(
        actor=None,
        owner_unit=world.committee,
        number="总工发〔2024〕9号",
        date=dt.date(2024, 7, 24),
        source_language="zh-hans",
        issuer={"zh-hans": "中华全国总工会", "en": "All-China Federation of Trade Unions"},
    )
    person = person_create(
        actor=None,
        unit=world.own,
        full_name="张伟",
        source_language="zh-hans",
        title="班组长",
        start=dt.date(2020, 1, 1),
    )
    return [
        grant_record(
            actor=None,
            award=medal,
            decision=decision,
            year=2024,
            person=person,
            certificate_number="2024-0017",
        ),
        grant_record(actor=None, award=pioneer, decision=decision, year=2024, unit=world.own),
    ]


def test_a_chinese_award_prints_an_honour_certificate(chinese_grants, tmp_path):
    data = certificate_pdf(chinese_grants, "zh-hans")
    assert page_count(data) == 2
    text = pdf_text(data, tmp_path)
    assert text.count("荣誉证书") == 2
    assert "张伟同志：" in text and "Own unit：" in text  # a person is addressed as 同志
    assert "在2024年度工作中表现突出，荣获“全国五一劳动奖章”。 特发此证，以资鼓励。" in text
    assert "中华全国总工会 2024年7月24日" in text  # Arabic numerals, as GB/T 9704-2012
    assert "二〇" not in text
    assert "证书编号：2024-0017" in text and "决定文号：总工发〔2024〕9号" in text
    assert "CỘNG HÒA" not in text and "Certificate" not in text


def test_the_chinese_layout_in_english(chinese_grants, tmp_path):
    text = pdf_text(certificate_pdf(chinese_grants[:1], "en"), tmp_path)
    assert "CERTIFICATE OF HONOUR" in text and "National May 1 Labour Medal" in text
    assert "All-China Federation of Trade Unions 24 July 2024" in text


def test_a_layout_may_write_the_date_in_chinese_numerals(chinese_grants, tmp_path, monkeypatch):
    data = json.loads((LAYOUT_DIR / "cn.json").read_text(encoding="utf-8"))
    [place_date] = [b for b in data["foot"]["right"] if b["kind"] == "place_date"]
    place_date["date_style"] = "chinese"
    path = tmp_path / "cn.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(certificates, "layout_for", lambda country: read_layout(path))

    text = pdf_text(certificate_pdf(chinese_grants[:1], "zh-hans"), tmp_path)
    assert "中华全国总工会 二〇二四年七月二十四日" in text
    assert date_parts(dt.date(2030, 10, 31), "chinese") == {
        "day": "三十一",
        "month": "十",
        "year": "二〇三〇",
    }


# --- The default layout, and what every certificate does ---------------------------------


def test_an_award_of_no_country_prints_the_default_layout(world, tmp_path):
    generic = award(
        "test-generic",
        preset="generic",
        name_en="Certificate of Excellence",
        name_vi="Giấy khen xuất sắc",
        issuer_en="The Board",
        issuer_vi="Hội đồng",
    )
    decision = decision_create(
        actor=None,
        owner_unit=world.committee,
        number="4/2024",
        date=dt.date(2024, 7, 24),
        issuer="The Board",
        signer_title="Chair",
        signer_name="Jane Doe",
    )
    grant = grant_record(
        actor=None,
        award=generic,
        decision=decision,
        year=2024,
        unit=world.own,
        certificate_number="4/001",
    )
    text = pdf_text(certificate_pdf([grant], "en"), tmp_path)
    assert "THE BOARD CERTIFICATE Certificate of Excellence is awarded to Own unit" in text
    assert "Year 2024" in text and "Certificate No. 4/001" in text
    assert "24 July 2024 CHAIR Jane Doe" in text
    assert "CỘNG HÒA" not in text and "荣誉证书" not in text

    vietnamese = pdf_text(certificate_pdf([grant], "vi"), tmp_path)
    assert "HỘI ĐỒNG GIẤY CHỨNG NHẬN Giấy khen xuất sắc được tặng cho" in vietnamese
    assert "Năm 2024" in vietnamese


def test_output_is_deterministic_but_for_the_creation_date(decision_grants):
    _decision, grants = decision_grants

    def stripped(data: bytes) -> bytes:
        # The file identifier is a hash over the rest, creation date included.
        return re.sub(rb"/CreationDate \(D:[^)]*\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", data)

    assert stripped(certificate_pdf(grants, "vi")) == stripped(certificate_pdf(grants, "vi"))


def test_nothing_to_print_is_an_error():
    with pytest.raises(ValidationError):
        certificate_pdf([], "vi")


# --- The layout files ---------------------------------------------------------------------


def test_every_shipped_layout_loads_with_its_texts_in_every_language():
    layouts = read_layouts()
    assert {country: layout.name for country, layout in layouts.items()} == {
        "VN": "vn",
        "CN": "cn",
        "": "default",
    }
    assert layout_for("VN").name == "vn" and layout_for("FR").name == "default"
    for layout in layouts.values():
        assert re.fullmatch(r"\d{4}\.\d+", layout.release)
        blocks = [*layout.body, *layout.left, *layout.right]
        assert {b.kind for b in blocks} <= set(KINDS)
        # No shipped certificate falls back to another language for its fixed words.
        for texts in [*(t for b in blocks for t in b.texts.values()), layout.revoked]:
            assert set(texts) == set(CONTENT_LANGUAGES), (layout.name, texts)


def broken(tmp_path, change, name="vn"):
    data = json.loads((LAYOUT_DIR / f"{name}.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_layout(path)
    return caught.value.messages[0]


def test_a_layout_of_an_unknown_kind_is_refused_naming_file_and_block(tmp_path):
    message = broken(tmp_path, lambda d: d["body"].insert(2, {"kind": "banner"}))
    assert message.startswith('vn.json: body block 3: unknown kind "banner" (known: achievement')


def test_a_text_missing_in_the_source_language_is_refused(tmp_path):
    message = broken(tmp_path, lambda d: d["body"][4]["text"].pop("vi"))
    assert message == (
        'vn.json: body block 5 (text): text: no "vi" text (the layout\'s source language)'
    )
    message = broken(tmp_path, lambda d: d["revoked"].pop("zh-hans"), name="cn")
    assert message == 'cn.json: revoked: no "zh-hans" text (the layout\'s source language)'


def test_a_value_the_block_does_not_know_is_refused(tmp_path):
    def change(data):
        data["foot"]["left"][1]["text"]["en"] = "Register No. {numbr}"

    assert broken(tmp_path, change) == (
        "vn.json: foot left block 2 (register): text.en: {numbr} is not a value this block "
        "knows (it knows {number})"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("release"), "vn.json: layout: missing release"),
        (lambda d: d.update(release="new"), "vn.json: release: expected a year and a number"),
        (lambda d: d.update(country="Vietnam"), "vn.json: country: must be an ISO 3166 code"),
        (lambda d: d["body"][0].update(colour="pink"), "vn.json: body block 1 (text): colour"),
        (lambda d: d["body"][0].update(font="Arial"), "vn.json: body block 1 (text): unknown font"),
        (lambda d: d["body"][0]["text"].update(fr="X"), "vn.json: body block 1 (text): text: fr"),
        (lambda d: d.update(layout="vietnam"), "vn.json: layout: the name 'vietnam'"),
    ],
)
def test_other_malformed_layouts_are_refused(tmp_path, change, expected):
    assert broken(tmp_path, change).startswith(expected)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "vn.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"^\['vn.json: file: cannot be read as JSON"):
        read_layout(path)
