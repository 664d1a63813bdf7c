"""The award catalog, proposals and the registry through /api/v1/awards, /proposals,
/grants and the public /public/proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.models import (
    Award,
    AwardGrant,
    EligibilityRule,
    LegalReference,
    Person,
    Proposal,
    ProposalState,
)
from pacesetter.awards.services import grant_record, proposal_attachment_add, proposal_nominate
from pacesetter.core.translations import refresh_search_key
from pacesetter.decisions.models import Decision
from pacesetter.decisions.services import decision_create
from pacesetter.scoring.services import review_point_publish
from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
from pacesetter.scoring.tests.test_flow import _finalize_all
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def api_as(world: Any, role: str) -> ApiClient:
    return ApiClient(world.users[role])


def make_award(code: str = "prov-flag", **kwargs: Any) -> Award:
    defaults = {
        "name_en": "Provincial Emulation Flag",
        "name_vi": "Cờ thi đua cấp tỉnh",
        "preset": "vn",
        "level": "provincial",
        "recipient_kind": "unit",
        "issuer_en": "Provincial People's Committee",
        "quota_count": 2,
    }
    defaults.update(kwargs)
    award = Award(code=code, **defaults)
    refresh_search_key(award)  # as the services do: the API's q searches the key
    award.save()
    return award


@pytest.fixture
def top_flag(world: Any) -> Award:
    award = make_award()
    EligibilityRule.objects.create(
        award=award,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2023, 12, 31),
        rule={"rank_at_most": {"rank": 3}},
    )
    EligibilityRule.objects.create(
        award=award,
        valid_from=dt.date(2024, 1, 1),
        rule={"all": [{"rank_at_most": {"rank": 1}}, {"no_veto": {}}]},
        description="Top of the cluster, no veto.",
    )
    LegalReference.objects.create(
        award=award, citation="Decree 98/2023/ND-CP, art. 24", valid_from=dt.date(2024, 1, 1)
    )
    LegalReference.objects.create(
        award=award,
        citation="Law on Emulation and Commendation 2022",
        valid_from=dt.date(2024, 1, 1),
        confirmed=True,
    )
    return award


@pytest.fixture
def cluster_ranked(world: Any, scoring: Any) -> Any:  # noqa: F811
    """H1 of the scoring campaign published: own 1st, third 2nd, sibling (veto) 3rd; each
    member unit has an officer account to vote with."""
    own, sib, third = world.own.pk, world.sibling.pk, scoring.third.pk
    _finalize_all(
        scoring,
        {
            (own, "Q1"): {"actual": D(100)},
            (own, "Q2"): {"actual": D(50)},
            (own, "P1"): {"passed": True},
            (own, "C1"): {"count": 4},
            (sib, "Q1"): {"actual": D(200)},
            (sib, "Q2"): {"actual": D(40)},
            (sib, "V1"): {"passed": True},
            (third, "Q1"): {"actual": D(40)},
            (third, "Q2"): {"actual": D(20)},
            (third, "P1"): {"passed": True},
        },
    )
    review_point_publish(actor=None, review_point=scoring.h1)
    officers = {"own": world.users["unit_officer"]}
    for key, unit in (("sibling", world.sibling), ("third", scoring.third)):
        officers[key] = UserFactory(username=f"officer.{key}")
        role_grant(actor=None, user=officers[key], role=Role.UNIT_OFFICER, unit=unit)
    return officers


def draft(world: Any, scoring: Any, top_flag: Award) -> dict[str, Any]:  # noqa: F811
    return ok(
        api_as(world, "cluster_leader").post(
            "/proposals/from-ranking",
            {
                "award_id": top_flag.pk,
                "review_point_id": scoring.h1.pk,
                "cluster_id": world.cluster.pk,
                "decision_date": "2024-12-15",
                "achievement_report": "Led the cluster in 2024.",
            },
        ),
        201,
    )


# --- the catalog ---------------------------------------------------------------------


def test_the_catalog_filters_and_shows_rules_and_legal_references(world, top_flag):
    make_award("cn-may1", name_en="May 1 Labour Award", name_vi="", preset="cn", level="national")
    make_award(
        "worker",
        name_en="Worker Pioneer",
        name_vi="",
        preset="cn",
        level="grassroots",
        is_active=False,
    )
    api = api_as(world, "viewer")
    assert ok(api.get("/awards"))["count"] == 3
    assert [a["code"] for a in ok(api.get("/awards", preset="cn", active=True))["items"]] == [
        "cn-may1"
    ]
    assert [a["code"] for a in ok(api.get("/awards", q="cờ thi"))["items"]] == ["prov-flag"]
    assert ok(api.get("/awards", level="grassroots"))["count"] == 1
    assert ok(api.get("/awards", recipient_kind="person"))["count"] == 0

    award = ok(api.get(f"/awards/{top_flag.pk}"))
    assert award["name"] == "Provincial Emulation Flag" and award["source_language"] == "en"
    assert award["translations"]["name"] == {
        "en": "Provincial Emulation Flag",
        "vi": "Cờ thi đua cấp tỉnh",
    }
    assert "name_vi" not in award and "display_name" not in award
    current, old = award["rules"]
    assert current["valid_from"] == "2024-01-01" and current["valid_to"] is None
    assert current["rule"] == {"all": [{"rank_at_most": {"rank": 1}}, {"no_veto": {}}]}
    assert [(r["depth"], r["text"]) for r in current["text"]] == [
        (0, "All of the following"),
        (1, "Ranked 1 or better in the cluster"),
        (1, "No veto criterion applies"),
    ]
    assert old["valid_to"] == "2023-12-31"
    refs = {r["citation"]: r["confirmed"] for r in award["legal_references"]}
    assert refs == {
        "Decree 98/2023/ND-CP, art. 24": False,
        "Law on Emulation and Commendation 2022": True,
    }
    assert_error_shape(api.get("/awards/999999"), 404, "not_found")
    assert_error_shape(Client().get("/api/v1/awards"), 401, "unauthenticated")


def test_the_catalog_list_costs_the_same_queries_at_any_size(world, django_assert_max_num_queries):
    api = api_as(world, "viewer")
    api.get("/awards")  # warm the token
    for size in (2, 20):
        for i in range(Award.objects.count(), size):
            make_award(f"award-{i}")
        with django_assert_max_num_queries(6):
            assert ok(api.get("/awards", page_size=50))["count"] == size


# --- writing the catalog -------------------------------------------------------------

NEW_AWARD = {
    "code": "own-flag",
    "source_language": "en",
    "name": {"en": "Own Emulation Flag", "vi": "Cờ thi đua"},
    "level": "district",
    "recipient_kind": "unit",
    "issuer": "District People's Committee",
    "quota_percent": "20",
}


def test_committee_staff_create_and_change_an_award(world):
    staff = api_as(world, "committee_staff")
    created = ok(staff.post("/awards", NEW_AWARD), 201)
    assert created["code"] == "own-flag" and created["preset"] == ""
    assert created["translations"]["name"] == {"en": "Own Emulation Flag", "vi": "Cờ thi đua"}
    assert created["quota_percent"] == "20.00"
    assert created["rules"] == [] and created["is_active"] is True

    changed = ok(
        staff.patch(
            f"/awards/{created['id']}", {"name": {"zh-hans": "竞赛旗"}, "quota_percent": None}
        )
    )
    assert changed["translations"]["name"]["zh-hans"] == "竞赛旗"
    assert changed["quota_percent"] is None
    assert changed["name"] == "Own Emulation Flag"  # what was not sent is kept
    body = assert_error_shape(staff.post("/awards", NEW_AWARD), 422, "invalid")
    assert set(body["detail"]) == {"code"}  # the code is taken
    body = assert_error_shape(staff.patch(f"/awards/{created['id']}", {"name": None}), 422)
    assert body["code"] == "invalid" and set(body["detail"]) == {"name"}
    assert_error_shape(staff.post("/awards", {**NEW_AWARD, "level": "galactic"}), 422, "invalid")
    assert_error_shape(staff.patch("/awards/999999", {"name": "X"}), 404, "not_found")


def test_an_officer_may_not_write_the_catalog(world, top_flag):
    officer = api_as(world, "unit_officer")
    assert_error_shape(officer.post("/awards", NEW_AWARD), 403, "forbidden")
    assert_error_shape(officer.patch(f"/awards/{top_flag.pk}", {"name": "X"}), 403, "forbidden")
    rule = {"valid_from": "2027-01-01", "rule": {"no_veto": {}}}
    assert_error_shape(officer.post(f"/awards/{top_flag.pk}/rules", rule), 403, "forbidden")
    assert not Award.objects.filter(code="own-flag").exists()
    assert top_flag.rules.count() == 2
    # Reading is everyone's.
    assert ok(officer.get(f"/awards/{top_flag.pk}/rules"))["count"] == 2


def test_a_new_rule_version_through_the_api(world, top_flag):
    staff = api_as(world, "committee_staff")
    added = ok(
        staff.post(
            f"/awards/{top_flag.pk}/rules",
            {
                "valid_from": "2026-07-01",
                "rule": {"all": [{"rank_at_most": {"rank": 2}}, {"no_veto": {}}]},
                "description": "Two per cluster from July 2026.",
            },
        ),
        201,
    )
    assert added["valid_from"] == "2026-07-01" and added["in_force"] is True  # today: Nov 2026
    assert [r["text"] for r in added["text"]] == [
        "All of the following",
        "Ranked 2 or better in the cluster",
        "No veto criterion applies",
    ]
    versions = ok(staff.get(f"/awards/{top_flag.pk}/rules"))
    assert versions["count"] == 3
    assert [(r["valid_from"], r["in_force"]) for r in versions["items"]] == [
        ("2026-07-01", True),
        ("2024-01-01", False),  # superseded, kept as it was
        ("2020-01-01", False),
    ]
    assert versions["items"][1]["rule"] == {"all": [{"rank_at_most": {"rank": 1}}, {"no_veto": {}}]}


def test_rule_versions_refused_with_their_codes(world, top_flag):
    staff = api_as(world, "committee_staff")
    path = f"/awards/{top_flag.pk}/rules"
    body = assert_error_shape(
        staff.post(
            path, {"valid_from": "2027-01-01", "rule": {"any": [{"rank_at_most": {"rank": -1}}]}}
        ),
        422,
        "invalid_rule",
    )
    assert body["detail"] == {
        "rule": ["At $.any[0].rank_at_most.rank: “rank_at_most” has a wrong value for: rank."]
    }
    body = assert_error_shape(
        staff.post(path, {"valid_from": "2024-01-01", "rule": {"no_veto": {}}}),
        422,
        "valid_from_not_after_latest",
    )
    assert set(body["detail"]) == {"valid_from"}
    assert_error_shape(staff.post(path, {"valid_from": "2027-01-01"}), 422, "invalid")
    unknown = {"not_awarded_within": {"award": "no-such-award", "years": 1}}
    body = assert_error_shape(
        staff.post(path, {"valid_from": "2027-01-01", "rule": unknown}), 422, "invalid_rule"
    )
    assert body["detail"] == {
        "rule": ["At $.not_awarded_within.award: There is no award “no-such-award”."]
    }
    assert top_flag.rules.count() == 2


def nested(depth: int) -> str:
    """A rule of ``depth`` nested "not"s, as JSON text (built without recursion)."""
    return '{"not": ' * depth + '{"no_veto": {}}' + "}" * depth


def test_a_rule_version_ending_before_it_starts_is_refused_on_its_end(world, top_flag):
    staff = api_as(world, "committee_staff")
    body = {"valid_from": "2027-01-01", "valid_to": "2026-12-31", "rule": {"no_veto": {}}}
    refused = assert_error_shape(staff.post(f"/awards/{top_flag.pk}/rules", body), 422, "invalid")
    # Said on the end date, as the form says it, not by the database constraint's name.
    assert refused["detail"] == {"valid_to": ["The end date cannot be before the start date."]}
    assert top_flag.rules.count() == 2


def test_a_rule_nested_too_deeply_is_refused_not_an_error(world, top_flag):
    staff = api_as(world, "committee_staff")
    url = f"/api/v1/awards/{top_flag.pk}/rules"

    def post(depth: int) -> Any:
        text = f'{{"valid_from": "2027-01-01", "rule": {nested(depth)}}}'
        return staff.client.post(url, text, content_type="application/json", headers=staff.headers)

    refused = assert_error_shape(post(300), 422, "invalid_rule")
    assert "nested too deeply" in refused["detail"]["rule"][0]
    # Deeper than any JSON parser recurses (the stack's depth varies): a refusal, not a 500.
    assert_error_shape(post(5000), 400, "bad_request")
    assert top_flag.rules.count() == 2


# --- proposals -----------------------------------------------------------------------


def test_a_proposal_from_the_ranking_through_the_votes_to_the_decision(
    world,
    scoring,  # noqa: F811
    cluster_ranked,
    top_flag,
):
    proposal = draft(world, scoring, top_flag)
    pid = proposal["id"]
    assert proposal["state"] == "draft" and proposal["full_view"]
    assert proposal["proposer_unit"]["code"] == "OWN"
    assert proposal["committee_unit"]["code"] == "COMM"
    own, third = proposal["candidates"]  # the quota keeps the top two
    assert (own["unit"]["code"], own["rank"], own["eligible"]) == ("OWN", 1, True)
    assert (third["unit"]["code"], third["rank"], third["eligible"]) == ("THIRD", 2, False)
    assert third["eligibility"]["valid_from"] == "2024-01-01"  # the rule in force then
    rows = third["eligibility"]["rows"]
    assert [(r["depth"], r["passed"]) for r in rows] == [(0, False), (1, False), (1, True)]
    assert rows[1]["text"] == "Ranked 1 or better in the cluster — rank: 2"

    leader, staff = api_as(world, "cluster_leader"), api_as(world, "committee_staff")
    assert ok(leader.post(f"/proposals/{pid}/check"))["candidates"][0]["eligible"] is True
    proposal = ok(leader.post(f"/proposals/{pid}/cluster-vote", {}))
    assert proposal["state"] == "cluster_vote"
    poll_id = proposal["cluster_poll_id"]
    assert ok(staff.get(f"/polls/{poll_id}"))["quorum"] == "2/3"  # the default: two-thirds
    # The send waits for the vote's published result.
    assert_error_shape(leader.post(f"/proposals/{pid}/send"), 422, "invalid")

    poll = ok(ApiClient(cluster_ranked["own"]).get(f"/polls/{poll_id}"))
    assert [o["label"] for o in poll["options"]] == ["Own unit (OWN)"]  # only the eligible
    option = str(poll["options"][0]["id"])
    for key, vote in (("own", "yes"), ("sibling", "yes"), ("third", "no")):
        ok(
            ApiClient(cluster_ranked[key]).post(
                f"/polls/{poll_id}/vote", {"choices": {option: vote}}
            ),
            201,
        )
    ok(staff.post(f"/polls/{poll_id}/close"))
    ok(staff.post(f"/polls/{poll_id}/publish"))

    proposal = ok(leader.post(f"/proposals/{pid}/send"))
    assert proposal["state"] == "sent"
    assert [c["selected"] for c in proposal["candidates"]] == [True, False]
    # The proposer cannot accept its own proposal; the committee returns or accepts.
    assert_error_shape(leader.post(f"/proposals/{pid}/accept"), 403, "forbidden")
    assert_error_shape(staff.post(f"/proposals/{pid}/return", {"reason": " "}), 422)
    ok(staff.post(f"/proposals/{pid}/accept"))
    proposal = ok(staff.post(f"/proposals/{pid}/publish-for-comment", {"days": 10}))
    assert proposal["state"] == "public_comment"

    # The public page and comments need no login.
    cache.clear()  # the comment throttle counts per address
    anonymous = ApiClient()
    public = ok(anonymous.get(f"/public/proposals/{pid}"))
    assert public["open_for_comment"] and public["award"]["code"] == "prov-flag"
    assert [c["name"] for c in public["candidates"]] == ["Own unit"]
    assert "eligibility" not in public["candidates"][0]
    comment = ok(
        anonymous.post(f"/proposals/{pid}/comments", {"text": "Well deserved.", "author_name": ""}),
        201,
    )
    assert comment["text"] == "Well deserved."
    assert_error_shape(anonymous.post(f"/proposals/{pid}/comments", {"text": "  "}), 422)
    assert_error_shape(anonymous.get(f"/proposals/{pid}/comments"), 401)
    assert ok(staff.get(f"/proposals/{pid}/comments"))["count"] == 1
    assert ok(anonymous.get(f"/public/proposals/{pid}"))["comment_count"] == 1

    decision = {
        "number": "123/QD-UBND",
        "date": str(timezone.localdate()),
        "issuer": "Provincial People's Committee",
        "title": "On awarding the Emulation Flag 2024",
        "signer_title": "Chairman",
        "signer_name": "Le Duc Giang",
        "place": "Thanh Hoa",
    }
    assert_error_shape(leader.post(f"/proposals/{pid}/decide", decision), 403)
    # Not while the list is open for comment: the decision waits for the window to close.
    assert "decide" not in ok(staff.get(f"/proposals/{pid}"))["allowed_actions"]
    assert_error_shape(staff.post(f"/proposals/{pid}/decide", decision), 422, "comment_window_open")
    assert not Decision.objects.filter(number="123/QD-UBND").exists()
    closed = dt.date.fromisoformat(proposal["public_until"]) + dt.timedelta(days=1)
    with time_machine.travel(closed, tick=False):
        assert "decide" in ok(staff.get(f"/proposals/{pid}"))["allowed_actions"]
        proposal = ok(staff.post(f"/proposals/{pid}/decide", {**decision, "date": str(closed)}))
    assert proposal["state"] == "decided"
    assert proposal["decision"]["number"] == "123/QD-UBND"
    assert proposal["decision"]["owner_unit"]["code"] == "COMM"
    [grant] = proposal["grants"]
    assert grant["unit"]["code"] == "OWN" and grant["certificate_number"] == "123/QD-UBND/001"
    # Once decided, it is off the public page.
    assert_error_shape(anonymous.get(f"/public/proposals/{pid}"), 404, "not_found")

    listed = ok(api_as(world, "unit_officer").get("/grants", decision="123"))
    assert [g["id"] for g in listed["items"]] == [grant["id"]]
    assert listed["items"][0]["decision"]["signer_title"] == "Chairman"
    assert listed["items"][0]["decision"]["signer_name"] == "Le Duc Giang"
    assert listed["items"][0]["decision"]["place"] == "Thanh Hoa"


def test_dates_in_the_future_are_refused_on_their_field(world, scoring, cluster_ranked, top_flag):  # noqa: F811
    leader, staff = api_as(world, "cluster_leader"), api_as(world, "committee_staff")
    body = {
        "award_id": top_flag.pk,
        "review_point_id": scoring.h1.pk,
        "cluster_id": world.cluster.pk,
        "decision_date": "2099-12-15",
    }
    refused = assert_error_shape(leader.post("/proposals/from-ranking", body), 422)
    assert refused["code"] == "date_in_future" and "decision_date" in refused["detail"]
    assert not Proposal.objects.exists()
    # A year ahead is the reach of an expected decision date.
    ahead = timezone.localdate() + dt.timedelta(days=366)
    ok(leader.post("/proposals/from-ranking", {**body, "decision_date": str(ahead)}), 201)
    pid = draft(world, scoring, top_flag)["id"]
    ok(leader.post(f"/proposals/{pid}/send"))
    ok(staff.post(f"/proposals/{pid}/accept"))
    decision = {"number": "1/QD", "date": "2099-01-01", "issuer": "PPC"}
    response = staff.post(f"/proposals/{pid}/decide", decision)
    assert "date" in assert_error_shape(response, 422, "date_in_future")["detail"]
    assert not Decision.objects.filter(number="1/QD").exists()


def test_a_failed_decision_records_no_decision(world, scoring, cluster_ranked, top_flag):  # noqa: F811
    pid = draft(world, scoring, top_flag)["id"]
    staff = api_as(world, "committee_staff")
    body = {"number": "1/QD", "date": "2024-12-20", "issuer": "PPC"}
    assert_error_shape(staff.post(f"/proposals/{pid}/decide", body), 422, "invalid")
    assert not Decision.objects.filter(number="1/QD").exists()  # the draft was not sent


def test_a_candidate_unit_sees_only_its_own_candidacy(world, scoring, cluster_ranked, top_flag):  # noqa: F811
    pid = draft(world, scoring, top_flag)["id"]
    seen = ok(ApiClient(cluster_ranked["third"]).get(f"/proposals/{pid}"))
    assert seen["full_view"] is False and seen["achievement_report"] == ""
    assert [c["unit"]["code"] for c in seen["candidates"]] == ["THIRD"]
    assert ok(ApiClient(cluster_ranked["third"]).get("/proposals"))["count"] == 1
    # The sibling unit is no candidate: the proposal does not exist for it.
    assert_error_shape(ApiClient(cluster_ranked["sibling"]).get(f"/proposals/{pid}"), 404)
    assert ok(ApiClient(cluster_ranked["sibling"]).get("/proposals"))["count"] == 0
    assert_error_shape(api_as(world, "nobody").get(f"/proposals/{pid}"), 404)
    # A candidate cannot act on the proposal.
    assert_error_shape(ApiClient(cluster_ranked["third"]).post(f"/proposals/{pid}/check"), 403)
    assert_error_shape(ApiClient(cluster_ranked["third"]).post(f"/proposals/{pid}/send"), 403)
    # The committee sees it all.
    full = ok(api_as(world, "committee_staff").get(f"/proposals/{pid}"))
    assert full["full_view"] and len(full["candidates"]) == 2
    assert full["achievement_report"] == "Led the cluster in 2024."


def test_drafting_from_a_ranking_checks_who_and_what(world, scoring, top_flag):  # noqa: F811
    body = {
        "award_id": top_flag.pk,
        "review_point_id": scoring.h1.pk,
        "cluster_id": world.cluster.pk,
        "decision_date": "2024-12-15",
    }
    leader = api_as(world, "cluster_leader")
    # H1 is not published yet.
    assert_error_shape(leader.post("/proposals/from-ranking", body), 422, "invalid")
    # A unit officer neither leads the cluster nor manages the proposer.
    assert_error_shape(
        api_as(world, "unit_officer").post("/proposals/from-ranking", body), 403, "forbidden"
    )
    bad = assert_error_shape(
        leader.post("/proposals/from-ranking", {**body, "award_id": 999999}), 422
    )
    assert "award_id" in bad["detail"]
    bad = assert_error_shape(
        api_as(world, "nobody").post("/proposals/from-ranking", body), 422, "invalid"
    )
    assert "cluster_id" in bad["detail"]


def test_only_a_leader_of_the_cluster_in_that_campaign_drafts_from_its_ranking(
    world,
    scoring,  # noqa: F811
    top_flag,
    cluster_ranked,
):
    # Cluster A's leader leads Cluster B too, which takes no part in the scoring
    # campaign: in that campaign they lead none of Cluster B's units.
    leader = world.users["cluster_leader"]
    role_grant(actor=None, user=leader, role=Role.CLUSTER_LEADER, cluster=world.other_cluster)
    body = {
        "award_id": top_flag.pk,
        "review_point_id": scoring.h1.pk,
        "cluster_id": world.other_cluster.pk,
        "proposer_unit_id": world.other.pk,
        "decision_date": "2024-12-15",
    }
    assert_error_shape(ApiClient(leader).post("/proposals/from-ranking", body), 403, "forbidden")
    assert not Proposal.objects.exists()


def test_a_nomination_of_people_and_its_rules(world):
    award = make_award(
        "fighter", name_en="Emulation Fighter", recipient_kind="person", level="grassroots"
    )
    EligibilityRule.objects.create(
        award=award,
        valid_from=dt.date(2020, 1, 1),
        rule={"years_of_service_at_least": {"years": 5}},
    )
    senior = Person.objects.create(
        full_name="Nguyen Van A", unit=world.own, service_start=dt.date(2010, 3, 1)
    )
    junior = Person.objects.create(
        full_name="Tran Thi B", unit=world.own, service_start=dt.date(2022, 3, 1)
    )
    outsider = Person.objects.create(full_name="Li Wei", unit=world.other)
    staff = api_as(world, "committee_staff")
    body = {
        "award_id": award.pk,
        "year": 2024,
        "decision_date": "2024-12-01",
        "proposer_unit_id": world.own.pk,
        "committee_unit_id": world.committee.pk,
        "person_ids": [junior.pk, senior.pk],
        "achievement": "Five initiatives",
    }
    proposal = ok(staff.post("/proposals/nominate", body), 201)
    assert [c["person"]["full_name"] for c in proposal["candidates"]] == [
        "Tran Thi B",
        "Nguyen Van A",
    ]
    assert [c["eligible"] for c in proposal["candidates"]] == [False, True]
    assert proposal["cluster"] is None
    # People of units out of sight are an invalid choice; units for a personal award too.
    bad = assert_error_shape(
        staff.post("/proposals/nominate", {**body, "person_ids": [outsider.pk]}), 422
    )
    assert "person_ids" in bad["detail"]
    bad = assert_error_shape(
        staff.post("/proposals/nominate", {**body, "person_ids": [], "unit_ids": [world.own.pk]}),
        422,
    )
    assert "people" in bad["detail"]
    # Only the proposer's staff nominate.
    assert_error_shape(api_as(world, "unit_officer").post("/proposals/nominate", body), 403)


def test_a_council_vote_decides_what_the_committee_grants(world, scoring, cluster_ranked, top_flag):  # noqa: F811
    pid = draft(world, scoring, top_flag)["id"]
    staff, leader = api_as(world, "committee_staff"), api_as(world, "cluster_leader")
    ok(leader.post(f"/proposals/{pid}/send"))  # no cluster vote: the eligible ones go on
    ok(staff.post(f"/proposals/{pid}/accept"))
    proposal = ok(staff.post(f"/proposals/{pid}/council-vote", {"body_id": world.council.pk}))
    assert proposal["state"] == ProposalState.COUNCIL_VOTE
    poll_id = proposal["council_poll_id"]
    councillor = ApiClient(world.users["unit_officer"])  # the council seat of Own unit
    poll = ok(councillor.get(f"/polls/{poll_id}"))
    votes = {
        str(o["id"]): ("yes" if o["label"].startswith("Own unit") else "no")
        for o in poll["options"]
    }
    ok(councillor.post(f"/polls/{poll_id}/vote", {"choices": votes}), 201)
    ok(staff.post(f"/polls/{poll_id}/close"))
    ok(staff.post(f"/polls/{poll_id}/publish"))
    decided = ok(
        staff.post(
            f"/proposals/{pid}/decide", {"number": "7/QD", "date": "2024-12-20", "issuer": "PPC"}
        )
    )
    assert [g["unit"]["code"] for g in decided["grants"]] == ["OWN"]


# --- the dossier's attachments ------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def nominated(world: Any) -> Proposal:
    """The own unit nominated by its own staff to the committee (no cluster, no ranking)."""
    return proposal_nominate(
        actor=None,
        award=make_award(),
        year=2024,
        decision_date=dt.date(2024, 12, 1),
        committee_unit=world.committee,
        proposer_unit=world.own,
        units=[world.own],
    )


def minutes(name: str = "minutes.pdf", content: bytes = b"%PDF-1.4 minutes") -> Any:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root: Any) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_attachments_are_uploaded_listed_and_downloaded(world, nominated, media):
    staff = api_as(world, "committee_staff")
    url = f"/proposals/{nominated.pk}/attachments"
    added = ok(staff.upload(url, {"kind": "minutes", "file": minutes(), "name": "Vote"}), 201)
    assert (added["kind"], added["name"]) == ("minutes", "Vote")
    unnamed = ok(staff.upload(url, {"kind": "report", "file": minutes("report.pdf")}), 201)
    assert unnamed["name"] == "report.pdf"  # the file's name by default
    assert stored_files(media) == ["minutes.pdf", "report.pdf"]
    assert [a["id"] for a in ok(staff.get(url))] == [added["id"], unnamed["id"]]
    download = staff.get(f"{url}/{added['id']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    detail = ok(staff.get(f"/proposals/{nominated.pk}"))
    assert [a["name"] for a in detail["attachments"]] == ["Vote", "report.pdf"]


def test_only_the_proposer_and_the_committee_touch_the_dossier(world, nominated, media):
    url = f"/proposals/{nominated.pk}/attachments"
    ok(api_as(world, "committee_staff").upload(url, {"kind": "other", "file": minutes()}), 201)
    attachment = nominated.attachments.get()
    # The candidate's unit sees the proposal (its own candidacy), not the dossier.
    officer = api_as(world, "unit_officer")
    upload = officer.upload(url, {"kind": "other", "file": minutes("mine.pdf")})
    assert_error_shape(upload, 403, "forbidden")
    assert_error_shape(officer.get(url), 403, "forbidden")
    assert_error_shape(officer.get(f"{url}/{attachment.pk}/file"), 403, "forbidden")
    nobody = api_as(world, "nobody")
    assert_error_shape(nobody.upload(url, {"kind": "other", "file": minutes()}), 404, "not_found")
    assert_error_shape(nobody.get(url), 404, "not_found")
    assert stored_files(media) == ["minutes.pdf"]


def test_attachments_of_a_refused_type_or_size_are_not_stored(world, nominated, media, settings):
    staff = api_as(world, "committee_staff")
    url = f"/proposals/{nominated.pk}/attachments"
    tool = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    refused = assert_error_shape(staff.upload(url, {"kind": "other", "file": tool}), 422)
    assert refused["code"] == "file_type" and "exe" in refused["detail"]["file"][0]
    settings.UPLOAD_MAX_BYTES = 10
    big = staff.upload(url, {"kind": "other", "file": minutes("big.pdf", b"x" * 11)})
    assert "file" in assert_error_shape(big, 422, "file_too_large")["detail"]
    settings.UPLOAD_MAX_BYTES = 1024
    assert_error_shape(staff.upload(url, {"kind": "photo", "file": minutes()}), 422, "invalid")
    assert not nominated.attachments.exists() and stored_files(media) == []


def test_an_attachment_whose_write_fails_leaves_no_row_and_no_file(
    world, nominated, media, monkeypatch
):
    monkeypatch.setattr("pacesetter.awards.services.audit_record", _audit_unavailable)
    with pytest.raises(RuntimeError):
        proposal_attachment_add(actor=None, proposal=nominated, kind="minutes", file=minutes())
    assert not nominated.attachments.exists() and stored_files(media) == []


def _audit_unavailable(**kwargs: Any) -> None:
    raise RuntimeError("the audit chain is unavailable")


def test_a_decided_proposals_dossier_is_closed(world, nominated, media):
    Proposal.objects.filter(pk=nominated.pk).update(state=ProposalState.DECIDED)
    url = f"/proposals/{nominated.pk}/attachments"
    upload = api_as(world, "committee_staff").upload(url, {"kind": "other", "file": minutes()})
    assert_error_shape(upload, 422, "invalid_transition")
    assert stored_files(media) == []


# --- the registry --------------------------------------------------------------------


@pytest.fixture
def decision(world: Any) -> Decision:
    return decision_create(
        actor=None,
        owner_unit=world.committee,
        number="45/QD-UBND",
        date=dt.date(2023, 1, 10),
        issuer="Provincial People's Committee",
    )


def test_recording_searching_and_revoking_past_awards(world, top_flag, decision):
    staff = api_as(world, "committee_staff")
    body = {
        "award_id": top_flag.pk,
        "decision_id": decision.pk,
        "year": 2022,
        "unit_id": world.own.pk,
        "certificate_number": "45/001",
    }
    grant = ok(staff.post("/grants", body), 201)
    assert grant["unit"]["code"] == "OWN" and grant["decision"]["number"] == "45/QD-UBND"
    ok(staff.post("/grants", {**body, "unit_id": world.sibling.pk, "year": 2023}), 201)
    bad = assert_error_shape(staff.post("/grants", {**body, "unit_id": None}), 422)
    assert "unit" in bad["detail"]
    # Only the committee that recorded the decision records awards under it.
    bad = assert_error_shape(api_as(world, "unit_officer").post("/grants", body), 422)
    assert "decision_id" in bad["detail"]

    assert ok(staff.get("/grants"))["count"] == 2
    assert ok(staff.get("/grants", year=2022))["count"] == 1
    assert ok(staff.get("/grants", unit="sibling"))["count"] == 1
    assert ok(staff.get("/grants", award=top_flag.pk, decision="45/QD"))["count"] == 2
    assert ok(staff.get("/grants", unit_id=world.own.pk))["count"] == 1
    # A unit's officer sees its own awards only.
    officer = api_as(world, "unit_officer")
    assert [g["id"] for g in ok(officer.get("/grants"))["items"]] == [grant["id"]]
    assert ok(officer.get(f"/grants/{grant['id']}"))["year"] == 2022
    other = AwardGrant.objects.get(unit=world.sibling)
    assert_error_shape(officer.get(f"/grants/{other.pk}"), 404)

    assert_error_shape(officer.post(f"/grants/{grant['id']}/revoke", {"reason": "x"}), 403)
    assert_error_shape(staff.post(f"/grants/{grant['id']}/revoke", {"reason": ""}), 422)
    revoked = ok(staff.post(f"/grants/{grant['id']}/revoke", {"reason": "Fraudulent report"}))
    assert revoked["revoked_at"] and revoked["revoke_reason"] == "Fraudulent report"
    assert_error_shape(staff.post(f"/grants/{grant['id']}/revoke", {"reason": "again"}), 422)
    assert ok(staff.get("/grants", revoked=True))["count"] == 1
    assert ok(staff.get("/grants", revoked=False))["count"] == 1


def test_registry_and_proposal_lists_cost_the_same_queries_at_any_size(
    world, top_flag, decision, django_assert_max_num_queries
):
    staff = api_as(world, "committee_staff")
    staff.get("/grants")  # warm the token
    for size in (2, 12):
        for year in range(2000 + AwardGrant.objects.count(), 2000 + size):
            grant_record(actor=None, award=top_flag, decision=decision, year=year, unit=world.own)
            staff.post(
                "/proposals/nominate",
                {
                    "award_id": top_flag.pk,
                    "year": year,
                    "decision_date": f"{year}-12-01",
                    "proposer_unit_id": world.own.pk,
                    "committee_unit_id": world.committee.pk,
                    "unit_ids": [world.own.pk],
                },
            )
        with django_assert_max_num_queries(6):
            assert ok(staff.get("/grants", page_size=50))["count"] == size
        with django_assert_max_num_queries(6):
            assert ok(staff.get("/proposals", page_size=50))["count"] == size


def test_the_openapi_document_lists_the_award_paths():
    paths = ok(Client().get("/api/v1/openapi.json"))["paths"]
    for path in (
        "/api/v1/awards",
        "/api/v1/awards/{award_id}",
        "/api/v1/awards/{award_id}/rules",
        "/api/v1/proposals",
        "/api/v1/proposals/from-ranking",
        "/api/v1/proposals/nominate",
        "/api/v1/proposals/{proposal_id}/decide",
        "/api/v1/proposals/{proposal_id}/comments",
        "/api/v1/public/proposals/{proposal_id}",
        "/api/v1/grants",
        "/api/v1/grants/{grant_id}/revoke",
    ):
        assert path in paths, path
    # The public endpoints need no authentication.
    assert not paths["/api/v1/public/proposals/{proposal_id}"]["get"].get("security")
    assert not paths["/api/v1/proposals/{proposal_id}/comments"]["post"].get("security")
    assert paths["/api/v1/proposals/{proposal_id}/comments"]["get"].get("security")
