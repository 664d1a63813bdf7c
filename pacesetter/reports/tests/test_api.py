"""/api/v1/reports: started, saved on a version, finalized and locked, downloaded, with
the access of the report's page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from pacesetter.reports.models import Report
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_an_unknown_language_is_refused_naming_the_field(world: Any, reporting: Any) -> None:
    staff = ApiClient(world.users["committee_staff"])
    response = staff.post("/reports", {"review_point_id": reporting.h1.pk, "language": "fr"})
    assert response.status_code == 422
    assert "language" in str(response.json())
    assert not Report.objects.exists()


def test_start_save_finalize_and_download(world: Any, reporting: Any) -> None:
    leader = ApiClient(world.users["cluster_leader"])
    started = ok(
        leader.post(
            "/reports",
            {"review_point_id": reporting.h1.pk, "cluster_id": world.cluster.pk, "language": "vi"},
        ),
        201,
    )
    assert (started["state"], started["version"], started["language"]) == ("draft", 1, "vi")
    assert started["allowed_actions"] == ["update", "finalize"]
    url = f"/reports/{started['id']}"
    saved = ok(leader.put(url, {"version": 1, "achievements": "Both registered."}))
    assert saved["version"] == 2
    assert [v["number"] for v in saved["versions"]] == [2, 1]
    assert_error_shape(leader.put(url, {"version": 1, "lessons": "x"}), 409, "stale_version")
    final = ok(leader.post(f"{url}/finalize", {"version": 2, "lessons": "Plan early."}))
    assert final["state"] == "final" and final["version"] == 3
    assert final["versions"][0]["achievements"] == "Both registered."
    assert final["allowed_actions"] == []
    assert_error_shape(
        leader.put(url, {"version": 3, "lessons": "later"}), 422, "invalid_transition"
    )
    response = leader.get(f"{url}/file/docx", lang="zh-hans")
    assert response.status_code == 200
    texts = {p.text for p in Document(io.BytesIO(response.content)).paragraphs}
    assert "经验教训" in texts and "Plan early." in texts
    assert leader.get(f"{url}/file/odt").status_code == 404


def test_access_as_on_the_page(world: Any, reporting: Any) -> None:
    body = {"review_point_id": reporting.h1.pk}
    assert_error_shape(
        ApiClient(world.users["cluster_leader"]).post("/reports", body), 403, "forbidden"
    )
    assert_error_shape(ApiClient(world.users["nobody"]).post("/reports", body), 404, "not_found")
    other = {**body, "cluster_id": world.other_cluster.pk}
    assert_error_shape(
        ApiClient(world.users["committee_staff"]).post("/reports", other), 404, "not_found"
    )
    staff = ApiClient(world.users["committee_staff"])
    report = ok(staff.post("/reports", body), 201)
    assert_error_shape(staff.post("/reports", body), 422, "report_exists")
    leader = ApiClient(world.users["cluster_leader"])
    assert_error_shape(leader.get(f"/reports/{report['id']}"), 404, "not_found")
    assert Report.objects.count() == 1
