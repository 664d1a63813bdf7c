"""The library's screens, as each role uses them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices.models import Practice, PracticeEvidence
from pacesetter.practices.services import practice_transition

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db


def published(practice, decision):
    for name, extra in (
        ("review", {"assessment": "recommend", "comment": "Sound."}),
        ("recognize", {"decision": decision}),
        ("publish", {}),
    ):
        practice = practice_transition(actor=None, practice=practice, name=name, **extra)
    return practice


@pytest.fixture
def library(world, work_fields):
    danyang = PracticeFactory(
        owner_unit=world.own,
        source_language="zh-hans",
        title={"zh-hans": "丹阳市总工会产业工人队伍建设改革经验"},
        summary={"zh-hans": "以技能竞赛带动产业工人成长"},
        work_fields=[work_fields["skills"]],
        year=2024,
    )
    lamson = PracticeFactory(
        owner_unit=world.own,
        source_language="vi",
        kind="model",
        subject="collective",
        title={"vi": "Điển hình tiên tiến Công ty Lam Sơn", "en": "Lam Son's advanced model"},
        body={"vi": "<p>Tổ sản xuất đạt năng suất cao nhất cụm thi đua.</p>"},
        work_fields=[work_fields["production"]],
        year=2023,
    )
    sibling = PracticeFactory(owner_unit=world.sibling, title="Sibling's safety drill", year=2024)
    return {"danyang": danyang, "lamson": lamson, "sibling": sibling}


def listed(client, query=""):
    response = client.get(f"/practices/{query}")
    assert response.status_code == 200
    return [p.pk for p in response.context["page_obj"].object_list]


def test_the_search_finds_a_chinese_term_inside_a_phrase_and_vietnamese_without_tones(
    client, world, library
):
    client.force_login(world.users["unit_officer"])
    assert listed(client, "?q=产业工人") == [library["danyang"].pk]
    assert listed(client, "?q=技能竞赛") == [library["danyang"].pk]
    # Typed without tone marks, and a word of the body.
    assert listed(client, "?q=dien hinh tien tien") == [library["lamson"].pk]
    assert listed(client, "?q=nang suat") == [library["lamson"].pk]
    assert listed(client, "?q=NĂNG SUẤT") == [library["lamson"].pk]
    # A source unit's name, and a field of work's in another language.
    assert set(listed(client, "?q=own unit")) == {library["danyang"].pk, library["lamson"].pk}
    assert listed(client, "?q=技能培训") == [library["danyang"].pk]
    # Not what the officer may not see.
    assert listed(client, "?q=safety drill") == []


def test_the_filters_narrow_the_list(client, world, library, work_fields):
    client.force_login(world.users["committee_staff"])
    assert len(listed(client)) == 3
    assert listed(client, "?kind=model") == [library["lamson"].pk]
    assert listed(client, f"?field={work_fields['skills'].pk}") == [library["danyang"].pk]
    assert listed(client, "?year=2023") == [library["lamson"].pk]
    assert listed(client, "?state=published") == []
    published(library["sibling"], DecisionFactory(owner_unit=world.root))
    assert listed(client, "?state=published") == [library["sibling"].pk]


def test_published_practices_are_read_by_every_signed_in_user(client, world, library):
    client.force_login(world.users["nobody"])
    assert listed(client) == []
    assert client.get(f"/practices/{library['sibling'].pk}/").status_code == 404
    published(library["sibling"], DecisionFactory(owner_unit=world.root))
    assert listed(client) == [library["sibling"].pk]
    page = client.get(f"/practices/{library['sibling'].pk}/")
    assert page.status_code == 200
    assert page.context["moves"] == [] and not page.context["may_edit"]
    client.logout()
    assert client.get("/practices/").status_code == 302


def test_the_list_takes_a_fixed_number_of_queries(
    client, world, library, work_fields, django_assert_num_queries
):
    client.force_login(world.users["committee_staff"])
    client.get("/practices/")
    with django_assert_num_queries(10):
        client.get("/practices/")
    for n in range(6):
        PracticeFactory(
            owner_unit=world.child,
            source_units=[world.child, world.own],
            work_fields=list(work_fields.values())[:3],
            title=f"More {n}",
        )
    with django_assert_num_queries(10):
        response = client.get("/practices/?q=more")
    assert response.context["page_obj"].paginator.count == 6


def test_the_page_shows_only_the_moves_the_user_may_make(client, world, library):
    practice = library["lamson"]
    client.force_login(world.users["unit_officer"])
    page = client.get(f"/practices/{practice.pk}/")
    html = page.content.decode()
    assert page.context["moves"] == [] and page.context["may_edit"]
    assert 'data-move="review"' not in html
    assert "Tổ sản xuất" in html or "năng suất" in html
    assert client.get(f"/practices/{practice.pk}/review/").status_code == 403
    client.force_login(world.users["committee_staff"])
    html = client.get(f"/practices/{practice.pk}/").content.decode()
    assert 'data-move="review"' in html and 'data-move="retire"' in html
    assert 'data-move="publish"' not in html
    client.force_login(world.users["viewer"])
    page = client.get(f"/practices/{practice.pk}/")
    assert page.context["moves"] == [] and not page.context["may_edit"]
    assert not page.context["may_comment"]


def test_an_officer_proposes_a_practice_of_its_units_only(client, world, work_fields):
    client.force_login(world.users["unit_officer"])
    form = client.get("/practices/new/").context["form"]
    assert list(form.fields["owner_unit"].queryset) == [world.own, world.child]
    data = {
        "source_language": "vi",
        "title_vi": "Sáng kiến tiết kiệm nước tưới",
        "body_vi": '<p onclick="x()">Tiết kiệm 12% nước</p><script>alert(1)</script>',
        "kind": "initiative",
        "influence_scope": "provincial",
        "effect_vi": "Tiết kiệm 12% nước tưới mỗi vụ.",
        "year": "2024",
        "owner_unit": world.own.pk,
        "source_units": [world.child.pk],
        "work_fields": [work_fields["innovation"].pk],
    }
    refused = client.post("/practices/new/", {**data, "source_units": [world.sibling.pk]})
    assert refused.status_code == 200 and "source_units" in refused.context["form"].errors
    response = client.post("/practices/new/", data)
    practice = Practice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/practices/{practice.pk}/"
    assert practice.body_vi == "<p>Tiết kiệm 12% nước</p>"
    assert list(practice.source_units.all()) == [world.child]
    assert practice.steps.get().name == "propose"
    assert practice.proposed_by == world.users["unit_officer"]


def test_a_viewer_may_not_propose(client, world):
    client.force_login(world.users["viewer"])
    assert client.get("/practices/new/").status_code == 403
    assert "Propose a practice" not in client.get("/practices/").content.decode()


def test_staff_vet_a_practice_through_its_forms(client, world, library):
    practice = library["lamson"]
    decision = DecisionFactory(owner_unit=world.root, number="22/QD-TDKT")
    client.force_login(world.users["committee_staff"])
    missing = client.post(f"/practices/{practice.pk}/review/", {"assessment": "recommend"})
    assert "comment" in missing.context["form"].errors
    client.post(
        f"/practices/{practice.pk}/review/", {"assessment": "recommend", "comment": "Complete."}
    )
    form = client.get(f"/practices/{practice.pk}/recognize/").context["form"]
    assert decision in form.fields["decision"].queryset
    response = client.post(f"/practices/{practice.pk}/recognize/", {"decision": decision.pk})
    assert response.status_code == 302
    assert client.post(f"/practices/{practice.pk}/publish/", {}).status_code == 302
    practice.refresh_from_db()
    assert (practice.state, practice.decision) == ("published", decision)
    html = client.get(f"/practices/{practice.pk}/").content.decode()
    assert "22/QD-TDKT" in html and 'data-move="retire"' in html
    assert client.get(f"/practices/{practice.pk}/publish/").status_code == 403
    assert client.get(f"/practices/{practice.pk}/nonsense/").status_code == 404


def test_evidence_is_uploaded_checked_and_downloaded_after_the_permission_check(
    client, world, library, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = library["lamson"]
    client.force_login(world.users["unit_officer"])
    url = f"/practices/{practice.pk}/evidence/"
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(url, {"file": fake})
    assert "file" in refused.context["form"].errors and not PracticeEvidence.objects.exists()
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    assert client.post(url, {"file": pdf, "title": "Conference report"}).status_code == 302
    evidence = PracticeEvidence.objects.get()
    download = client.get(f"/practices/{practice.pk}/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"
    client.force_login(world.users["nobody"])
    assert client.get(f"/practices/{practice.pk}/evidence/{evidence.pk}/").status_code == 404
    client.force_login(world.users["viewer"])
    assert client.get(f"/practices/{practice.pk}/evidence/{evidence.pk}/").status_code == 200
    assert client.post(url, {"file": pdf}).status_code == 403


def test_an_officer_edits_while_proposed_and_staff_until_retired(client, world, library):
    practice = library["lamson"]
    client.force_login(world.users["unit_officer"])
    url = f"/practices/{practice.pk}/edit/"
    form = client.get(url).context["form"]
    assert "owner_unit" not in form.fields
    data = {
        "source_language": "vi",
        "title_vi": "Điển hình tiên tiến Công ty Lam Sơn",
        "title_en": "Lam Son's advanced model",
        "body_vi": '<p>Năng suất cao nhất <a href="javascript:alert(1)">cụm</a></p>',
        "kind": "model",
        "subject": "collective",
        "year": "2023",
        "source_units": [world.own.pk],
    }
    assert client.post(url, data).status_code == 302
    practice.refresh_from_db()
    assert practice.body_vi == '<p>Năng suất cao nhất <a rel="noopener noreferrer">cụm</a></p>'
    practice_transition(
        actor=None, practice=practice, name="review", assessment="recommend", comment="Ok."
    )
    assert client.get(url).status_code == 403
    client.force_login(world.users["committee_staff"])
    assert client.post(url, {**data, "year": "2024"}).status_code == 302
    practice_transition(actor=None, practice=practice, name="retire", comment="Merged.")
    assert client.get(url).status_code == 403
    assert Practice.objects.get(pk=practice.pk).year == 2024


def test_an_edit_from_a_page_opened_before_another_save_is_refused(client, world, library):
    """The officer and the staff open the edit page; the staff saves first; the officer's
    save is refused with a translated error on the form and nothing of it is kept."""
    practice = library["lamson"]
    url = f"/practices/{practice.pk}/edit/"
    data = {
        "source_language": "vi",
        "title_vi": "Điển hình tiên tiến Công ty Lam Sơn",
        "kind": "model",
        "subject": "collective",
        "source_units": [world.own.pk],
    }
    officer = Client()
    officer.force_login(world.users["unit_officer"])
    opened = officer.get(url).context["form"]["version"].value()
    staff = Client()
    staff.force_login(world.users["committee_staff"])
    assert staff.get(url).context["form"]["version"].value() == opened
    assert staff.post(url, {**data, "year": "2022", "version": opened}).status_code == 302
    response = officer.post(
        url, {**data, "year": "2021", "version": opened}, headers={"Accept-Language": "vi"}
    )
    assert response.status_code == 200
    assert "Người khác đã lưu điển hình này sau khi bạn mở" in response.content.decode()
    english = officer.post(url, {**data, "year": "2021", "version": opened})
    assert english.status_code == 200
    assert "Someone else saved this practice since you opened it" in english.content.decode()
    practice.refresh_from_db()
    assert (practice.year, practice.version) == (2022, opened + 1)
    # Reloaded, the page carries the new version and the edit goes through; a move of
    # the vetting raises the version as well.
    again = officer.get(url).context["form"]["version"].value()
    assert again == opened + 1
    practice_transition(actor=None, practice=practice, name="comment", comment="Noted.")
    assert officer.post(url, {**data, "year": "2021", "version": again}).status_code == 302
    practice = practice_transition(
        actor=None, practice=practice, name="review", assessment="recommend", comment="Ok."
    )
    assert practice.version == again + 2
    practice.refresh_from_db()
    assert practice.year == 2021


def test_a_model_is_proposed_with_its_level_and_an_initiative_may_not_have_one(
    client, world, work_fields
):
    client.force_login(world.users["unit_officer"])
    data = {
        "source_language": "en",
        "title_en": "Lam Son's collective",
        "kind": "model",
        "subject": "collective",
        "level": "provincial",
        "year": "2024",
        "owner_unit": world.own.pk,
        "source_units": [world.own.pk],
    }
    refused = client.post(
        "/practices/new/", {**data, "kind": "initiative", "influence_scope": "local"}
    )
    assert refused.status_code == 200 and "level" in refused.context["form"].errors
    assert client.post("/practices/new/", data).status_code == 302
    practice = Practice.objects.get()
    assert practice.level == "provincial"
    page = client.get(f"/practices/{practice.pk}/", headers={"Accept-Language": "vi"})
    assert '<dd id="level">Cấp tỉnh</dd>' in page.content.decode()
    # Changed into an experience, the practice keeps its level (both kinds have one).
    edit = {**data, "kind": "experience", "subject": "", "version": practice.version}
    del edit["owner_unit"]
    assert client.post(f"/practices/{practice.pk}/edit/", edit).status_code == 302
    practice.refresh_from_db()
    assert (practice.kind, practice.level) == ("experience", "provincial")
