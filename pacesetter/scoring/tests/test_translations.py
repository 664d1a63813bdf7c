"""Campaigns, phases, review points, scoring tables and criteria in several languages
(docs/translations.md, slice 3): services, API with ``?lang=``, the screens' forms and
search, the criteria template's column per language, the exports in the asked language."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from pacesetter.campaigns.models import Campaign, ReviewPoint
from pacesetter.campaigns.services import campaign_create, campaign_update, phase_add
from pacesetter.core.translations import CONTENT_LANGUAGES, values
from pacesetter.scoring.models import Criterion, ScoringTable
from pacesetter.scoring.services import criterion_add, item_report, table_create

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CAMPAIGN_VI = "Phong trào thi đua lao động giỏi 2024"
CAMPAIGN_EN = "Good Labour Emulation Movement 2024"
TABLE_VI = "Bảng điểm Cụm thi đua số 18"


@pytest.fixture
def staff(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["committee_staff"])
    return client


def vi_campaign(world: Any, **fields: Any) -> Campaign:
    return campaign_create(
        actor=None,
        organizer=world.committee,
        code=fields.pop("code", "PT-2024"),
        source_language="vi",
        name={"vi": CAMPAIGN_VI, "en": CAMPAIGN_EN},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        **fields,
    )


def vi_table(world: Any, name: Any = None) -> ScoringTable:
    return table_create(
        actor=None,
        owner_unit=world.committee,
        source_language="vi",
        name=name or {"vi": TABLE_VI, "en": "Emulation Cluster No. 18 table"},
        year=2025,
    )


def download(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def texts_of(workbook: Any) -> set[str]:
    return {
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }


# --- services -------------------------------------------------------------------------


def test_a_vi_campaign_keeps_its_languages_and_its_children_take_its_source(world):
    campaign = vi_campaign(world)
    assert values(campaign, "name") == {"vi": CAMPAIGN_VI, "en": CAMPAIGN_EN}
    phase = phase_add(
        actor=None,
        campaign=campaign,
        name="Phát động",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 3, 31),
    )
    assert phase.source_language == "vi" and values(phase, "name") == {"vi": "Phát động"}
    with translation.override("en"):
        assert campaign.name == CAMPAIGN_EN
        assert phase.name == "Phát động"  # not translated: the source's
    with translation.override("zh-hans"):
        assert campaign.name == CAMPAIGN_VI
    campaign = campaign_update(actor=None, campaign=campaign, name={"zh-hans": "2024年劳动竞赛"})
    assert set(values(campaign, "name")) == set(CONTENT_LANGUAGES)  # merged, none lost
    with pytest.raises(ValidationError) as refused:
        campaign_update(actor=None, campaign=campaign, name={"vi": ""})
    assert "name_vi" in refused.value.message_dict


def test_a_criterion_takes_its_tables_source_and_the_table_name_is_unique_per_language(world):
    table = vi_table(world)
    criterion = criterion_add(
        actor=None,
        table=table,
        code="Q1",
        title={"vi": "Doanh thu", "en": "Revenue"},
        kind="quantitative",
        max_points=D(10),
        measure={"vi": "tỷ đồng", "en": "billion VND"},
    )
    assert criterion.source_language == "vi"
    assert values(criterion, "title") == {"vi": "Doanh thu", "en": "Revenue"}
    # The same Vietnamese name for the same owner and year is the next version.
    again = vi_table(world, name={"vi": TABLE_VI, "en": "Another English name"})
    assert again.version == 2
    clash = ScoringTable(
        owner_unit=world.committee, source_language="vi", name_vi=TABLE_VI, year=2025, version=1
    )
    with pytest.raises(ValidationError):
        clash.full_clean()


# --- API ------------------------------------------------------------------------------


def test_the_campaign_api_writes_by_language_and_reads_in_the_asked_one(staff, world):
    created = staff.post(
        "/api/v1/campaigns",
        {
            "organizer_id": world.committee.pk,
            "code": "PT-2024",
            "source_language": "vi",
            "name": {"vi": CAMPAIGN_VI, "en": CAMPAIGN_EN},
            "description": "Phát động toàn cụm",
            "start": "2024-01-01",
            "end": "2024-12-31",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["source_language"] == "vi"
    assert body["name"] == CAMPAIGN_EN  # the request's language: English
    assert body["description"] == "Phát động toàn cụm"  # the source, not translated
    assert body["translations"]["name"] == {"vi": CAMPAIGN_VI, "en": CAMPAIGN_EN}
    url = f"/api/v1/campaigns/{body['id']}"
    point = staff.post(
        f"{url}/review-points",
        {"code": "h1", "name": "Sơ kết 6 tháng", "period_end": "2024-06-30", "due": "2024-07-15"},
        content_type="application/json",
    )
    assert point.status_code == 201, point.content
    assert point.json()["source_language"] == "vi"  # the campaign's
    patched = staff.patch(url, {"name": {"zh-hans": "劳动竞赛"}}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert set(patched.json()["translations"]["name"]) == {"vi", "en", "zh-hans"}
    assert staff.get(f"{url}?lang=vi").json()["name"] == CAMPAIGN_VI
    assert staff.get(f"{url}?lang=zh-hans").json()["name"] == "劳动竞赛"
    refused = staff.patch(url, {"name": {"fr": "x"}}, content_type="application/json")
    assert refused.status_code == 422


def test_the_table_api_gives_criteria_in_the_asked_language(staff, world):
    created = staff.post(
        "/api/v1/scoring-tables?lang=vi",
        {"owner_unit_id": world.committee.pk, "name": TABLE_VI, "year": 2025},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    table = created.json()
    assert table["source_language"] == "vi"  # the request's language
    criterion = staff.post(
        f"/api/v1/scoring-tables/{table['id']}/criteria",
        {
            "code": "Q1",
            "title": {"vi": "Doanh thu", "en": "Revenue"},
            "kind": "quantitative",
            "max_points": 10,
            "measure": "tỷ đồng",
        },
        content_type="application/json",
    )
    assert criterion.status_code == 201, criterion.content
    assert criterion.json()["source_language"] == "vi"  # the table's
    assert criterion.json()["translations"]["measure"] == {"vi": "tỷ đồng"}
    url = f"/api/v1/scoring-tables/{table['id']}"
    english = staff.get(f"{url}?lang=en").json()
    assert (english["name"], english["criteria"][0]["title"]) == (TABLE_VI, "Revenue")
    vietnamese = staff.get(f"{url}?lang=vi").json()["criteria"][0]
    assert (vietnamese["title"], vietnamese["measure"]) == ("Doanh thu", "tỷ đồng")
    found = staff.get("/api/v1/scoring-tables?q=Cụm thi đua").json()["items"]
    assert [t["id"] for t in found] == [table["id"]]


def test_openapi_lists_the_languages_of_campaign_and_criterion_texts(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for schema, field in (("CampaignIn", "name"), ("CriterionIn", "title"), ("TableIn", "name")):
        options = schemas[schema]["properties"][field]["anyOf"]
        as_object = next(o for o in options if o.get("type") == "object")
        assert as_object["propertyNames"]["enum"] == list(CONTENT_LANGUAGES)


# --- screens --------------------------------------------------------------------------


def test_campaigns_are_found_without_accents_in_any_language(staff, world):
    vi_campaign(world)
    campaign_create(
        actor=None,
        organizer=world.committee,
        code="OTHER",
        name="Safety month",
        start=dt.date(2024, 5, 1),
        end=dt.date(2024, 5, 31),
    )
    for query in ("phong trao thi dua", "PHONG TRÀO", "good labour"):
        page = staff.get(reverse("campaigns:list"), {"q": query, "lang": "vi"})
        assert CAMPAIGN_VI in page.text, query
        assert "Safety month" not in page.text
    found = staff.get("/api/v1/campaigns", {"q": "lao dong gioi"}).json()["items"]
    assert [c["code"] for c in found] == ["PT-2024"]


def test_the_campaign_form_shows_the_source_first_and_saves_the_translations(staff, world):
    url = reverse("campaigns:create")
    with translation.override("vi"):
        text = staff.get(url, headers={"accept-language": "vi"}).text
    assert text.index('name="source_language"') < text.index('name="name_vi"')
    assert text.index('name="name_vi"') < text.index('name="name_en"')  # source first
    data = {
        "organizer": world.committee.pk,
        "code": "PT-2024",
        "source_language": "vi",
        "name_vi": CAMPAIGN_VI,
        "name_en": CAMPAIGN_EN,
        "kind": "movement",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "tie_break_1": "base_pct",
    }
    assert staff.post(url, data).status_code == 302
    campaign = Campaign.objects.get(code="PT-2024")
    assert values(campaign, "name") == {"vi": CAMPAIGN_VI, "en": CAMPAIGN_EN}
    answer = staff.post(url, {**data, "code": "PT-2", "name_vi": ""})
    assert answer.status_code == 200
    assert answer.context["form"].errors["name_vi"]


def test_a_criterion_added_on_screen_is_in_its_tables_language(staff, world):
    table = vi_table(world)
    url = reverse("scoring:criterion_add", args=[table.pk])
    text = staff.get(url).text
    assert text.index('name="title_vi"') < text.index('name="title_en"')
    data = {
        "code": "C1",
        "source_language": "vi",
        "title_vi": "Sáng kiến",
        "title_en": "Initiatives",
        "kind": "count",
        "max_points": "20",
        "direction": "higher",
        "method": "proportional",
        "points_per_item": "5",
        "zero_target": "not_assigned",
    }
    assert staff.post(url, data).status_code == 302
    criterion = table.criteria.get(code="C1")
    assert values(criterion, "title") == {"vi": "Sáng kiến", "en": "Initiatives"}


# --- the criteria template --------------------------------------------------------------


def headers(sheet: Any) -> list[str]:
    return [cell.value for cell in sheet[1] if cell.value]


def test_the_criteria_template_has_a_column_per_language_and_round_trips(staff, world):
    source = vi_table(world)
    criterion_add(
        actor=None,
        table=source,
        code="Q1",
        title={"vi": "Doanh thu", "en": "Revenue"},
        kind="quantitative",
        max_points=D(10),
        measure={"vi": "tỷ đồng", "en": "billion VND"},
        guidance="Theo báo cáo tài chính",
    )
    exported = download(staff, reverse("scoring:table_template") + f"?table={source.pk}")
    sheet = exported["Criteria"]
    columns = headers(sheet)
    assert columns[2] == "title_vi"  # the source where the title stands, required
    assert {"title_en", "title_zh_hans", "measure_en", "guidance_en"} <= set(columns)
    row = dict(zip(columns, [c.value for c in sheet[2]], strict=False))
    assert (row["title_vi"], row["title_en"], row["title_zh_hans"]) == (
        "Doanh thu",
        "Revenue",
        None,
    )
    assert (row["measure_vi"], row["measure_en"]) == ("tỷ đồng", "billion VND")
    position = {header: index for index, header in enumerate(columns, start=1)}
    sheet.cell(row=3, column=position["code"], value="Q2")
    sheet.cell(row=3, column=position["title_en"], value="Budget only in English")
    sheet.cell(row=3, column=position["kind"], value="pass_fail")
    sheet.cell(row=3, column=position["max_points"], value=5)
    copy = vi_table(world, name={"vi": "Bản sao"})
    url = reverse("scoring:table_import", args=[copy.pk])

    def upload() -> Any:
        buffer = io.BytesIO()
        exported.save(buffer)
        return staff.post(url, {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue(), XLSX)})

    errors = [str(e) for e in upload().context["errors"]]
    assert errors == [
        "Sheet “Criteria”, row 3, column C (title_vi): enter a title in Vietnamese, the "
        "table's source language."
    ]
    assert not copy.criteria.exists()
    sheet.cell(row=3, column=position["title_vi"], value="Nộp ngân sách")
    response = upload()
    assert response.context["errors"] == []
    copied = {c.code: c for c in copy.criteria.all()}
    assert values(copied["Q1"], "title") == {"vi": "Doanh thu", "en": "Revenue"}
    assert values(copied["Q1"], "guidance") == {"vi": "Theo báo cáo tài chính"}
    assert values(copied["Q2"], "title") == {"vi": "Nộp ngân sách", "en": "Budget only in English"}


def test_the_empty_template_is_laid_out_in_the_active_language(staff):
    workbook = download(staff, reverse("scoring:table_template") + "?lang=vi")
    columns = headers(workbook["Criteria"])
    assert columns[2] == "title_vi" and columns.index("title_en") > columns.index("guidance_vi")


# --- exports in the asked language -----------------------------------------------------


def test_the_ranking_and_score_sheet_exports_follow_the_asked_language(staff, world, scoring):
    campaign_update(
        actor=None,
        campaign=scoring.campaign,
        source_language="vi",
        name={"vi": "Thi đua 2024", "en": "Emulation 2024"},
    )
    ReviewPoint.objects.filter(pk=scoring.h1.pk).update(
        source_language="vi", name_vi="Sơ kết 6 tháng", name_en="6-month review"
    )
    Criterion.objects.filter(pk=scoring.c["Q1"].pk).update(
        source_language="vi", title_vi="Doanh thu", title_en="Revenue"
    )
    item = scoring.item(world.own, "Q1")
    item_report(actor=None, item=item, version=item.version, actual=D(50))
    ranking_url = reverse("scoring:ranking_xlsx", args=[scoring.h1.pk])
    vietnamese = download(staff, f"{ranking_url}?lang=vi")
    assert vietnamese.active["A1"].value == "Thi đua 2024"
    assert "Sơ kết 6 tháng" in vietnamese.active["A2"].value
    english = download(staff, f"{ranking_url}?lang=en")
    assert english.active["A1"].value == "Emulation 2024"
    assert "6-month review" in english.active["A2"].value
    sheet_url = reverse("scoring:sheet_xlsx", args=[scoring.h1.pk, world.own.pk])
    assert any("Doanh thu" in text for text in texts_of(download(staff, f"{sheet_url}?lang=vi")))
    english_sheet = texts_of(download(staff, f"{sheet_url}?lang=en"))
    assert any("Revenue" in text for text in english_sheet)
    assert not any("Doanh thu" in text for text in english_sheet)
