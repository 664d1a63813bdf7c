"""The titles a unit aims for (the other half of its pact, beside its targets): the
service, the registration screen's section and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pacesetter.audit.models import AuditEntry
from pacesetter.awards.models import RecipientKind
from pacesetter.awards.tests.factories import AwardFactory
from pacesetter.campaigns.models import CampaignState, ClusterPact
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    cluster_join,
    review_point_add,
)
from pacesetter.scoring.models import TitleAim
from pacesetter.scoring.services import title_aim_add, title_aim_remove, title_aims_set
from pacesetter.scoring.tests.conftest import build_table
from pacesetter.testing.api import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def registering(world: Any) -> Any:
    """A campaign open for registration: Cluster A (own, sibling), nothing registered."""
    table, _ = build_table(world.committee, year=2025)
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
    return campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.REGISTRATION)


@pytest.fixture
def awards() -> dict[str, Any]:
    return {
        "flag": AwardFactory(code="gov-flag", name="Government emulation flag"),
        "excellent": AwardFactory(code="excellent", name="Excellent labour collective"),
        "retired": AwardFactory(code="retired", name="Retired title", is_active=False),
        "person": AwardFactory(
            code="soldier", name="Emulation soldier", recipient_kind=RecipientKind.PERSON
        ),
    }


def sign_pact(campaign: Any, world: Any) -> None:
    ClusterPact.objects.create(
        campaign=campaign,
        cluster=world.cluster,
        signed_on=dt.date(2025, 2, 1),
        signer_unit=world.own,
    )


def aims_of(campaign: Any, unit: Any) -> dict[str, str]:
    return {
        a.award.code: a.note
        for a in TitleAim.objects.filter(participant__campaign=campaign, participant__unit=unit)
    }


# --- the service -----------------------------------------------------------------------


def test_the_officer_adds_and_removes_an_aim_with_audit(world, registering, awards):
    officer = world.users["unit_officer"]
    aim = title_aim_add(
        actor=officer, campaign=registering, unit=world.own, award=awards["flag"], note="Top 3"
    )
    assert aims_of(registering, world.own) == {"gov-flag": "Top 3"}
    assert AuditEntry.objects.filter(action="title_aim.add").count() == 1
    with pytest.raises(ValidationError, match="already aims"):
        title_aim_add(actor=officer, campaign=registering, unit=world.own, award=awards["flag"])
    title_aim_remove(actor=officer, aim=aim)
    assert aims_of(registering, world.own) == {}
    assert AuditEntry.objects.filter(action="title_aim.remove").count() == 1


def test_only_active_awards_for_units_can_be_aimed_for(world, registering, awards):
    for key in ("retired", "person"):
        with pytest.raises(ValidationError, match="active award"):
            title_aim_add(actor=None, campaign=registering, unit=world.own, award=awards[key])
    assert aims_of(registering, world.own) == {}


def test_set_adds_removes_and_changes_notes_all_or_nothing(world, registering, awards):
    officer = world.users["unit_officer"]
    title_aims_set(
        actor=officer, campaign=registering, unit=world.own, aims={awards["flag"].pk: "a"}
    )
    title_aims_set(
        actor=officer,
        campaign=registering,
        unit=world.own,
        aims={awards["excellent"].pk: "", awards["flag"].pk: "b"},
    )
    assert aims_of(registering, world.own) == {"gov-flag": "b", "excellent": ""}
    assert AuditEntry.objects.filter(action="title_aim.update").count() == 1
    # One bad award: nothing changes, not even the removal of the others.
    with pytest.raises(ValidationError):
        title_aims_set(
            actor=officer, campaign=registering, unit=world.own, aims={awards["retired"].pk: ""}
        )
    assert aims_of(registering, world.own) == {"gov-flag": "b", "excellent": ""}


def test_aims_are_refused_once_the_pact_is_signed_or_registration_closed(
    world, registering, awards
):
    aim = title_aim_add(actor=None, campaign=registering, unit=world.own, award=awards["flag"])
    sign_pact(registering, world)
    with pytest.raises(ValidationError, match="pact is signed"):
        title_aim_add(actor=None, campaign=registering, unit=world.own, award=awards["excellent"])
    with pytest.raises(ValidationError, match="pact is signed"):
        title_aim_remove(actor=None, aim=aim)
    registering.state = CampaignState.RUNNING
    registering.save(update_fields=["state"])
    with pytest.raises(ValidationError, match="Registration is closed"):
        title_aims_set(actor=None, campaign=registering, unit=world.own, aims={})
    assert aims_of(registering, world.own) == {"gov-flag": ""}


def test_aims_of_another_unit_are_refused(world, registering, awards):
    officer = world.users["unit_officer"]  # of OWN, not of SIB
    with pytest.raises(PermissionDenied):
        title_aim_add(actor=officer, campaign=registering, unit=world.sibling, award=awards["flag"])
    aim = title_aim_add(actor=None, campaign=registering, unit=world.sibling, award=awards["flag"])
    with pytest.raises(PermissionDenied):
        title_aim_remove(actor=officer, aim=aim)
    with pytest.raises(PermissionDenied):
        title_aim_add(
            actor=world.users["viewer"], campaign=registering, unit=world.own, award=awards["flag"]
        )
    assert aims_of(registering, world.sibling) == {"gov-flag": ""}
    assert aims_of(registering, world.own) == {}


# --- the registration screen -----------------------------------------------------------


def url(campaign: Any, unit: Any) -> str:
    return reverse("campaigns:registration", args=[campaign.pk, unit.pk])


def test_the_section_shows_the_catalog_and_saves_the_ticked_titles(
    client, world, registering, awards
):
    client.force_login(world.users["unit_officer"])
    page = client.get(url(registering, world.own))
    assert page.status_code == 200
    assert page.text.count('id="title-aims"') == 1  # in the page's body, not its <title>
    title = page.text.split("<title>")[1].split("</title>")[0]
    assert "<" not in title
    section = page.text.split('id="title-aims"')[1]
    assert "Titles we aim for" in section
    assert f'name="aim{awards["flag"].pk}-aimed"' in section
    assert f'name="aim{awards["retired"].pk}-aimed"' not in section  # not active
    assert f'name="aim{awards["person"].pk}-aimed"' not in section  # for persons
    response = client.post(
        url(registering, world.own),
        {
            "section": "aims",
            f"aim{awards['flag'].pk}-aimed": "on",
            f"aim{awards['flag'].pk}-note": "First in the cluster",
            f"aim{awards['excellent'].pk}-note": "not ticked",
        },
    )
    assert response.status_code == 302
    assert aims_of(registering, world.own) == {"gov-flag": "First in the cluster"}
    # Unticking removes it.
    response = client.post(url(registering, world.own), {"section": "aims"})
    assert response.status_code == 302
    assert aims_of(registering, world.own) == {}


def test_the_section_is_read_only_after_the_pact_and_for_viewers(
    client, world, registering, awards
):
    title_aim_add(
        actor=None, campaign=registering, unit=world.own, award=awards["flag"], note="Top 3"
    )
    client.force_login(world.users["viewer"])
    page = client.get(url(registering, world.own))
    section = page.text.split('id="title-aims"')[1]
    assert "Government emulation flag" in section and "Top 3" in section
    assert "-aimed" not in section
    assert client.post(url(registering, world.own), {"section": "aims"}).status_code == 403
    assert aims_of(registering, world.own) == {"gov-flag": "Top 3"}

    sign_pact(registering, world)
    client.force_login(world.users["unit_officer"])
    page = client.get(url(registering, world.own))
    section = page.text.split('id="title-aims"')[1]
    assert "Government emulation flag" in section and "-aimed" not in section
    response = client.post(url(registering, world.own), {"section": "aims"})
    assert response.status_code == 302
    assert aims_of(registering, world.own) == {"gov-flag": "Top 3"}


def test_the_registration_page_query_count_does_not_grow_with_aims(
    client, world, registering, django_assert_num_queries
):
    client.force_login(world.users["unit_officer"])
    target = url(registering, world.own)
    client.get(target)  # warm caches (sessions, content types)
    AwardFactory(code="one", name="One")
    title_aim_add(
        actor=None, campaign=registering, unit=world.own, award=AwardFactory(code="a0", name="A0")
    )
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    for n in range(1, 6):
        award = AwardFactory(code=f"a{n}", name=f"A{n}")
        title_aim_add(actor=None, campaign=registering, unit=world.own, award=award)
    with django_assert_num_queries(len(few)):
        assert client.get(target).status_code == 200


# --- the API ---------------------------------------------------------------------------


def test_the_api_sets_and_lists_the_aims(world, registering, awards):
    officer = ApiClient(world.users["unit_officer"])
    path = f"/campaigns/{registering.pk}/title-aims"
    response = officer.put(
        path,
        {
            "unit_id": world.own.pk,
            "aims": [{"award_id": awards["flag"].pk, "note": "Top 3"}],
        },
    )
    assert response.status_code == 200, response.content
    assert [(a["award"]["code"], a["note"], a["unit"]["code"]) for a in response.json()] == [
        ("gov-flag", "Top 3", "OWN")
    ]
    title_aim_add(actor=None, campaign=registering, unit=world.sibling, award=awards["flag"])
    listed = officer.get(path)
    assert listed.status_code == 200
    assert [a["unit"]["code"] for a in listed.json()["items"]] == ["OWN"]  # not the sibling's
    staff = ApiClient(world.users["committee_staff"]).get(path, unit=world.sibling.pk)
    assert [a["unit"]["code"] for a in staff.json()["items"]] == ["SIB"]


def test_the_api_refuses_bad_awards_other_units_and_a_signed_pact(world, registering, awards):
    officer = ApiClient(world.users["unit_officer"])
    path = f"/campaigns/{registering.pk}/title-aims"
    bad = officer.put(path, {"unit_id": world.own.pk, "aims": [{"award_id": awards["retired"].pk}]})
    assert bad.status_code == 422
    assert "award" in bad.json()["detail"]
    other = officer.put(
        path, {"unit_id": world.sibling.pk, "aims": [{"award_id": awards["flag"].pk}]}
    )
    assert other.status_code == 422  # a unit the officer may not edit is not a choice
    assert "unit_id" in other.json()["detail"]
    sign_pact(registering, world)
    locked = officer.put(path, {"unit_id": world.own.pk, "aims": [{"award_id": awards["flag"].pk}]})
    assert locked.status_code == 422
    assert "pact is signed" in locked.content.decode()
    assert not TitleAim.objects.exists()
