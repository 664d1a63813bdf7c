import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from pacesetter.campaigns.models import CampaignState
from pacesetter.campaigns.services import (
    campaign_create,
    campaign_transition,
    participant_add,
    review_point_add,
)
from pacesetter.scoring.models import AmendmentState, CriterionKind, TableState
from pacesetter.scoring.services import (
    amendment_decide,
    amendment_request,
    criterion_add,
    criterion_update,
    group_overflows,
    registration_set,
    table_adopt,
    table_clone,
    table_create,
)
from pacesetter.units.tests.factories import UnitFactory


def test_a_group_cannot_hold_more_than_its_maximum(world):
    table = table_create(actor=None, owner_unit=world.committee, name="T", year=2024)
    group = criterion_add(
        actor=None, table=table, code="G", title="G", kind="group", max_points=D(50)
    )
    criterion_add(
        actor=None,
        table=table,
        code="A",
        title="A",
        kind="pass_fail",
        parent=group,
        max_points=D(30),
    )
    with pytest.raises(ValidationError) as excinfo:
        criterion_add(
            actor=None,
            table=table,
            code="B",
            title="B",
            kind="pass_fail",
            parent=group,
            max_points=D(30),
        )
    assert "max_points" in excinfo.value.message_dict
    assert table.criteria.count() == 2  # nothing half-saved
    # Bonus points lie outside the base maximum and do not count.
    criterion_add(
        actor=None,
        table=table,
        code="BON",
        title="Bonus",
        kind="bonus",
        parent=group,
        max_points=D(10),
        points_per_item=D(1),
    )
    assert group_overflows(table) == []


def test_lowering_a_group_maximum_below_its_criteria_is_refused(world):
    table = table_create(actor=None, owner_unit=world.committee, name="T", year=2024)
    group = criterion_add(
        actor=None, table=table, code="G", title="G", kind="group", max_points=D(50)
    )
    criterion_add(
        actor=None,
        table=table,
        code="A",
        title="A",
        kind="pass_fail",
        parent=group,
        max_points=D(40),
    )
    with pytest.raises(ValidationError):
        criterion_update(actor=None, criterion=group, max_points=D(30))
    group.refresh_from_db()
    assert group.max_points == D(50)


def test_adopted_tables_are_locked_and_clone_into_a_draft(world):
    table = table_create(actor=None, owner_unit=world.committee, name="T", year=2024)
    group = criterion_add(
        actor=None, table=table, code="G", title="G", kind="group", max_points=D(50)
    )
    criterion_add(
        actor=None,
        table=table,
        code="A",
        title="A",
        kind="quantitative",
        parent=group,
        max_points=D(50),
        method="target_half_best_full",
    )
    table = table_adopt(actor=None, table=table)
    assert table.state == TableState.ADOPTED
    with pytest.raises(ValidationError, match="locked"):
        criterion_add(actor=None, table=table, code="B", title="B", kind="pass_fail")
    clone = table_clone(actor=None, table=table, year=2025)
    assert clone.state == TableState.DRAFT and clone.year == 2025 and clone.cloned_from == table
    copied = {c.code: c for c in clone.criteria.all()}
    assert copied["A"].parent == copied["G"] and copied["A"].root == copied["G"]
    assert copied["A"].method == "target_half_best_full"


def test_an_empty_table_cannot_be_adopted(world):
    table = table_create(actor=None, owner_unit=world.committee, name="T", year=2024)
    with pytest.raises(ValidationError):
        table_adopt(actor=None, table=table)


def test_registration_locks_with_the_pact_and_amendments_keep_both_values(world, scoring):
    registration = scoring.campaign.registrations.get(unit=world.own, criterion=scoring.c["Q1"])
    with pytest.raises(ValidationError):
        registration_set(
            actor=None,
            campaign=scoring.campaign,
            unit=world.own,
            criterion=scoring.c["Q1"],
            target=D(1),
        )
    amendment = amendment_request(
        actor=None,
        registration=registration,
        new_target=D(90),
        reason="A contract was cancelled in March.",
    )
    with pytest.raises(ValidationError):  # one pending at a time
        amendment_request(actor=None, registration=registration, new_target=D(80), reason="Again")
    amendment = amendment_decide(
        actor=world.users["committee_staff"], amendment=amendment, approve=True
    )
    registration.refresh_from_db()
    assert amendment.state == AmendmentState.APPROVED
    assert (amendment.old_target, amendment.new_target) == (D(100), D(90))
    assert registration.target == D(90)
    # The open review point follows the new target.
    from pacesetter.scoring.services import item_report

    item = scoring.item(world.own, "Q1")
    item = item_report(actor=None, item=item, version=item.version, actual=D(45))
    assert item.computed == D("15.00")


def test_a_missing_target_follows_the_criterion_rule(world):
    table = table_create(actor=None, owner_unit=world.committee, name="T", year=2024)
    criterion_add(
        actor=None, table=table, code="Q", title="Q", kind="quantitative", max_points=D(10)
    )
    criterion_add(
        actor=None,
        table=table,
        code="Z",
        title="Z",
        kind="quantitative",
        max_points=D(10),
        zero_target="pass_fail",
        direction="lower",
    )
    table = table_adopt(actor=None, table=table)
    campaign = campaign_create(
        actor=None,
        organizer=world.committee,
        code="C",
        name="C",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        scoring_table=table,
    )
    participant_add(actor=None, campaign=campaign, unit=world.own)
    rp = review_point_add(
        actor=None,
        campaign=campaign,
        code="h1",
        name="H1",
        period_end=dt.date(2024, 6, 30),
        due=dt.date(2024, 7, 15),
    )
    campaign = campaign_transition(
        actor=None, campaign=campaign, to_state=CampaignState.REGISTRATION
    )
    q, z = table.criteria.get(code="Q"), table.criteria.get(code="Z")
    with pytest.raises(ValidationError) as excinfo:
        registration_set(actor=None, campaign=campaign, unit=world.own, criterion=q)
    assert "target" in excinfo.value.message_dict
    registration_set(actor=None, campaign=campaign, unit=world.own, criterion=q, target=D(0))
    registration_set(actor=None, campaign=campaign, unit=world.own, criterion=z, target=D(0))
    campaign = campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.RUNNING)
    from pacesetter.scoring.models import ScoreItem
    from pacesetter.scoring.services import item_report, review_point_open

    review_point_open(actor=None, review_point=rp)
    q_item = ScoreItem.objects.get(review_point=rp, criterion=q)
    assert q_item.not_assigned  # zero target, rule "not assigned": no division, no points
    z_item = ScoreItem.objects.get(review_point=rp, criterion=z)
    z_item = item_report(actor=None, item=z_item, version=z_item.version, actual=D(0))
    assert not z_item.not_assigned and z_item.computed == D("10.00")  # zero accidents: pass
    assert q.kind == CriterionKind.QUANTITATIVE


def test_a_group_cannot_change_kind(world):
    table = table_create(actor=None, owner_unit=world.committee, name="T", year=2024)
    group = criterion_add(
        actor=None, table=table, code="G", title="G", kind="group", max_points=D(60)
    )
    with pytest.raises(ValidationError) as excinfo:
        criterion_update(actor=None, criterion=group, kind="quantitative")
    assert "kind" in excinfo.value.message_dict


def test_after_the_pact_no_late_joiner_and_no_way_back_to_drafting(world, scoring):
    from pacesetter.campaigns.models import Campaign, CampaignState
    from pacesetter.campaigns.services import campaign_transition, participant_add

    Campaign.objects.filter(pk=scoring.campaign.pk).update(state=CampaignState.REGISTRATION)
    campaign = Campaign.objects.get(pk=scoring.campaign.pk)
    late = UnitFactory(code="LATE", parent=world.root)
    with pytest.raises(ValidationError) as excinfo:
        participant_add(actor=None, campaign=campaign, unit=late, cluster=world.cluster)
    assert "cluster" in excinfo.value.message_dict
    with pytest.raises(ValidationError, match="pact is signed"):
        campaign_transition(actor=None, campaign=campaign, to_state=CampaignState.DRAFT)
