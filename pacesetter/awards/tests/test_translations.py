"""An award's name and issuer in several languages (docs/translations.md, slice 4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pacesetter.audit.models import AuditEntry
from pacesetter.awards import eligibility
from pacesetter.awards.models import Award
from pacesetter.awards.services import award_create, award_update
from pacesetter.core.translations import search_key, values
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db

FLAG_VI = "Cờ thi đua cấp tỉnh"
FLAG_EN = "Provincial Emulation Flag"
ISSUER_VI = "Chủ tịch Ủy ban nhân dân tỉnh"


def vi_award(code: str = "vi-flag") -> Award:
    return award_create(
        actor=None,
        code=code,
        source_language="vi",
        name={"vi": FLAG_VI, "en": FLAG_EN},
        issuer=ISSUER_VI,
        level="provincial",
        recipient_kind="unit",
    )


def test_a_vietnamese_award_shows_in_each_language_and_falls_back_to_its_source():
    award = vi_award()
    award.refresh_from_db()
    assert values(award, "name") == {"vi": FLAG_VI, "en": FLAG_EN}
    assert values(award, "issuer") == {"vi": ISSUER_VI}
    assert award.search_key == search_key(award)
    with translation.override("vi"):
        assert (award.name, award.issuer) == (FLAG_VI, ISSUER_VI)
    with translation.override("en"):
        assert award.name == FLAG_EN
        assert award.issuer == ISSUER_VI  # not translated: the source's
    with translation.override("zh-hans"):
        assert award.name == FLAG_VI


def test_an_update_merges_languages_and_the_source_cannot_be_cleared():
    award = vi_award()
    award = award_update(actor=None, award=award, name={"zh-hans": "省级竞赛旗"})
    assert values(award, "name") == {"vi": FLAG_VI, "en": FLAG_EN, "zh-hans": "省级竞赛旗"}
    assert award.search_key == search_key(award)
    entry = AuditEntry.objects.get(action="award.update")
    assert entry.changes == {"name_zh_hans": ["", "省级竞赛旗"]}
    with pytest.raises(ValidationError) as caught:
        award_update(actor=None, award=award, name={"vi": ""})
    assert "name_vi" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        award_update(actor=None, award=award, source_language="zh-hans", issuer={"en": "X"})
    assert "issuer_zh_hans" in caught.value.message_dict


def test_a_create_without_the_source_name_is_refused_on_its_column():
    with pytest.raises(ValidationError) as caught:
        award_create(
            actor=None,
            code="nameless",
            source_language="vi",
            name={"en": FLAG_EN},
            issuer=ISSUER_VI,
            level="provincial",
            recipient_kind="unit",
        )
    assert set(caught.value.message_dict) == {"name_vi"}
    assert not Award.objects.filter(code="nameless").exists()


def test_the_search_finds_an_award_without_accents_in_any_language(world):
    vi_award()
    api = ApiClient(world.users["viewer"])
    for q in ("co thi dua", "CỜ THI", "emulation flag", "vi-flag"):
        found = api.get("/awards", q=q).json()["items"]
        assert [a["code"] for a in found] == ["vi-flag"], q
    assert api.get("/awards", q="huân chương").json()["count"] == 0


def test_the_api_answers_in_the_requested_language_and_writes_by_language(world):
    award = vi_award()
    api = ApiClient(world.users["committee_staff"])
    shown = api.get(f"/awards/{award.pk}", lang="vi").json()
    assert (shown["name"], shown["issuer"], shown["source_language"]) == (FLAG_VI, ISSUER_VI, "vi")
    assert shown["translations"] == {
        "name": {"vi": FLAG_VI, "en": FLAG_EN},
        "issuer": {"vi": ISSUER_VI},
    }
    assert "name_vi" not in shown and "name_zh" not in shown
    assert api.get(f"/awards/{award.pk}", lang="en").json()["name"] == FLAG_EN
    listed = api.get("/awards", lang="zh-hans").json()["items"]
    assert [(a["name"], a["source_language"]) for a in listed] == [(FLAG_VI, "vi")]

    created = api.post(
        "/awards?lang=vi",
        {
            "code": "own-flag",
            "name": "Cờ thi đua của huyện",
            "issuer": "Chủ tịch UBND huyện",
            "level": "district",
            "recipient_kind": "unit",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["source_language"] == "vi"  # a string is in the request's language
    assert body["translations"]["name"] == {"vi": "Cờ thi đua của huyện"}
    patched = api.patch(f"/awards/{body['id']}", {"name": {"en": "District Emulation Flag"}})
    assert patched.json()["translations"]["name"] == {
        "vi": "Cờ thi đua của huyện",
        "en": "District Emulation Flag",
    }
    refused = api.patch(f"/awards/{body['id']}", {"name": {"fr": "Drapeau"}})
    assert refused.status_code == 422


def test_the_form_shows_the_source_first_and_saves_the_translations(world):
    award = vi_award()
    client = Client()
    client.force_login(world.users["committee_staff"])
    url = reverse("awards:award_edit", args=[award.pk])
    with translation.override("en"):
        form = client.get(url).content.decode()
    assert form.index('name="source_language"') < form.index('name="name_vi"')
    assert form.index('name="name_vi"') < form.index('name="level"') < form.index('name="name_en"')
    data = {
        "source_language": "vi",
        "name_vi": FLAG_VI,
        "name_en": FLAG_EN,
        "name_zh_hans": "省级竞赛旗",
        "issuer_vi": ISSUER_VI,
        "issuer_en": "Chairman of the Provincial People's Committee",
        "issuer_zh_hans": "",
        "level": "provincial",
        "recipient_kind": "unit",
        "quota_count": "",
        "quota_percent": "",
        "position": "0",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    award.refresh_from_db()
    assert award.name_zh_hans == "省级竞赛旗"
    assert award.issuer_en == "Chairman of the Provincial People's Committee"
    page = client.get(reverse("awards:award", args=[award.pk]), {"lang": "vi"}).content.decode()
    assert f"<h1>{FLAG_VI}" in page and 'lang="zh-Hans">省级竞赛旗' in page


def test_an_explanation_names_the_award_in_the_readers_language(world):
    vi_award()
    node = {"rule": "not_awarded_within", "params": {"award": "vi-flag", "years": 1}}
    node["facts"] = {"years": []}
    with translation.override("en"):
        assert FLAG_EN in eligibility.describe(node)
    with translation.override("vi"):
        assert FLAG_VI in eligibility.describe(node)
