"""The campaign screens: list, set-up, the overview, registration (the pact), amendments
and pacts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.campaigns.models import Campaign, CampaignState, ClusterPact, ReviewPointState
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    cluster_join,
    review_point_add,
)
from pacesetter.clusters.services import cluster_leader_set
from pacesetter.scoring.models import AmendmentState, Registration, TargetAmendment
from pacesetter.scoring.services import registration_set
from pacesetter.scoring.tests.conftest import build_table
from pacesetter.testing.disk import FullDisk, stored_files

pytestmark = pytest.mark.django_db


def login(client: Any, world: Any, role: str) -> Any:
    client.force_login(world.users[role])
    return client


def pdf(name: str = "pact.pdf") -> Any:
    return SimpleUploadedFile(name, b"%PDF-1.4 pact", content_type="application/pdf")


@pytest.fixture
def registering(world: Any) -> Any:
    """A campaign open for registration: Cluster A (own, sibling), nothing registered."""
    table, c = build_table(world.committee, year=2025)
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
    campaign.c = c
    return campaign


def row_data(campaign: Any, rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for code, values in rows.items():
        prefix = f"c{campaign.c[code].pk}"
        for name, value in values.items():
            if name == "not_assigned":
                if value:
                    data[f"{prefix}-not_assigned"] = "on"
            else:
                data[f"{prefix}-{name}"] = value
    return data


def register_all(campaign: Any, world: Any) -> None:
    for unit in (world.own, world.sibling):
        for code in ("Q1", "Q2"):
            registration_set(
                actor=None, campaign=campaign, unit=unit, criterion=campaign.c[code], target=D(10)
            )


# --- List ------------------------------------------------------------------------------


def test_list_shows_visible_campaigns_with_organizer_state_and_participants(client, world, scoring):
    response = login(client, world, "committee_staff").get(reverse("campaigns:list"))
    assert response.status_code == 200
    row = response.text.split("Emulation 2024")[1].split("</tr>")[0]
    assert "Committee" in row and "Running" in row
    assert '<td class="num">3</td>' in row
    assert reverse("campaigns:create") in response.text


def test_list_for_a_participant_and_for_nobody(client, world, scoring):
    response = login(client, world, "unit_officer").get(reverse("campaigns:list"))
    assert "Emulation 2024" in response.text
    assert reverse("campaigns:create") not in response.text
    response = login(client, world, "nobody").get(reverse("campaigns:list"))
    assert "Emulation 2024" not in response.text
    assert "There are no campaigns you may see." in response.text


def test_list_search_and_state_filter(client, world, scoring, registering):
    login(client, world, "committee_staff")
    response = client.get(reverse("campaigns:list"), {"q": "2025"})
    assert "Emulation 2025" in response.text and "Emulation 2024" not in response.text
    response = client.get(reverse("campaigns:list"), {"state": "running"})
    assert "Emulation 2024" in response.text and "Emulation 2025" not in response.text
    response = client.get(reverse("campaigns:list"), {"q": "nothing like it"})
    assert "No campaigns match your search." in response.text


@pytest.mark.parametrize("rows", [5, 20])
def test_list_query_count_is_constant(client, world, django_assert_max_num_queries, rows):
    for n in range(rows):
        campaign = campaign_create(
            actor=None,
            organizer=world.committee,
            code=f"C{n}",
            name=f"Counted {n:02d}",
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 12, 31),
        )
        cluster_join(actor=None, campaign=campaign, cluster=world.cluster)
    login(client, world, "committee_staff")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("campaigns:list"))
    assert response.text.count("Counted ") == min(rows, 25)


# --- Create and edit -------------------------------------------------------------------


def campaign_form(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "organizer": world.committee.pk,
        "code": "LI-2024",
        "source_language": "en",
        "name_en": "Light industry special action",
        "kind": "special_action",
        "start": "2024-03-01",
        "end": "2024-11-30",
        "registration_due": "2024-03-31",
        "tie_break_1": "fewer_penalty",
        "tie_break_2": "base_pct",
        "tie_break_3": "",
    }
    data.update(overrides)
    return data


def test_staff_create_a_campaign_with_table_predecessor_and_tie_breaks(client, world, scoring):
    login(client, world, "committee_staff")
    assert client.get(reverse("campaigns:create")).status_code == 200
    response = client.post(
        reverse("campaigns:create"),
        campaign_form(world, scoring_table=scoring.table.pk, predecessor=scoring.campaign.pk),
    )
    campaign = Campaign.objects.get(code="LI-2024")
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.organizer == world.committee
    assert campaign.scoring_table == scoring.table
    assert campaign.predecessor == scoring.campaign
    assert campaign.tie_breaks == ["fewer_penalty", "base_pct"]
    page = client.get(response["Location"]).text
    assert "Fewer penalty points" in page
    assert reverse("campaigns:detail", args=[scoring.campaign.pk]) in page  # predecessor link


def test_create_bad_input_rerenders_and_saves_nothing(client, world):
    login(client, world, "committee_staff")
    response = client.post(
        reverse("campaigns:create"), campaign_form(world, end="2024-01-01", code="")
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.text
    assert "This field is required." in response.text
    response = client.post(
        reverse("campaigns:create"), campaign_form(world, tie_break_2="fewer_penalty")
    )
    assert response.status_code == 200
    assert "Each tie-break can be used once." in response.text
    assert not Campaign.objects.exists()


def test_create_needs_a_unit_to_manage(client, world):
    response = login(client, world, "unit_officer").post(
        reverse("campaigns:create"), campaign_form(world)
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_edit_saves_through_the_service_and_is_for_the_committee(client, world, scoring):
    url = reverse("campaigns:edit", args=[scoring.campaign.pk])
    assert login(client, world, "unit_officer").get(url).status_code == 403
    login(client, world, "committee_staff")
    response = client.get(url)
    select = response.text.split('name="scoring_table"')[1].split(">")[0]
    assert "disabled" in select  # the table is fixed once the campaign left the draft
    data = {
        "code": "EMU-2024",
        "source_language": "en",
        "name_en": "Emulation movement 2024",
        "kind": "movement",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "tie_break_1": "base_pct",
        "tie_break_2": "",
        "tie_break_3": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    scoring.campaign.refresh_from_db()
    assert scoring.campaign.name == "Emulation movement 2024"
    assert scoring.campaign.tie_breaks == ["base_pct"]
    assert scoring.campaign.scoring_table == scoring.table  # unchanged while running


# --- Overview and transitions ----------------------------------------------------------


def test_overview_for_the_committee(client, world, scoring, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pact = ClusterPact.objects.get(campaign=scoring.campaign)
    pact.document = SimpleUploadedFile("pact.pdf", b"%PDF-1.4 pact")
    pact.save()
    response = login(client, world, "committee_staff").get(
        reverse("campaigns:detail", args=[scoring.campaign.pk])
    )
    assert response.status_code == 200
    text = response.text
    assert 'id="state">Running<' in text
    transition_url = reverse("campaigns:transition", args=[scoring.campaign.pk])
    assert transition_url in text and 'value="scoring"' in text
    assert "6-month review" in text and "Year-end review" in text
    assert f"/scoring/review/{scoring.h1.pk}/ranking/" in text
    assert f"/scoring/review/{scoring.h1.pk}/units/{world.own.pk}/" in text
    assert (
        reverse("campaigns:review_point_open", args=[scoring.campaign.pk, scoring.year_end.pk])
        in text
    )
    assert "Cluster A" in text and "Own unit" in text and "Third unit" in text
    assert "Registration: 3 of 3 units complete." in text
    assert "Pact signed on" in text
    doc_url = reverse("campaigns:pact_document", args=[scoring.campaign.pk, pact.pk])
    assert doc_url in text
    download = client.get(doc_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 pact"


def test_overview_for_a_unit_officer(client, world, scoring):
    response = login(client, world, "unit_officer").get(
        reverse("campaigns:detail", args=[scoring.campaign.pk])
    )
    assert response.status_code == 200
    text = response.text
    assert reverse("campaigns:transition", args=[scoring.campaign.pk]) not in text
    assert reverse("campaigns:registration", args=[scoring.campaign.pk, world.own.pk]) in text
    assert (
        reverse("campaigns:registration", args=[scoring.campaign.pk, world.sibling.pk]) not in text
    )
    # Only its own unpublished sheet is linked.
    assert f"/scoring/review/{scoring.h1.pk}/units/{world.own.pk}/" in text
    assert f"/scoring/review/{scoring.h1.pk}/units/{world.sibling.pk}/" not in text


def test_overview_is_hidden_from_outsiders(client, world, scoring):
    outsider = UserFactory(username="outsider")
    role_grant(actor=None, user=outsider, role=Role.UNIT_OFFICER, unit=world.other)
    client.force_login(outsider)
    assert client.get(reverse("campaigns:detail", args=[scoring.campaign.pk])).status_code == 404
    login(client, world, "nobody")
    assert client.get(reverse("campaigns:detail", args=[scoring.campaign.pk])).status_code == 404


def test_participants_show_the_pilot_flag(client, world, scoring):
    participant = scoring.campaign.participants.get(unit=scoring.third)
    participant.is_pilot = True
    participant.save()
    text = (
        login(client, world, "committee_staff")
        .get(reverse("campaigns:detail", args=[scoring.campaign.pk]))
        .text
    )
    row = text.split("Third unit")[1].split("</tr>")[0]
    assert "pilot" in row


def test_an_illegal_transition_shows_the_rule(client, world):
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="D",
        name="Draft one",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
    )
    login(client, world, "committee_staff")
    response = client.post(
        reverse("campaigns:transition", args=[campaign.pk]),
        {"to_state": "registration"},
        follow=True,
    )
    assert "Adopt a scoring table for the campaign first." in response.text
    response = client.post(
        reverse("campaigns:transition", args=[campaign.pk]), {"to_state": "closed"}, follow=True
    )
    assert "A campaign cannot go from Draft to Closed." in response.text
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_a_legal_transition_moves_the_state_and_is_for_the_committee(client, world, scoring):
    url = reverse("campaigns:transition", args=[scoring.campaign.pk])
    assert (
        login(client, world, "unit_officer").post(url, {"to_state": "scoring"}).status_code == 403
    )
    response = login(client, world, "committee_staff").post(
        url, {"to_state": "scoring"}, follow=True
    )
    assert "The campaign is now in the state “Scoring”." in response.text
    scoring.campaign.refresh_from_db()
    assert scoring.campaign.state == CampaignState.SCORING


def test_phases_and_review_points_are_added_through_the_services(client, world, scoring):
    login(client, world, "committee_staff")
    url = reverse("campaigns:phase_add", args=[scoring.campaign.pk])
    response = client.post(url, {"name_en": "Launch", "start": "2024-01-01", "end": "2024-02-01"})
    assert response.status_code == 302
    response = client.post(url, {"name_en": "Late", "start": "2023-01-01", "end": "2023-02-01"})
    assert "A phase lies within the campaign" in response.text
    assert list(scoring.campaign.phases.values_list("name_en", flat=True)) == ["Launch"]
    url = reverse("campaigns:review_point_add", args=[scoring.campaign.pk])
    response = client.post(
        url, {"code": "q3", "name_en": "Q3", "period_end": "2024-09-30", "due": "2024-09-01"}
    )
    assert response.status_code == 200
    assert "Reports are due after the period they cover ends." in response.text
    assert not scoring.campaign.review_points.filter(code="q3").exists()
    response = client.post(
        url, {"code": "q3", "name_en": "Q3", "period_end": "2024-09-30", "due": "2024-10-15"}
    )
    assert response.status_code == 302
    assert scoring.campaign.review_points.filter(code="q3").exists()


def test_open_a_review_point(client, world, scoring):
    url = reverse("campaigns:review_point_open", args=[scoring.campaign.pk, scoring.year_end.pk])
    assert login(client, world, "unit_officer").post(url).status_code == 403
    response = login(client, world, "committee_staff").post(url, follow=True)
    assert "score items were created" in response.text
    scoring.year_end.refresh_from_db()
    assert scoring.year_end.state == ReviewPointState.OPEN
    response = client.post(url, follow=True)
    assert "This review point is already open." in response.text


def test_add_a_unit_and_join_a_cluster(client, world):
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="D",
        name="Draft one",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
    )
    login(client, world, "committee_staff")
    response = client.post(
        reverse("campaigns:participant_add", args=[campaign.pk]),
        {"unit": world.child.pk, "is_pilot": "on"},
    )
    assert response.status_code == 302
    assert campaign.participants.get(unit=world.child).is_pilot
    response = client.post(
        reverse("campaigns:participant_add", args=[campaign.pk]),
        {"unit": world.child.pk, "cluster": world.cluster.pk},
    )
    assert "already takes part" in response.text
    response = client.post(
        reverse("campaigns:cluster_join", args=[campaign.pk]), {"cluster": world.cluster.pk}
    )
    assert response.status_code == 302
    assert set(campaign.participants.values_list("unit__code", flat=True)) == {
        "CHILD",
        "OWN",
        "SIB",
    }
    assert (
        login(client, world, "unit_officer")
        .get(reverse("campaigns:participant_add", args=[campaign.pk]))
        .status_code
        == 403
    )


# --- Registration ----------------------------------------------------------------------


def test_the_unit_registers_its_targets(client, world, registering):
    url = reverse("campaigns:registration", args=[registering.pk, world.own.pk])
    login(client, world, "unit_officer")
    response = client.get(url)
    assert response.status_code == 200
    assert f'name="c{registering.c["Q1"].pk}-target"' in response.text
    assert f'name="c{registering.c["P1"].pk}-target"' not in response.text  # not quantitative
    assert f'name="c{registering.c["P1"].pk}-not_assigned"' in response.text
    data = row_data(
        registering,
        {
            "Q1": {"target": "120.5"},
            "Q2": {"not_assigned": True, "note": "No budget duty"},
            "P1": {"not_assigned": True},
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    registrations = {
        r.criterion.code: r
        for r in Registration.objects.filter(campaign=registering, unit=world.own)
    }
    assert registrations["Q1"].target == D("120.5")
    assert registrations["Q2"].not_assigned and registrations["Q2"].note == "No budget duty"
    assert registrations["P1"].not_assigned
    assert set(registrations) == {"Q1", "Q2", "P1"}  # untouched rows are not registered


def test_one_bad_row_saves_nothing_and_shows_the_error_on_the_row(client, world, registering):
    registration_set(
        actor=None, campaign=registering, unit=world.own, criterion=registering.c["Q1"], target=D(5)
    )
    url = reverse("campaigns:registration", args=[registering.pk, world.own.pk])
    login(client, world, "unit_officer")
    # Q1 cleared without "not assigned" (the service refuses); Q2 fine.
    data = row_data(registering, {"Q1": {"target": ""}, "Q2": {"target": "50"}})
    response = client.post(url, data)
    assert response.status_code == 200
    row = response.text.split('id="row-Q1"')[1].split("</tr>")[0]
    assert "Enter a target, or mark the criterion not assigned." in row
    assert "Nothing was saved" in response.text
    assert not Registration.objects.filter(criterion=registering.c["Q2"]).exists()
    assert Registration.objects.get(criterion=registering.c["Q1"]).target == D(5)
    # A negative target is refused by the form itself.
    response = client.post(url, row_data(registering, {"Q2": {"target": "-1"}}))
    assert response.status_code == 200
    assert not Registration.objects.filter(criterion=registering.c["Q2"]).exists()


def test_registration_permissions(client, world, registering):
    own_url = reverse("campaigns:registration", args=[registering.pk, world.own.pk])
    sibling_url = reverse("campaigns:registration", args=[registering.pk, world.sibling.pk])
    login(client, world, "unit_officer")
    assert client.get(sibling_url).status_code == 404
    login(client, world, "viewer")
    response = client.get(own_url)
    assert response.status_code == 200
    assert f'name="c{registering.c["Q1"].pk}-target"' not in response.text  # read-only
    assert client.post(own_url, row_data(registering, {"Q1": {"target": "1"}})).status_code == 403
    login(client, world, "nobody")
    assert client.get(own_url).status_code == 404
    assert not Registration.objects.exists()


def test_registration_locks_after_the_pact(client, world, scoring):
    url = reverse("campaigns:registration", args=[scoring.campaign.pk, world.own.pk])
    login(client, world, "unit_officer")
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="locked"' in response.text
    assert f'name="c{scoring.c["Q1"].pk}-target"' not in response.text
    amend_url = reverse(
        "campaigns:amendment_request", args=[scoring.campaign.pk, world.own.pk, scoring.c["Q1"].pk]
    )
    assert amend_url in response.text
    response = client.post(url, {f"c{scoring.c['Q1'].pk}-target": "999"}, follow=True)
    assert "The registrations are locked" in response.text
    assert Registration.objects.get(unit=world.own, criterion=scoring.c["Q1"]).target == D(100)


def test_an_amendment_keeps_both_values(client, world, scoring):
    amend_url = reverse(
        "campaigns:amendment_request", args=[scoring.campaign.pk, world.own.pk, scoring.c["Q1"].pk]
    )
    login(client, world, "unit_officer")
    response = client.post(amend_url, {"new_target": "120", "reason": ""})
    assert response.status_code == 200 and "This field is required." in response.text
    assert not TargetAmendment.objects.exists()
    response = client.post(amend_url, {"new_target": "120", "reason": "New contract signed"})
    assert response.status_code == 302
    amendment = TargetAmendment.objects.get()
    # A second request while one waits is refused.
    response = client.post(amend_url, {"new_target": "130", "reason": "Again"})
    assert "already waiting" in response.text
    decide_url = reverse("campaigns:amendment_decide", args=[scoring.campaign.pk, amendment.pk])
    assert client.post(decide_url, {"decision": "approve"}).status_code == 403

    login(client, world, "committee_staff")
    overview = client.get(reverse("campaigns:detail", args=[scoring.campaign.pk])).text
    pending = overview.split('id="amendments"')[1].split("</section>")[0]
    assert "Own unit" in pending and "100.0000" in pending and "120.0000" in pending
    assert decide_url in pending
    response = client.post(decide_url, {"decision": "approve", "note": "Agreed"}, follow=True)
    assert "The amendment is approved." in response.text
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.APPROVED
    assert (amendment.old_target, amendment.new_target) == (D(100), D(120))
    registration = Registration.objects.get(unit=world.own, criterion=scoring.c["Q1"])
    assert registration.target == D(120)

    login(client, world, "unit_officer")
    page = client.get(reverse("campaigns:registration", args=[scoring.campaign.pk, world.own.pk]))
    row = page.text.split('id="row-Q1"')[1].split("</tr>")[0]
    assert "100 → 120" in row and "Approved" in row


def test_a_rejected_amendment_keeps_the_target(client, world, scoring):
    registration = Registration.objects.get(unit=world.own, criterion=scoring.c["Q1"])
    amendment = TargetAmendment.objects.create(
        registration=registration, old_target=D(100), new_target=D(50), reason="Less work"
    )
    login(client, world, "committee_staff")
    url = reverse("campaigns:amendment_decide", args=[scoring.campaign.pk, amendment.pk])
    response = client.post(url, {"decision": "reject"}, follow=True)
    assert "The amendment is rejected." in response.text
    registration.refresh_from_db()
    assert registration.target == D(100)
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "This amendment has already been decided." in response.text


# --- Pacts -----------------------------------------------------------------------------


def test_the_leader_signs_the_pact_with_a_document(client, world, registering, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    register_all(registering, world)
    cluster_leader_set(
        actor=None,
        cluster=world.cluster,
        year=2025,
        role="leader",
        unit=world.sibling,
        assigned_on=dt.date(2025, 1, 1),
    )
    url = reverse("campaigns:pact_sign", args=[registering.pk, world.cluster.pk])
    login(client, world, "cluster_leader")
    overview = client.get(reverse("campaigns:detail", args=[registering.pk])).text
    assert url in overview
    response = client.get(url)
    assert response.status_code == 200
    # The cluster's leader unit for the campaign's year signs by default.
    assert f'<option value="{world.sibling.pk}" selected>' in response.text
    response = client.post(
        url, {"signed_on": "2025-03-30", "signer_unit": world.sibling.pk, "document": pdf()}
    )
    assert response.status_code == 302
    pact = ClusterPact.objects.get(campaign=registering, cluster=world.cluster)
    assert pact.signed_by == world.users["cluster_leader"]
    assert pact.signed_on == dt.date(2025, 3, 30) and pact.signer_unit == world.sibling
    doc_url = reverse("campaigns:pact_document", args=[registering.pk, pact.pk])
    assert client.get(doc_url).status_code == 200
    login(client, world, "nobody")
    assert client.get(doc_url).status_code == 404
    # The registration is locked now.
    login(client, world, "unit_officer")
    page = client.get(reverse("campaigns:registration", args=[registering.pk, world.own.pk]))
    assert 'id="locked"' in page.text


def test_pact_sign_errors_save_nothing(client, world, registering, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("campaigns:pact_sign", args=[registering.pk, world.cluster.pk])
    login(client, world, "cluster_leader")
    response = client.post(url, {"signed_on": "2025-03-30", "signer_unit": world.own.pk})
    assert response.status_code == 200
    assert "has not registered 2 target(s) yet." in response.text
    register_all(registering, world)
    bad = SimpleUploadedFile("pact.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        url, {"signed_on": "2025-03-30", "signer_unit": world.own.pk, "document": bad}
    )
    assert response.status_code == 200
    assert "are not accepted" in response.text
    assert not ClusterPact.objects.exists()


def test_a_full_disk_leaves_the_pact_unsigned_and_no_document(
    client, world, registering, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    register_all(registering, world)
    url = reverse("campaigns:pact_sign", args=[registering.pk, world.cluster.pk])
    login(client, world, "cluster_leader")
    disk = FullDisk(monkeypatch, room=4)
    response = client.post(
        url, {"signed_on": "2025-03-30", "signer_unit": world.own.pk, "document": pdf()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document"] == [
        "The server has no room left to store this file; nothing was saved. "
        "Try again later or tell the administrator."
    ]
    assert disk.written == 4
    assert stored_files(tmp_path) == []
    assert not ClusterPact.objects.exists()
    assert not AuditEntry.objects.filter(action="campaign.pact_sign").exists()


def test_only_the_leader_or_the_committee_signs(client, world, registering):
    url = reverse("campaigns:pact_sign", args=[registering.pk, world.cluster.pk])
    assert login(client, world, "unit_officer").get(url).status_code == 403
    assert login(client, world, "committee_staff").get(url).status_code == 200
    other = reverse("campaigns:pact_sign", args=[registering.pk, world.other_cluster.pk])
    assert login(client, world, "committee_staff").get(other).status_code == 404


@pytest.mark.parametrize("role", ["committee_staff", "unit_officer"])
def test_the_campaign_page_links_its_excel_page(client, world, scoring, role):
    campaign = scoring.campaign
    page = login(client, world, role).get(reverse("campaigns:detail", args=[campaign.pk]))
    excel = reverse("scoring:excel_home", args=[campaign.pk])
    assert f'href="{excel}"' in page.text
    assert client.get(excel).status_code == 200
