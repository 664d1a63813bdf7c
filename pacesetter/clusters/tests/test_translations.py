"""A cluster's name and description in several languages (docs/translations.md, slice 2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pacesetter.audit.models import AuditEntry
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.services import cluster_create, cluster_update
from pacesetter.core.translations import search_key, values
from pacesetter.decisions.models import Decision

pytestmark = pytest.mark.django_db

CLUSTER_VI = "Cụm thi đua số 18"
CLUSTER_EN = "Emulation Cluster No. 18"


def vi_cluster(world: Any, code: str = "C18") -> Cluster:
    return cluster_create(
        actor=None,
        owner_unit=world.committee,
        code=code,
        source_language="vi",
        name={"vi": CLUSTER_VI, "en": CLUSTER_EN},
        description="Bảy đơn vị",
    )


@pytest.fixture
def staff_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["committee_staff"])
    return client


def test_a_vietnamese_cluster_shows_in_each_language_and_falls_back_to_its_source(world):
    cluster = vi_cluster(world)
    assert values(cluster, "name") == {"vi": CLUSTER_VI, "en": CLUSTER_EN}
    assert cluster.search_key == search_key(cluster)
    with translation.override("vi"):
        assert cluster.name == CLUSTER_VI
    with translation.override("en"):
        assert cluster.name == CLUSTER_EN
        assert cluster.description == "Bảy đơn vị"  # not translated: the source's
    with translation.override("zh-hans"):
        assert cluster.name == CLUSTER_VI


def test_an_update_merges_languages_and_the_source_cannot_be_cleared(world):
    cluster = vi_cluster(world)
    cluster = cluster_update(actor=None, cluster=cluster, name={"zh-hans": "第18竞赛组"})
    assert values(cluster, "name") == {"vi": CLUSTER_VI, "en": CLUSTER_EN, "zh-hans": "第18竞赛组"}
    assert cluster.search_key == search_key(cluster)
    entry = AuditEntry.objects.filter(action="cluster.update").latest("pk")
    assert entry.changes == {"name_zh_hans": ["", "第18竞赛组"]}
    with pytest.raises(ValidationError) as refused:
        cluster_update(actor=None, cluster=cluster, name={"vi": ""})
    assert "name_vi" in refused.value.message_dict


def test_the_api_reads_in_the_asked_language_and_writes_by_language(staff_client, world):
    created = staff_client.post(
        "/api/v1/clusters",
        {
            "owner_unit_id": world.committee.pk,
            "code": "C18",
            "source_language": "vi",
            "name": {"vi": CLUSTER_VI, "en": CLUSTER_EN},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == CLUSTER_EN and body["source_language"] == "vi"
    assert body["translations"]["name"] == {"vi": CLUSTER_VI, "en": CLUSTER_EN}
    url = f"/api/v1/clusters/{body['id']}"
    assert staff_client.get(url + "?lang=vi").json()["name"] == CLUSTER_VI
    assert staff_client.get(url, headers={"accept-language": "vi-VN"}).json()["name"] == CLUSTER_VI
    patched = staff_client.patch(
        url, {"description": {"en": "Seven units"}}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["translations"]["name"] == {"vi": CLUSTER_VI, "en": CLUSTER_EN}
    assert patched.json()["translations"]["description"] == {"en": "Seven units"}
    listed = staff_client.get("/api/v1/clusters?lang=vi&q=C18").json()["items"]
    assert [(c["name"], c["source_language"]) for c in listed] == [(CLUSTER_VI, "vi")]


@pytest.mark.parametrize("query", ["cum thi dua", "CỤM THI ĐUA", "cluster no. 18", "c18"])
def test_search_finds_a_cluster_without_accents_in_any_language(staff_client, world, query):
    vi_cluster(world)
    found = staff_client.get("/api/v1/clusters", {"q": query, "lang": "vi"}).json()["items"]
    assert [c["code"] for c in found] == ["C18"]
    page = staff_client.get(reverse("clusters:list"), {"q": query})
    assert [c.code for c in page.context["page_obj"]] == ["C18"]


def test_the_form_shows_the_source_first_and_saves_the_translations(staff_client, world):
    cluster = vi_cluster(world)
    url = reverse("clusters:edit", args=[cluster.pk])
    text = staff_client.get(url).text
    assert text.index('name="source_language"') < text.index('name="name_vi"')
    assert text.index('name="name_vi"') < text.index('name="name_en"')  # the source first
    data = {
        "code": "C18",
        "source_language": "vi",
        "name_vi": CLUSTER_VI,
        "name_en": "Cluster 18",
        "is_active": "on",
    }
    assert staff_client.post(url, data).status_code == 302
    cluster.refresh_from_db()
    assert values(cluster, "name") == {"vi": CLUSTER_VI, "en": "Cluster 18"}
    answer = staff_client.post(url, {**data, "source_language": "zh-hans"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["name_zh_hans"]


def test_a_new_founding_decision_takes_the_clusters_source_language(staff_client, world):
    data = {
        "owner_unit": world.committee.pk,
        "code": "C18",
        "source_language": "vi",
        "name_vi": CLUSTER_VI,
        "decision_number": "1197/QĐ-UBND",
        "decision_date": "2024-03-27",
        "decision_issuer": "Chủ tịch UBND tỉnh Thanh Hóa",
    }
    assert staff_client.post(reverse("clusters:create"), data).status_code == 302
    decision = Decision.objects.get()
    assert decision.source_language == "vi"
    assert values(decision, "issuer") == {"vi": "Chủ tịch UBND tỉnh Thanh Hóa"}
    assert Cluster.objects.get(code="C18").decision == decision
