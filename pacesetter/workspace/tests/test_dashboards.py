"""The home page's dashboards (docs/dashboards.md): each figure equals the record it
counts, nothing the user may not see is counted, and the page's query count is fixed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pacesetter.accounts.models import Role
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.awards.models import Proposal, ProposalState
from pacesetter.awards.tests.factories import ProposalFactory
from pacesetter.ballots.models import Poll, PollState
from pacesetter.ballots.tests.factories import PollFactory
from pacesetter.campaigns.models import CampaignState
from pacesetter.meetings.tests.factories import InvitationFactory, MeetingFactory
from pacesetter.scoring.models import InspectionAssignment, ItemState, ScoreItem
from pacesetter.workplans.tests.factories import TaskFactory, WorkPlanFactory
from pacesetter.workspace.dashboards import dashboards_for

pytestmark = pytest.mark.django_db


def _figures(figures: list[Any]) -> dict[str, int]:
    return {f.label: f.value for f in figures}


def _officer_of(unit: Any) -> Any:
    user = UserFactory()
    role_grant(actor=None, user=user, role=Role.UNIT_OFFICER, unit=unit)
    return user


def _late_task(plan: Any, unit: Any) -> Any:
    today = timezone.localdate()
    return TaskFactory(plan=plan, lead_unit=unit, due=today - dt.timedelta(days=3))


def test_each_role_sees_its_section(client, world):
    expected = {
        "committee_staff": "dash-staff",
        "cluster_leader": "dash-leader",
        "unit_officer": "dash-officer",
        "council_member": "dash-council",
    }
    for role, section in expected.items():
        client.force_login(world.users[role])
        page = client.get(reverse("core:home")).content.decode()
        assert f'id="{section}"' in page
        others = set(expected.values()) - {section}
        assert not any(f'id="{other}"' in page for other in others)


def test_a_user_with_several_roles_sees_a_section_per_role(client, world):
    user = world.users["unit_officer"]
    role_grant(actor=None, user=user, role=Role.COUNCIL_MEMBER, body=world.council)
    client.force_login(user)
    page = client.get(reverse("core:home")).content.decode()
    assert 'id="dash-officer"' in page and 'id="dash-council"' in page


def test_staff_counts_equal_the_record(world, scoring):
    staff = world.users["committee_staff"]
    items = ScoreItem.objects.filter(review_point=scoring.h1).order_by("pk")
    first = list(items.values_list("pk", flat=True)[:3])
    ScoreItem.objects.filter(pk__in=first[:2]).update(state=ItemState.SUBMITTED)
    ScoreItem.objects.filter(pk=first[2]).update(state=ItemState.REVIEWED)
    dash = dashboards_for(staff).staff
    assert dash is not None
    counts = _figures(dash.items)
    for state in (ItemState.DRAFT, ItemState.SUBMITTED, ItemState.REVIEWED):
        assert counts[str(state.label)] == items.filter(state=state).count()
    assert counts[str(ItemState.SUBMITTED.label)] == 2
    campaigns = _figures(dash.campaigns)
    assert campaigns[str(CampaignState.RUNNING.label)] == 1
    # The year-end review point of the running campaign is due, the open 6-month one too.
    assert [line.label for line in dash.review_points] == ["6-month review", "Year-end review"]
    waiting = {f.url.rsplit("=", 1)[1]: f.value for f in dash.waiting}
    assert waiting["finalize"] == 1


def test_staff_late_tasks_by_unit_and_links(client, world):
    staff = world.users["committee_staff"]
    plan = WorkPlanFactory(body=world.council)
    for _ in range(2):
        _late_task(plan, world.own)
    _late_task(plan, world.sibling)
    TaskFactory(plan=plan, lead_unit=world.own, due=timezone.localdate() + dt.timedelta(days=9))
    dash = dashboards_for(staff).staff
    assert dash is not None
    assert [(f.label, f.value) for f in dash.late_by_unit] == [
        (str(world.own), 2),
        (str(world.sibling), 1),
    ]
    assert dash.late_total.value == 3
    # The figure's link lists exactly the tasks it counts.
    client.force_login(staff)
    listed = client.get(dash.late_by_unit[0].url)
    assert len(listed.context["page_obj"].object_list) == 2
    assert {t.lead_unit_id for t in listed.context["page_obj"].object_list} == {world.own.pk}


def test_proposals_and_ballots_figures_equal_the_record_and_link_to_them(client, world):
    staff = world.users["committee_staff"]
    mine = ProposalFactory(committee_unit=world.committee, proposer_unit=world.own)
    ProposalFactory(committee_unit=world.committee, proposer_unit=world.sibling)
    ProposalFactory(committee_unit=world.other_root, proposer_unit=world.other)  # not theirs
    Proposal.objects.filter(pk=mine.pk).update(state=ProposalState.SENT)
    open_poll = PollFactory(owner_unit=world.committee)
    PollFactory(owner_unit=world.committee)  # a draft
    invisible = PollFactory(owner_unit=world.other_root)
    Poll.objects.filter(pk__in=[open_poll.pk, invisible.pk]).update(state=PollState.OPEN)
    dash = dashboards_for(staff).staff
    assert dash is not None
    proposals = _figures(dash.proposals)
    assert proposals[str(ProposalState.DRAFT.label)] == 1
    assert proposals[str(ProposalState.SENT.label)] == 1
    assert dash.ballots_open.value == 1
    client.force_login(staff)
    listed = client.get(dash.ballots_open.url)
    assert [p.pk for p in listed.context["page_obj"].object_list] == [open_poll.pk]
    sent = next(f for f in dash.proposals if f.label == str(ProposalState.SENT.label))
    listed = client.get(sent.url)
    assert [p.pk for p in listed.context["page_obj"].object_list] == [mine.pk]


def test_officer_counts_its_own_items_and_an_officer_elsewhere_sees_none(world, scoring):
    own = ScoreItem.objects.filter(review_point=scoring.h1, unit=world.own)
    returned = own.order_by("pk").first()
    assert returned is not None
    ScoreItem.objects.filter(pk=returned.pk).update(state=ItemState.RETURNED, question="Why?")
    dash = dashboards_for(world.users["unit_officer"]).officer
    assert dash is not None
    assert dash.to_report_total == own.filter(state=ItemState.DRAFT).count() > 0
    assert dash.to_answer.value == 1
    assert dash.to_report[0].url == reverse("scoring:sheet", args=[scoring.h1.pk, world.own.pk])
    elsewhere = dashboards_for(_officer_of(world.other)).officer
    assert elsewhere is not None
    assert (elsewhere.to_report_total, elsewhere.to_answer.value) == (0, 0)
    assert elsewhere.rank == [] and elsewhere.to_report == []


def test_officer_tasks_and_meetings(world):
    officer = world.users["unit_officer"]
    plan = WorkPlanFactory(body=world.council)
    _late_task(plan, world.own)
    TaskFactory(plan=plan, lead_unit=world.own, due=timezone.localdate() + dt.timedelta(days=5))
    _late_task(plan, world.sibling)  # another unit's
    meeting = MeetingFactory(organizer_unit=world.committee)
    InvitationFactory(meeting=meeting, unit=world.own)
    MeetingFactory(organizer_unit=world.committee)  # not invited
    dash = dashboards_for(officer).officer
    assert dash is not None
    assert (dash.tasks_due.value, dash.tasks_late.value) == (2, 1)
    assert [line.url for line in dash.meetings] == [
        reverse("meetings:meeting_detail", args=[meeting.pk])
    ]
    assert dashboards_for(_officer_of(world.other)).officer.tasks_due.value == 0


def test_leader_queue_rotation_and_live_ranking(world, scoring):
    leader = world.users["cluster_leader"]
    items = ScoreItem.objects.filter(review_point=scoring.h1, unit=world.sibling)
    items.update(state=ItemState.SUBMITTED)
    InspectionAssignment.objects.create(
        review_point=scoring.h1, unit=world.own, inspector=world.sibling
    )
    dash = dashboards_for(leader).leader
    assert dash is not None
    assert dash.to_review.value == items.count() > 0
    assert dash.rotation[0].url == reverse("scoring:inspections", args=[scoring.h1.pk])
    assert dash.rotation[0].detail == "1 of 3 units have an inspector"
    assert {row["unit_id"] for row in dash.ranking} == {
        world.own.pk,
        world.sibling.pk,
        scoring.third.pk,
    }
    poll = PollFactory(owner_unit=world.committee, cluster=world.cluster)
    Poll.objects.filter(pk=poll.pk).update(state=PollState.OPEN)
    polls = dashboards_for(leader).leader.polls
    assert [line.url for line in polls] == [reverse("ballots:detail", args=[poll.pk])]


def test_council_sees_its_open_ballots(world):
    councillor = world.users["council_member"]
    poll = PollFactory(owner_unit=world.committee, body=world.council)
    other = PollFactory(owner_unit=world.other_root)
    Poll.objects.filter(pk__in=[poll.pk, other.pk]).update(state=PollState.OPEN)
    dash = dashboards_for(councillor).council
    assert dash is not None
    assert [line.url for line in dash.polls] == [reverse("ballots:detail", args=[poll.pk])]
    assert dash.dossiers == []


def test_empty_dashboards_say_so(client, world):
    client.force_login(world.users["unit_officer"])
    page = client.get(reverse("core:home")).content.decode()
    assert "Nothing to report at an open review point." in page
    assert "No ranking of your unit is published yet." in page


def _more_data(world: Any, scoring: Any, n: int) -> None:
    plan = WorkPlanFactory(body=world.council)
    for _ in range(n):
        _late_task(plan, world.own)
        meeting = MeetingFactory(organizer_unit=world.committee)
        InvitationFactory(meeting=meeting, unit=world.own)
        poll = PollFactory(owner_unit=world.committee, body=world.council)
        Poll.objects.filter(pk=poll.pk).update(state=PollState.OPEN)
        ProposalFactory(committee_unit=world.committee, proposer_unit=world.own)


#: The home page's queries per role, whatever the data (the session, the user, the
#: roles, the bell's unread count, then each figure's grouped query).
HOME_QUERIES = {
    "committee_staff": 20,
    "cluster_leader": 15,
    "unit_officer": 13,
    "council_member": 8,
}


@pytest.mark.parametrize("role", sorted(HOME_QUERIES))
def test_home_query_count_is_fixed(client, world, scoring, role, django_assert_num_queries):
    ScoreItem.objects.filter(review_point=scoring.h1, unit=world.sibling).update(
        state=ItemState.SUBMITTED
    )
    client.force_login(world.users[role])
    url = reverse("core:home")
    with django_assert_num_queries(HOME_QUERIES[role]):
        client.get(url)
    _more_data(world, scoring, 6)
    with django_assert_num_queries(HOME_QUERIES[role]):
        client.get(url)
