"""/api/v1/awards/people: the register of people through the API (the same selectors,
services and policy as the screens), and /proposals/{id}/candidates."""

from __future__ import annotations

import datetime as dt

import pytest

from pacesetter.awards import services
from pacesetter.awards.models import Person, RecipientKind
from pacesetter.awards.people_services import person_create
from pacesetter.awards.tests.factories import AwardFactory
from pacesetter.decisions.tests.factories import DecisionFactory
from pacesetter.testing.api import ApiClient, assert_error_shape

D = dt.date


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def huong(world):
    return person_create(
        actor=None,
        unit=world.own,
        full_name="Nguyễn Thị Hương",
        source_language="vi",
        title={"vi": "Tổ trưởng", "en": "Team leader"},
        start=D(2019, 3, 1),
    )


def test_the_list_searches_names_and_reads_one_units_register(world, huong):
    person_create(actor=None, unit=world.child, full_name="Lê Thị Con")
    person_create(actor=None, unit=world.other, full_name="Phạm Văn Khác")
    api = ApiClient(world.users["viewer"])
    names = [p["full_name"] for p in ok(api.get("/awards/people"))["items"]]
    assert names == ["Lê Thị Con", "Nguyễn Thị Hương"]
    body = ok(api.get("/awards/people", q="nguyen", unit_id=world.own.pk, lang="en"))
    assert [(p["full_name"], p["position_title"]) for p in body["items"]] == [
        ("Nguyễn Thị Hương", "Team leader")
    ]
    vi = ok(api.get("/awards/people", unit_id=world.own.pk, lang="vi"))["items"][0]
    assert vi["position_title"] == "Tổ trưởng"


def test_a_unit_seen_whose_people_are_not_the_users_is_403(world, huong):
    response = ApiClient(world.users["cluster_leader"]).get("/awards/people", unit_id=world.own.pk)
    assert_error_shape(response, 403, "forbidden")
    response = ApiClient(world.users["unit_officer"]).get("/awards/people", unit_id=world.other.pk)
    assert_error_shape(response, 422, "invalid")


@pytest.mark.parametrize("size", [3, 12])
def test_the_list_has_a_fixed_query_count(world, size, django_assert_max_num_queries):
    for n in range(size):
        person_create(actor=None, unit=world.own, full_name=f"Người {n:02d}", title=f"Chức {n}")
    api = ApiClient(world.users["unit_officer"])
    with django_assert_max_num_queries(8):
        body = ok(api.get("/awards/people", unit_id=world.own.pk, page_size=50))
    assert body["count"] == size


def test_a_person_reads_with_positions_and_award_history(world, huong):
    award = AwardFactory(recipient_kind=RecipientKind.PERSON)
    grant = services.grant_record(
        actor=None,
        award=award,
        decision=DecisionFactory(owner_unit=world.committee),
        year=2023,
        person=huong,
    )
    proposal = services.proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=D(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        people=[huong],
    )
    body = ok(ApiClient(world.users["unit_officer"]).get(f"/awards/people/{huong.pk}"))
    assert body["unit"]["id"] == world.own.pk
    (position,) = body["positions"]
    assert position["translations"] == {"title": {"vi": "Tổ trưởng", "en": "Team leader"}}
    assert (position["start"], position["end"]) == ("2019-03-01", None)
    assert [g["id"] for g in body["grants"]] == [grant.pk]
    assert [p["proposal_id"] for p in body["proposals"]] == [proposal.pk]
    assert body["allowed_actions"] == ["update"]
    viewer = ok(ApiClient(world.users["viewer"]).get(f"/awards/people/{huong.pk}"))
    assert viewer["allowed_actions"] == []
    response = ApiClient(world.users["cluster_leader"]).get(f"/awards/people/{huong.pk}")
    assert_error_shape(response, 404, "not_found")


def test_create_update_and_positions_through_the_api(world):
    api = ApiClient(world.users["unit_officer"])
    created = ok(
        api.post(
            "/awards/people",
            {
                "unit_id": world.own.pk,
                "full_name": "Hoàng Văn Dũng",
                "source_language": "vi",
                "title": {"vi": "Kỹ sư", "en": "Engineer"},
                "start": "2020-01-01",
                "service_start": "2010-01-01",
            },
        ),
        201,
    )
    pid = created["id"]
    assert created["positions"][0]["source_language"] == "vi"
    patched = ok(api.patch(f"/awards/people/{pid}", {"full_name": "Hoàng Văn Dũng B"}))
    assert patched["full_name"] == "Hoàng Văn Dũng B"
    assert patched["service_start"] == "2010-01-01"  # not sent: kept
    # Moving to the child unit (the officer's too) ends the position the day before.
    moved = ok(
        api.post(
            f"/awards/people/{pid}/positions",
            {"unit_id": world.child.pk, "start": "2024-07-01", "title": "Trưởng nhóm"},
        ),
        201,
    )
    assert moved["unit"]["id"] == world.child.pk
    positions = ok(api.get(f"/awards/people/{pid}/positions"))
    assert [(p["unit"]["id"], p["end"]) for p in positions] == [
        (world.own.pk, "2024-06-30"),
        (world.child.pk, None),
    ]
    assert Person.objects.get(pk=pid).unit == world.child
    fixed = ok(
        api.patch(f"/awards/people/{pid}/positions/{moved['id']}", {"title": {"zh-hans": "组长"}})
    )
    assert fixed["translations"]["title"] == {"en": "Trưởng nhóm", "zh-hans": "组长"}
    too_early = api.post(
        f"/awards/people/{pid}/positions", {"unit_id": world.own.pk, "start": "2024-07-01"}
    )
    body = assert_error_shape(too_early, 422, "start_not_after_current")
    assert "start" in body["detail"]


def test_writes_need_the_right_to_edit(world, huong):
    viewer = ApiClient(world.users["viewer"])
    response = viewer.patch(f"/awards/people/{huong.pk}", {"full_name": "X"})
    assert_error_shape(response, 403, "forbidden")
    response = viewer.post(
        f"/awards/people/{huong.pk}/positions", {"unit_id": world.own.pk, "start": "2024-01-01"}
    )
    assert_error_shape(response, 403, "forbidden")
    # The officer of the own unit cannot move her to the sibling unit, which they do not
    # even see: an invalid unit_id.
    response = ApiClient(world.users["unit_officer"]).post(
        f"/awards/people/{huong.pk}/positions",
        {"unit_id": world.sibling.pk, "start": "2024-01-01"},
    )
    assert_error_shape(response, 422, "invalid")
    # A cluster's leader sees the unit but adds nobody to its register.
    response = ApiClient(world.users["cluster_leader"]).post(
        "/awards/people", {"unit_id": world.own.pk, "full_name": "X"}
    )
    assert_error_shape(response, 403, "forbidden")
    response = ApiClient().get(f"/awards/people/{huong.pk}")
    assert_error_shape(response, 401, "unauthenticated")
    huong.refresh_from_db()
    assert huong.full_name == "Nguyễn Thị Hương" and huong.unit == world.own


def test_a_person_of_the_register_becomes_a_candidate(world, huong):
    award = AwardFactory(recipient_kind=RecipientKind.PERSON)
    other = person_create(actor=None, unit=world.own, full_name="Trần Văn Bình")
    proposal = services.proposal_nominate(
        actor=None,
        award=award,
        year=2024,
        decision_date=D(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        people=[other],
    )
    api = ApiClient(world.users["unit_officer"])
    before = ok(api.get(f"/proposals/{proposal.pk}"))
    assert "add_person" in before["allowed_actions"]
    body = ok(api.post(f"/proposals/{proposal.pk}/candidates", {"person_id": huong.pk}), 201)
    assert [c["person"]["id"] for c in body["candidates"]] == [other.pk, huong.pk]
    assert body["candidates"][1]["eligible"] is True  # the award has no rule
    again = api.post(f"/proposals/{proposal.pk}/candidates", {"person_id": huong.pk})
    assert_error_shape(again, 422, "invalid")  # no longer offered
    response = ApiClient(world.users["viewer"]).post(
        f"/proposals/{proposal.pk}/candidates", {"person_id": huong.pk}
    )
    assert_error_shape(response, 403, "forbidden")
