"""Adoptions through /api/v1/practices/{id}/adoptions: list, create (with a key task),
report, evidence; the error codes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.workplans.tests.factories import WorkPlanFactory

from .factories import PracticeFactory, published

pytestmark = pytest.mark.django_db
BASE = "/practices"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def test_an_officer_adopts_reports_and_a_reader_lists(world):
    practice = published(PracticeFactory(owner_unit=world.committee))
    plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.own))
    officer = ApiClient(world.users["unit_officer"])
    url = f"{BASE}/{practice.pk}/adoptions"
    created = ok(
        officer.post(
            url,
            {
                "unit_id": world.own.pk,
                "adopted_on": "2024-03-01",
                "plan_id": plan.pk,
                "task_title": "Roll out the handover card",
            },
        ),
        201,
    )
    assert created["task_id"] and created["outcome"] == "" and created["rating"] is None
    assert plan.tasks.get().title == "Roll out the handover card"
    again = officer.post(url, {"unit_id": world.own.pk, "adopted_on": "2024-03-02"})
    assert assert_error_shape(again, 422)["code"] == "already_adopted"

    reported = ok(
        officer.post(
            f"{url}/{created['id']}/report",
            {"outcome": "partly", "rating": 3, "report": "One line.", "reported_on": "2024-06-01"},
        )
    )
    assert (reported["outcome"], reported["rating"]) == ("partly", 3)
    pdf = SimpleUploadedFile("trial.pdf", b"%PDF-1.4 trial", content_type="application/pdf")
    evidence = ok(officer.upload(f"{url}/{created['id']}/evidence", {"file": pdf}), 201)
    assert evidence["name"].startswith("trial") and evidence["name"].endswith(".pdf")

    reader = ApiClient(world.users["nobody"])
    listed = ok(reader.get(url))
    assert [row["unit_id"] for row in listed["items"]] == [world.own.pk]
    assert listed["items"][0]["evidence"][0]["id"] == evidence["id"]
    file_url = f"{url}/{created['id']}/evidence/{evidence['id']}/file"
    assert reader.get(file_url).status_code == 200
    refused = reader.post(f"{url}/{created['id']}/report", {"outcome": "adopted", "rating": 5})
    assert_error_shape(refused, 403)


def test_the_api_refuses_what_the_rules_refuse(world):
    officer = ApiClient(world.users["unit_officer"])
    draft = PracticeFactory(owner_unit=world.own)
    answer = officer.post(
        f"{BASE}/{draft.pk}/adoptions", {"unit_id": world.own.pk, "adopted_on": "2024-03-01"}
    )
    assert assert_error_shape(answer, 422)["code"] == "not_published"
    practice = published(PracticeFactory(owner_unit=world.committee))
    url = f"{BASE}/{practice.pk}/adoptions"
    # The sibling is not the officer's unit.
    answer = officer.post(url, {"unit_id": world.sibling.pk, "adopted_on": "2024-03-01"})
    assert answer.status_code in (403, 422)
    # A plan of another unit is not offered.
    other_plan = WorkPlanFactory(body=BodyFactory(owner_unit=world.sibling))
    answer = officer.post(
        url, {"unit_id": world.own.pk, "adopted_on": "2024-03-01", "plan_id": other_plan.pk}
    )
    assert_error_shape(answer, 422)
    created = ok(officer.post(url, {"unit_id": world.own.pk, "adopted_on": "2024-03-01"}), 201)
    early = officer.post(
        f"{url}/{created['id']}/report",
        {"outcome": "adopted", "rating": 4, "reported_on": "2024-01-01"},
    )
    assert assert_error_shape(early, 422)["code"] == "report_before_adoption"
    out_of_range = officer.post(
        f"{url}/{created['id']}/report", {"outcome": "adopted", "rating": 7}
    )
    assert_error_shape(out_of_range, 422)
