from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from pacesetter.campaigns.models import CampaignState
from pacesetter.campaigns.services import campaign_transition
from pacesetter.core.errors import ConflictError
from pacesetter.scoring.models import ItemState
from pacesetter.scoring.selectors import ranking, ranking_rows
from pacesetter.scoring.services import (
    inspection_assign,
    item_answer,
    item_finalize,
    item_inspect,
    item_report,
    item_return,
    item_review,
    item_submit,
    review_point_publish,
)


def report(scoring, unit, code, **values):
    item = scoring.item(unit, code)
    return item_report(actor=None, item=item, version=item.version, **values)


def test_items_are_opened_for_every_participant_and_criterion(world, scoring):
    assert scoring.h1.items.count() == 3 * 7


def test_proportional_and_peer_scores_follow_the_actuals(world, scoring):
    report(scoring, world.own, "Q1", actual=D(50))
    assert scoring.item(world.own, "Q1").computed == D("15.00")
    # Budget: own 60/50 = 1.2, sibling 40/40 = 1.0, third 10/20 = 0.5.
    report(scoring, world.own, "Q2", actual=D(60))
    report(scoring, world.sibling, "Q2", actual=D(40))
    report(scoring, scoring.third, "Q2", actual=D(10))
    assert scoring.item(world.own, "Q2").computed == D("30.00")
    assert scoring.item(world.sibling, "Q2").computed == D("15.00")
    assert scoring.item(scoring.third, "Q2").computed == D("7.50")
    # A peer beats the best: the earlier best drops below full marks.
    report(scoring, world.sibling, "Q2", actual=D(60))  # 1.5
    assert scoring.item(world.sibling, "Q2").computed == D("30.00")
    assert scoring.item(world.own, "Q2").computed == D("21.00")  # 15 + 15 * 0.2 / 0.5


def test_the_full_flow_keeps_every_value_and_publishes_a_ranking(world, scoring):
    leader = world.users["cluster_leader"]
    inspection_assign(
        actor=leader, review_point=scoring.h1, unit=world.own, inspector=world.sibling
    )
    item = report(scoring, world.own, "Q1", actual=D(100))
    item = item_submit(actor=None, item=item, version=item.version, self_score=None)
    assert item.self_score == D("30.00") and item.state == ItemState.SUBMITTED
    with pytest.raises(ValidationError):  # the inspector comes first
        item_review(actor=leader, item=item, version=item.version, score=D(28))
    item = item_inspect(actor=None, item=item, version=item.version, score=D(29))
    item = item_return(
        actor=leader,
        item=item,
        version=item.version,
        question="Where is the invoice?",
        step="review",
    )
    item = item_answer(actor=None, item=item, version=item.version, answer="Attached now.")
    item = item_submit(actor=None, item=item, version=item.version, self_score=D(30))
    item = item_inspect(actor=None, item=item, version=item.version, score=D(29))
    item = item_review(actor=leader, item=item, version=item.version, score=D(28))
    item = item_finalize(actor=None, item=item, version=item.version, score=D("27.5"))
    assert item.score == D("27.50")
    actions = list(item.events.values_list("action", flat=True))
    assert actions == [
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
    with pytest.raises(ValidationError):
        review_point_publish(actor=None, review_point=scoring.h1)  # others are not final


def test_a_stale_version_is_a_conflict_and_saves_nothing(world, scoring):
    item = scoring.item(world.own, "Q1")
    stale = item.version
    item_report(actor=None, item=item, version=stale, actual=D(80))
    with pytest.raises(ConflictError):
        item_report(actor=None, item=item, version=stale, actual=D(10))
    assert scoring.item(world.own, "Q1").actual == D(80)


def _finalize_all(scoring, results):
    for item in scoring.h1.items.select_related("criterion"):
        values = results.get((item.unit_id, item.criterion.code), {})
        if values:
            item = item_report(actor=None, item=item, version=item.version, **values)
        if item.not_assigned:
            continue
        item.refresh_from_db()
        if item.computed is None and item.criterion.kind != "veto":
            item = item_report(
                actor=None, item=item, version=item.version, actual=D(0), count=0, passed=False
            )
        item = item_submit(
            actor=None,
            item=item,
            version=item.version,
            self_score=None if item.computed is not None else D(0),
        )
        item = item_review(actor=None, item=item, version=item.version)
        item_finalize(actor=None, item=item, version=item.version)


def test_ranking_orders_by_percentage_then_tie_breaks_and_puts_vetoed_units_last(world, scoring):
    own, sib, third = world.own.pk, world.sibling.pk, scoring.third.pk
    _finalize_all(
        scoring,
        {
            (own, "Q1"): {"actual": D(100)},
            (own, "Q2"): {"actual": D(50)},
            (own, "P1"): {"passed": True},
            (own, "C1"): {"count": 4},
            (own, "N1"): {"count": 1},
            (sib, "Q1"): {"actual": D(200)},
            (sib, "Q2"): {"actual": D(40)},
            (sib, "P1"): {"passed": True},
            (sib, "C1"): {"count": 4},
            (sib, "V1"): {"passed": True},
            (third, "Q1"): {"actual": D(40)},
            (third, "Q2"): {"actual": D(20)},
            (third, "P1"): {"passed": True},
            (third, "B1"): {"count": 3},
        },
    )
    review_point_publish(actor=None, review_point=scoring.h1)
    rows = {r["unit_id"]: r for r in ranking(scoring.h1)}
    # Own: revenue 30 + budget at target 15 + no accident 20 + 4 initiatives 20 = 85.
    assert rows[own]["base_earned"] == D(85) and rows[own]["penalty"] == D(2)
    assert rows[own]["total"] == D(83)
    assert rows[sib]["veto"] == 1
    assert rows[own]["rank_in_cluster"] == 1
    assert rows[third]["rank_in_cluster"] == 2  # 15 + 15 + 20 + 0 + 3 bonus = 53
    assert rows[sib]["rank_in_cluster"] == 3  # vetoed, despite 85 points and no penalty
    assert float(rows[own]["percentage"]) == pytest.approx(83.0)
    only_own_type = ranking_rows(scoring.h1, unit_type_id=world.own.unit_type_id)
    assert {r["unit_id"] for r in only_own_type} == {own, sib, third}
    # Filtering keeps the ranks of the whole review point.
    [third_row] = ranking_rows(scoring.h1, cluster_id=world.cluster.pk, unit_type_id=None)[1:2]
    assert third_row["unit_id"] == third and third_row["rank_in_cluster"] == 2


def test_campaign_states_refuse_illegal_moves(world, scoring):
    with pytest.raises(ValidationError, match="cannot go from"):
        campaign_transition(actor=None, campaign=scoring.campaign, to_state=CampaignState.CLOSED)
    campaign = campaign_transition(
        actor=None, campaign=scoring.campaign, to_state=CampaignState.SCORING
    )
    with pytest.raises(ValidationError, match="Publish a review point"):
        campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.PUBLISHED)


def test_a_veto_item_submits_without_points_and_flags_the_unit(world, scoring):
    item = report(scoring, world.own, "V1", passed=True)
    item = item_submit(actor=None, item=item, version=item.version, self_score=None)
    assert item.self_score == D(0) and item.state == ItemState.SUBMITTED


def test_the_leaders_queue_waits_for_the_cross_inspection(world, scoring):
    from pacesetter.scoring.selectors import reviewer_queue

    leader = world.users["cluster_leader"]
    inspection_assign(actor=None, review_point=scoring.h1, unit=world.own, inspector=world.sibling)
    for unit in (world.own, world.sibling):
        item = report(scoring, unit, "P1", passed=True)
        item_submit(actor=None, item=item, version=item.version, self_score=None)
    queued = {i.unit_id for i in reviewer_queue(leader)}
    assert queued == {world.sibling.pk}  # own waits for its inspector
    item = scoring.item(world.own, "P1")
    item_inspect(actor=None, item=item, version=item.version)
    assert {i.unit_id for i in reviewer_queue(leader)} == {world.own.pk, world.sibling.pk}


def test_numbers_beyond_the_columns_are_refused_not_crashed(world, scoring):
    item = scoring.item(world.own, "Q1")
    with pytest.raises(ValidationError) as excinfo:
        item_report(actor=None, item=item, version=item.version, actual=D("1e30"))
    assert "actual" in excinfo.value.message_dict
    counted = scoring.item(world.own, "C1")
    with pytest.raises(ValidationError):
        item_report(actor=None, item=counted, version=counted.version, count=10**20)


def test_an_inspector_cannot_take_back_a_final_score(world, scoring):
    item = report(scoring, world.own, "P1", passed=True)
    item = item_submit(actor=None, item=item, version=item.version, self_score=None)
    item = item_review(actor=None, item=item, version=item.version)
    item = item_finalize(actor=None, item=item, version=item.version)
    with pytest.raises(ValidationError):
        item_return(actor=None, item=item, version=item.version, question="?", step="inspect")
    item = item_return(actor=None, item=item, version=item.version, question="?", step="finalize")
    assert item.state == ItemState.RETURNED
