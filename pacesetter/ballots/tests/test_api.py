"""Secret ballots through /api/v1/polls: permissions, secrecy, receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.ballots import tally
from pacesetter.ballots.models import Poll
from pacesetter.ballots.tests.factories import PollFactory
from pacesetter.clusters.services import cluster_member_add
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def voters(world: Any) -> dict[str, Any]:
    """Cluster A (own, sibling, third): each member unit votes through its officer."""
    third = UnitFactory(code="THIRD", name="Third unit", parent=world.root)
    cluster_member_add(actor=None, cluster=world.cluster, unit=third, start=dt.date(2024, 1, 1))
    accounts = {"own": world.users["unit_officer"]}
    for key, unit in (("sibling", world.sibling), ("third", third)):
        accounts[key] = UserFactory(username=f"officer.{key}")
        role_grant(actor=None, user=accounts[key], role=Role.UNIT_OFFICER, unit=unit)
    return accounts


def create(api: ApiClient, world: Any, **extra: Any) -> dict[str, Any]:
    body = {
        "owner_unit_id": world.committee.pk,
        "title": "Provincial Emulation Flag 2024",
        "kind": "yes_no",
        "options": ["Own unit", "Sibling unit"],
        "cluster_id": world.cluster.pk,
        "quorum": "2/3",
        "majority": "absolute",
        "base": "cast",
        **extra,
    }
    return ok(api.post("/polls", body), 201)


def test_a_poll_from_draft_to_published_with_receipts(world, voters):
    staff = ApiClient(world.users["committee_staff"])
    poll = create(staff, world)
    pid = poll["id"]
    assert poll["state"] == "draft" and poll["entitled_count"] == 0
    assert poll["quorum"] == "2/3"
    own_opt, sib_opt = (str(o["id"]) for o in poll["options"])
    poll = ok(staff.post(f"/polls/{pid}/open"))
    assert poll["state"] == "open" and poll["entitled_count"] == 3

    marks = {
        "own": {own_opt: "yes", sib_opt: "no"},
        "sibling": {own_opt: "yes", sib_opt: "yes"},
        "third": {own_opt: "abstain", sib_opt: "no"},
    }
    receipts = {}
    for key, choices in marks.items():
        api = ApiClient(voters[key])
        before = ok(api.get(f"/polls/{pid}"))
        assert before["may_vote"] and not before["has_voted"]
        receipts[key] = ok(api.post(f"/polls/{pid}/vote", {"choices": choices}), 201)["receipt"]
    assert len(set(receipts.values())) == 3

    own = ApiClient(voters["own"])
    seen = ok(own.get(f"/polls/{pid}"))
    assert seen["has_voted"] and seen["voted_count"] == 3
    # Results stay hidden until published, for managers too.
    for api in (own, staff):
        hidden = ok(api.get(f"/polls/{pid}"))
        assert hidden["result"] is None and hidden["receipts"] is None
        assert hidden["digest"] is None
    assert_error_shape(own.post(f"/polls/{pid}/verify", {"receipt": receipts["own"]}), 404)

    ok(staff.post(f"/polls/{pid}/close"))
    assert ok(own.get(f"/polls/{pid}"))["result"] is None
    published = ok(staff.post(f"/polls/{pid}/publish"))
    assert published["state"] == "published"
    result = published["result"]
    assert result["valid"] and D(result["voted"]) == 3
    by_label = {o["label"]: o for o in result["options"]}
    assert by_label["Own unit"]["passed"] and not by_label["Sibling unit"]["passed"]
    assert published["verification"] == "individual" and published["receipts_withheld"] is None
    pairs = {r["receipt"]: r["choices"] for r in published["receipts"]}
    assert pairs == {receipts[k]: marks[k] for k in marks}
    assert published["digest"] == tally.digest(sorted(pairs.items()))

    checked = ok(own.post(f"/polls/{pid}/verify", {"receipt": receipts["own"]}))
    assert checked["counted"] and checked["choices"] == marks["own"]
    assert checked["digest"] == published["digest"]
    assert_error_shape(own.post(f"/polls/{pid}/verify", {"receipt": "made-up"}), 404, "not_found")
    # A viewer of the cluster's unit reads the published result as well.
    assert ok(ApiClient(world.users["viewer"]).get(f"/polls/{pid}"))["result"]["valid"]


def test_only_the_entitled_vote_once_and_only_managers_run_the_poll(world, voters):
    staff = ApiClient(world.users["committee_staff"])
    pid = create(staff, world)["id"]
    own = ApiClient(voters["own"])
    # Managing is for committee staff over the owner unit.
    assert_error_shape(own.post(f"/polls/{pid}/open"), 403, "forbidden")
    # Before opening, nobody is on the roll yet.
    assert_error_shape(own.post(f"/polls/{pid}/vote", {"choices": {}}), 403)
    ok(staff.post(f"/polls/{pid}/open"))
    option = str(Poll.objects.get(pk=pid).options.first().pk)

    ok(own.post(f"/polls/{pid}/vote", {"choices": {option: "yes"}}), 201)
    second = assert_error_shape(own.post(f"/polls/{pid}/vote", {"choices": {option: "no"}}), 422)
    assert "already voted" in str(second["detail"])
    # Sees the poll (viewer of a member unit; the manager) but is not on the roll: 403.
    for role in ("viewer", "committee_staff"):
        api = ApiClient(world.users[role])
        assert not ok(api.get(f"/polls/{pid}"))["may_vote"]
        assert_error_shape(api.post(f"/polls/{pid}/vote", {"choices": {option: "yes"}}), 403)
    # Cannot see it at all: 404.
    nobody = ApiClient(world.users["nobody"])
    assert_error_shape(nobody.get(f"/polls/{pid}"), 404)
    assert_error_shape(nobody.post(f"/polls/{pid}/vote", {"choices": {option: "yes"}}), 404)
    assert_error_shape(Client().post(f"/api/v1/polls/{pid}/vote"), 401)
    # Marks that do not fit the poll.
    sibling = ApiClient(voters["sibling"])
    assert_error_shape(sibling.post(f"/polls/{pid}/vote", {"choices": {option: "maybe"}}), 422)
    assert_error_shape(sibling.post(f"/polls/{pid}/vote", {"choices": {"999999": "yes"}}), 422)

    for action in ("close", "publish"):
        assert_error_shape(own.post(f"/polls/{pid}/{action}"), 403, "forbidden")
        assert_error_shape(
            ApiClient(world.users["viewer"]).post(f"/polls/{pid}/{action}"), 403, "forbidden"
        )
    assert_error_shape(staff.post(f"/polls/{pid}/publish"), 422)  # close first
    ok(staff.post(f"/polls/{pid}/close"))
    assert_error_shape(
        sibling.post(f"/polls/{pid}/vote", {"choices": {option: "yes"}}), 422
    )  # closed
    # Creating needs staff over the owner unit.
    assert_error_shape(
        own.post(
            "/polls",
            {
                "owner_unit_id": world.own.pk,
                "title": "x",
                "options": ["a"],
                "cluster_id": world.cluster.pk,
            },
        ),
        403,
    )


def test_the_roll_shows_who_voted_never_what(world, voters):
    staff = ApiClient(world.users["committee_staff"])
    pid = create(staff, world)["id"]
    ok(staff.post(f"/polls/{pid}/open"))
    option = str(Poll.objects.get(pk=pid).options.first().pk)
    ok(ApiClient(voters["sibling"]).post(f"/polls/{pid}/vote", {"choices": {option: "no"}}), 201)
    roll = ok(staff.get(f"/polls/{pid}/roll"))
    assert {(r["unit"]["code"], r["voted"]) for r in roll} == {
        ("OWN", False),
        ("SIB", True),
        ("THIRD", False),
    }
    assert all(set(r) == {"voter", "unit", "weight", "voted"} for r in roll)
    assert_error_shape(ApiClient(voters["own"]).get(f"/polls/{pid}/roll"), 403)


def _properties(schema: dict[str, Any]) -> set[str]:
    return set(schema.get("properties", {}))


def test_no_output_schema_links_a_voter_to_a_choice():
    schemas = ok(Client().get("/api/v1/openapi.json"))["components"]["schemas"]
    identifying = {"voter", "voter_id", "user", "user_id", "unit", "unit_id", "username", "weight"}
    with_choices = {n: s for n, s in schemas.items() if {"choices", "vote"} & _properties(s)}
    assert {"PublishedBallotOut", "VerifyOut", "VoteIn"} <= set(with_choices)
    for name, schema in with_choices.items():
        assert not identifying & _properties(schema), name
        for ref in _refs(schema):
            assert not identifying & _properties(schemas[ref]), (name, ref)
    # The roll: who, and only whether they voted.
    assert _properties(schemas["RollEntryOut"]) == {"voter", "unit", "weight", "voted"}
    # The poll as shown never names a voter next to the ballots.
    assert not {"voter", "voters", "roll", "ballots"} & _properties(schemas["PollDetailOut"])


def _refs(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in schema.values():
            found |= _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _refs(value)
    return found


def test_paper_ballots_and_an_approval_poll_through_the_api(world, voters):
    staff = ApiClient(world.users["committee_staff"])
    poll = create(
        staff,
        world,
        kind="approval",
        options=["A", "B", "C"],
        max_choices=2,
        quorum="0",
        majority="simple",
        base="valid",
    )
    pid = poll["id"]
    a, b, c = (str(o["id"]) for o in poll["options"])
    ok(staff.post(f"/polls/{pid}/open"))
    own = ApiClient(voters["own"])
    too_many = {a: "yes", b: "yes", c: "yes"}
    assert_error_shape(own.post(f"/polls/{pid}/vote", {"choices": too_many}), 422)
    ok(own.post(f"/polls/{pid}/vote", {"choices": {a: "yes", b: "yes"}}), 201)
    tallied = {
        "ballots": 2,
        "totals": {a: {"yes": 2}, b: {"yes": 0}, c: {"yes": 2}},
    }
    assert_error_shape(own.post(f"/polls/{pid}/paper-tally", tallied), 403)
    assert_error_shape(
        staff.post(f"/polls/{pid}/paper-tally", {"ballots": 1, "totals": {a: {"yes": 2}}}), 422
    )
    ok(staff.post(f"/polls/{pid}/paper-tally", tallied))
    ok(staff.post(f"/polls/{pid}/close"))
    result = ok(staff.post(f"/polls/{pid}/publish"))["result"]
    assert result["paper_ballots"] == 2 and D(result["voted"]) == 3
    yes = {o["label"]: D(o["yes"]) for o in result["options"]}
    assert yes == {"A": 3, "B": 1, "C": 2}
    assert [int(x) for x in (a, c)] == result["elected"]


def test_polls_are_listed_for_those_who_may_see_them(world, voters, django_assert_max_num_queries):
    staff = ApiClient(world.users["committee_staff"])
    own = ApiClient(voters["own"])
    own.get("/polls")  # warm the token
    for size in (2, 12):
        for i in range(Poll.objects.count(), size):
            PollFactory(owner_unit=world.committee, title=f"Poll {i}", cluster=world.cluster)
        with django_assert_max_num_queries(6):
            assert ok(own.get("/polls", page_size=50))["count"] == size
    assert ok(staff.get("/polls", q="Poll 1", state="draft"))["count"] == 3  # 1, 10, 11
    assert ok(ApiClient(world.users["nobody"]).get("/polls"))["count"] == 0
    assert ok(ApiClient(world.users["council_member"]).get("/polls"))["count"] == 0


def test_casting_a_ballot_takes_a_handful_of_queries(world, voters, django_assert_max_num_queries):
    staff = ApiClient(world.users["committee_staff"])
    pid = create(staff, world)["id"]
    ok(staff.post(f"/polls/{pid}/open"))
    options = list(Poll.objects.get(pk=pid).options.values_list("pk", flat=True))
    api = ApiClient(voters["third"])
    api.get(f"/polls/{pid}")  # the token's last use is stamped once
    # With, on PostgreSQL, the shared poll lock, and the roll's lock before its re-write.
    with django_assert_max_num_queries(14):
        ok(api.post(f"/polls/{pid}/vote", {"choices": {str(o): "yes" for o in options}}), 201)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2/3", "2/3"),
        ("66.5%", "133/200"),
        ("50 %", "1/2"),
        ("0,25", "1/4"),
        ("0.6667", "2/3"),  # the old API's two-thirds, as its clients still send it
        (0.5, "1/2"),  # a number, as the old API took it
        (1, "1/1"),
        ("0", "0/1"),
    ],
)
def test_the_quorum_goes_in_as_text_and_comes_back_as_a_fraction(world, sent, stored):
    staff = ApiClient(world.users["committee_staff"])
    created = create(staff, world, quorum=sent)
    assert created["quorum"] == stored
    assert ok(staff.get(f"/polls/{created['id']}"))["quorum"] == stored
    listed = ok(staff.get("/polls"))["items"]
    assert {p["id"]: p["quorum"] for p in listed}[created["id"]] == stored


@pytest.mark.parametrize("sent", ["3/2", "120%", "50", "-1/2", "2/0", "two thirds", True, None])
def test_a_quorum_the_api_cannot_read_is_refused_on_its_field(world, sent):
    staff = ApiClient(world.users["committee_staff"])
    body = {
        "owner_unit_id": world.committee.pk,
        "title": "Bad quorum",
        "options": ["A"],
        "cluster_id": world.cluster.pk,
        "quorum": sent,
    }
    error = assert_error_shape(staff.post("/polls", body), 422, "invalid")
    assert error["detail"][0]["loc"][-1] == "quorum"
    assert not Poll.objects.filter(title="Bad quorum").exists()


def test_the_openapi_document_shows_the_quorum_as_a_fraction():
    schemas = ok(Client().get("/api/v1/openapi.json"))["components"]["schemas"]
    out = schemas["PollOut"]["properties"]["quorum"]
    assert out["type"] == "string" and out["pattern"] == r"^\d+/\d+$"
    sent = schemas["PollIn"]["properties"]["quorum"]
    assert {kind["type"] for kind in sent["anyOf"]} == {"string", "number"}
    assert "2/3" in sent["examples"]
