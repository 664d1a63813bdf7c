"""A decision's page and the download of its file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacesetter.clusters.models import Cluster
from pacesetter.decisions.services import decision_create
from pacesetter.decisions.tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 Decision No. 1197/QD-UBND"


@pytest.fixture
def decision(world: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    decision = decision_create(
        actor=world.users["committee_staff"],
        owner_unit=world.committee,
        number="1197/QD-UBND",
        date=dt.date(2024, 3, 27),
        issuer="Chairman of the provincial People's Committee",
        file=SimpleUploadedFile("1197.pdf", CONTENT, content_type="application/pdf"),
    )
    Cluster.objects.filter(pk=world.cluster.pk).update(decision=decision)
    return decision


@pytest.mark.parametrize("role", ["committee_staff", "unit_officer", "cluster_leader"])
def test_download_returns_the_file_to_allowed_users(client, world, decision, role):
    client.force_login(world.users[role])
    response = client.get(reverse("decisions:download", args=[decision.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", ["nobody", "council_member"])
def test_download_is_not_found_for_others(client, world, decision, role):
    client.force_login(world.users[role])
    assert client.get(reverse("decisions:download", args=[decision.pk])).status_code == 404


def test_download_requires_login(client, world, decision):
    response = client.get(reverse("decisions:download", args=[decision.pk]))
    assert response.status_code == 302


def test_download_without_a_file_is_not_found(client, world):
    decision = DecisionFactory(owner_unit=world.committee)  # without a file
    client.force_login(world.users["committee_staff"])
    assert client.get(reverse("decisions:download", args=[decision.pk])).status_code == 404


def test_detail_page(client, world, decision):
    client.force_login(world.users["unit_officer"])
    response = client.get(reverse("decisions:detail", args=[decision.pk]))
    assert response.status_code == 200
    assert "1197/QD-UBND" in response.text
    assert "Cluster A" in response.text
    assert reverse("decisions:download", args=[decision.pk]) in response.text


def test_detail_is_not_found_for_others(client, world, decision):
    client.force_login(world.users["nobody"])
    assert client.get(reverse("decisions:detail", args=[decision.pk])).status_code == 404
