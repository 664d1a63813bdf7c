"""Loading the demo's key work and meetings through the chain, work-plan and meeting
services: the committee staff who keep each plan create it and report the progress of
its tasks as of the plan's reporting date; the organizer's staff invite, check people in
at the door, keep the agenda and record the resolutions, which create the key tasks.
Last, the staff close the plans whose period is over by the day the demo is loaded: their
overdue tasks are history, not work to remind anyone of or escalate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from pacesetter.accounts.models import User
from pacesetter.bodies.models import Body
from pacesetter.chains.models import Chain
from pacesetter.chains.services import chain_create
from pacesetter.meetings import selectors
from pacesetter.meetings import services as meetings
from pacesetter.meetings.models import Invitation, InviteeRole, Meeting, MeetingState
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_time_zone
from pacesetter.workplans.models import ProgressMode, Project, Task, WorkPlan
from pacesetter.workplans.services import (
    milestone_add,
    milestone_set_done,
    plan_close,
    plan_create,
    project_create,
    task_create,
    task_report,
    task_review,
    task_update,
)

from .campaigns import clock_at
from .specs import (
    AgendaSpec,
    ChainSpec,
    KeyTaskSpec,
    MeetingSpec,
    PlanSpec,
    Txt,
    source_of,
)


class KeyWorkLoader:
    def __init__(
        self,
        units: Mapping[str, Unit],
        users: Mapping[str, User],
        bodies: Mapping[str, Body],
    ) -> None:
        self.units = units
        self.users = users
        self.bodies = bodies
        self.chains: dict[str, Chain] = {}
        self.plans: dict[str, WorkPlan] = {}
        self.managers: dict[str, User] = {}
        #: Each plan's reporting day (PlanSpec.reported_on) and the time zone of its body.
        self.reported_on: dict[int, tuple[dt.date, str]] = {}
        self.meetings: dict[str, Meeting] = {}

    def load(
        self,
        *,
        actor: User | None,
        chains: tuple[ChainSpec, ...],
        plans: tuple[PlanSpec, ...],
        meetings_: tuple[MeetingSpec, ...],
    ) -> None:
        for chain in chains:
            self.chain(chain, actor)
        for plan in plans:
            self.plan(plan)
        for meeting in meetings_:
            self.meeting(meeting)

    # --- chains and plans ---------------------------------------------------------

    def chain(self, spec: ChainSpec, actor: User | None) -> None:
        self.chains[spec.key] = chain_create(
            actor=actor,
            owner_unit=self.units[spec.owner],
            name=spec.name,
            leader_unit=self.units[spec.leader],
            description=spec.description,
            members=[self.units[code] for code in spec.members],
            source_language=source_of(spec.name, spec.description),
        )

    def plan(self, spec: PlanSpec) -> None:
        manager = self.users[spec.manager]
        plan = plan_create(
            actor=manager,
            body=self.bodies[spec.body],
            name=spec.name,
            kind=spec.kind,
            period_start=spec.start,
            period_end=spec.end,
            source_language=source_of(spec.name),
        )
        self.plans[spec.key] = plan
        self.managers[spec.key] = manager
        self.reported_on[plan.pk] = (
            spec.reported_on or spec.end,
            unit_time_zone(self.bodies[spec.body].owner_unit),
        )
        for task in spec.tasks:
            self.task(plan, None, task)
        for position, project_spec in enumerate(spec.projects, start=1):
            project = project_create(
                actor=manager,
                plan=plan,
                code=project_spec.code,
                name=project_spec.name,
                description=project_spec.description,
                lead_unit=self.units[project_spec.lead],
                chain=self.chains[project_spec.chain] if project_spec.chain else None,
                position=position,
                **_source(project_spec.name, project_spec.description),
            )
            for task in project_spec.tasks:
                self.task(plan, project, task)

    def close_past_plans(self) -> None:
        """Close, through the service, every plan whose period ended before today (after
        the meetings, whose resolutions and findings still add tasks to them, and the
        coverage register's follow-up tasks: the demo loader calls it last)."""
        today = timezone.localdate()
        for key, plan in self.plans.items():
            if plan.period_end < today:
                self.plans[key] = plan_close(actor=self.managers[key], plan=plan)

    def task(self, plan: WorkPlan, project: Project | None, spec: KeyTaskSpec) -> Task:
        manager = self.managers_of(plan)
        task = task_create(
            actor=manager,
            plan=plan,
            project=project,
            code=spec.code,
            title=spec.title,
            lead_unit=self.units[spec.lead],
            lead_person=self.users[spec.lead_person] if spec.lead_person else None,
            supporting_units=[self.units[code] for code in spec.supporting],
            scope=spec.scope,
            measures=spec.measures,
            start=spec.start,
            due=spec.due,
            progress_mode=ProgressMode.MILESTONES if spec.milestones else ProgressMode.ENTERED,
            chain=self.chains[spec.chain] if spec.chain else None,
            **_source(spec.title, spec.scope, spec.measures),
        )
        self.follow(task, spec)
        return task

    def managers_of(self, plan: WorkPlan) -> User:
        return next(self.managers[key] for key, p in self.plans.items() if p.pk == plan.pk)

    def follow(self, task: Task, spec: KeyTaskSpec) -> None:
        """The milestones and the lead's report, as of the reporting date: a milestone
        or a task done is reported on the day it was done, the rest (and the review of
        how well) on the plan's reporting day."""
        manager = self.managers_of(task.plan)
        reported_on, zone = self.reported_on[task.plan_id]
        if spec.milestones and task.progress_mode != ProgressMode.MILESTONES:
            task = task_update(actor=manager, task=task, progress_mode=ProgressMode.MILESTONES)
        for milestone_spec in spec.milestones:
            milestone = milestone_add(
                actor=manager, task=task, title=milestone_spec.title, due=milestone_spec.due
            )
            if milestone_spec.done_on:
                with clock_at(milestone_spec.done_on, zone, 17):
                    milestone_set_done(
                        actor=manager, milestone=milestone, done_on=milestone_spec.done_on
                    )
        if spec.progress is not None or spec.done_on or spec.note:
            with clock_at(spec.done_on or reported_on, zone, 17):
                task_report(
                    actor=manager,
                    task=task,
                    progress=Decimal(str(spec.progress)) if spec.progress is not None else None,
                    note=spec.note,
                    done_on=spec.done_on,
                )
        rating, narrative = spec.outcome
        if rating:
            with clock_at(max(reported_on, spec.done_on or reported_on), zone, 17):
                task_review(actor=manager, task=task, rating=rating, narrative=narrative)

    # --- meetings -------------------------------------------------------------------

    def meeting(self, spec: MeetingSpec) -> None:
        organizer = self.users[spec.organized_by]
        zone = ZoneInfo(spec.timezone)
        starts_at = dt.datetime.fromisoformat(spec.starts_at).replace(tzinfo=zone)
        ends_at = dt.datetime.fromisoformat(spec.ends_at).replace(tzinfo=zone)
        meeting = meetings.meeting_create(
            actor=organizer,
            kind=spec.kind,
            source_language=source_of(spec.title, spec.place, spec.description),
            title=spec.title,
            organizer_unit=self.units[spec.organizer],
            starts_at=starts_at,
            ends_at=ends_at,
            place=spec.place,
            chair=spec.chair,
            description=spec.description,
            topics="\n".join(spec.topics),
            body=self.bodies[spec.body] if spec.body else None,
            chain=self.chains[spec.chain] if spec.chain else None,
            quorum=spec.quorum,
            time_zone=spec.timezone,
        )
        self.meetings[spec.key] = meeting
        self.invite(meeting, spec, organizer)
        for position, item in enumerate(spec.agenda, start=1):
            self.agenda_item(meeting, item, None, position, organizer)
        for resolution in spec.resolutions:
            plan = self.plans[resolution.plan] if resolution.plan else None
            created = meetings.resolution_create(
                actor=organizer,
                meeting=meeting,
                text=resolution.text,
                source_language=source_of(resolution.text),
                adopted_on=starts_at.date(),
                plan=plan,
                tasks=[self.task_spec(task) for task in resolution.tasks],
            )
            # The resolution creates its tasks in the order of its rows.
            for task, task_spec in zip(created.tasks.order_by("pk"), resolution.tasks, strict=True):
                task = self.in_its_languages(task, task_spec)
                self.follow(task, task_spec)
        if spec.visited:
            meetings.visited_units_set(
                actor=organizer, meeting=meeting, units=[self.units[c] for c in spec.visited]
            )
        for finding_spec in spec.findings:
            finding = meetings.finding_add(
                actor=organizer,
                meeting=meeting,
                unit=self.units[finding_spec.unit],
                topic=finding_spec.topic,
                text=finding_spec.text,
            )
            if finding_spec.follow_up is not None:
                task = meetings.finding_follow_up(
                    actor=organizer,
                    finding=finding,
                    plan=self.plans[spec.follow_up_plan],
                    spec=self.task_spec(finding_spec.follow_up),
                )
                task = self.in_its_languages(task, finding_spec.follow_up)
                self.follow(task, finding_spec.follow_up)
        if spec.held:
            meetings.meeting_set_state(actor=organizer, meeting=meeting, state=MeetingState.HELD)
        if spec.minutes:
            # Written up, in the meeting's own language, and finalized by the organizer's
            # staff the day after the meeting.
            after = selectors.local(meeting, ends_at or starts_at).date() + dt.timedelta(days=1)
            with clock_at(after, spec.timezone, 10), translation.override(meeting.source_language):
                minutes = meetings.minutes_draft(actor=organizer, meeting=meeting)
            if spec.minutes == "final":
                with clock_at(after, spec.timezone, 16):
                    meetings.minutes_finalize(
                        actor=organizer, minutes=minutes, version=minutes.version
                    )

    def in_its_languages(self, task: Task, spec: KeyTaskSpec) -> Task:
        """A task a meeting created with every language of the spec's texts, given the
        spec's source language by the plan's manager where the meeting's differs (the
        Chinese cases write their tasks in Chinese under English meetings)."""
        source = _source(spec.title, spec.scope, spec.measures)
        if not source or source["source_language"] == task.source_language:
            return task
        texts = {"title": spec.title, "scope": spec.scope, "measures": spec.measures}
        changes: dict[str, Any] = {
            name: text for name, text in texts.items() if text and not isinstance(text, str)
        }
        return task_update(actor=self.managers_of(task.plan), task=task, **changes, **source)

    def task_spec(self, spec: KeyTaskSpec) -> Any:
        return meetings.TaskSpec(
            title=spec.title,
            lead_unit=self.units[spec.lead],
            due=spec.due,
            lead_person=self.users[spec.lead_person] if spec.lead_person else None,
            scope=spec.scope,
            measures=spec.measures,
            start=spec.start,
            supporting_units=tuple(self.units[code] for code in spec.supporting),
            code=spec.code,
        )

    def invite(self, meeting: Meeting, spec: MeetingSpec, organizer: User) -> None:
        """Invite, register (a week before the meeting) and check in at the door with the
        personal codes (a delegation with the number who came), as at the meeting's
        start (the demo loads years later)."""
        if spec.body:
            meetings.invitations_add_body_members(actor=organizer, meeting=meeting)
        absent: set[int] = set()
        for code in spec.unit_invitees:
            invitation = meetings.invitation_add(
                actor=organizer, meeting=meeting, unit=self.units[code]
            )
            if code in spec.absent_units:
                absent.add(invitation.pk)
        for code in spec.unit_guests:
            meetings.invitation_add(
                actor=organizer, meeting=meeting, unit=self.units[code], role=InviteeRole.GUEST
            )
        numbers: dict[int, int] = {}
        for delegation in spec.delegations:
            invitation = meetings.invitation_add(
                actor=organizer,
                meeting=meeting,
                unit=self.units[delegation.unit] if delegation.unit else None,
                label=delegation.label,
                role=delegation.role,
                delegation_size=delegation.size,
                head=delegation.head,
            )
            if delegation.present == 0:
                absent.add(invitation.pk)
            else:
                numbers[invitation.pk] = delegation.present or delegation.size
        for group in spec.groups:
            for number in range(1, group.count + 1):
                invitation = meetings.invitation_add(
                    actor=organizer,
                    meeting=meeting,
                    label=f"{group.label} {number}",
                    role=group.role,
                )
                if number > group.present:
                    absent.add(invitation.pk)
        week_before = selectors.meeting_day(meeting) - dt.timedelta(days=7)
        for invitation in Invitation.objects.filter(meeting=meeting).order_by("pk"):
            with clock_at(week_before, spec.timezone, 9):
                meetings.registration_set(actor=organizer, invitation=invitation, registered=True)
            if invitation.pk not in absent:
                meetings.check_in(
                    actor=organizer,
                    meeting=meeting,
                    code=invitation.code,
                    at=meeting.starts_at,
                    present=numbers.get(invitation.pk),
                )

    def agenda_item(
        self,
        meeting: Meeting,
        spec: AgendaSpec,
        parent: Any,
        position: int,
        organizer: User,
    ) -> None:
        item = meetings.agenda_item_add(
            actor=organizer,
            meeting=meeting,
            title=spec.title,
            duration_minutes=spec.minutes,
            parent=parent,
            speaker=spec.speaker,
            speaker_unit=self.units[spec.speaker_unit] if spec.speaker_unit else None,
            position=position,
        )
        for child_position, child in enumerate(spec.children, start=1):
            self.agenda_item(meeting, child, item, child_position, organizer)


def _source(*texts: Txt) -> dict[str, Any]:
    """A child record's own source language when its texts are given by language; else
    nothing, and it takes its parent's."""
    if any(not isinstance(text, str) for text in texts):
        return {"source_language": source_of(*texts)}
    return {}
