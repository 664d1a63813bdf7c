"""Two edits of a criterion, or two saves of a unit's registration (its targets, the
titles it aims for: the participant's version), from the same version: the second is
refused, nothing saved. (Score items have their own version: test_bulk.py and the score
item tests.) Tables are adopted, cloned and published through their steps, never edited
in place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from pacesetter.awards.tests.factories import AwardFactory
from pacesetter.campaigns.models import CampaignState, Participant
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    cluster_join,
    review_point_add,
)
from pacesetter.scoring.models import Registration
from pacesetter.scoring.tests.conftest import build_table
from pacesetter.scoring.tests.factories import CriterionFactory, ScoringTableFactory
from pacesetter.testing.api import ApiClient, assert_error_shape
from pacesetter.testing.versions import two_screen_edits

pytestmark = pytest.mark.django_db


@pytest.fixture
def criterion(world):
    table = ScoringTableFactory(owner_unit=world.committee)
    return CriterionFactory(table=table, code="Q1", title="Revenue")


def edit(criterion: Any, points: str) -> dict[str, Any]:
    return {
        "code": "Q1",
        "source_language": "en",
        "title_en": "Revenue",
        "kind": "quantitative",
        "max_points": points,
        "direction": "higher",
        "method": "proportional",
        "points_per_item": "0",
        "measure_en": "",
        "zero_target": "not_assigned",
        "position": str(criterion.position),
        "guidance_en": "",
    }


def test_the_second_edit_of_a_criterion_from_one_page_is_refused(client, world, criterion):
    client.force_login(world.users["committee_staff"])
    url = reverse("scoring:criterion_edit", args=[criterion.table_id, criterion.pk])
    opened = two_screen_edits(client, url, edit(criterion, "25"), edit(criterion, "30"))
    criterion.refresh_from_db()
    assert (criterion.max_points, criterion.version) == (Decimal(25), opened + 1)


def test_the_second_patch_of_a_criterion_from_one_read_is_a_409(world: Any, criterion: Any) -> None:
    api = ApiClient(world.users["committee_staff"])
    url = f"/criteria/{criterion.pk}"
    table = api.get(f"/scoring-tables/{criterion.table_id}").json()
    version = next(c["version"] for c in table["criteria"] if c["id"] == criterion.pk)
    saved = api.patch(url, {"max_points": 25, "version": version})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == version + 1
    refused = api.patch(url, {"max_points": 30, "title": "Turnover", "version": version})
    assert refused.status_code == 409 and refused.json()["code"] == "stale_version"
    criterion.refresh_from_db()
    assert (criterion.max_points, criterion.title, criterion.version) == (
        Decimal(25),
        "Revenue",
        version + 1,
    )


# --- a unit's registration: its targets and the titles it aims for ---------------------


@pytest.fixture
def registering(world: Any) -> Any:
    """A campaign open for registration: Cluster A (own, sibling), nothing registered."""
    table, criteria = build_table(world.committee, year=2025)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="EMU-2025",
        name="Emulation 2025",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        scoring_table=table,
    )
    cluster_join(actor=None, campaign=campaign, cluster=world.cluster)
    review_point_add(
        actor=None,
        campaign=campaign,
        code="y",
        name="Year-end review",
        period_end=dt.date(2025, 12, 31),
        due=dt.date(2026, 1, 15),
    )
    campaign = campaign_transition(
        actor=None, campaign=campaign, to_state=CampaignState.REGISTRATION
    )
    campaign.q1 = criteria["Q1"]
    return campaign


def registration_version(campaign: Any, unit: Any) -> int:
    return int(Participant.objects.get(campaign=campaign, unit=unit).version)


def targets(campaign: Any, unit: Any) -> dict[str, Decimal | None]:
    rows = Registration.objects.filter(campaign=campaign, unit=unit)
    return {r.criterion.code: r.target for r in rows.select_related("criterion")}


def aims(campaign: Any, unit: Any) -> set[str]:
    participant = Participant.objects.get(campaign=campaign, unit=unit)
    return set(participant.title_aims.values_list("award__code", flat=True))


def page(campaign: Any, unit: Any) -> str:
    return reverse("campaigns:registration", args=[campaign.pk, unit.pk])


def test_the_second_save_of_the_targets_from_one_page_is_refused(client, world, registering):
    client.force_login(world.users["unit_officer"])
    target = f"c{registering.q1.pk}-target"
    opened = two_screen_edits(
        client,
        page(registering, world.own),
        {target: "90"},
        {target: "80"},
        form_name="version_form",
    )
    assert targets(registering, world.own) == {"Q1": Decimal(90)}
    assert registration_version(registering, world.own) == opened + 1


def test_the_second_save_of_the_aims_from_one_page_is_refused(client, world, registering):
    flag = AwardFactory(code="gov-flag", name="Government emulation flag")
    client.force_login(world.users["unit_officer"])
    opened = two_screen_edits(
        client,
        page(registering, world.own),
        {"section": "aims", f"aim{flag.pk}-aimed": "on"},
        {"section": "aims"},
        form_name="version_form",
    )
    assert aims(registering, world.own) == {"gov-flag"}
    assert registration_version(registering, world.own) == opened + 1


def read_version(api: ApiClient, campaign: Any, unit: Any) -> int:
    """The unit's registration version, as a client reads it: its participant's."""
    participants = api.get(f"/campaigns/{campaign.pk}").json()["participants"]
    return int(next(p["version"] for p in participants if p["unit"]["id"] == unit.pk))


def test_the_second_put_of_a_target_from_one_read_is_a_409(world: Any, registering: Any) -> None:
    api = ApiClient(world.users["unit_officer"])
    url = f"/campaigns/{registering.pk}/registrations"
    read = read_version(api, registering, world.own)
    body = {"unit_id": world.own.pk, "criterion_id": registering.q1.pk}
    saved = api.put(url, {**body, "target": "90", "version": read})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == read + 1
    assert_error_shape(
        api.put(url, {**body, "target": "80", "version": read}), 409, "stale_version"
    )
    listed = api.get(url, unit=world.own.pk).json()["items"]
    assert [(r["target"], r["version"]) for r in listed] == [("90.0000", read + 1)]
    assert targets(registering, world.own) == {"Q1": Decimal(90)}


def test_the_second_put_of_the_aims_from_one_read_is_a_409(world: Any, registering: Any) -> None:
    flag = AwardFactory(code="gov-flag", name="Government emulation flag")
    api = ApiClient(world.users["unit_officer"])
    url = f"/campaigns/{registering.pk}/title-aims"
    read = read_version(api, registering, world.own)
    first = {"unit_id": world.own.pk, "aims": [{"award_id": flag.pk}], "version": read}
    assert api.put(url, first).status_code == 200
    assert read_version(api, registering, world.own) == read + 1
    second = {"unit_id": world.own.pk, "aims": [], "version": read}
    assert_error_shape(api.put(url, second), 409, "stale_version")
    assert aims(registering, world.own) == {"gov-flag"}
