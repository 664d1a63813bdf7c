"""Content in several languages (core.translations), proved on units and unit types."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    column,
    content_language,
    fold,
    matching,
    ordered,
    resolved,
    search_key,
    tr,
    values,
)
from pacesetter.units.models import Unit, UnitType
from pacesetter.units.services import unit_create, unit_update
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

pytestmark = pytest.mark.django_db

CLUSTER_VI = "Cụm thi đua số 18"


def vi_unit(code: str = "C18", **texts: Any) -> Unit:
    return unit_create(
        actor=None,
        parent=None,
        code=code,
        unit_type=UnitTypeFactory(code="cluster-office"),
        source_language="vi",
        name=texts.pop("name", {"vi": CLUSTER_VI, "en": "Emulation Cluster No. 18"}),
        **texts,
    )


# --- the kit ----------------------------------------------------------------------------


def test_the_content_languages_are_the_screens_languages():
    assert [code for code, _name in settings.LANGUAGES] == list(CONTENT_LANGUAGES)


@pytest.mark.parametrize(
    ("given_code", "expected"),
    [("vi", "vi"), ("vi-VN", "vi"), ("zh-hans", "zh-hans"), ("zh-CN", "zh-hans"), ("fr", "en")],
)
def test_a_language_is_normalized_to_a_content_language(given_code, expected):
    assert content_language(given_code) == expected


def test_a_text_shows_in_the_active_language_else_in_its_source():
    unit = vi_unit(short_name={"vi": "Cụm 18"})
    with translation.override("en"):
        assert unit.name == "Emulation Cluster No. 18"
        assert unit.short_name == "Cụm 18"  # not translated: the source's
        assert resolved(unit, "short_name") == ("Cụm 18", "vi")
        assert unit.industry == ""  # an optional field may be empty in every language
    with translation.override("zh-hans"):
        assert unit.name == CLUSTER_VI
    assert values(unit, "name") == {"vi": CLUSTER_VI, "en": "Emulation Cluster No. 18"}


def test_a_text_is_written_through_its_languages_not_the_shown_value():
    unit = vi_unit()
    with pytest.raises(TypeError, match="name_en, name_vi, name_zh_hans"):
        unit.name = "x"


def test_the_source_value_is_required_and_cannot_be_cleared():
    with pytest.raises(ValidationError) as refused:
        vi_unit(name={"en": "Only English"})
    assert "name_vi" in refused.value.message_dict
    unit = vi_unit()
    with pytest.raises(ValidationError) as cleared:
        unit_update(actor=None, unit=unit, name={"vi": ""})
    assert "name_vi" in cleared.value.message_dict
    with pytest.raises(ValidationError) as moved:  # a new source needs its value
        unit_update(actor=None, unit=unit, source_language="zh-hans")
    assert "name_zh_hans" in moved.value.message_dict


def test_an_unknown_language_is_refused_on_the_field():
    with pytest.raises(ValidationError) as refused:
        vi_unit(name={"vi": CLUSTER_VI, "fr": "Groupe"})
    assert "name" in refused.value.message_dict


def test_an_update_merges_languages_and_the_audit_names_each_column():
    unit = vi_unit()
    unit = unit_update(actor=None, unit=unit, name={"zh-hans": "第18竞赛集群"})
    assert values(unit, "name") == {
        "en": "Emulation Cluster No. 18",
        "vi": CLUSTER_VI,
        "zh-hans": "第18竞赛集群",
    }
    entry = AuditEntry.objects.filter(action="unit.update").latest("pk")
    assert entry.changes == {"name_zh_hans": ["", "第18竞赛集群"]}
    assert "第18竞赛集群" in unit.search_key  # the key follows every write


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cụm Thi Đua số 18", "cum thi dua so 18"),
        ("CỤM  THI\tĐUA", "cum thi dua"),
        ("Công ty TNHH MTV Thủy lợi Bắc Sông Mã", "cong ty tnhh mtv thuy loi bac song ma"),
        ("丹阳市总工会", "丹阳市总工会"),
        ("ＡＢＣ１２", "abc12"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_search_finds_a_record_in_any_language_without_accents_or_case():
    unit = vi_unit()
    UnitFactory(code="OTHER", name="Danyang Federation of Trade Unions")
    units = Unit.objects.all()
    for query in ("cum thi dua", "CỤM", "Cụm thi đua số 18", "cluster no. 18", "c18"):
        assert list(matching(units, query)) == [unit], query
    chinese = vi_unit(
        code="DY", name={"vi": "Liên đoàn Lao động Đan Dương", "zh-hans": "丹阳市总工会"}
    )
    assert list(matching(units, "丹阳")) == [chinese]
    assert list(matching(units, "  ")) == list(units)  # nothing to match: all


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.fixed_dictionaries(
            {
                "source": st.sampled_from(CONTENT_LANGUAGES),
                "en": st.sampled_from(["", "Lam Son", "An"]),
                "vi": st.sampled_from(["", "Ân", "Đông Sơn", "Dương"]),
                "zh-hans": st.sampled_from(["", "丹阳", "湖南"]),
            }
        ),
        min_size=1,
        max_size=4,
    ),
    language=st.sampled_from(CONTENT_LANGUAGES),
)
def test_the_sql_fallback_is_the_python_fallback(texts, language):
    Unit.objects.all().delete()
    unit_type = UnitTypeFactory(code="kind")
    for i, text in enumerate(texts):
        source = text["source"]
        if not text[source]:
            text = {**text, source: "Source"}
        Unit.objects.create(
            code=f"H{i}",
            path=f"{i}/",
            unit_type=unit_type,
            source_language=source,
            **{column("name", code): text[code] for code in CONTENT_LANGUAGES},
        )
    with translation.override(language):
        in_python = {u.code: u.name for u in Unit.objects.all()}
        in_sql = dict(Unit.objects.values_list("code", tr("name")))
        assert in_sql == in_python
        shown = list(
            Unit.objects.order_by(ordered("name"), "pk").values_list(tr("name"), flat=True)
        )
        if connection.vendor == "sqlite":  # by code point; PostgreSQL: ICU, below
            assert shown == sorted(shown)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_sorts_in_each_languages_order():
    kind = UnitTypeFactory(code="kind")
    for i, name in enumerate(["Đông Sơn", "Dương", "Ân", "An"]):
        UnitFactory(code=f"V{i}", source_language="vi", name=name, unit_type=kind)
    with translation.override("vi"):
        names = [u.name for u in Unit.objects.order_by(ordered("name"), "pk")]
    assert names == ["An", "Ân", "Dương", "Đông Sơn"]
    for i, name in enumerate(["中国", "湖南", "丹阳", "花都"]):
        UnitFactory(code=f"Z{i}", source_language="zh-hans", name=name, unit_type=kind)
    with translation.override("zh-hans"):
        chinese = [
            u.name for u in Unit.objects.filter(code__startswith="Z").order_by(ordered("name"))
        ]
    assert chinese == ["丹阳", "湖南", "花都", "中国"]  # pinyin: dan, hu, hua, zhong


def test_search_keys_hold_every_language_of_the_search_fields():
    unit = vi_unit(short_name={"en": "Cluster 18"})
    assert unit.search_key == search_key(unit)
    assert set(unit.search_key.split("\n")) == {
        "c18",
        "cum thi dua so 18",
        "emulation cluster no. 18",
        "cluster 18",
    }


# --- the request's language -----------------------------------------------------------


@pytest.fixture
def staff_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["committee_staff"])
    return client


def test_lang_beats_accept_language_which_beats_the_default(staff_client, world):
    unit_update(actor=None, unit=world.own, name={"vi": "Đơn vị của tôi", "zh-hans": "本单位"})
    url = f"/api/v1/units/{world.own.pk}"
    assert staff_client.get(url).json()["name"] == "Own unit"
    answer = staff_client.get(url, headers={"accept-language": "zh-Hans"})
    assert answer.json()["name"] == "本单位"
    assert answer["Content-Language"] == "zh-hans"
    answer = staff_client.get(url + "?lang=vi", headers={"accept-language": "zh-Hans"})
    assert answer.json()["name"] == "Đơn vị của tôi"
    assert answer["Content-Language"] == "vi"
    page = staff_client.get(reverse("units:detail", args=[world.own.pk]) + "?lang=vi")
    assert "Đơn vị của tôi" in page.text


def test_an_unknown_lang_is_refused_on_the_api_and_ignored_on_screens(staff_client, world):
    answer = staff_client.get("/api/v1/units?lang=fr")
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid"
    assert answer.json()["detail"][0]["loc"] == ["query", "lang"]
    assert staff_client.get(reverse("units:tree") + "?lang=fr").status_code == 200


# --- the API and the screens ----------------------------------------------------------


def test_the_api_writes_texts_by_language_and_reads_them_back(staff_client, world):
    kind = UnitType.objects.get(code="enterprise")
    created = staff_client.post(
        "/api/v1/units",
        {
            "parent_id": world.root.pk,
            "code": "TH-BSM",
            "unit_type_id": kind.pk,
            "source_language": "vi",
            "name": {"vi": "Công ty TNHH MTV Thủy lợi Bắc Sông Mã", "en": "Bac Song Ma Irrigation"},
            "short_name": "Thủy lợi Bắc Sông Mã",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["source_language"] == "vi"
    assert body["name"] == "Bac Song Ma Irrigation"  # the request's language: English
    assert body["short_name"] == "Thủy lợi Bắc Sông Mã"  # the source, not translated
    assert body["translations"]["name"] == {
        "vi": "Công ty TNHH MTV Thủy lợi Bắc Sông Mã",
        "en": "Bac Song Ma Irrigation",
    }
    patched = staff_client.patch(
        f"/api/v1/units/{body['id']}",
        {"name": {"zh-hans": "北松马水利公司"}},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert set(patched.json()["translations"]["name"]) == {"vi", "en", "zh-hans"}
    refused = staff_client.patch(
        f"/api/v1/units/{body['id']}", {"name": {"fr": "x"}}, content_type="application/json"
    )
    assert refused.status_code == 422
    found = staff_client.get("/api/v1/units?q=thuy loi bac song").json()
    assert [item["code"] for item in found["items"]] == ["TH-BSM"]


def test_a_string_is_in_the_requests_language_when_no_source_is_given(staff_client, world):
    kind = UnitType.objects.get(code="enterprise")
    created = staff_client.post(
        "/api/v1/units?lang=zh-hans",
        {"parent_id": world.root.pk, "code": "DY", "unit_type_id": kind.pk, "name": "丹阳市总工会"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["source_language"] == "zh-hans"
    assert created.json()["translations"]["name"] == {"zh-hans": "丹阳市总工会"}


def test_openapi_lists_the_languages_of_a_text():
    schema = Client().get("/api/v1/openapi.json").json()
    name = schema["components"]["schemas"]["UnitIn"]["properties"]["name"]
    as_object = next(option for option in name["anyOf"] if option.get("type") == "object")
    assert as_object["propertyNames"]["enum"] == list(CONTENT_LANGUAGES)


def test_the_form_shows_the_source_first_and_saves_the_translations(staff_client, world):
    url = reverse("units:edit", args=[world.own.pk])
    with translation.override("vi"):
        page = staff_client.get(url, headers={"accept-language": "vi"})
    text = page.text
    assert text.index('name="source_language"') < text.index('name="name_en"')
    assert text.index('name="name_en"') < text.index('name="name_vi"')  # source first
    data = {
        "code": "OWN",
        "source_language": "en",
        "name_en": "Own unit",
        "name_vi": "Đơn vị của tôi",
        "unit_type": world.own.unit_type_id,
    }
    assert staff_client.post(url, data).status_code == 302
    world.own.refresh_from_db()
    assert values(world.own, "name") == {"en": "Own unit", "vi": "Đơn vị của tôi"}
    data["source_language"] = "zh-hans"  # a source without its value
    answer = staff_client.post(url, data)
    assert answer.status_code == 200
    assert answer.context["form"].errors["name_zh_hans"]


def test_the_unit_list_of_30_units_of_mixed_sources_keeps_its_query_count(
    staff_client, world, django_assert_max_num_queries
):
    kind = UnitType.objects.get(code="enterprise")
    sources = ["vi", "zh-hans", "en"]
    for i in range(30):
        source = sources[i % 3]
        UnitFactory(
            code=f"M{i:02d}",
            parent=world.root,
            unit_type=kind,
            source_language=source,
            name={source: f"Unit {i} ({source})", "en": f"Unit {i}"},
        )
    url = reverse("units:list") + "?lang=vi"
    with django_assert_max_num_queries(12):
        page = staff_client.get(url + "&q=(vi)")
    assert "Unit 0 (vi)" in page.text
    # In Vietnamese, a Chinese-source unit without a Vietnamese name shows its source's.
    with django_assert_max_num_queries(12):
        page = staff_client.get(url + "&q=unit 1 (zh")
    assert "Unit 1 (zh-hans)" in page.text


def test_unit_types_are_translatable_too(staff_client):
    superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
    staff_client.force_login(superuser)
    created = staff_client.post(
        "/api/v1/unit-types",
        {"code": "ward", "source_language": "vi", "name": {"vi": "Phường", "en": "Ward"}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = staff_client.get("/api/v1/unit-types?q=phuong&lang=vi").json()["items"]
    assert [item["name"] for item in listed] == ["Phường"]
