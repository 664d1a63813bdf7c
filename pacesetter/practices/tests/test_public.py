"""The public library (no login): only published practices, its facets, the feed, the
dossier, caching and the rate limit."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import formats, timezone, translation
from docx import Document

from pacesetter.core import clock
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.practices import public_views
from pacesetter.practices.dossier import body_blocks, dossier_blocks
from pacesetter.practices.models import Practice, PracticeState
from pacesetter.practices.services import adoption_create, practice_transition

from .factories import PracticeFactory, published

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def in_state(world, state, **kwargs):
    """A practice moved (through the workflow) to ``state``."""
    practice = Practice.objects.get(pk=PracticeFactory(owner_unit=world.own, **kwargs).pk)
    if state == PracticeState.PROPOSED:
        return practice
    if state == PracticeState.RETIRED:
        practice = published(practice)
        return practice_transition(actor=None, practice=practice, name="retire", comment="Old.")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("review", {"assessment": "recommend", "comment": "Sound."})
    ]
    if state in (PracticeState.RECOGNIZED, PracticeState.PUBLISHED):
        steps.append(("recognize", {"decision": DecisionFactory(owner_unit=world.own)}))
    if state == PracticeState.PUBLISHED:
        steps.append(("publish", {}))
    for name, extra in steps:
        practice = practice_transition(actor=None, practice=practice, name=name, **extra)
    return practice


@pytest.fixture
def every_state(world):
    practices = {state: in_state(world, state, title=f"The {state} one") for state in PracticeState}
    assert {p.state for p in practices.values()} == set(PracticeState)
    return practices


@pytest.mark.parametrize("state", list(PracticeState))
def test_only_a_published_practice_is_reachable_anonymously(world, every_state, state):
    practice = every_state[state]
    anonymous = Client()
    public_urls = [
        f"/practices/public/{practice.pk}/",
        f"/practices/public/{practice.pk}/dossier.pdf",
        f"/practices/public/{practice.pk}/dossier.docx",
    ]
    expected = 200 if state == PracticeState.PUBLISHED else 404
    for url in public_urls:
        assert anonymous.get(url).status_code == expected, url
    # The library's own pages and files ask for a login whatever the state.
    evidence = practice.evidence.create(title="Scan", file="practices/x.pdf")
    for url in (
        f"/practices/{practice.pk}/",
        f"/practices/{practice.pk}/dossier.pdf",
        f"/practices/{practice.pk}/dossier.docx",
        f"/practices/{practice.pk}/evidence/{evidence.pk}/",
        f"/practices/{practice.pk}/adoptions.xlsx",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    # The list and the feed name the published one only.
    listed = anonymous.get("/practices/public/").content.decode()
    feed = anonymous.get("/practices/public/feed/").content.decode()
    assert (practice.title in listed) == (state == PracticeState.PUBLISHED)
    assert (practice.title in feed) == (state == PracticeState.PUBLISHED)


def test_the_public_page_shows_no_evidence_nor_the_record_and_is_cacheable(world):
    practice = published(
        PracticeFactory(
            owner_unit=world.own,
            title="Lean shifts",
            body={"en": "<h2>How</h2><p>Three shifts &amp; one team.</p>"},
        )
    )
    practice.evidence.create(title="Internal scan", file="practices/scan.pdf")
    response = Client().get(f"/practices/public/{practice.pk}/")
    html = response.content.decode()
    assert "Three shifts &amp; one team." in html and "Internal scan" not in html
    assert practice.decision.number not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert not response.cookies
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache == {"public", f"max-age={public_views.PUBLIC_MAX_AGE}"}
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert "Content-Security-Policy" in response
    # A signed-in visitor reads the same page (nothing of theirs on it).
    client = Client()
    client.force_login(world.users["committee_staff"])
    assert "staff" not in client.get(f"/practices/public/{practice.pk}/").content.decode()


def test_the_public_pages_are_rate_limited_per_address(world, monkeypatch):
    monkeypatch.setattr(public_views, "PUBLIC_RATE", "3/m")
    anonymous = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert anonymous.get("/practices/public/").status_code == 200
    refused = anonymous.get("/practices/public/feed/")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many requests" in refused.content.decode()
    assert "public" not in refused.get("Cache-Control", "")
    # Another address, and a forged header from the same one, count apart / the same.
    assert Client(REMOTE_ADDR="203.0.113.10").get("/practices/public/").status_code == 200
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.get("/practices/public/").status_code == 429


@pytest.fixture
def library(world, work_fields):
    studio = published(
        PracticeFactory(
            owner_unit=world.own,
            source_units=[world.child],
            kind="studio",
            lead_person="Zhang Wei",
            studio_level="national_demo",
            title={"en": "Xiangdian studio"},
            work_fields=[work_fields["skills"]],
            year=2024,
        )
    )
    initiative = published(
        PracticeFactory(
            owner_unit=world.other,
            source_units=[world.other],
            kind="initiative",
            influence_scope="provincial",
            title={"en": "Cold-chain initiative"},
            work_fields=[work_fields["production"]],
            year=2023,
        )
    )
    model = published(
        PracticeFactory(
            owner_unit=world.own,
            source_units=[world.own, world.other],
            kind="model",
            subject="collective",
            level="provincial",
            title={"en": "Lam Son model"},
            work_fields=[work_fields["production"], work_fields["skills"]],
            year=2024,
        )
    )
    hidden = PracticeFactory(owner_unit=world.own, title="Not yet published", year=2022)
    return {"studio": studio, "initiative": initiative, "model": model, "hidden": hidden}


def listed(query=""):
    response = Client().get(f"/practices/public/{query}")
    assert response.status_code == 200
    return response, [p.pk for p in response.context["page_obj"].object_list]


def facet(response, name):
    return {o["label"]: o["count"] for f in response.context["facets"] if f["name"] == name
            for o in f["options"]}  # fmt: skip


def test_the_facets_count_and_narrow_the_published_practices(world, library, work_fields):
    response, pks = listed()
    assert set(pks) == {library[k].pk for k in ("studio", "initiative", "model")}
    assert facet(response, "kind") == {
        "Advanced model": 1,
        "Innovation initiative": 1,
        "Model-worker or craftsman innovation studio": 1,
    }
    assert facet(response, "year") == {"2024": 2, "2023": 1}
    assert facet(response, "region") == {"Province": 2, "Other root": 2}
    assert facet(response, "level") == {
        "Scope of influence: The province": 1,
        "Studio level: National demonstration": 1,
        "Level: The province": 1,  # an advanced model's own level
    }
    fields = facet(response, "field")
    assert fields[work_fields["skills"].name] == 2 and fields[work_fields["production"].name] == 2
    # Narrowed by region (a source unit anywhere under the root), level, field, year.
    _, pks = listed(f"?region={world.root.pk}")
    assert set(pks) == {library["studio"].pk, library["model"].pk}
    _, pks = listed("?level=studio-national_demo")
    assert pks == [library["studio"].pk]
    _, pks = listed("?level=scope-provincial")
    assert pks == [library["initiative"].pk]
    response, pks = listed("?level=level-provincial")
    assert pks == [library["model"].pk]
    assert facet(response, "kind") == {"Advanced model": 1}
    page = Client().get(f"/practices/public/{library['model'].pk}/").content.decode()
    assert "Level: The province" in page
    response, pks = listed(f"?field={work_fields['production'].pk}&year=2024")
    assert pks == [library["model"].pk]
    # A facet counts what choosing another of its values gives; the others narrow it.
    assert facet(response, "year") == {"2024": 1, "2023": 1}
    assert facet(response, "kind") == {"Advanced model": 1}
    # The search is the library's: a source unit's name, folded.
    _, pks = listed("?q=CHILD UNIT")
    assert pks == [library["studio"].pk]
    # A value that is no facet's is ignored, not an error.
    _, pks = listed("?level=cosmic&region=999999&year=abc")
    assert len(pks) == 3


def test_the_public_list_takes_a_fixed_number_of_queries(
    world, library, work_fields, django_assert_num_queries
):
    client = Client()
    query = f"?region={world.root.pk}&field={work_fields['skills'].pk}"
    client.get(f"/practices/public/{query}")
    # The rate limit's count in the shared cache (6), the two choices checked, the page
    # (count, rows, units, fields) and the seven of the facets.
    with django_assert_num_queries(19):
        client.get(f"/practices/public/{query}")
    for n in range(8):
        published(
            PracticeFactory(
                owner_unit=world.child,
                source_units=[world.child, world.own],
                work_fields=list(work_fields.values())[:3],
                title=f"More {n}",
            )
        )
    with django_assert_num_queries(19):
        response = client.get(f"/practices/public/{query}")
    assert response.context["page_obj"].paginator.count == 10


def test_the_feed_lists_published_practices_newest_first_in_the_requests_language(world, library):
    translated = published(
        PracticeFactory(
            owner_unit=world.own,
            source_language="vi",
            title={"vi": "Mô hình Lam Sơn", "zh-hans": "蓝山模范", "en": "Lam Son"},
            summary={"vi": "Năng suất cao", "zh-hans": "高产"},
        )
    )
    response = Client().get("/practices/public/feed/?lang=zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "蓝山模范"  # the last published first
    assert "Not yet published" not in titles and len(titles) == 4
    first = entries[0]
    assert first.findtext(f"{ATOM}summary") == "高产"
    assert (
        first.find(f"{ATOM}link")
        .get("href")
        .endswith(f"/practices/public/{translated.pk}/?lang=zh-hans")
    )
    assert root.findtext(f"{ATOM}title") == "先进典型：已发布的典型"
    vi = ET.fromstring(Client(HTTP_ACCEPT_LANGUAGE="vi").get("/practices/public/feed/").content)
    assert vi.findall(f"{ATOM}entry")[0].findtext(f"{ATOM}title") == "Mô hình Lam Sơn"


def test_the_body_reads_as_plain_blocks():
    blocks = body_blocks(
        "<h2>Steps</h2><h4>In short</h4><p>First <strong>this</strong> &amp; that.</p>"
        "<ol><li>One</li><li>Two</li></ol><ul><li>Dot</li></ul>"
        "<table><tr><th>Shift</th><th>Output</th></tr><tr><td>A</td><td>9</td></tr></table>"
        '<blockquote>Quote<br>line</blockquote><p><a href="https://x.org">a link</a></p>'
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("h2", "Steps"),
        ("h3", "In short"),
        ("p", "First this & that."),
        ("li", "1. One"),
        ("li", "2. Two"),
        ("li", "Dot"),
        ("p", "Shift | Output"),
        ("p", "A | 9"),
        ("p", "Quote line"),
        ("p", "a link"),
    ]


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
    return content.decode("latin-1")  # pragma: no cover - pdftotext is in the image


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.fixture
def translated(world, work_fields):
    proposed = PracticeFactory(
        owner_unit=world.own,
        source_units=[world.own],
        source_language="vi",
        kind="initiative",
        influence_scope="provincial",
        title={"vi": "Sáng kiến dây chuyền lạnh", "zh-hans": "冷链创新", "en": "Cold chain"},
        body={
            "vi": "<h2>Cách làm</h2><p>Ba ca &amp; một đội.</p><ul><li>Đo nhiệt độ</li></ul>",
            "zh-hans": "<h2>做法</h2><p>三班一队。</p>",
        },
        effect={"vi": "Giảm hao hụt 12%"},
        work_fields=[work_fields["production"]],
    )
    practice = published(proposed)
    adoption_create(
        actor=None,
        practice=practice,
        unit=world.sibling,
        adopted_on=practice.published_at.date(),
        note="",
    )
    return practice


def test_the_dossier_opens_in_vietnamese_and_chinese(world, translated):
    anonymous = Client()
    url = f"/practices/public/{translated.pk}/dossier"
    vi_pdf = pdf_text(anonymous.get(f"{url}.pdf?lang=vi").content)
    assert "Sáng kiến dây chuyền lạnh" in vi_pdf and "Ba ca & một đội." in vi_pdf
    assert "Đo nhiệt độ" in vi_pdf and "<" not in vi_pdf
    zh = anonymous.get(f"{url}.pdf?lang=zh-hans")
    assert zh["Content-Type"] == "application/pdf"
    assert "冷链创新" in pdf_text(zh.content) and "三班一队" in pdf_text(zh.content)
    vi_docx = docx_text(anonymous.get(f"{url}.docx?lang=vi").content)
    assert "Sáng kiến dây chuyền lạnh" in vi_docx and "Ba ca & một đội." in vi_docx
    assert "<" not in vi_docx and "Giảm hao hụt 12%" in vi_docx
    zh_docx = anonymous.get(f"{url}.docx?lang=zh-hans")
    assert "冷链创新" in docx_text(zh_docx.content)
    assert 'filename="practice-' in zh_docx["Content-Disposition"]
    # The public dossier: counts of the spread, no adopting unit, no record, no comment.
    public = docx_text(anonymous.get(f"{url}.docx").content)
    assert "Sibling unit" not in public and "Sound." not in public
    assert translated.decision.number not in public and "Province: 1" in public


def test_the_signed_in_dossier_is_for_the_practices_readers(world, translated):
    draft = PracticeFactory(owner_unit=world.own, title="Draft idea")
    client = Client()
    client.force_login(world.users["committee_staff"])
    text = docx_text(client.get(f"/practices/{translated.pk}/dossier.docx?lang=en").content)
    assert "Cold chain" in text and "Sibling unit" in text and "Sound." in text
    assert translated.decision.number in text
    assert client.get(f"/practices/{draft.pk}/dossier.pdf").status_code == 200
    page = client.get(f"/practices/{translated.pk}/").content.decode()
    assert f"/practices/{translated.pk}/dossier.pdf" in page
    assert f"/practices/public/{translated.pk}/" in page
    client.force_login(world.users["nobody"])  # a published practice: every signed-in user
    assert client.get(f"/practices/{translated.pk}/dossier.pdf").status_code == 200
    assert client.get(f"/practices/{draft.pk}/dossier.pdf").status_code == 404
    assert client.get(f"/practices/{draft.pk}/dossier.docx").status_code == 404


def test_the_dossier_dates_a_step_by_the_sites_day(world):
    # Proposed at 20:00 UTC on 1 July: already 2 July in Thanh Hoa.
    with clock.fixed(dt.datetime(2024, 7, 1, 20, tzinfo=dt.UTC)):
        practice = PracticeFactory(owner_unit=world.own)
    with timezone.override(ZoneInfo("Asia/Ho_Chi_Minh")), translation.override("en"):
        steps = [b.text for b in dossier_blocks(practice, reader=world.users["committee_staff"])]
        day = formats.date_format(dt.date(2024, 7, 2), "SHORT_DATE_FORMAT")
    assert any(text.startswith(day) for text in steps), steps
