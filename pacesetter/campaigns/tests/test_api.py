"""Campaigns, registrations and the ranking through /api/v1/campaigns."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from pacesetter.campaigns.models import Campaign, CampaignState, ReviewPoint
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    pact_sign,
    participant_add,
    review_point_add,
)
from pacesetter.clusters.services import cluster_member_add
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.scoring.models import Criterion, ScoreItem
from pacesetter.scoring.services import (
    item_finalize,
    item_report,
    item_review,
    item_submit,
    registration_set,
    review_point_open,
    review_point_publish,
)
from pacesetter.scoring.tests.conftest import build_table
from pacesetter.testing.api import API, ApiClient, assert_error_shape
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

pytestmark = pytest.mark.django_db

START = dt.date(2024, 1, 1)


def api_as(world: Any, role: str) -> ApiClient:
    return ApiClient(world.users[role])


def put(api: ApiClient, path: str, data: Any) -> Any:
    """ApiClient has no PUT; send it the same way as its PATCH."""
    return api.client.put(
        API + path,
        json.dumps(data, default=str),
        content_type="application/json",
        headers=api.headers,
    )


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def running_campaign(
    world: Any, members: dict[Any, list[Any]], code: str = "RANK-2024"
) -> tuple[Campaign, ReviewPoint, dict[str, Criterion]]:
    """A running campaign of the committee with ``members`` per cluster and an open H1."""
    table, c = build_table(world.committee)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code=code,
        name=code,
        start=START,
        end=dt.date(2024, 12, 31),
        scoring_table=table,
    )
    for cluster, units in members.items():
        for unit in units:
            cluster_member_add(actor=None, cluster=cluster, unit=unit, start=START)
            participant_add(actor=None, campaign=campaign, unit=unit, cluster=cluster)
    h1 = review_point_add(
        actor=None,
        campaign=campaign,
        code="h1",
        name="6-month review",
        period_end=dt.date(2024, 6, 30),
        due=dt.date(2024, 7, 15),
    )
    campaign = campaign_transition(actor=None, campaign=campaign, to_state="registration")
    for cluster, units in members.items():
        for unit in units:
            for criterion, target in ((c["Q1"], D(100)), (c["Q2"], D(50))):
                registration_set(
                    actor=None, campaign=campaign, unit=unit, criterion=criterion, target=target
                )
        pact_sign(
            actor=None, campaign=campaign, cluster=cluster, signed_on=START, signer_unit=units[0]
        )
    campaign = campaign_transition(actor=None, campaign=campaign, to_state="running")
    review_point_open(actor=None, review_point=h1)
    return campaign, h1, c


def report(h1: ReviewPoint, c: dict[str, Criterion], unit: Any, code: str, **values: Any) -> None:
    item = ScoreItem.objects.get(review_point=h1, unit=unit, criterion=c[code])
    item_report(actor=None, item=item, version=item.version, **values)


def publish(review_point: ReviewPoint) -> None:
    for item in review_point.items.filter(not_assigned=False):
        score = None if item.computed is not None else D(0)
        item = item_submit(actor=None, item=item, version=item.version, self_score=score)
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)
    review_point_publish(actor=None, review_point=review_point)


@pytest.fixture
def league(world: Any) -> Any:
    """Two clusters of enterprises and cooperatives with distinct totals (base 100 each):
    A: a2 35, a1 28 (one penalty), a3 24; B: b1 27, b2 12."""
    enterprise = world.own.unit_type
    coop = UnitTypeFactory(code="coop", name="Cooperative")
    cluster_a = ClusterFactory(code="LA", name="League A", owner_unit=world.committee)
    cluster_b = ClusterFactory(code="LB", name="League B", owner_unit=world.committee)
    units = {
        code: UnitFactory(code=code, name=f"Unit {code}", parent=world.root, unit_type=kind)
        for code, kind in (
            ("a1", enterprise),
            ("a2", enterprise),
            ("a3", coop),
            ("b1", enterprise),
            ("b2", coop),
        )
    }
    campaign, h1, c = running_campaign(
        world,
        {
            cluster_a: [units["a1"], units["a2"], units["a3"]],
            cluster_b: [units["b1"], units["b2"]],
        },
    )
    for code, actual in (("a1", 100), ("a2", 50), ("a3", 80), ("b1", 90), ("b2", 40)):
        report(h1, c, units[code], "Q1", actual=D(actual))
    report(h1, c, units["a2"], "P1", passed=True)
    report(h1, c, units["a1"], "N1", count=1)
    return {
        "campaign": campaign,
        "h1": h1,
        "a": cluster_a,
        "b": cluster_b,
        "coop": coop,
        "units": units,
    }


# --- ranking ---------------------------------------------------------------------------


def test_ranking_by_cluster_and_by_unit_type(world: Any, league: Any) -> None:
    staff = api_as(world, "committee_staff")
    url = f"/campaigns/{league['campaign'].pk}/ranking"

    body = ok(staff.get(url, cluster=league["a"].pk))
    assert (body["review_point"]["id"], body["live"], body["published"]) == (
        league["h1"].pk,
        True,
        False,
    )
    rows = body["rows"]
    assert [r["unit_code"] for r in rows] == ["a2", "a1", "a3"]
    assert [r["rank_in_cluster"] for r in rows] == [1, 2, 3]
    assert [D(r["total"]) for r in rows] == [D(35), D(28), D(24)]
    assert [D(r["percentage"]) for r in rows] == [D(35), D(28), D(24)]
    assert [D(r["penalty"]) for r in rows] == [D(0), D(2), D(0)]
    assert {D(r["base_assigned"]) for r in rows} == {D(100)}
    assert not any(r["veto"] for r in rows)

    rows = ok(staff.get(url, unit_type=league["coop"].pk))["rows"]
    assert [(r["unit_code"], r["rank_in_type"]) for r in rows] == [("a3", 1), ("b2", 2)]
    rows = ok(staff.get(url, unit_type=league["coop"].pk, cluster=league["b"].pk))["rows"]
    assert [(r["unit_code"], r["rank_in_cluster"]) for r in rows] == [("b2", 2)]

    everyone = ok(staff.get(url))["rows"]
    assert [(r["unit_code"], r["rank_overall"]) for r in everyone] == [
        ("a2", 1),
        ("a1", 2),
        ("a3", 4),
        ("b1", 3),
        ("b2", 5),
    ]


def test_ranking_query_count_does_not_grow_with_units(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    staff = api_as(world, "committee_staff")
    for size, code in ((2, "SMALL"), (6, "LARGE")):
        cluster = ClusterFactory(code=code, owner_unit=world.committee)
        units = [UnitFactory(parent=world.root) for _ in range(size)]
        campaign, _h1, _c = running_campaign(world, {cluster: units}, code=code)
        with django_assert_max_num_queries(9):
            rows = ok(staff.get(f"/campaigns/{campaign.pk}/ranking"))["rows"]
        assert len(rows) == size


def test_a_unit_never_sees_the_live_ranking(world: Any, scoring: Any) -> None:
    url = f"/campaigns/{scoring.campaign.pk}/ranking"

    for role in ("unit_officer", "viewer"):
        body = ok(api_as(world, role).get(url))
        assert (body["published"], body["live"], body["rows"]) == (False, False, []), role
        body = ok(api_as(world, role).get(url, review_point=scoring.h1.pk))
        assert (body["published"], body["live"], body["rows"]) == (False, False, []), role
    # The cluster's leader follows it live.
    body = ok(api_as(world, "cluster_leader").get(url))
    assert body["live"] and len(body["rows"]) == 3
    assert_error_shape(api_as(world, "nobody").get(url), 404, "not_found")


def test_a_published_ranking_is_seen_by_every_participant(world: Any, scoring: Any) -> None:
    item = scoring.item(world.sibling, "Q1")
    item_report(actor=None, item=item, version=item.version, actual=D(200))
    campaign_transition(actor=None, campaign=scoring.campaign, to_state="scoring")
    publish(scoring.h1)
    # The year-end review opens; units still see the published 6-month ranking.
    campaign_transition(actor=None, campaign=scoring.campaign, to_state="running")
    review_point_open(actor=None, review_point=scoring.year_end)

    body = ok(api_as(world, "unit_officer").get(f"/campaigns/{scoring.campaign.pk}/ranking"))
    assert (body["review_point"]["code"], body["published"], body["live"]) == ("h1", True, False)
    assert body["rows"][0]["unit_code"] == "SIB"
    assert [r["rank_in_cluster"] for r in body["rows"]] == [1, 2, 2]
    # The organizer's staff land on the open year-end review.
    staff = ok(api_as(world, "committee_staff").get(f"/campaigns/{scoring.campaign.pk}/ranking"))
    assert (staff["review_point"]["code"], staff["live"]) == ("y", True)


# --- campaigns -------------------------------------------------------------------------


def test_list_and_detail(world: Any, scoring: Any) -> None:
    officer = api_as(world, "unit_officer")

    listed = ok(officer.get("/campaigns", q="emulation", state="running"))["items"]
    assert [c["code"] for c in listed] == ["EMU-2024"]
    assert ok(officer.get("/campaigns", state="draft"))["items"] == []
    staff = api_as(world, "committee_staff")
    assert len(ok(staff.get("/campaigns", organizer=world.committee.pk))["items"]) == 1
    assert ok(staff.get("/campaigns", organizer=world.own.pk))["items"] == []
    assert ok(api_as(world, "nobody").get("/campaigns"))["items"] == []

    body = ok(officer.get(f"/campaigns/{scoring.campaign.pk}"))
    assert body["scoring_table"]["state"] == "adopted"
    assert [(rp["code"], rp["state"]) for rp in body["review_points"]] == [
        ("h1", "open"),
        ("y", "planned"),
    ]
    assert {
        (p["unit"]["code"], p["cluster"]["code"], p["is_pilot"]) for p in body["participants"]
    } == {
        ("OWN", "CA", False),
        ("SIB", "CA", False),
        ("THIRD", "CA", False),
    }
    assert [(p["cluster"]["code"], p["signer_unit"]["code"]) for p in body["pacts"]] == [
        ("CA", "OWN")
    ]
    assert_error_shape(
        api_as(world, "nobody").get(f"/campaigns/{scoring.campaign.pk}"), 404, "not_found"
    )
    # Taking part is not running the campaign.
    moved = officer.post(f"/campaigns/{scoring.campaign.pk}/transition", {"to_state": "scoring"})
    assert_error_shape(moved, 403, "forbidden")
    assert_error_shape(officer.patch(f"/campaigns/{scoring.campaign.pk}", {"name": "x"}), 403)


def test_transition_errors_carry_the_rules_message(world: Any) -> None:
    staff = api_as(world, "committee_staff")
    created = ok(
        staff.post(
            "/campaigns",
            {
                "organizer_id": world.committee.pk,
                "code": "NEW",
                "name": "New campaign",
                "start": "2025-01-01",
                "end": "2025-12-31",
            },
        ),
        201,
    )
    url = f"/campaigns/{created['id']}/transition"

    jump = assert_error_shape(staff.post(url, {"to_state": "running"}), 422, "invalid_transition")
    assert jump["detail"] == {"__all__": ["A campaign cannot go from Draft to Running."]}
    early = assert_error_shape(staff.post(url, {"to_state": "registration"}), 422)
    assert early["detail"] == {"__all__": ["Adopt a scoring table for the campaign first."]}
    assert Campaign.objects.get(pk=created["id"]).state == CampaignState.DRAFT
    # Nobody else even sees a draft campaign.
    assert_error_shape(api_as(world, "unit_officer").post(url, {"to_state": "registration"}), 404)


def test_set_up_register_and_sign_through_the_api(world: Any) -> None:
    staff = api_as(world, "committee_staff")
    officer = api_as(world, "unit_officer")
    leader = api_as(world, "cluster_leader")
    table, c = build_table(world.committee)

    campaign = ok(
        staff.post(
            "/campaigns",
            {
                "organizer_id": world.committee.pk,
                "code": "SPECIAL-24",
                "name": "Special action 2024",
                "start": "2024-01-01",
                "end": "2024-12-31",
                "tie_breaks": ["fewer_penalty"],
            },
        ),
        201,
    )
    url = f"/campaigns/{campaign['id']}"
    body = ok(staff.patch(url, {"scoring_table_id": table.pk, "description": "Year 2024"}))
    assert (body["scoring_table"]["id"], body["tie_breaks"]) == (table.pk, ["fewer_penalty"])
    ok(
        staff.post(f"{url}/phases", {"name": "Launch", "start": "2024-01-01", "end": "2024-03-31"}),
        201,
    )
    rp = ok(
        staff.post(
            f"{url}/review-points",
            {"code": "h1", "name": "6 months", "period_end": "2024-06-30", "due": "2024-07-15"},
        ),
        201,
    )
    joined = ok(staff.post(f"{url}/clusters/{world.cluster.pk}/join"))
    assert {p["unit"]["code"] for p in joined} == {"OWN", "SIB"}
    pilot = ok(
        staff.post(f"{url}/participants", {"unit_id": world.child.pk, "is_pilot": True}), 201
    )
    assert (pilot["cluster"], pilot["is_pilot"]) == (None, True)
    ok(staff.post(f"{url}/transition", {"to_state": "registration"}))

    registration = {"unit_id": world.own.pk, "criterion_id": c["Q1"].pk, "target": "100"}
    assert D(ok(put(officer, f"{url}/registrations", registration))["target"]) == D(100)
    ok(put(officer, f"{url}/registrations", {**registration, "criterion_id": c["Q2"].pk}))
    foreign = put(officer, f"{url}/registrations", {**registration, "unit_id": world.sibling.pk})
    assert "unit_id" in assert_error_shape(foreign, 422)["detail"]
    group = put(officer, f"{url}/registrations", {**registration, "criterion_id": c["G1"].pk})
    assert "criterion" in assert_error_shape(group, 422)["detail"]

    sign = {"signed_on": "2024-03-30"}
    missing = assert_error_shape(leader.post(f"{url}/clusters/{world.cluster.pk}/pact", sign), 422)
    assert "Sibling unit has not registered" in missing["detail"]["__all__"][0]
    for code in ("Q1", "Q2"):
        ok(
            put(
                staff,
                f"{url}/registrations",
                {"unit_id": world.sibling.pk, "criterion_id": c[code].pk, "not_assigned": True},
            )
        )
    assert_error_shape(officer.post(f"{url}/clusters/{world.cluster.pk}/pact", sign), 403)
    pact = ok(leader.post(f"{url}/clusters/{world.cluster.pk}/pact", sign), 201)
    assert (pact["signer_unit"]["code"], pact["has_document"]) == ("OWN", False)

    locked = put(officer, f"{url}/registrations", {**registration, "target": "90"})
    assert "amendment" in assert_error_shape(locked, 422)["detail"]["__all__"][0]
    amendment = ok(
        officer.post(
            f"{url}/amendments",
            {**registration, "new_target": "90", "reason": "The plant closed for a month."},
        ),
        201,
    )
    assert amendment["state"] == "pending"
    decide = f"{url}/amendments/{amendment['id']}/decide"
    assert_error_shape(officer.post(decide, {"approve": True}), 403, "forbidden")
    decided = ok(staff.post(decide, {"approve": True, "note": "Agreed."}))
    assert (decided["state"], D(decided["old_target"])) == ("approved", D(100))

    own = ok(officer.get(f"{url}/registrations"))["items"]
    assert {r["unit"]["code"] for r in own} == {"OWN"}
    q1 = next(r for r in own if r["criterion"]["code"] == "Q1")
    assert D(q1["target"]) == D(90) and [a["state"] for a in q1["amendments"]] == ["approved"]
    led = ok(leader.get(f"{url}/registrations", page_size=100))["items"]
    assert {r["unit"]["code"] for r in led} == {"OWN", "SIB"}
    assert len(ok(staff.get(f"{url}/registrations", unit=world.sibling.pk))["items"]) == 2

    ok(staff.post(f"{url}/transition", {"to_state": "running"}))
    opened = ok(staff.post(f"{url}/review-points/{rp['id']}/open"))
    assert opened["state"] == "open"
    assert ScoreItem.objects.filter(review_point_id=rp["id"]).count() == 3 * 7


def test_another_units_targets_stay_hidden(world: Any, scoring: Any) -> None:
    url = f"/campaigns/{scoring.campaign.pk}/registrations"

    own = ok(api_as(world, "unit_officer").get(url, unit=world.sibling.pk))["items"]
    assert own == []
    viewer = ok(api_as(world, "viewer").get(url))["items"]
    assert {r["unit"]["code"] for r in viewer} == {"OWN"}


def test_openapi_document_lists_the_campaign_and_scoring_paths() -> None:
    paths = ok(Client().get("/api/v1/openapi.json"))["paths"]

    for path in (
        "/api/v1/campaigns",
        "/api/v1/campaigns/{campaign_id}",
        "/api/v1/campaigns/{campaign_id}/transition",
        "/api/v1/campaigns/{campaign_id}/phases",
        "/api/v1/campaigns/{campaign_id}/review-points",
        "/api/v1/campaigns/{campaign_id}/review-points/{review_point_id}/open",
        "/api/v1/campaigns/{campaign_id}/participants",
        "/api/v1/campaigns/{campaign_id}/clusters/{cluster_id}/join",
        "/api/v1/campaigns/{campaign_id}/clusters/{cluster_id}/pact",
        "/api/v1/campaigns/{campaign_id}/registrations",
        "/api/v1/campaigns/{campaign_id}/amendments",
        "/api/v1/campaigns/{campaign_id}/amendments/{amendment_id}/decide",
        "/api/v1/campaigns/{campaign_id}/ranking",
        "/api/v1/scoring-tables",
        "/api/v1/scoring-tables/{table_id}/criteria",
        "/api/v1/scoring-tables/{table_id}/adopt",
        "/api/v1/scoring-tables/{table_id}/clone",
        "/api/v1/criteria/{criterion_id}",
        "/api/v1/score-items",
        "/api/v1/score-items/{item_id}",
        "/api/v1/score-items/{item_id}/finalize",
        "/api/v1/score-items/{item_id}/return",
        "/api/v1/review-points/{review_point_id}/inspections",
        "/api/v1/review-points/{review_point_id}/publish",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/campaigns/{campaign_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/campaigns/{campaign_id}/registrations"]) == {"get", "put"}
