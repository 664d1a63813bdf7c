"""The work report of a work plan as of a day: the figures read from the record and the
tables the page and the files show.

As of the day ``as_of`` (to its end, in the site's time zone): the plan's key tasks
created by then (``Task.created_at``, from ``core.clock``), each with who (lead unit and
person, supporting units), what (scope), how (measures) and how well (rating and
narrative); its progress then (the last report by that day, ``TaskUpdate.at``; for a
task whose progress comes from its milestones, the share of those done by then); its
status on that day with its reason (``workplans.rollup.task_status``: days overdue, or
the progress the schedule expects) and the lead's last note; its milestones met and
missed; the evidence uploaded by then (``TaskEvidence.uploaded_at``). Projects and the
plan roll up as the board does (weighted means). Everything is dated, so the report of a
day is the same whenever it is made.

A fixed number of queries whatever the number of tasks, milestones or files.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.core.formatting import number as formatted_number
from pacesetter.core.translations import fields_of, ordered
from pacesetter.units.models import Unit
from pacesetter.workplans import rollup
from pacesetter.workplans.forms import STATUS_LABELS
from pacesetter.workplans.models import (
    Milestone,
    ProgressMode,
    Project,
    Task,
    TaskEvidence,
    TaskUpdate,
    WorkPlan,
)
from pacesetter.workplans.selectors import STATUSES, plan_tasks

from .documents import Contents, Table

#: A milestone as of the report's day.
MET, LATE, MISSED, PENDING = "met", "late", "missed", "pending"


def milestone_labels() -> dict[str, str]:
    return {
        MET: _("Met"),
        LATE: _("Met late"),
        MISSED: _("Missed"),
        PENDING: _("Not due yet"),
    }


@dataclass(frozen=True)
class MilestoneLine:
    title: str
    due: dt.date | None
    done_on: dt.date | None  # done by the report's day, else None
    state: str  # MET, LATE (done after its due date), MISSED, PENDING


@dataclass(frozen=True)
class EvidenceLine:
    file_name: str
    title: str
    uploaded: dt.date
    url: str


@dataclass
class WorkTaskLine:
    """A key task as of the report's day."""

    pk: int
    project_id: int | None
    project: str
    code: str
    title: str
    lead_unit: str
    lead_person: str
    supporting: str
    scope: str
    measures: str
    rating: str
    narrative: str
    weight: Decimal
    start: dt.date | None
    due: dt.date | None
    done_on: dt.date | None  # done by the report's day, else None
    progress: Decimal | None
    status: str  # one of workplans.selectors.STATUSES
    reason: str
    note: str  # the lead's last note by that day
    milestones: list[MilestoneLine] = field(default_factory=list)
    evidence: list[EvidenceLine] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def effective_progress(self) -> Decimal | None:
        """As the roll-up counts it: 100 once done."""
        return rollup.HUNDRED if self.done_on is not None else self.progress


@dataclass(frozen=True)
class ProjectLine:
    code: str
    name: str
    lead_unit: str
    tasks: int
    progress: Decimal | None
    counts: dict[str, int]


@dataclass
class WorkFigures:
    plan: WorkPlan
    as_of: dt.date
    tasks: list[WorkTaskLine]
    projects: list[ProjectLine]
    progress: Decimal | None

    @property
    def title(self) -> str:
        return work_report_title(self.plan, self.as_of)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for task in self.tasks:
            counts[task.status] += 1
        return counts

    @property
    def milestone_counts(self) -> dict[str, int]:
        counts = dict.fromkeys((MET, LATE, MISSED, PENDING), 0)
        for task in self.tasks:
            for milestone in task.milestones:
                counts[milestone.state] += 1
        return counts

    @property
    def next_tasks(self) -> list[WorkTaskLine]:
        """The tasks for the next period: not done by the day, due after it (or without
        a due date)."""
        return [
            t for t in self.tasks if t.done_on is None and (t.due is None or t.due > self.as_of)
        ]


def work_report_title(plan: WorkPlan, as_of: dt.date) -> str:
    return _("Work report: %(plan)s, as of %(date)s") % {
        "plan": plan.name,
        "date": formats.date_format(as_of, "DATE_FORMAT"),
    }


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the site's time zone: what was recorded before
    it was recorded by that day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _reason(status: rollup.Status, as_of: dt.date, done_on: dt.date | None) -> str:
    """What explains the status on the report's day (the board's wording)."""
    if status.code == "done" and done_on is not None:
        return _("done on %(date)s") % {"date": formats.date_format(done_on, "SHORT_DATE_FORMAT")}
    if status.code == "late" and status.days_overdue:
        days = status.days_overdue
        return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
    if status.code in ("at_risk", "on_track") and status.expected is not None:
        return _("expected %(expected)s%% by %(day)s") % {
            "expected": formats.number_format(status.expected),
            "day": formats.date_format(as_of, "SHORT_DATE_FORMAT"),
        }
    return ""


def _milestone(milestone: Milestone, as_of: dt.date) -> MilestoneLine:
    done = milestone.done_on if milestone.done_on and milestone.done_on <= as_of else None
    due = milestone.due
    if done is not None:
        state = LATE if due is not None and done > due else MET
    elif due is not None and due < as_of:
        state = MISSED
    else:
        state = PENDING
    return MilestoneLine(title=milestone.title, due=due, done_on=done, state=state)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _tasks(user: Any, plan: WorkPlan, as_of: dt.date) -> QuerySet[Task]:
    """The plan's tasks the user sees, created by the day, with their last report and
    note by then, their supporting units, milestones and the files uploaded by then."""
    end = day_end(as_of)
    updates = TaskUpdate.objects.filter(task_id=OuterRef("pk"), at__lt=end).order_by("-at", "-pk")
    units = Unit.objects.only("pk", "code", "source_language", *fields_of("name")).order_by(
        ordered("name"), "pk"
    )
    return (
        # ``None`` is the system (a service run without a user), which sees every task.
        (Task.objects.filter(plan=plan) if user is None else plan_tasks(user, plan))
        .filter(created_at__lt=end)
        .annotate(
            progress_then=Subquery(updates.values("progress")[:1]),
            note_then=Subquery(updates.exclude(note="").values("note")[:1]),
        )
        .select_related("lead_unit", "lead_person", "project")
        .prefetch_related(
            Prefetch("supporting_units", queryset=units, to_attr="supporting"),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.order_by("position", "due", "pk"),
                to_attr="milestones_all",
            ),
            Prefetch(
                "evidence",
                queryset=TaskEvidence.objects.filter(uploaded_at__lt=end).order_by(
                    "uploaded_at", "pk"
                ),
                to_attr="evidence_then",
            ),
        )
        .order_by(
            F("project__position").asc(nulls_first=True),
            F("project_id").asc(nulls_first=True),
            "position",
            "pk",
        )
    )


def _line(task: Any, plan: WorkPlan, as_of: dt.date) -> WorkTaskLine:
    milestones = [_milestone(m, as_of) for m in task.milestones_all]
    done_on = task.done_on if task.done_on is not None and task.done_on <= as_of else None
    if task.progress_mode == ProgressMode.MILESTONES:
        progress = rollup.milestone_progress(
            [(m.done_on is not None and m.done_on <= as_of, m.weight) for m in task.milestones_all]
        )
    else:
        progress = task.progress_then
    status = rollup.task_status(
        progress=progress,
        start=task.start,
        due=task.due,
        today=as_of,
        margin=plan.at_risk_margin,
        done=done_on is not None,
    )
    return WorkTaskLine(
        pk=task.pk,
        project_id=task.project_id,
        project=str(task.project) if task.project is not None else "",
        code=task.code,
        title=task.title,
        lead_unit=task.lead_unit.name,
        lead_person=_person(task.lead_person),
        supporting=", ".join(unit.name for unit in task.supporting),
        scope=task.scope,
        measures=task.measures,
        rating=task.get_outcome_rating_display() if task.outcome_rating else "",
        narrative=task.outcome_narrative,
        weight=task.weight,
        start=task.start,
        due=task.due,
        done_on=done_on,
        progress=None if progress is None else Decimal(progress),
        status=status.code,
        reason=_reason(status, as_of, done_on),
        note=task.note_then or "",
        milestones=milestones,
        evidence=[
            EvidenceLine(
                file_name=posixpath.basename(e.file.name or ""),
                title=e.title,
                uploaded=timezone.localdate(e.uploaded_at),
                url=reverse("workplans:evidence_download", args=[task.pk, e.pk]),
            )
            for e in task.evidence_then
        ],
    )


def work_figures(user: Any, plan: WorkPlan, as_of: dt.date) -> WorkFigures:
    """The figures of the work report of ``plan`` as of ``as_of``, as ``user`` sees the
    plan, in the active language. Five queries: the tasks with their last report and
    note by the day, their supporting units, milestones and files, the projects."""
    tasks = [_line(task, plan, as_of) for task in _tasks(user, plan, as_of)]
    by_project: dict[int | None, list[WorkTaskLine]] = defaultdict(list)
    for task in tasks:
        by_project[task.project_id].append(task)

    def mean(lines: list[WorkTaskLine]) -> Decimal | None:
        return rollup.weighted_mean((t.effective_progress, t.weight) for t in lines)

    projects = []
    parts: list[tuple[Decimal | None, Decimal]] = []
    for project in Project.objects.filter(plan=plan).select_related("lead_unit"):
        lines = by_project.get(project.pk, [])
        progress = mean(lines)
        counts = dict.fromkeys(STATUSES, 0)
        for line in lines:
            counts[line.status] += 1
        projects.append(
            ProjectLine(
                code=project.code,
                name=project.name,
                lead_unit=project.lead_unit.name if project.lead_unit is not None else "",
                tasks=len(lines),
                progress=progress,
                counts=counts,
            )
        )
        parts.append((progress, project.weight))
    direct = [t for t in by_project.get(None, []) if t.effective_progress is not None]
    if direct:
        # The key tasks placed directly in the plan enter as one part with their summed
        # weight, as the board's roll-up counts them.
        parts.append((mean(direct), sum((t.weight for t in direct), Decimal(0))))
    return WorkFigures(
        plan=plan, as_of=as_of, tasks=tasks, projects=projects, progress=rollup.weighted_mean(parts)
    )


# --- the tables ---------------------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return formats.date_format(value, "DATE_FORMAT") if value is not None else None


def work_facts(figures: WorkFigures) -> list[str]:
    plan = figures.plan
    counts = figures.counts
    milestones = figures.milestone_counts
    return [
        _("Work plan: %(plan)s") % {"plan": plan.name},
        _("Body: %(body)s") % {"body": plan.body.name},
        _("Period: %(start)s – %(end)s")
        % {"start": _date(plan.period_start), "end": _date(plan.period_end)},
        _("As of: %(date)s") % {"date": _date(figures.as_of)},
        _("Key tasks: %(count)s") % {"count": formatted_number(len(figures.tasks))},
        _("Progress of the plan: %(progress)s")
        % {
            "progress": "—"
            if figures.progress is None
            else f"{formatted_number(figures.progress)}%"
        },
        "; ".join(
            f"{label}: {formatted_number(counts[code])}" for code, label in STATUS_LABELS.items()
        ),
        _(
            "Milestones met: %(met)s; met late: %(late)s; missed: %(missed)s; "
            "not due yet: %(pending)s"
        )
        % {
            "met": formatted_number(milestones[MET]),
            "late": formatted_number(milestones[LATE]),
            "missed": formatted_number(milestones[MISSED]),
            "pending": formatted_number(milestones[PENDING]),
        },
    ]


def work_tables(figures: WorkFigures) -> list[Table]:
    """The figures as tables, the same on the page and in every format."""
    labels = milestone_labels()
    tasks = figures.tasks
    no_task = _("No key task of this plan was created by this day.")
    evidence = [(t, e) for t in tasks for e in t.evidence]
    return [
        Table(
            "projects",
            _("Projects"),
            [
                _("Code"),
                _("Project"),
                _("Lead unit"),
                _("Key tasks"),
                _("Progress (%)"),
                *(str(label) for label in STATUS_LABELS.values()),
            ],
            [
                [p.code, p.name, p.lead_unit, p.tasks, p.progress, *p.counts.values()]
                for p in figures.projects
            ],
            _("This plan has no projects."),
        ),
        Table(
            "tasks",
            _("Key tasks: who, what, how and how well"),
            [
                _("Project"),
                _("Code"),
                _("Key task"),
                _("Lead unit"),
                _("Lead person"),
                _("Supporting units"),
                _("What (scope)"),
                _("How (measures)"),
                _("How well"),
            ],
            [
                [
                    t.project,
                    t.code,
                    t.title,
                    t.lead_unit,
                    t.lead_person,
                    t.supporting,
                    t.scope,
                    t.measures,
                    " — ".join(part for part in (t.rating, t.narrative) if part),
                ]
                for t in tasks
            ],
            no_task,
        ),
        Table(
            "progress",
            _("Progress and status"),
            [
                _("Code"),
                _("Key task"),
                _("Start"),
                _("Due"),
                _("Done on"),
                _("Progress (%)"),
                _("Status"),
                _("Reason"),
                _("The lead's last report"),
            ],
            [
                [
                    t.code,
                    t.title,
                    _date(t.start),
                    _date(t.due),
                    _date(t.done_on),
                    t.effective_progress,
                    t.status_label,
                    t.reason,
                    t.note,
                ]
                for t in tasks
            ],
            no_task,
        ),
        Table(
            "milestones",
            _("Milestones met and missed"),
            [_("Code"), _("Key task"), _("Milestone"), _("Due"), _("Done on"), _("Met or missed")],
            [
                [t.code, t.title, m.title, _date(m.due), _date(m.done_on), str(labels[m.state])]
                for t in tasks
                for m in t.milestones
            ],
            _("No key task of this plan has milestones."),
        ),
        Table(
            "evidence",
            _("Evidence"),
            [_("Code"), _("Key task"), _("File"), _("Title"), _("Uploaded")],
            [[t.code, t.title, e.file_name, e.title, _date(e.uploaded)] for t, e in evidence],
            _("No file was uploaded by this day."),
            link_column=2,
            links=[e.url for _t, e in evidence],
        ),
        Table(
            "next",
            _("Key tasks for the next period"),
            [_("Code"), _("Key task"), _("Lead unit"), _("Due"), _("Progress (%)"), _("Status")],
            [
                [t.code, t.title, t.lead_unit, _date(t.due), t.progress, t.status_label]
                for t in figures.next_tasks
            ],
            _("Every key task is done or was due by this day."),
        ),
    ]


def work_contents(figures: WorkFigures) -> Contents:
    """The work report's contents in the active language."""
    return Contents(
        kind=_("Work report"),
        title=figures.title,
        author=figures.plan.body.name,
        facts=work_facts(figures),
        tables=work_tables(figures),
    )
