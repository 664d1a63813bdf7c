"""Scoring tables, score items and review points through /api/v1/."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.campaigns.models import ReviewPoint, ReviewPointState
from pacesetter.scoring.models import ItemState, ScoringTable, TableState
from pacesetter.scoring.services import (
    item_finalize,
    item_review,
    item_submit,
    review_point_open,
    review_point_publish,
)
from pacesetter.testing.api import ApiClient, assert_error_shape

pytestmark = pytest.mark.django_db


def api_as(world: Any, role: str) -> ApiClient:
    return ApiClient(world.users[role])


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    result: list[dict[str, Any]] = response.json()["items"]
    return result


def publish_h1(scoring: Any) -> None:
    """Every item through to final with a zero self-score, then publish."""
    for item in scoring.h1.items.filter(not_assigned=False):
        item = item_submit(actor=None, item=item, version=item.version, self_score=D(0))
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)
    review_point_publish(actor=None, review_point=scoring.h1)


def officer_of(unit: Any, username: str) -> Any:
    user = UserFactory(username=username)
    role_grant(actor=None, user=user, role=Role.UNIT_OFFICER, unit=unit)
    return user


# --- score items: who sees what --------------------------------------------------------


def test_a_unit_sees_only_its_own_unpublished_items(world: Any, scoring: Any) -> None:
    officer = api_as(world, "unit_officer")
    page = items(officer.get("/score-items", review_point=scoring.h1.pk, page_size=100))

    assert {row["unit"]["code"] for row in page} == {"OWN"}
    assert len(page) == 7
    peer_item = scoring.item(world.sibling, "Q1")
    assert_error_shape(officer.get(f"/score-items/{peer_item.pk}"), 404, "not_found")
    assert items(officer.get("/score-items", unit=world.sibling.pk)) == []
    assert_error_shape(
        officer.post(f"/score-items/{peer_item.pk}/report", {"version": 0, "actual": 1}), 404
    )


def test_the_leader_and_the_organizer_see_the_whole_cluster(world: Any, scoring: Any) -> None:
    for role in ("cluster_leader", "committee_staff"):
        page = items(api_as(world, role).get("/score-items", page_size=100))
        assert {row["unit"]["code"] for row in page} == {"OWN", "SIB", "THIRD"}, role
    assert items(api_as(world, "nobody").get("/score-items")) == []


def test_published_items_are_seen_by_every_participant(world: Any, scoring: Any) -> None:
    publish_h1(scoring)
    officer = api_as(world, "unit_officer")

    page = items(officer.get("/score-items", unit=world.sibling.pk, state="published"))
    assert len(page) == 7
    peer_item = scoring.item(world.sibling, "Q1")
    assert officer.get(f"/score-items/{peer_item.pk}").json()["state"] == "published"
    # Seeing is not scoring.
    assert_error_shape(
        officer.post(f"/score-items/{peer_item.pk}/report", {"version": 0, "actual": 1}), 403
    )


def test_item_list_query_count_does_not_grow_with_items(
    world: Any, scoring: Any, django_assert_max_num_queries: Any
) -> None:
    staff = api_as(world, "committee_staff")
    with django_assert_max_num_queries(5):
        assert len(items(staff.get("/score-items", page_size=100))) == 21
    review_point_open(actor=None, review_point=scoring.year_end)
    with django_assert_max_num_queries(5):
        assert len(items(staff.get("/score-items", page_size=100))) == 42


# --- the item flow ---------------------------------------------------------------------


def test_the_item_flow_through_the_api(world: Any, scoring: Any) -> None:
    officer = api_as(world, "unit_officer")
    leader = api_as(world, "cluster_leader")
    staff = api_as(world, "committee_staff")
    inspector = ApiClient(officer_of(world.sibling, "sibling-officer"))
    url = f"/score-items/{scoring.item(world.own, 'Q1').pk}"

    response = leader.post(
        f"/review-points/{scoring.h1.pk}/inspections",
        {"unit_id": world.own.pk, "inspector_id": world.sibling.pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["inspector"]["code"] == "SIB"

    body = officer.post(f"{url}/report", {"version": 0, "actual": "50", "explanation": "Half"})
    assert body.status_code == 200, body.content
    assert D(body.json()["computed"]) == D(15) and body.json()["version"] == 1
    stale = officer.post(f"{url}/submit", {"version": 0})
    assert_error_shape(stale, 409, "stale_version")

    steps: list[tuple[ApiClient, str, dict[str, Any]]] = [
        (officer, "submit", {}),
        (inspector, "inspect", {"score": 14}),
        (leader, "return", {"question": "Where is the invoice?"}),
        (officer, "answer", {"answer": "Attached now."}),
        (officer, "submit", {"self_score": 16}),
        (inspector, "inspect", {"score": 15}),
        (leader, "review", {"score": 15}),
    ]
    version = 1
    for client, action, data in steps:
        response = client.post(f"{url}/{action}", {"version": version, **data})
        assert response.status_code == 200, (action, response.content)
        version = response.json()["version"]
    assert response.json()["state"] == ItemState.REVIEWED

    # The unit cannot finalize its own item; the committee's score must be in range.
    assert_error_shape(officer.post(f"{url}/finalize", {"version": version}), 403, "forbidden")
    too_high = staff.post(f"{url}/finalize", {"version": version, "score": "31"})
    assert "score" in assert_error_shape(too_high, 422, "invalid")["detail"]
    final = staff.post(f"{url}/finalize", {"version": version, "score": "14.5", "note": "ok"})
    assert final.status_code == 200, final.content
    assert final.json()["state"] == ItemState.FINAL and D(final.json()["score"]) == D("14.5")

    detail = officer.get(url).json()
    assert D(detail["target"]) == D(100)
    assert [e["action"] for e in detail["events"]] == [
        "report",
        "submit",
        "inspect",
        "return",
        "answer",
        "submit",
        "inspect",
        "review",
        "finalize",
    ]
    assert detail["events"][2]["actor"] == "sibling-officer"
    assert D(detail["events"][2]["value"]) == D(14)
    assert detail["question"] == "Where is the invoice?"
    assert detail["answer"] == "Attached now."


def test_only_reviewers_return_an_item(world: Any, scoring: Any) -> None:
    item = scoring.item(world.own, "P1")
    item = item_submit(actor=None, item=item, version=item.version, self_score=D(20))
    url = f"/score-items/{item.pk}/return"

    denied = api_as(world, "unit_officer").post(url, {"version": item.version, "question": "?"})
    assert_error_shape(denied, 403, "forbidden")
    empty = api_as(world, "committee_staff").post(url, {"version": item.version, "question": " "})
    assert "question" in assert_error_shape(empty, 422)["detail"]


def test_inspectors_are_assigned_by_the_leader_only(world: Any, scoring: Any) -> None:
    url = f"/review-points/{scoring.h1.pk}/inspections"
    payload = {"unit_id": world.own.pk, "inspector_id": world.own.pk}

    assert_error_shape(api_as(world, "unit_officer").post(url, payload), 403, "forbidden")
    itself = api_as(world, "cluster_leader").post(url, payload)
    assert "inspector" in assert_error_shape(itself, 422)["detail"]
    assert_error_shape(api_as(world, "nobody").post(url, payload), 404, "not_found")


def test_publishing_is_for_the_organizer_once_every_item_is_final(world: Any, scoring: Any) -> None:
    url = f"/review-points/{scoring.h1.pk}/publish"

    assert_error_shape(api_as(world, "cluster_leader").post(url), 403, "forbidden")
    waiting = api_as(world, "committee_staff").post(url)
    assert "not final" in assert_error_shape(waiting, 422)["detail"]["__all__"][0]


# --- evidence --------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name: str = "invoice.pdf", content: bytes = b"%PDF-1.4 proof") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root: Any) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_evidence_is_uploaded_listed_and_downloaded(world: Any, scoring: Any, media: Any) -> None:
    item = scoring.item(world.own, "Q1")
    officer = api_as(world, "unit_officer")

    response = officer.upload(f"/score-items/{item.pk}/evidence", {"file": pdf()})
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["name"], added["size"], added["content_type"]) == (
        "invoice.pdf",
        14,
        "application/pdf",
    )
    assert stored_files(media) == ["invoice.pdf"]
    # Whoever sees the item lists and downloads its files; the upload is in its history.
    leader = api_as(world, "cluster_leader")
    assert [e["id"] for e in leader.get(f"/score-items/{item.pk}/evidence").json()] == [added["id"]]
    download = leader.get(f"/score-items/{item.pk}/evidence/{added['id']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 proof"
    detail = officer.get(f"/score-items/{item.pk}").json()
    assert [e["action"] for e in detail["events"]] == ["evidence"]
    assert [e["name"] for e in detail["evidence"]] == ["invoice.pdf"]


def test_evidence_is_added_by_the_unit_only(world: Any, scoring: Any, media: Any) -> None:
    url = f"/score-items/{scoring.item(world.own, 'Q1').pk}/evidence"

    for role in ("viewer", "cluster_leader"):  # they see the item but do not report on it
        assert_error_shape(api_as(world, role).upload(url, {"file": pdf()}), 403, "forbidden")
    assert_error_shape(api_as(world, "nobody").upload(url, {"file": pdf()}), 404, "not_found")
    assert_error_shape(api_as(world, "nobody").get(url), 404, "not_found")
    peer = f"/score-items/{scoring.item(world.sibling, 'Q1').pk}/evidence"
    assert_error_shape(api_as(world, "unit_officer").upload(peer, {"file": pdf()}), 404)
    assert stored_files(media) == []


def test_evidence_of_a_refused_type_or_size_is_not_stored(
    world: Any, scoring: Any, media: Any, settings: Any
) -> None:
    item = scoring.item(world.own, "Q1")
    officer = api_as(world, "unit_officer")
    url = f"/score-items/{item.pk}/evidence"

    tool = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    refused = assert_error_shape(officer.upload(url, {"file": tool}), 422, "file_type")
    assert "exe" in refused["detail"]["file"][0]
    settings.UPLOAD_MAX_BYTES = 10
    big = officer.upload(url, {"file": pdf("big.pdf", b"x" * 11)})
    assert "file" in assert_error_shape(big, 422, "file_too_large")["detail"]
    assert_error_shape(officer.upload(url, {}), 422, "invalid")  # no file at all
    assert not item.evidence.exists() and stored_files(media) == []


def test_evidence_waits_for_a_returned_item_and_an_open_review_point(
    world: Any, scoring: Any, media: Any
) -> None:
    officer = api_as(world, "unit_officer")
    item = scoring.item(world.own, "P1")
    item_submit(actor=None, item=item, version=item.version, self_score=D(20))
    submitted = officer.upload(f"/score-items/{item.pk}/evidence", {"file": pdf()})
    assert_error_shape(submitted, 422, "invalid_transition")
    ReviewPoint.objects.filter(pk=scoring.h1.pk).update(state=ReviewPointState.PUBLISHED)
    draft = scoring.item(world.own, "Q1")
    closed = officer.upload(f"/score-items/{draft.pk}/evidence", {"file": pdf()})
    assert_error_shape(closed, 422, "review_point_not_open")
    assert stored_files(media) == []


# --- scoring tables --------------------------------------------------------------------


def test_draft_adopt_and_clone_a_table(world: Any) -> None:
    staff = api_as(world, "committee_staff")
    response = staff.post(
        "/scoring-tables", {"owner_unit_id": world.committee.pk, "name": "Table", "year": 2025}
    )
    assert response.status_code == 201, response.content
    table_id = response.json()["id"]
    url = f"/scoring-tables/{table_id}"

    group = staff.post(
        f"{url}/criteria", {"code": "G1", "title": "Group", "kind": "group", "max_points": 50}
    ).json()
    criterion = {"code": "Q1", "title": "Revenue", "kind": "quantitative", "max_points": 30}
    response = staff.post(f"{url}/criteria", {**criterion, "parent_id": group["id"]})
    assert response.status_code == 201, response.content
    q1 = response.json()
    safety = {"code": "P1", "title": "Safety", "kind": "pass_fail", "max_points": 30}
    too_much = staff.post(f"{url}/criteria", {**safety, "parent_id": group["id"]})
    assert "max_points" in assert_error_shape(too_much, 422)["detail"]
    unknown_kind = staff.post(f"{url}/criteria", {**criterion, "code": "X", "kind": "magic"})
    assert_error_shape(unknown_kind, 422, "invalid")
    response = staff.patch(f"/criteria/{q1['id']}", {"max_points": 40, "measure": "bn VND"})
    assert response.status_code == 200, response.content
    assert response.json()["measure"] == "bn VND"

    response = staff.post(f"{url}/adopt")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == TableState.ADOPTED
    tree = {(c["code"], c["parent_id"]) for c in response.json()["criteria"]}
    assert tree == {("G1", None), ("Q1", group["id"])}
    locked = staff.patch(f"/criteria/{q1['id']}", {"title": "Turnover"})
    assert "locked" in assert_error_shape(locked, 422)["detail"]["__all__"][0]

    clone = staff.post(f"{url}/clone", {"year": 2026})
    assert clone.status_code == 201, clone.content
    body = clone.json()
    assert (body["year"], body["state"], body["cloned_from_id"]) == (2026, "draft", table_id)
    assert [c["code"] for c in body["criteria"]] == ["G1", "Q1"]
    listed = items(staff.get("/scoring-tables", year=2026))
    assert [t["id"] for t in listed] == [body["id"]]


def test_a_unit_cannot_change_a_table(world: Any, scoring: Any) -> None:
    officer = api_as(world, "unit_officer")
    url = f"/scoring-tables/{scoring.table.pk}"

    # The table of a campaign the unit takes part in is visible, not editable.
    assert officer.get(url).json()["state"] == TableState.ADOPTED
    assert_error_shape(officer.post(f"{url}/clone", {"year": 2025}), 403, "forbidden")
    assert_error_shape(
        officer.patch(f"/criteria/{scoring.c['Q1'].pk}", {"title": "Mine"}), 403, "forbidden"
    )
    response = officer.post(
        "/scoring-tables", {"owner_unit_id": world.committee.pk, "name": "T", "year": 2025}
    )
    assert "owner_unit_id" in assert_error_shape(response, 422)["detail"]
    assert ScoringTable.objects.count() == 1
