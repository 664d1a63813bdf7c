"""The demo's key work and meetings: the China Optical Association's council with its
7 key tasks, Huadu's 15 projects and leather goods chain, the Danyang exchange and the
Hunan research visit with its follow-up tasks, and Thanh Hoa's cluster conference of
24 July 2024 with the plan for the last 6 months it set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pacesetter.audit.models import AuditEntry
from pacesetter.chains.models import Chain
from pacesetter.demo.data import PLANS, thanh_hoa, thanh_hoa_conference
from pacesetter.meetings.minutes import minutes_text_from_record
from pacesetter.meetings.models import InviteeRole, Meeting, MeetingKind, MeetingState, Resolution
from pacesetter.meetings.selectors import attendance, local
from pacesetter.units.models import Unit
from pacesetter.workplans import reminders
from pacesetter.workplans.models import PlanState, Reminder, Task, WorkPlan
from pacesetter.workplans.selectors import plan_rollup


def test_optical_council_passed_the_seven_key_tasks(demo):
    meeting = Meeting.objects.get(title_en__startswith="9th standing council")
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
    plan = WorkPlan.objects.get(name_en__startswith="Dual synchronization")
    assert plan.projects.count() == 15
    named = set(plan.projects.values_list("name_en", flat=True))
    assert "Red Chain Party Committee Empowering the Leather Goods Industry" in named
    # Who/what/how filled in; the coverage register's follow-up tasks name their
    # organization and the rules it does not meet in the scope (their measures are left
    # to the town that leads them).
    assert all(t.scope for t in plan.tasks.all())
    assert all(t.measures for t in plan.tasks.filter(coverage_follow_ups__isnull=True))
    chain = Chain.objects.get(name_en="Shiling leather goods industrial chain")
    assert chain.leader_unit.code == "HUADU-SHILING-A1"
    assert chain.members.order_by("position").first().unit.code == "HUADU-SHILING-E1"
    assert Task.objects.filter(chain=chain).count() >= 2
    meeting = Meeting.objects.get(title_en="Huadu 'dual synchronization' work meeting")
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


def test_danyang_exchange_receives_delegations_by_unit(demo):
    meeting = Meeting.objects.get(kind=MeetingKind.EXCHANGE)
    counts = attendance(meeting)
    # The 9 presenting and 42 exchanging units, and the 200 enterprises (5 did not come).
    assert (counts.delegations_expected, counts.delegations_present) == (251, 246)
    units = meeting.invitations.filter(delegation_size__isnull=False, unit__isnull=False)
    assert units.filter(role="speaker").count() == 9 and units.count() == 51
    danyang = units.get(unit__code="LIGHT-DANYANG")
    assert danyang.present_count == danyang.delegation_size == 3
    enterprises = meeting.invitations.filter(delegation_size__isnull=False, unit__isnull=True)
    assert enterprises.count() == 200
    assert all("(demo data)" in label for label in enterprises.values_list("label", flat=True))
    assert not meeting.invitations.filter(label__startswith="Guest").exists()
    assert "Delegations (units): 251 invited, 246 present." in minutes_text_from_record(meeting)


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
    assert follow_ups.filter(title_en__icontains="master-apprentice").exists()


def test_past_plans_are_closed_and_the_first_scan_mails_nothing_of_them(demo, mailoutbox):
    """``make demo`` runs the reminder scan once the demo is in: the historical plans
    (2020 to 2025) are closed, so no reminder or escalation about them goes out."""
    today = timezone.localdate()
    past = WorkPlan.objects.filter(period_end__lt=today)
    assert past.count() == len(PLANS)  # every plan of the demo is historical
    assert set(past.values_list("state", flat=True)) == {PlanState.CLOSED}
    closed_by = AuditEntry.objects.filter(action="workplan.close")
    assert sorted(closed_by.values_list("target_id", flat=True)) == sorted(
        str(pk) for pk in past.values_list("pk", flat=True)
    )
    assert all(entry.actor is not None for entry in closed_by)  # the staff who keep them
    # Every overdue task of the demo is in a past plan: an open plan would escalate them.
    assert Task.objects.filter(plan__in=past, done_on=None, due__lt=today).exists()

    waiting = reminders.scan(today)
    for reminder_id in waiting:
        reminders.deliver(reminder_id, today)
    assert not Reminder.objects.filter(task__plan__in=past).exists()
    assert not [m for m in mailoutbox if "overdue" in m.subject.lower()]
    assert mailoutbox == []


def test_the_logins_are_the_last_lines_printed(demo):
    lines = demo.rstrip().splitlines()
    heading = next(
        i for i, line in enumerate(lines) if line.split() == ["username", "role", "scope"]
    )
    assert heading > next(i for i, line in enumerate(lines) if "Work plans" in line)
    assert heading > next(i for i, line in enumerate(lines) if "Pacesetter demo is ready" in line)
    # After the heading only the table: blank lines, case titles and account rows.
    assert not any("key tasks" in line for line in lines[heading:])
    assert "(closed)" in demo


def test_thanh_hoa_six_month_review_conference_sets_the_second_half_plan(demo):
    """24 July 2024: the cluster's 7 units and the provincial committee's deputy head, the
    agenda with its speakers, a resolution adopted that day whose tasks are the cluster's
    plan for the last 6 months, and the minutes final."""
    meeting = Meeting.objects.get(kind=MeetingKind.REVIEW, organizer_unit__code=thanh_hoa.LAM_SON)
    assert meeting.source_language == "vi"
    assert meeting.title_vi.startswith("Hội nghị sơ kết")
    assert meeting.title_en.startswith("Emulation Cluster No. 18: review conference")
    assert meeting.time_zone == "Asia/Ho_Chi_Minh"
    assert local(meeting, meeting.starts_at).date() == dt.date(2024, 7, 24)
    assert meeting.state == MeetingState.HELD

    members = {unit.code for unit, _ in thanh_hoa.ENTERPRISES}
    committee = Unit.objects.get(code=thanh_hoa.COMMITTEE)
    invited = meeting.invitations.select_related("unit")
    assert {i.unit.code for i in invited if i.role == InviteeRole.MEMBER} == members
    assert {i.unit.code for i in invited if i.role == InviteeRole.GUEST} == {thanh_hoa.COMMITTEE}
    counts = attendance(meeting)
    assert counts.present == counts.expected == len(members) + 1
    assert all(i.checked_in_at == meeting.starts_at for i in invited)

    items = list(meeting.agenda_items.order_by("position"))
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    speech = next(item for item in items if item.speaker_unit == committee)
    assert speech.speaker == "Phó Trưởng Ban Thi đua - Khen thưởng tỉnh"
    assert speech.title_en.startswith("Address of the deputy head")
    assert all(item.speaker for item in items)

    resolution = meeting.resolutions.get()
    assert resolution.adopted_on == dt.date(2024, 7, 24)
    assert resolution.source_language == "vi" and resolution.text_en
    plan = WorkPlan.objects.get(name_vi="Nhiệm vụ 6 tháng cuối năm 2024 của Cụm thi đua số 18")
    assert (plan.period_start, plan.period_end) == (dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    assert plan.body.owner_unit.code == thanh_hoa.COMMITTEE
    tasks = list(plan.tasks.order_by("code"))
    assert len(tasks) == len(thanh_hoa_conference.TASKS)
    assert all(task.resolution_id == resolution.pk for task in tasks)
    assert all(task.source_language == "vi" and task.title_vi and task.title_en for task in tasks)
    assert {task.lead_unit.code for task in tasks} <= members
    assert any("điển hình tiên tiến" in task.title_vi for task in tasks)  # advanced models
    assert meeting.minutes.is_locked
    assert local(meeting, meeting.minutes.finalized_at).date() == dt.date(2024, 7, 25)
    # Drafted in the meeting's language, its tasks with it.
    assert "Phát hiện, bồi dưỡng và nhân rộng các điển hình tiên tiến" in meeting.minutes.text
