"""A body's name and description and its terms' names in several languages (slice 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pacesetter.bodies.models import Body, BodyKind
from pacesetter.bodies.services import body_create, body_term_create, body_update
from pacesetter.core.translations import search_key, values

pytestmark = pytest.mark.django_db

UNION_ZH = "丹阳市总工会"
UNION_EN = "Danyang Federation of Trade Unions"


def zh_body(world: Any) -> Body:
    return body_create(
        actor=None,
        owner_unit=world.committee,
        kind=BodyKind.COUNCIL,
        source_language="zh-hans",
        name={"zh-hans": UNION_ZH, "en": UNION_EN},
    )


@pytest.fixture
def staff_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["committee_staff"])
    return client


def test_a_chinese_body_falls_back_to_its_source_and_patches_merge(world):
    body = zh_body(world)
    assert body.search_key == search_key(body)
    with translation.override("vi"):
        assert body.name == UNION_ZH
    body = body_update(actor=None, body=body, name={"vi": "Liên đoàn Lao động Đan Dương"})
    assert values(body, "name") == {
        "zh-hans": UNION_ZH,
        "en": UNION_EN,
        "vi": "Liên đoàn Lao động Đan Dương",
    }
    with translation.override("vi"):
        assert body.name == "Liên đoàn Lao động Đan Dương"


def test_the_api_reads_in_the_asked_language_and_writes_by_language(staff_client, world):
    created = staff_client.post(
        "/api/v1/bodies",
        {
            "owner_unit_id": world.committee.pk,
            "kind": "council",
            "source_language": "vi",
            "name": {"vi": "Hội đồng Thi đua - Khen thưởng", "en": "Emulation Council"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/bodies/{created.json()['id']}"
    assert staff_client.get(url + "?lang=vi").json()["name"] == "Hội đồng Thi đua - Khen thưởng"
    assert staff_client.get(url, headers={"accept-language": "vi"}).json()["name"] == (
        "Hội đồng Thi đua - Khen thưởng"
    )
    assert staff_client.get(url).json()["name"] == "Emulation Council"
    patched = staff_client.patch(
        url, {"name": {"zh-hans": "评比表彰委员会"}}, content_type="application/json"
    )
    assert set(patched.json()["translations"]["name"]) == {"vi", "en", "zh-hans"}
    term = staff_client.post(
        url + "/terms",
        {"name": {"vi": "Nhiệm kỳ IX"}, "start": "2021-01-01"},
        content_type="application/json",
    )
    assert term.status_code == 201, term.content
    assert term.json()["source_language"] == "vi"  # the body's
    assert term.json()["translations"] == {"name": {"vi": "Nhiệm kỳ IX"}}


@pytest.mark.parametrize("query", ["hoi dong thi dua", "HỘI ĐỒNG", "总工会", "danyang"])
def test_search_finds_a_body_without_accents_in_any_language(staff_client, world, query):
    zh_body(world)
    body_create(
        actor=None,
        owner_unit=world.committee,
        kind=BodyKind.COUNCIL,
        source_language="vi",
        name="Hội đồng Thi đua",
    )
    found = {b["name"] for b in staff_client.get("/api/v1/bodies", {"q": query}).json()["items"]}
    page = staff_client.get(reverse("bodies:list"), {"q": query})
    assert {b.name for b in page.context["page_obj"]} == found
    assert len(found) == 1


def test_a_terms_name_is_unique_in_its_body_in_each_language(world):
    body = zh_body(world)
    body_term_create(
        actor=None, body=body, name={"zh-hans": "第九届", "en": "9th"}, start=dt.date(2016, 1, 1)
    )
    with pytest.raises(ValidationError) as clash:
        body_term_create(
            actor=None,
            body=body,
            name={"zh-hans": "第十届", "en": "9th"},
            start=dt.date(2021, 1, 1),
        )
    assert list(clash.value.message_dict) == ["name_en"]
    # Another body may use the name.
    body_term_create(actor=None, body=world.council, name="9th", start=dt.date(2021, 1, 1))


def test_the_term_form_shows_a_clash_on_the_languages_input(staff_client, world):
    body_term_create(
        actor=None,
        body=world.council,
        name={"en": "9th", "vi": "Khóa IX"},
        start=dt.date(2016, 1, 1),
    )
    url = reverse("bodies:term_add", args=[world.council.pk])
    with translation.override("vi"):
        page = staff_client.get(url, headers={"accept-language": "vi"})
    assert page.text.index('name="name_vi"') < page.text.index('name="name_en"')
    answer = staff_client.post(
        url,
        {"source_language": "vi", "name_vi": "Khóa IX", "start": "2021-05-26"},
    )
    assert answer.status_code == 200
    assert "already has a term" in str(answer.context["form"].errors["name_vi"])
