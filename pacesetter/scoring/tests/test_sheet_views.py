"""The scoring screens: the score sheet with inline reporting, item pages with their
steps and evidence, the reviewer's queue, cross-inspections and the ranking."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.audit.models import AuditEntry
from pacesetter.campaigns.models import (
    Campaign,
    CampaignState,
    Participant,
    ReviewPoint,
    ReviewPointState,
)
from pacesetter.campaigns.services import campaign_update, review_point_add
from pacesetter.scoring.charts import Bar, bar_chart
from pacesetter.scoring.models import Evidence, InspectionAssignment, ItemState, ScoreItem
from pacesetter.scoring.services import (
    evidence_add,
    inspection_assign,
    item_finalize,
    item_report,
    item_review,
    item_submit,
    review_point_open,
)
from pacesetter.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def sheet_url(scoring: Any, unit: Any, review_point: Any = None) -> str:
    return reverse("scoring:sheet", args=[(review_point or scoring.h1).pk, unit.pk])


def sibling_officer(world: Any) -> Any:
    user = UserFactory(username="sibling-officer")
    role_grant(actor=None, user=user, role=Role.UNIT_OFFICER, unit=world.sibling)
    return user


def report_data(item: Any, **values: Any) -> dict[str, Any]:
    prefix = f"item-{item.pk}-"
    data = {f"{prefix}version": item.version, "origin": "sheet"}
    data.update({f"{prefix}{name}": value for name, value in values.items()})
    return data


def submit(scoring: Any, unit: Any, code: str, **values: Any) -> Any:
    item = scoring.item(unit, code)
    item = item_report(actor=None, item=item, version=item.version, **values)
    return item_submit(actor=None, item=item, version=item.version, self_score=None)


# --- the score sheet --------------------------------------------------------------------


def test_the_officer_reports_an_actual_inline_and_the_score_follows(client, world, scoring):
    officer = world.users["unit_officer"]
    response = login(client, officer).get(sheet_url(scoring, world.own))
    assert response.status_code == 200
    html = response.text
    assert "Revenue" in html and "Production and business" in html  # criteria and groups
    assert 'hx-post="' + reverse("scoring:item_report", args=[scoring.item(world.own, "Q1").pk])
    assert "Sibling unit" not in html

    item = scoring.item(world.own, "Q1")
    response = client.post(
        reverse("scoring:item_report", args=[item.pk]), report_data(item, actual="50"), **HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.strip().startswith(f'<tr id="item-{item.pk}"')
    assert response["HX-Trigger"] == "sheet-changed"
    assert "Saved." in response.text
    assert "50%" in response.text.replace("50.0%", "50%")  # percent of target 100
    assert "<strong>15</strong>" in response.text  # 30 x 50 / 100
    item.refresh_from_db()
    assert item.actual == D(50) and item.computed == D(15)

    totals = client.get(sheet_url(scoring, world.own) + "?part=totals", **HTMX)
    assert 'id="total-points"><strong>15</strong>' in totals.text


def test_reporting_without_javascript_redirects_back_to_the_sheet(client, world, scoring):
    item = scoring.item(world.own, "C1")
    response = login(client, world.users["unit_officer"]).post(
        reverse("scoring:item_report", args=[item.pk]), report_data(item, count="3")
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert scoring.item(world.own, "C1").computed == D(15)


def test_submitting_reports_the_typed_result_and_self_scores(client, world, scoring):
    item = scoring.item(world.own, "P1")
    response = login(client, world.users["unit_officer"]).post(
        reverse("scoring:item_submit", args=[item.pk]),
        report_data(item, passed="on", explanation="No accident all year"),
        **HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED and item.self_score == D(20)
    assert f"item-{item.pk}-passed" not in response.text  # no form once submitted


def test_a_stale_version_shows_the_conflict_and_saves_nothing(client, world, scoring):
    item = scoring.item(world.own, "Q1")
    stale = report_data(item, actual="10")
    item_report(actor=None, item=item, version=item.version, actual=D(80))
    response = login(client, world.users["unit_officer"]).post(
        reverse("scoring:item_report", args=[item.pk]), stale, **HTMX
    )
    assert response.status_code == 200
    assert "Someone else saved this item" in response.text
    assert 'role="alert"' in response.text
    assert scoring.item(world.own, "Q1").actual == D(80)


def test_a_bad_value_is_shown_beside_the_field(client, world, scoring):
    item = scoring.item(world.own, "Q1")
    response = login(client, world.users["unit_officer"]).post(
        reverse("scoring:item_report", args=[item.pk]), report_data(item, actual="-5")
    )
    assert response.status_code == 200
    assert "<html" in response.text
    assert f'id="id_item-{item.pk}-actual_error"' in response.text
    assert scoring.item(world.own, "Q1").actual is None


def test_another_units_officer_sees_nothing_of_the_unit(client, world, scoring):
    item = scoring.item(world.own, "Q1")
    evidence = Evidence.objects.create(
        item=item, file=SimpleUploadedFile("proof.pdf", b"%PDF"), name="proof.pdf", size=4
    )
    login(client, sibling_officer(world))
    assert client.get(sheet_url(scoring, world.own)).status_code == 404
    assert client.get(reverse("scoring:item", args=[item.pk])).status_code == 404
    download = reverse("scoring:evidence_download", args=[item.pk, evidence.pk])
    assert client.get(download).status_code == 404
    report = reverse("scoring:item_report", args=[item.pk])
    assert client.post(report, report_data(item, actual="1")).status_code == 404
    assert client.get(sheet_url(scoring, world.sibling)).status_code == 200


def test_the_sheet_states_the_rule_for_a_missing_target_and_not_assigned(client, world, scoring):
    Participant.objects.create(campaign=scoring.campaign, unit=world.other)
    review_point = review_point_add(
        actor=None,
        campaign=scoring.campaign,
        code="q3",
        name="Q3",
        period_end=dt.date(2024, 9, 30),
        due=dt.date(2024, 10, 15),
    )
    review_point_open(actor=None, review_point=review_point)
    response = login(client, world.users["committee_staff"]).get(
        sheet_url(scoring, world.other, review_point)
    )
    assert response.status_code == 200
    assert "No target was registered, so the criterion is not assigned" in response.text
    assert "not assigned" in response.text


def test_the_sheet_shows_the_change_from_the_predecessors_review_point(client, world, scoring):
    previous = Campaign.objects.create(
        organizer=world.committee,
        code="EMU-2023",
        name_en="Emulation 2023",
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        scoring_table=scoring.table,
        state=CampaignState.CLOSED,
    )
    h1_2023 = ReviewPoint.objects.create(
        campaign=previous,
        code=scoring.h1.code,
        name_en="6-month review 2023",
        period_end=dt.date(2023, 6, 30),
        due=dt.date(2023, 7, 15),
        state=ReviewPointState.PUBLISHED,
    )
    ScoreItem.objects.create(
        review_point=h1_2023,
        unit=world.own,
        criterion=scoring.c["Q1"],
        actual=D("40.5"),
        state=ItemState.PUBLISHED,
    )
    campaign_update(actor=None, campaign=scoring.campaign, predecessor=previous)
    item_report(actor=None, item=scoring.item(world.own, "Q1"), version=0, actual=D(50))
    response = login(client, world.users["unit_officer"]).get(sheet_url(scoring, world.own))
    row = response.text.split(f'id="item-{scoring.item(world.own, "Q1").pk}"')[1]
    assert "Since the previous campaign" in response.text
    assert "was 40.5" in " ".join(row.split("</tr>")[0].split()) and "+9.5" in row


# --- evidence ---------------------------------------------------------------------------


def test_evidence_is_uploaded_and_downloaded_after_the_permission_check(client, world, scoring):
    item = scoring.item(world.own, "Q1")
    login(client, world.users["unit_officer"])
    response = client.post(
        reverse("scoring:evidence_upload", args=[item.pk]),
        {"file": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 proof", "application/pdf")},
    )
    assert response.status_code == 302
    evidence = item.evidence.get()
    assert evidence.name == "invoice.pdf" and evidence.size == 14
    assert item.events.filter(action="evidence").exists()

    page = client.get(reverse("scoring:item", args=[item.pk]))
    assert "invoice.pdf" in page.text
    sheet = client.get(sheet_url(scoring, world.own))
    assert re.search(r"#evidence\">1<", sheet.text)

    login(client, world.users["cluster_leader"])
    download = client.get(reverse("scoring:evidence_download", args=[item.pk, evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 proof"


def test_an_executable_or_oversized_file_is_refused_on_the_field(client, world, scoring, settings):
    item = scoring.item(world.own, "Q1")
    url = reverse("scoring:evidence_upload", args=[item.pk])
    login(client, world.users["unit_officer"])
    response = client.post(url, {"file": SimpleUploadedFile("tool.exe", b"MZ")})
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.text and "exe" in response.text
    settings.UPLOAD_MAX_BYTES = 10
    response = client.post(url, {"file": SimpleUploadedFile("big.pdf", b"x" * 11)})
    assert 'id="id_file_error"' in response.text and "limit" in response.text
    assert not item.evidence.exists()


def test_adding_evidence_writes_its_audit_entry(world, scoring):
    item = scoring.item(world.own, "Q1")
    officer = world.users["unit_officer"]
    file = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 proof", "application/pdf")
    evidence = evidence_add(actor=officer, item=item, file=file)
    entry = AuditEntry.objects.get(action="score.evidence_add")
    assert (entry.target_id, entry.actor_id) == (str(item.pk), officer.pk)
    assert entry.changes == {"evidence": [None, "invoice.pdf"]}
    assert evidence.uploaded_by == officer and evidence.file.storage.exists(evidence.file.name)


def test_evidence_that_fails_to_save_leaves_no_row_event_entry_or_file(world, scoring, monkeypatch):
    item = scoring.item(world.own, "Q1")
    stored: list[Any] = []
    real_save = Evidence.save

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        real_save(self, *args, **kwargs)
        stored.append(self.file.name)

    def failing_audit(**kwargs: Any) -> None:
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr(Evidence, "save", save)
    monkeypatch.setattr("pacesetter.scoring.services.audit_record", failing_audit)
    file = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 proof", "application/pdf")
    with pytest.raises(RuntimeError):
        evidence_add(actor=world.users["unit_officer"], item=item, file=file)
    assert not item.evidence.exists() and not item.events.filter(action="evidence").exists()
    assert not AuditEntry.objects.filter(action="score.evidence_add").exists()
    (name,) = stored
    assert not Evidence.file.field.storage.exists(name)


# --- queue and item steps ---------------------------------------------------------------


def test_the_leaders_queue_lists_submitted_items(client, world, scoring):
    submit(scoring, world.own, "Q1", actual=D(100))
    submit(scoring, world.sibling, "Q1", actual=D(100))
    response = login(client, world.users["cluster_leader"]).get(reverse("scoring:queue"))
    assert response.status_code == 200
    assert response.text.count('class="expect-review"') == 2
    assert "Own unit" in response.text and "Sibling unit" in response.text
    only = client.get(reverse("scoring:queue") + "?expect=finalize")
    assert "Nothing of this kind is waiting for you." in only.text

    empty = login(client, world.users["unit_officer"]).get(reverse("scoring:queue"))
    assert "Nothing is waiting for you." in empty.text


def test_the_queue_names_the_step_the_table_offers_and_filters_by_it(client, world, scoring):
    # The leader is also an officer of Sibling unit, which cross-inspects Own unit: Own's
    # item waits for its cross-inspection (the leader's review comes after it), Sibling's
    # (no inspector) for the leader's review.
    leader = world.users["cluster_leader"]
    role_grant(actor=None, user=leader, role=Role.UNIT_OFFICER, unit=world.sibling)
    inspection_assign(actor=None, review_point=scoring.h1, unit=world.own, inspector=world.sibling)
    own = submit(scoring, world.own, "Q1", actual=D(100))
    sibling = submit(scoring, world.sibling, "Q1", actual=D(100))
    login(client, leader)

    def listed(query: str = "") -> dict[int, str]:
        text = client.get(reverse("scoring:queue") + query).text
        return {
            int(pk): step
            for step, pk in re.findall(r'class="expect-(\w+)">.*?/scoring/items/(\d+)/', text, re.S)
        }

    assert listed() == {own.pk: "inspect", sibling.pk: "review"}
    assert listed("?expect=review") == {sibling.pk: "review"}
    assert listed("?expect=inspect") == {own.pk: "inspect"}


def test_review_return_answer_and_finalize_through_the_item_page(client, world, scoring):
    item = submit(scoring, world.own, "Q1", actual=D(100))
    url = reverse("scoring:item", args=[item.pk])
    leader, officer, staff = (
        world.users["cluster_leader"],
        world.users["unit_officer"],
        world.users["committee_staff"],
    )
    page = login(client, leader).get(url)
    assert "Leader&#x27;s review" in page.text or "Leader's review" in page.text
    assert reverse("scoring:item_finalize", args=[item.pk]) not in page.text

    response = client.post(
        reverse("scoring:item_return", args=[item.pk]),
        {"return-version": item.version, "return-question": "Where is the invoice?"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED

    login(client, officer)
    response = client.post(
        reverse("scoring:item_answer", args=[item.pk]),
        {"answer-version": item.version, "answer-answer": "Attached now."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    response = client.post(
        reverse("scoring:item_submit", args=[item.pk]),
        {**report_data(item, actual="100", self_score="29"), "origin": "item"},
    )
    assert response.status_code == 302 and response["Location"] == url

    login(client, leader)
    item.refresh_from_db()
    stale = {"review-version": item.version - 1, "review-score": "28", "review-note": ""}
    response = client.post(reverse("scoring:item_review", args=[item.pk]), stale)
    assert "Someone else saved this item" in response.text
    # The form now carries the saved version, so the leader can save after looking.
    assert f'name="review-version" value="{item.version}"' in response.text
    response = client.post(
        reverse("scoring:item_review", args=[item.pk]),
        {"review-version": item.version, "review-score": "28", "review-note": "Checked"},
    )
    assert response.status_code == 302
    finalize = reverse("scoring:item_finalize", args=[item.pk])
    response = login(client, officer).post(finalize, {"finalize-version": item.version + 1})
    assert response.status_code == 403

    item.refresh_from_db()
    login(client, staff)
    response = client.post(
        reverse("scoring:item_finalize", args=[item.pk]),
        {"finalize-version": item.version, "finalize-score": "27.5"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.FINAL and item.score == D("27.50")

    history = client.get(url).text
    for label in ("reported", "returned with a question", "answered", "reviewed", "finalized"):
        assert label in history
    assert "Where is the invoice?" in history and "Attached now." in history


def test_the_leader_assigns_a_peer_of_the_cluster_to_inspect(client, world, scoring):
    url = reverse("scoring:inspections", args=[scoring.h1.pk])
    page = login(client, world.users["cluster_leader"]).get(url)
    assert page.status_code == 200
    own_form = page.text.split(f'id="unit-{world.own.pk}"')[1].split("</tr>")[0]
    assert "Sibling unit" in own_form and "Third unit" in own_form
    assert f'value="{world.own.pk}"' not in own_form.split("<select")[1]  # never itself
    assert "Other unit" not in page.text

    prefix = f"unit-{world.own.pk}-"
    response = client.post(url, {"unit": world.own.pk, f"{prefix}inspector": world.own.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    response = client.post(url, {"unit": world.own.pk, f"{prefix}inspector": world.sibling.pk})
    assert response.status_code == 302
    assignment = InspectionAssignment.objects.get(review_point=scoring.h1, unit=world.own)
    assert assignment.inspector == world.sibling

    assert login(client, world.users["unit_officer"]).get(url).status_code == 403


# --- ranking ----------------------------------------------------------------------------


def finalize_everything(scoring: Any, results: dict[tuple[Any, str], dict[str, Any]]) -> None:
    for item in scoring.h1.items.select_related("criterion"):
        if item.not_assigned:
            continue
        if item.state == ItemState.DRAFT:
            values = results.get((item.unit_id, item.criterion.code), {})
            if item.criterion.kind != "veto":
                values = values or {"actual": D(0), "count": 0, "passed": False}
            if values:
                item = item_report(actor=None, item=item, version=item.version, **values)
            item = item_submit(
                actor=None,
                item=item,
                version=item.version,
                self_score=None if item.computed is not None else D(0),
            )
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)


def test_the_ranking_shows_a_chart_and_the_units_in_rank_order(client, world, scoring):
    own, sib, third = world.own.pk, world.sibling.pk, scoring.third.pk
    submit(scoring, world.own, "Q1", actual=D(50))  # 15 points
    submit(scoring, world.sibling, "Q1", actual=D(200))  # 30 points
    submit(scoring, scoring.third, "Q1", actual=D(40))  # 15 points, target 80: 15
    item_report(actor=None, item=scoring.item(scoring.third, "V1"), version=0, passed=True)
    response = login(client, world.users["committee_staff"]).get(
        reverse("scoring:ranking", args=[scoring.h1.pk])
    )
    assert response.status_code == 200
    html = response.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert '<title id="ranking-chart-title">' in html
    order = [int(u) for u in re.findall(r'<tr data-unit="(\d+)"', html)]
    assert order == [sib, own, third]  # the vetoed unit comes last
    assert "ineligible" in html
    assert reverse("scoring:sheet", args=[scoring.h1.pk, own]) in html
    assert reverse("scoring:publish", args=[scoring.h1.pk]) in html

    filtered = client.get(
        reverse("scoring:ranking", args=[scoring.h1.pk])
        + f"?unit_type={world.own.unit_type_id}&cluster={world.cluster.pk}"
    )
    assert [int(u) for u in re.findall(r'<tr data-unit="(\d+)"', filtered.text)] == order


def test_before_publication_an_officer_sees_no_other_units_scores(client, world, scoring):
    submit(scoring, world.sibling, "Q1", actual=D(200))
    url = reverse("scoring:ranking", args=[scoring.h1.pk])
    response = login(client, world.users["unit_officer"]).get(url)
    assert response.status_code == 200
    assert 'id="not-published"' in response.text
    assert "Sibling unit" not in response.text and "<svg" not in response.text
    assert "Sibling unit" in login(client, world.users["cluster_leader"]).get(url).text

    finalize_everything(scoring, {(world.own.pk, "Q1"): {"actual": D(100)}})
    response = login(client, world.users["committee_staff"]).post(
        reverse("scoring:publish", args=[scoring.h1.pk])
    )
    assert response.status_code == 302
    response = login(client, world.users["unit_officer"]).get(url)
    assert "Sibling unit" in response.text and "<svg" in response.text
    # The officer may open a published sheet of a peer.
    assert reverse("scoring:sheet", args=[scoring.h1.pk, world.sibling.pk]) in response.text


def test_a_leader_sees_the_live_ranking_of_their_cluster_only(client, world, scoring):
    Participant.objects.create(
        campaign=scoring.campaign, unit=world.other, cluster=world.other_cluster
    )
    review_point = review_point_add(
        actor=None,
        campaign=scoring.campaign,
        code="q3",
        name="Q3",
        period_end=dt.date(2024, 9, 30),
        due=dt.date(2024, 10, 15),
    )
    review_point_open(actor=None, review_point=review_point)
    url = reverse("scoring:ranking", args=[review_point.pk])
    response = login(client, world.users["cluster_leader"]).get(url)
    assert response.text.count("<tr data-unit=") == 3
    assert "Other unit" not in response.text.split('id="ranking"')[1]
    staff = login(client, world.users["committee_staff"]).get(url)
    assert staff.text.count("<tr data-unit=") == 4
    only_b = client.get(f"{url}?cluster={world.other_cluster.pk}")
    assert re.findall(r'<tr data-unit="(\d+)"', only_b.text) == [str(world.other.pk)]


def test_publishing_too_early_is_an_error_message(client, world, scoring):
    url = reverse("scoring:publish", args=[scoring.h1.pk])
    response = login(client, world.users["committee_staff"]).post(url, follow=True)
    assert "not final yet" in response.text
    assert login(client, world.users["cluster_leader"]).post(url).status_code == 403


def test_the_chart_escapes_names_and_is_labelled():
    svg = bar_chart(
        [Bar("<script>alert(1)</script>", D("81.5")), Bar("B & Co", None)],
        title="Ranking",
        description="Bars",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "B &amp; Co" in svg and "—" in svg


# --- query counts -----------------------------------------------------------------------


def grow(scoring: Any, world: Any, n: int, code: str) -> Any:
    """Add ``n`` participants to the cluster and open a new review point for everyone."""
    for index in range(n):
        unit = UnitFactory(code=f"{code}-{index}", parent=world.root, unit_type=world.own.unit_type)
        Participant.objects.create(campaign=scoring.campaign, unit=unit, cluster=world.cluster)
    review_point = review_point_add(
        actor=None,
        campaign=scoring.campaign,
        code=code,
        name=code,
        period_end=dt.date(2024, 9, 30),
        due=dt.date(2024, 10, 15),
    )
    review_point_open(actor=None, review_point=review_point)
    return review_point


@pytest.mark.parametrize("role", ["committee_staff", "cluster_leader", "unit_officer"])
def test_sheet_and_ranking_queries_do_not_grow_with_units(
    client, world, scoring, role, django_assert_max_num_queries
):
    login(client, world.users[role])
    for n, code in ((2, "small"), (12, "large")):
        review_point = grow(scoring, world, n, code)
        with django_assert_max_num_queries(9):
            assert client.get(sheet_url(scoring, world.own, review_point)).status_code == 200
        with django_assert_max_num_queries(13):
            response = client.get(reverse("scoring:ranking", args=[review_point.pk]))
            assert response.status_code == 200
        if role != "unit_officer":
            assert response.text.count("<tr data-unit=") == 3 + (2 if n == 2 else 14)
        if role == "cluster_leader":
            with django_assert_max_num_queries(11):
                url = reverse("scoring:inspections", args=[review_point.pk])
                assert client.get(url).status_code == 200


# --- in a real browser ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_reports_from_the_keyboard_without_a_reload(live_server, page, world, scoring):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("pacesetter-test")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + sheet_url(scoring, world.own))
    page.evaluate("window.notReloaded = true")

    item = scoring.item(world.own, "Q1")
    actual = page.locator(f"#id_item-{item.pk}-actual")
    actual.fill("50")
    actual.press("Enter")
    row = page.locator(f"#item-{item.pk}")
    expect(row).to_contain_text("Saved.")
    expect(row.locator("strong")).to_have_text("15")
    expect(page.locator("#total-points")).to_have_text("15")
    expect(page.locator(f"#id_item-{item.pk}-actual")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True

    row.get_by_role("button", name=re.compile("Submit for review")).click()
    expect(row).to_contain_text("Submitted for review.")
    expect(row).to_contain_text("Self-scored")
    assert page.evaluate("window.notReloaded") is True
    assert scoring.item(world.own, "Q1").state == ItemState.SUBMITTED
