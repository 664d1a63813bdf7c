"""Assigning a cluster's rotation of cross-inspections in one step: the service, the
screen (preview, then confirm) and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.campaigns.models import Participant
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.core.errors import ConflictError
from pacesetter.scoring.models import InspectionAssignment
from pacesetter.scoring.services import (
    inspection_assign,
    inspection_rotation_assign,
    inspection_rotation_plan,
)
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def grow(scoring: Any, world: Any, n: int) -> list[Any]:
    """Add ``n`` units to Cluster A's participants; answer the cluster's units by code."""
    for index in range(n):
        unit = UnitFactory(code=f"ZZ-{index}", parent=world.root, unit_type=world.own.unit_type)
        Participant.objects.create(campaign=scoring.campaign, unit=unit, cluster=world.cluster)
    return [
        p.unit
        for p in scoring.campaign.participants.filter(cluster=world.cluster)
        .select_related("unit")
        .order_by("unit__code")
    ]


def assigned(scoring: Any) -> dict[Any, Any]:
    return {
        a.unit_id: a.inspector_id
        for a in InspectionAssignment.objects.filter(review_point=scoring.h1)
    }


def rotate(world: Any, scoring: Any, offset: int, user: Any = None) -> Any:
    user = user or world.users["cluster_leader"]
    plan = inspection_rotation_plan(
        actor=user, review_point=scoring.h1, cluster=world.cluster, offset=offset
    )
    return inspection_rotation_assign(
        actor=user,
        review_point=scoring.h1,
        cluster=world.cluster,
        offset=offset,
        digest=plan.digest,
    )


# --- the service ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(1, [1, 2, 3, 0]), (2, [2, 3, 0, 1])],  # index of each unit's inspector in the ring
)
def test_a_ring_of_four_is_inspected_by_the_unit_offset_places_on(world, scoring, offset, expected):
    units = grow(scoring, world, 1)
    assert len(units) == 4
    before = AuditEntry.objects.filter(action="inspection.assign").count()

    rotate(world, scoring, offset)

    assert assigned(scoring) == {u.pk: units[i].pk for u, i in zip(units, expected, strict=True)}
    assert AuditEntry.objects.filter(action="inspection.assign").count() == before + 4


def test_the_rotation_replaces_existing_assignments_and_marks_them(world, scoring):
    units = grow(scoring, world, 1)
    leader = world.users["cluster_leader"]
    # units[0] is inspected by units[2] now; the rotation makes it units[1].
    inspection_assign(actor=leader, review_point=scoring.h1, unit=units[0], inspector=units[2])
    # units[1] is inspected by units[2] already: the same as the rotation.
    inspection_assign(actor=leader, review_point=scoring.h1, unit=units[1], inspector=units[2])

    plan = inspection_rotation_plan(
        actor=leader, review_point=scoring.h1, cluster=world.cluster, offset=1
    )
    marks = [(row.unit, row.inspector, row.current, row.replaces) for row in plan.rows]
    assert marks == [
        (units[0], units[1], units[2], True),
        (units[1], units[2], units[2], False),
        (units[2], units[3], None, False),
        (units[3], units[0], None, False),
    ]
    before = AuditEntry.objects.filter(action="inspection.assign").count()
    inspection_rotation_assign(
        actor=leader,
        review_point=scoring.h1,
        cluster=world.cluster,
        offset=1,
        digest=plan.digest,
    )
    assert assigned(scoring) == {
        units[0].pk: units[1].pk,
        units[1].pk: units[2].pk,
        units[2].pk: units[3].pk,
        units[3].pk: units[0].pk,
    }
    # The unchanged assignment is not written again: three audit entries.
    assert AuditEntry.objects.filter(action="inspection.assign").count() == before + 3


def test_a_stale_preview_is_refused_whole(world, scoring):
    units = grow(scoring, world, 1)
    leader = world.users["cluster_leader"]
    plan = inspection_rotation_plan(
        actor=leader, review_point=scoring.h1, cluster=world.cluster, offset=1
    )
    inspection_assign(actor=leader, review_point=scoring.h1, unit=units[3], inspector=units[2])
    before = assigned(scoring)

    with pytest.raises(ConflictError):
        inspection_rotation_assign(
            actor=leader,
            review_point=scoring.h1,
            cluster=world.cluster,
            offset=1,
            digest=plan.digest,
        )
    assert assigned(scoring) == before == {units[3].pk: units[2].pk}


def test_a_cluster_of_one_unit_and_a_bad_offset_are_refused(world, scoring):
    lone = ClusterFactory(code="LONE", owner_unit=world.committee)
    Participant.objects.create(
        campaign=scoring.campaign, unit=UnitFactory(code="LONE-1", parent=world.root), cluster=lone
    )
    lone_leader = UserFactory(username="lone-leader")
    role_grant(actor=None, user=lone_leader, role=Role.CLUSTER_LEADER, cluster=lone)
    with pytest.raises(ValidationError) as caught:
        inspection_rotation_plan(actor=lone_leader, review_point=scoring.h1, cluster=lone)
    assert "at least two units" in caught.value.message_dict["cluster"][0]
    assert getattr(caught.value, "rule_code", None) == "cluster_too_small"

    leader = world.users["cluster_leader"]
    for offset in (0, 3):  # Cluster A has three units: 1 and 2 only
        with pytest.raises(ValidationError) as caught:
            inspection_rotation_plan(
                actor=leader, review_point=scoring.h1, cluster=world.cluster, offset=offset
            )
        assert "from 1 to 2" in caught.value.message_dict["offset"][0]


def test_only_the_clusters_leader_assigns_the_rotation(world, scoring):
    for role in ("unit_officer", "committee_staff", "nobody"):
        with pytest.raises(PermissionDenied):
            rotate(world, scoring, 1, world.users[role])
    assert assigned(scoring) == {}


# --- the screen -------------------------------------------------------------------------


def test_the_leader_previews_then_confirms_the_rotation(client, world, scoring):
    units = grow(scoring, world, 1)
    leader = world.users["cluster_leader"]
    inspection_assign(actor=leader, review_point=scoring.h1, unit=units[0], inspector=units[2])
    client.force_login(leader)
    start = reverse("scoring:inspections", args=[scoring.h1.pk])
    url = reverse("scoring:inspection_rotation", args=[scoring.h1.pk])
    assert url in client.get(start).text  # "Assign rotation"

    preview = client.get(url, {"cluster": world.cluster.pk, "offset": 1})
    assert preview.status_code == 200
    assert f'id="rotation-{units[0].pk}" class="replaced"' in preview.text
    assert f'id="rotation-{units[1].pk}" class="replaced"' not in preview.text
    first = preview.text.split(f'id="rotation-{units[0].pk}"')[1].split("</tr>")[0]
    assert units[1].name in first and f"{units[2].name} — replaced" in first
    digest = preview.context["plan"].digest
    assert f'value="{digest}"' in preview.text
    assert assigned(scoring) == {units[0].pk: units[2].pk}  # a preview saves nothing

    response = client.post(url, {"cluster": world.cluster.pk, "offset": 1, "digest": digest})
    assert response.status_code == 302 and response["Location"] == start
    ring = {u.pk: units[(i + 1) % 4].pk for i, u in enumerate(units)}
    assert assigned(scoring) == ring


def test_a_stale_confirmation_shows_the_new_preview_and_saves_nothing(client, world, scoring):
    units = grow(scoring, world, 1)
    client.force_login(world.users["cluster_leader"])
    url = reverse("scoring:inspection_rotation", args=[scoring.h1.pk])
    digest = client.get(url, {"cluster": world.cluster.pk, "offset": 1}).context["plan"].digest
    inspection_assign(actor=None, review_point=scoring.h1, unit=units[3], inspector=units[2])

    response = client.post(url, {"cluster": world.cluster.pk, "offset": 1, "digest": digest})
    assert response.status_code == 200
    assert "changed since the preview" in response.text
    assert response.context["plan"].digest != digest  # the new preview, to confirm again
    assert assigned(scoring) == {units[3].pk: units[2].pk}


def test_a_one_unit_cluster_is_a_message_and_others_may_not_open_the_screen(client, world, scoring):
    lone = ClusterFactory(code="LONE", owner_unit=world.committee)
    Participant.objects.create(
        campaign=scoring.campaign, unit=UnitFactory(code="LONE-1", parent=world.root), cluster=lone
    )
    lone_leader = UserFactory(username="lone-leader")
    role_grant(actor=None, user=lone_leader, role=Role.CLUSTER_LEADER, cluster=lone)
    url = reverse("scoring:inspection_rotation", args=[scoring.h1.pk])
    client.force_login(lone_leader)
    response = client.get(url, {"cluster": lone.pk, "offset": 1})
    assert response.status_code == 200 and "at least two units" in response.text
    assert response.context["plan"] is None
    # Cluster A is not theirs to choose.
    response = client.get(url, {"cluster": world.cluster.pk, "offset": 1})
    assert "Select a valid choice" in response.text

    for role in ("unit_officer", "committee_staff"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 403
        post = client.post(url, {"cluster": world.cluster.pk, "offset": 1, "digest": "x"})
        assert post.status_code == 403
    assert assigned(scoring) == {}


def test_the_preview_and_confirmation_queries_do_not_grow_with_units(
    client, world, scoring, django_assert_max_num_queries
):
    client.force_login(world.users["cluster_leader"])
    url = reverse("scoring:inspection_rotation", args=[scoring.h1.pk])
    counts: list[int] = []
    for added in (1, 8):  # Cluster A grows from three units to four, then twelve
        for index in range(added):
            unit = UnitFactory(code=f"YY-{len(counts)}-{index}", parent=world.root)
            Participant.objects.create(campaign=scoring.campaign, unit=unit, cluster=world.cluster)
        with django_assert_max_num_queries(14) as captured:
            preview = client.get(url, {"cluster": world.cluster.pk, "offset": 1})
            assert preview.status_code == 200
        counts.append(len(captured.captured_queries))
    assert len(preview.context["plan"].rows) == 12
    assert counts[0] == counts[1]


# --- the API ----------------------------------------------------------------------------


def test_the_api_answers_the_preview_then_assigns_the_rotation(world, scoring):
    units = grow(scoring, world, 1)
    leader = ApiClient(world.users["cluster_leader"])
    url = f"/review-points/{scoring.h1.pk}/inspections/rotation"
    inspection_assign(actor=None, review_point=scoring.h1, unit=units[0], inspector=units[1])

    preview = leader.post(url, {"cluster_id": world.cluster.pk, "offset": 2, "dry_run": True})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["dry_run"] is True and body["offset"] == 2
    pairs = [(r["unit"]["id"], r["inspector"]["id"], r["replaces"]) for r in body["rows"]]
    assert pairs == [(u.pk, units[(i + 2) % 4].pk, i == 0) for i, u in enumerate(units)]
    assert body["rows"][0]["current"]["id"] == units[1].pk and body["rows"][1]["current"] is None
    assert assigned(scoring) == {units[0].pk: units[1].pk}

    unconfirmed = leader.post(url, {"cluster_id": world.cluster.pk, "offset": 2})
    assert "digest" in assert_error_shape(unconfirmed, 422)["detail"]
    stale = leader.post(url, {"cluster_id": world.cluster.pk, "offset": 2, "digest": "0" * 32})
    assert_error_shape(stale, 409, "stale_version")
    assert assigned(scoring) == {units[0].pk: units[1].pk}

    done = leader.post(url, {"cluster_id": world.cluster.pk, "offset": 2, "digest": body["digest"]})
    assert done.status_code == 200, done.content
    assert done.json()["dry_run"] is False
    assert assigned(scoring) == {u.pk: units[(i + 2) % 4].pk for i, u in enumerate(units)}


def test_the_api_refuses_a_small_cluster_a_bad_offset_and_other_roles(world, scoring):
    url = f"/review-points/{scoring.h1.pk}/inspections/rotation"
    payload = {"cluster_id": world.cluster.pk, "offset": 1, "dry_run": True}
    for role in ("unit_officer", "committee_staff"):
        assert_error_shape(ApiClient(world.users[role]).post(url, payload), 403, "forbidden")
    assert_error_shape(ApiClient(world.users["nobody"]).post(url, payload), 404, "not_found")

    leader = ApiClient(world.users["cluster_leader"])
    too_far = leader.post(url, {**payload, "offset": 3})
    assert "offset" in assert_error_shape(too_far, 422, "invalid_offset")["detail"]

    lone = ClusterFactory(code="LONE", owner_unit=world.committee)
    Participant.objects.create(
        campaign=scoring.campaign, unit=UnitFactory(code="LONE-1", parent=world.root), cluster=lone
    )
    lone_leader = UserFactory(username="lone-leader")
    role_grant(actor=None, user=lone_leader, role=Role.CLUSTER_LEADER, cluster=lone)
    small = ApiClient(lone_leader).post(url, {**payload, "cluster_id": lone.pk})
    assert "cluster" in assert_error_shape(small, 422, "cluster_too_small")["detail"]


def test_the_api_names_an_unknown_cluster_as_a_bad_value(world, scoring):
    leader = ApiClient(world.users["cluster_leader"])
    url = f"/review-points/{scoring.h1.pk}/inspections/rotation"
    answer = leader.post(url, {"cluster_id": 999_999, "dry_run": True})
    assert "cluster_id" in str(assert_error_shape(answer, 422)["detail"])
