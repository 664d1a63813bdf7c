"""The demo's campaigns: Cluster No. 18 in 2023 and 2024 worked through the scoring
flow, and the light-industry special action with its pilot units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from pacesetter.audit.models import AuditEntry
from pacesetter.audit.services import audit_seal
from pacesetter.campaigns.models import Campaign, ClusterPact, Participant, ReviewPoint
from pacesetter.scoring.models import (
    Criterion,
    Registration,
    ScoreEvent,
    ScoreItem,
    ScoringTable,
)
from pacesetter.scoring.selectors import ranking, score_sheet
from pacesetter.scoring.services import group_overflows


def campaign(code: str) -> Campaign:
    return Campaign.objects.get(code=code)


def h1_2024() -> ReviewPoint:
    return ReviewPoint.objects.get(campaign__code="TH-C18-2024", code="h1")


def test_the_2024_campaign_has_its_seven_units_registered_under_a_signed_pact(
    demo: str,
) -> None:
    c2024 = campaign("TH-C18-2024")
    assert c2024.name == "Cluster No. 18 emulation 2024"
    assert c2024.state == "running"
    assert c2024.participants.count() == 7
    assert c2024.participants.filter(cluster__code="TH-C18").count() == 7
    quantitative = c2024.scoring_table.criteria.filter(kind="quantitative").count()
    for participant in c2024.participants.all():
        lines = Registration.objects.filter(campaign=c2024, unit=participant.unit)
        assert lines.filter(criterion__kind="quantitative").count() == quantitative
    pact = ClusterPact.objects.get(campaign=c2024, cluster__code="TH-C18")
    assert pact.signed_on == date(2024, 3, 29)
    assert pact.signer_unit.code == "TH-LAMSON"
    assert pact.signed_by is not None and pact.signed_by.username == "leader.lamson"
    with pact.document.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")


def test_irrigation_companies_have_no_profit_target_assigned(demo: str) -> None:
    profit = Registration.objects.filter(campaign__code="TH-C18-2024", criterion__code="I.3")
    assert set(profit.filter(not_assigned=True).values_list("unit__code", flat=True)) == {
        "TH-NAMSONGMA",
        "TH-SONGCHU",
        "TH-BACSONGMA",
    }
    item = ScoreItem.objects.get(
        review_point=h1_2024(), unit__code="TH-SONGCHU", criterion__code="I.3"
    )
    assert item.not_assigned


def test_the_six_month_ranking_is_published_with_seven_ranks(demo: str) -> None:
    point = h1_2024()
    assert point.state == "published"
    assert point.due == date(2024, 7, 24)
    assert point.period_end == date(2024, 6, 30)
    rows = list(ranking(point))
    assert len(rows) == 7
    assert sorted(row["rank_in_cluster"] for row in rows) == [1, 2, 3, 4, 5, 6, 7]
    assert not any(row["veto"] for row in rows)
    # Irrigation companies are judged on the 92 points assigned to them.
    assigned = {row["unit_code"]: row["base_assigned"] for row in rows}
    assert assigned["TH-SONGCHU"] == Decimal(92)
    assert assigned["TH-WATER"] == Decimal(100)
    assert not ScoreItem.objects.filter(review_point=point).exclude(state="published").exists()


def test_the_year_end_review_is_open_for_reporting(demo: str) -> None:
    point = ReviewPoint.objects.get(campaign__code="TH-C18-2024", code="y")
    assert point.state == "open"
    assert point.items.count() == 7 * 14  # 7 units x 14 criteria (groups aside)
    assert not point.items.exclude(state="draft").exists()


def test_the_2023_campaign_precedes_2024_and_was_scored_with_last_years_table(
    demo: str,
) -> None:
    c2023, c2024 = campaign("TH-C18-2023"), campaign("TH-C18-2024")
    assert c2024.predecessor == c2023
    assert c2023.state == "closed"
    assert c2024.scoring_table.cloned_from == c2023.scoring_table
    h1 = c2023.review_points.get(code="h1")
    assert h1.state == "published"
    rows = list(ranking(h1))
    assert sorted(row["rank_in_cluster"] for row in rows) == [1, 2, 3, 4, 5, 6, 7]
    # The same review point last year has the actuals to compare with.
    last_year = ScoreItem.objects.get(review_point=h1, unit__code="TH-WATER", criterion__code="I.1")
    this_year = ScoreItem.objects.get(
        review_point=h1_2024(), unit__code="TH-WATER", criterion__code="I.1"
    )
    assert last_year.actual is not None and this_year.actual is not None
    assert this_year.actual > last_year.actual


def test_both_tables_are_adopted_with_groups_within_their_maxima(demo: str) -> None:
    for table in ScoringTable.objects.filter(owner_unit__code="TH-ERC"):
        assert table.state == "adopted"
        assert group_overflows(table) == []
        base = Criterion.objects.filter(table=table, parent__isnull=True, kind="group").values_list(
            "max_points", flat=True
        )
        assert sum(base) == Decimal(100)
    kinds = set(campaign("TH-C18-2024").scoring_table.criteria.values_list("kind", flat=True))
    assert kinds == {"group", "quantitative", "pass_fail", "count", "bonus", "penalty", "veto"}


def test_the_item_history_reads_like_the_real_flow(demo: str) -> None:
    point = h1_2024()
    revenue = ScoreItem.objects.get(
        review_point=point, unit__code="TH-NAMSONGMA", criterion__code="I.1"
    )
    events = list(revenue.events.select_related("actor"))
    assert [(e.action, e.actor.username if e.actor else "") for e in events] == [
        ("report", "officer.namsongma"),
        ("submit", "officer.namsongma"),
        ("inspect", "officer.urbanenv"),  # the peer the leader assigned
        ("review", "leader.lamson"),
        ("finalize", "staff.thanhhoa"),
        ("publish", "staff.thanhhoa"),  # the 6-month ranking was published
    ]
    returned = ScoreItem.objects.get(
        review_point=point, unit__code="TH-WATER", criterion__code="III.2"
    )
    actions = list(returned.events.values_list("action", flat=True))
    assert actions[:5] == ["report", "submit", "inspect", "return", "answer"]
    assert returned.question and returned.answer
    adjusted = ScoreItem.objects.get(
        review_point=point, unit__code="TH-MEDLATEC", criterion__code="BONUS-1"
    )
    assert adjusted.self_score == Decimal(3) and adjusted.score == Decimal(2)
    assert ScoreEvent.objects.filter(item__review_point=point, action="finalize").count() == (
        point.items.filter(not_assigned=False).count()
    )


def test_a_unit_sheet_has_every_criterion_in_table_order(demo: str) -> None:
    point = h1_2024()
    unit_id = Participant.objects.get(campaign=point.campaign, unit__code="TH-LAMSON").unit_id
    codes = [item.criterion.code for item in score_sheet(point, unit_id)]
    assert codes[:4] == ["I.1", "I.2", "I.3", "I.4"]
    assert codes[-3:] == ["BONUS-1", "PENALTY-1", "VETO-1"]


def test_the_special_action_runs_with_its_pilot_units(demo: str) -> None:
    action = campaign("LIGHT-REFORM")
    assert action.kind == "special_action"
    assert action.state == "running"
    assert action.start == date(2022, 4, 1)
    assert action.organizer.code == "LIGHT-TU"
    assert action.scoring_table is not None and action.scoring_table.state == "adopted"
    pilots = set(action.participants.filter(is_pilot=True).values_list("unit__code", flat=True))
    assert {"LIGHT-DANYANG", "LIGHT-LINHAI"} <= pilots
    assert not action.participants.filter(is_pilot=False).exists()


def test_the_summary_lists_each_campaign_with_its_review_points(demo: str) -> None:
    line = next(x for x in demo.splitlines() if "Cluster No. 18 emulation 2024" in x)
    assert "Running" in line
    assert "6-month review: Published" in line and "Year-end review: Open" in line
    assert any("Industrial workforce reform special action" in x for x in demo.splitlines())


def test_the_audit_chain_verifies_and_a_second_load_changes_nothing(demo: str) -> None:
    assert AuditEntry.objects.filter(action="score.finalize").exists()
    assert audit_seal().refused == []  # what the load's commit would have done
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue() and "wait to be chained" not in out.getvalue()
    models = (
        Campaign,
        ReviewPoint,
        ScoringTable,
        Criterion,
        Registration,
        ScoreItem,
        ScoreEvent,
        AuditEntry,
    )
    before = {model: model.objects.count() for model in models}
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert {model: model.objects.count() for model in models} == before


def test_rankings_carry_the_date_of_their_review_conference_not_the_load(demo: str) -> None:
    point = ReviewPoint.objects.get(campaign__code="TH-C18-2024", code="h1")
    assert point.published_at is not None
    assert point.published_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date() == point.due
    assert str(point.due) == "2024-07-24"
