"""The demo's key work and meetings: the China Optical Association's council with its
7 key tasks, Huadu's 15 projects and leather goods chain, the Danyang exchange and the
Hunan research visit with its follow-up tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pacesetter.chains.models import Chain
from pacesetter.meetings.models import Meeting, MeetingKind, Resolution
from pacesetter.meetings.selectors import attendance
from pacesetter.workplans.models import Task, WorkPlan
from pacesetter.workplans.selectors import plan_rollup


def test_optical_council_passed_the_seven_key_tasks(demo):
    meeting = Meeting.objects.get(title__startswith="9th standing council")
    assert meeting.kind == MeetingKind.COUNCIL
    assert meeting.place == "Changsha, Hunan"
    assert meeting.starts_at.date() == dt.date(2021, 5, 26)
    counts = attendance(meeting)
    assert counts.present > 100
    assert counts.quorum_met
    resolution = Resolution.objects.get(meeting=meeting)
    tasks = list(resolution.tasks.order_by("code"))
    assert len(tasks) == 7
    assert tasks[1].title.startswith("Prepare the 33rd China International Optics Fair")
    assert {t.plan.name for t in tasks} == {"Key tasks, second half of 2021"}
    assert all(t.lead_unit.code == "COA" for t in tasks)
    # Progress as of September 2021: two done, the fair from its milestones (2 of 3).
    assert sum(1 for t in tasks if t.done_on) == 2
    assert tasks[1].progress == Decimal("66.7")
    assert meeting.agenda_items.filter(parent__isnull=True).count() == 5
    assert meeting.minutes.is_locked
    assert "Prepare the 33rd China International Optics Fair" in meeting.minutes.text


def test_huadu_fifteen_projects_on_a_plan_with_the_leather_chain(demo):
    plan = WorkPlan.objects.get(name__startswith="Dual synchronization")
    assert plan.projects.count() == 15
    named = set(plan.projects.values_list("name", flat=True))
    assert "Red Chain Party Committee Empowering the Leather Goods Industry" in named
    assert all(t.scope and t.measures for t in plan.tasks.all())  # who/what/how filled in
    chain = Chain.objects.get(name="Shiling leather goods industrial chain")
    assert chain.leader_unit.code == "HUADU-SHILING-A1"
    assert chain.members.order_by("position").first().unit.code == "HUADU-SHILING-E1"
    assert Task.objects.filter(chain=chain).count() >= 2
    meeting = Meeting.objects.get(title="Huadu 'dual synchronization' work meeting")
    speakers = set(
        meeting.agenda_items.exclude(speaker_unit=None).values_list("speaker_unit__code", flat=True)
    )
    assert {"HUADU-TRANSPORT", "HUADU-XINYA", "HUADU-SHILING"} <= speakers
    assert meeting.resolutions.get().tasks.count() == 1
    result = plan_rollup(plan, dt.date(2025, 8, 14))
    assert result.plan is not None and Decimal(0) < result.plan < Decimal(100)


def test_danyang_exchange_nearly_three_hundred(demo):
    meeting = Meeting.objects.get(kind=MeetingKind.EXCHANGE)
    assert meeting.place == "Danyang, Jiangsu"
    counts = attendance(meeting)
    assert 280 <= counts.present < 300
    assert meeting.invitations.filter(unit__code="LIGHT-DANYANG").exists()


def test_research_visit_findings_and_follow_up(demo):
    visit = Meeting.objects.get(kind=MeetingKind.RESEARCH_VISIT)
    assert visit.starts_at.date() == dt.date(2020, 8, 31)
    assert visit.ends_at is not None and visit.ends_at.date() == dt.date(2020, 9, 2)
    assert set(visit.visited_units.values_list("code", flat=True)) >= {
        "MMB-XIANGDIAN",
        "MMB-XIANGGANG",
    }
    assert len(visit.topic_list) == 3
    assert visit.findings.count() == 4
    follow_ups = Task.objects.filter(finding__meeting=visit)
    assert follow_ups.count() == 4
    assert follow_ups.filter(title__icontains="master-apprentice").exists()
