"""The register through /api/v1/coverage."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pacesetter.coverage.models import Organization
from pacesetter.testing.api import ApiClient, assert_error_shape

from .factories import credit_code, organization

pytestmark = pytest.mark.django_db
BASE = "/coverage"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def own_org(world):
    return organization(world.own, name="Own Works", registered_on=dt.date(2023, 1, 1))


def test_an_officer_registers_records_and_reads_back(world):
    officer = ApiClient(world.users["unit_officer"])
    created = ok(
        officer.post(
            f"{BASE}/organizations",
            {
                "town_id": world.own.pk,
                "source_language": "zh-hans",
                "name": "花都物流",
                "credit_code": credit_code(),
                "kind": "private",
                "registered_on": "2023-04-01",
                "staff_count": 60,
                "party_members_full": 3,
            },
        ),
        201,
    )
    assert created["translations"]["name"] == {"zh-hans": "花都物流"}
    assert created["allowed_actions"] == ["update", "view"]
    assert [b["form"] for b in created["buildings"]] == ["not_built"] * 3
    pk = created["id"]
    ok(
        officer.post(
            f"{BASE}/organizations/{pk}/buildings/party",
            {
                "on": "2024-01-15",
                "form": "standalone",
                "leader_name": "Secretary",
                "member_count": 3,
            },
        ),
        201,
    )
    listed = ok(officer.get(f"{BASE}/organizations", at="2024-02-01", party_form="covered"))
    assert [o["id"] for o in listed["items"]] == [pk]
    assert listed["items"][0]["party_form"] == "standalone"
    earlier = ok(officer.get(f"{BASE}/organizations", at="2023-12-31", party_form="covered"))
    assert earlier["items"] == []
    rates = ok(officer.get(f"{BASE}/rates", at="2024-02-01", since="2023-12-31"))
    assert rates["total"]["organized"] == 1 and rates["total"]["newly_built"] == 1
    assert rates["total_before"]["organized"] == 0


def test_bad_input_names_its_field(world, own_org):
    officer = ApiClient(world.users["unit_officer"])
    response = officer.post(
        f"{BASE}/organizations/{own_org.pk}/buildings/party",
        {"on": "2024-01-15", "form": "not_built", "reason_not_built": "other"},
    )
    body = assert_error_shape(response, 422)
    assert "reason_text" in str(body["detail"])
    response = officer.post(
        f"{BASE}/organizations",
        {
            "town_id": world.own.pk,
            "name": "X",
            "credit_code": "123",
            "kind": "private",
            "registered_on": "2023-01-01",
        },
    )
    body = assert_error_shape(response, 422)
    assert "credit_code" in str(body["detail"])
    assert_error_shape(officer.get(f"{BASE}/rates", group_by="nonsense"), 422)
    assert_error_shape(officer.get(f"{BASE}/organizations", at="2999-01-01"), 422)
    assert Organization.objects.count() == 1


def test_nobody_outside_the_town_reads_or_writes_it(world, own_org):
    viewer = ApiClient(world.users["viewer"])
    assert ok(viewer.get(f"{BASE}/organizations/{own_org.pk}"))["allowed_actions"] == ["view"]
    assert_error_shape(viewer.patch(f"{BASE}/organizations/{own_org.pk}", {"staff_count": 3}), 403)
    assert_error_shape(
        viewer.post(
            f"{BASE}/organizations",
            {
                "town_id": world.own.pk,
                "name": "X",
                "kind": "private",
                "registered_on": "2023-01-01",
            },
        ),
        403,
    )
    leader = ApiClient(world.users["cluster_leader"])
    assert_error_shape(leader.get(f"{BASE}/organizations/{own_org.pk}"), 404)
    assert ok(leader.get(f"{BASE}/organizations"))["items"] == []
    assert ApiClient().get(f"{BASE}/organizations").status_code == 401


def test_staff_change_details_and_status(world, own_org):
    staff = ApiClient(world.users["committee_staff"])
    changed = ok(staff.patch(f"{BASE}/organizations/{own_org.pk}", {"staff_count": 250}))
    assert changed["staff_count"] == 250
    ok(
        staff.post(
            f"{BASE}/organizations/{own_org.pk}/status",
            {"on": "2024-05-01", "status": "deregistered"},
        ),
        201,
    )
    detail = ok(staff.get(f"{BASE}/organizations/{own_org.pk}"))
    assert detail["status"] == "deregistered"
    assert [p["status"] for p in detail["status_periods"]] == ["operating", "deregistered"]
