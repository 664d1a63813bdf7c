"""A decision's issuer, title and signer's title in several languages (slice 2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from pacesetter.core.translations import values
from pacesetter.decisions.models import Decision

pytestmark = pytest.mark.django_db

ISSUER_VI = "Chủ tịch UBND tỉnh Thanh Hóa"
ISSUER_EN = "Chairman of the Thanh Hoa Provincial People's Committee"


@pytest.fixture
def staff_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.users["committee_staff"])
    return client


def test_the_api_records_a_decision_by_language_and_reads_it_in_the_asked_one(staff_client, world):
    created = staff_client.post(
        "/api/v1/decisions?lang=vi",
        {
            "owner_unit_id": world.committee.pk,
            "number": "1197/QĐ-UBND",
            "date": "2024-03-27",
            "issuer": {"vi": ISSUER_VI, "en": ISSUER_EN},
            "title": "Về việc thành lập Cụm thi đua số 18",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["source_language"] == "vi"  # the request's language
    assert body["issuer"] == ISSUER_VI
    assert body["translations"]["title"] == {"vi": "Về việc thành lập Cụm thi đua số 18"}
    url = f"/api/v1/decisions/{body['id']}"
    assert staff_client.get(url).json()["issuer"] == ISSUER_EN
    english = staff_client.get(url).json()
    assert english["title"] == "Về việc thành lập Cụm thi đua số 18"  # the source's
    patched = staff_client.patch(
        url,
        {"title": {"en": "Setting up Emulation Cluster No. 18"}},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    decision = Decision.objects.get()
    assert values(decision, "title") == {
        "vi": "Về việc thành lập Cụm thi đua số 18",
        "en": "Setting up Emulation Cluster No. 18",
    }
    assert values(decision, "issuer") == {"vi": ISSUER_VI, "en": ISSUER_EN}
    with translation.override("vi"):
        assert decision.issuer == ISSUER_VI
    found = staff_client.get("/api/v1/decisions", {"q": "Thanh Hóa"}).json()["items"]
    assert [d["number"] for d in found] == ["1197/QĐ-UBND"]


def test_a_decision_without_its_issuer_in_the_source_language_is_refused(staff_client, world):
    answer = staff_client.post(
        "/api/v1/decisions",
        {
            "owner_unit_id": world.committee.pk,
            "number": "1",
            "date": "2024-03-27",
            "source_language": "vi",
            "issuer": {"en": ISSUER_EN},
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "issuer_vi" in answer.text
