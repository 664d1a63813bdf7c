"""Writes to work plans, projects, tasks, milestones and evidence, and the users' calendar
addresses.

Every function runs in one transaction with its audit entry. After any change that
moves a task's progress or dates, :func:`task_refresh` recomputes the stored effective
``progress`` (entered, or from the milestones) and ``at_risk_from``. Progress reports
check the ``version`` the caller read: a stale one raises :class:`ConflictError`.

A closed plan (``plan_close``) is read-only: every write to it, its projects, its tasks,
their milestones and evidence is refused with the code ``plan_closed`` until
``plan_reopen``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pacesetter.accounts.models import Role, RoleAssignment
from pacesetter.audit.services import audit_record, audited_create, audited_update
from pacesetter.bodies.models import Body
from pacesetter.chains.models import Chain
from pacesetter.core import clock
from pacesetter.core.errors import ConflictError, FieldRuleError
from pacesetter.core.files import check_upload, upload_stored
from pacesetter.core.translations import Text, column, expand, fields_of
from pacesetter.core.versions import next_version
from pacesetter.notifications import kinds as notice
from pacesetter.notifications.services import notify, translated
from pacesetter.units.models import Unit

from . import rollup
from .models import (
    CalendarFeed,
    Milestone,
    PlanState,
    ProgressMode,
    Project,
    Task,
    TaskEvidence,
    TaskPart,
    TaskUpdate,
    WorkPlan,
)
from .workflows import plan_workflow, task_workflow

#: Translatable texts are given by column (``name_vi``, as forms do) or by name
#: (``name``: a text in the record's source language, or texts by language), which
#: ``expand`` turns into columns; a project, task or milestone takes its parent's source
#: language unless given its own.
PLAN_FIELDS = (
    "body",
    "source_language",
    *fields_of("name"),
    "kind",
    "period_start",
    "period_end",
    "at_risk_margin",
    "remind_days_before",
    "escalate_after_days",
)
PROJECT_FIELDS = (
    "plan",
    "code",
    "source_language",
    *fields_of("name", "description"),
    "lead_unit",
    "chain",
    "weight",
    "position",
)
TASK_FIELDS = (
    "plan",
    "project",
    "code",
    "source_language",
    *fields_of("title", "scope", "measures"),
    "lead_unit",
    "lead_person",
    "start",
    "due",
    "weight",
    "progress_mode",
    "chain",
    "resolution",
    "finding",
    "position",
)
TASK_EDITABLE = tuple(f for f in TASK_FIELDS if f not in ("plan", "resolution", "finding"))
MILESTONE_FIELDS = (
    "task",
    "source_language",
    *fields_of("title"),
    "due",
    "done_on",
    "weight",
    "position",
)
NARRATIVE_FIELDS = fields_of("outcome_narrative")


def _texts(model: Any, texts: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """``texts`` (with ``source_language``) as the model's columns; another name is a
    caller's error."""
    out = expand(model, texts, source=texts["source_language"])
    unknown = set(out) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return out


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


#: The code of the error raised for a write to a closed plan or to one of its tasks.
PLAN_CLOSED = "plan_closed"


def _check_open(plan_id: int, state: str | None = None) -> None:
    """Refuse a write to a closed plan (or its projects, tasks, milestones, evidence).

    The state is read afresh unless the caller has just read it (``state``): the object
    a caller holds may be older than a close."""
    if state is None:
        state = WorkPlan.objects.filter(pk=plan_id).values_list("state", flat=True).first()
    if state == PlanState.CLOSED:
        raise ValidationError(
            _("This work plan is closed; reopen it to change it or its key tasks."),
            code=PLAN_CLOSED,
        )


def _today() -> dt.date:
    """The local date: the day a report without a date is done on, and the last day a
    task or milestone may be reported done on."""
    return timezone.localdate(clock.now())


# --- plans and projects -----------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    body: Body,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    name: str | Text | None = None,
    **options: Any,
) -> WorkPlan:
    """A work plan of ``body``; ``name`` in ``source_language`` (English unless given)
    or by language, or as its columns. A name used by another plan of the body in a
    language is an error on that language's column."""
    options = expand(
        WorkPlan, {"name": name, **options}, source=options.get("source_language") or "en"
    )
    plan = WorkPlan(
        body=body,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        created_by=_actor(actor),
        **options,
    )
    return audited_create(actor=actor, instance=plan, action="workplan.create", fields=PLAN_FIELDS)


#: Tasks read and written at a time when a new margin moves every task's ``at_risk_from``.
REFRESH_BATCH = 1000


def _check_period(plan: WorkPlan, start: dt.date, end: dt.date) -> None:
    """Refuse a period that would leave task start or due dates outside it."""
    errors: dict[str, str] = {}
    tasks = Task.objects.filter(plan=plan).order_by()
    if start != plan.period_start:
        before = tasks.filter(Q(start__lt=start) | Q(due__lt=start)).count()
        if before:
            errors["period_start"] = ngettext(
                "%(count)s key task has a start or due date before this day; "
                "change its dates first.",
                "%(count)s key tasks have a start or due date before this day; "
                "change their dates first.",
                before,
            ) % {"count": before}
    if end != plan.period_end:
        after = tasks.filter(Q(start__gt=end) | Q(due__gt=end)).count()
        if after:
            errors["period_end"] = ngettext(
                "%(count)s key task has a start or due date after this day; "
                "change its dates first.",
                "%(count)s key tasks have a start or due date after this day; "
                "change their dates first.",
                after,
            ) % {"count": after}
    if errors:
        raise ValidationError(errors)


def _refresh_at_risk(plan: WorkPlan) -> None:
    """Recompute every task's ``at_risk_from`` for the plan's margin from its stored
    progress (no milestone reads): :data:`REFRESH_BATCH` tasks read (and locked) at a
    time, in order of id, and the changed ones written with one UPDATE per batch."""
    tasks = (
        Task.objects.filter(plan=plan)
        .select_for_update()
        .only("pk", "progress", "start", "due", "at_risk_from")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(tasks.filter(pk__gt=last)[:REFRESH_BATCH])
        if not batch:
            return
        last = batch[-1].pk
        changed = []
        for task in batch:
            at_risk_from = at_risk_start(task.progress, task.start, task.due, plan.at_risk_margin)
            if at_risk_from != task.at_risk_from:
                task.at_risk_from = at_risk_from
                changed.append(task)
        if changed:
            Task.objects.bulk_update(changed, ["at_risk_from"], batch_size=REFRESH_BATCH)


@transaction.atomic
def plan_update(
    *, actor: Any, plan: WorkPlan, version: int | None = None, **changes: Any
) -> WorkPlan:
    """Change a plan (its managers). A new period must still hold every task's dates; a
    new at-risk margin recomputes every task's ``at_risk_from``. A closed plan is
    refused (``plan_closed``), a ``version`` no longer the stored one too
    (``core.versions.next_version``)."""
    _check_open(plan.pk)
    next_ = next_version(plan, version)
    changes = expand(
        WorkPlan, changes, source=changes.get("source_language") or plan.source_language
    )
    margin_before = plan.at_risk_margin
    _check_period(
        plan,
        changes.get("period_start") or plan.period_start,
        changes.get("period_end") or plan.period_end,
    )
    plan = audited_update(
        actor=actor,
        instance=plan,
        action="workplan.update",
        changes={**changes, "version": next_},
        allowed=(*PLAN_FIELDS[1:], "version"),
        fields=PLAN_FIELDS,
    )
    if plan.at_risk_margin != margin_before:
        _refresh_at_risk(plan)
    return plan


@transaction.atomic
def plan_close(*, actor: Any, plan: WorkPlan) -> WorkPlan:
    """Close a plan (its managers): its tasks are no longer reminded nor escalated, and
    nothing of the plan changes until it is reopened. Closing a closed plan is refused
    (``invalid_transition``)."""
    current = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    plan_workflow.check(current, "close")
    return audited_update(
        actor=actor,
        instance=current,
        action="workplan.close",
        changes={"state": PlanState.CLOSED},
        allowed=("state",),
        fields=("state",),
    )


@transaction.atomic
def plan_reopen(*, actor: Any, plan: WorkPlan) -> WorkPlan:
    """Reopen a closed plan (its managers): its tasks can be changed again, and those not
    done are reminded and escalated again by the next scan."""
    current = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    plan_workflow.check(current, "reopen")
    return audited_update(
        actor=actor,
        instance=current,
        action="workplan.reopen",
        changes={"state": PlanState.OPEN},
        allowed=("state",),
        fields=("state",),
    )


@transaction.atomic
def project_create(
    *,
    actor: Any,
    plan: WorkPlan,
    name: str | Text | None = None,
    code: str = "",
    description: str | Text | None = None,
    lead_unit: Unit | None = None,
    chain: Chain | None = None,
    weight: Decimal = Decimal(1),
    position: int | None = None,
    **texts: Any,
) -> Project:
    """A project of ``plan``, in the plan's source language unless ``source_language``
    is given."""
    _check_open(plan.pk)
    texts.setdefault("source_language", plan.source_language)
    texts = _texts(Project, {"name": name, "description": description, **texts}, PROJECT_FIELDS)
    if position is None:
        position = plan.projects.count() + 1
    project = Project(
        plan=plan,
        code=code,
        **texts,
        lead_unit=lead_unit,
        chain=chain,
        weight=weight,
        position=position,
    )
    return audited_create(
        actor=actor, instance=project, action="workplan.project_create", fields=PROJECT_FIELDS
    )


@transaction.atomic
def project_update(*, actor: Any, project: Project, **changes: Any) -> Project:
    _check_open(project.plan_id)
    changes = expand(
        Project, changes, source=changes.get("source_language") or project.source_language
    )
    return audited_update(
        actor=actor,
        instance=project,
        action="workplan.project_update",
        changes=changes,
        allowed=PROJECT_FIELDS[1:],
        fields=PROJECT_FIELDS,
    )


# --- tasks ------------------------------------------------------------------------


def at_risk_start(
    progress: Decimal | None, start: dt.date | None, due: dt.date | None, margin: Decimal
) -> dt.date | None:
    """The first day on which :func:`rollup.task_status` calls the task at risk, if the
    progress stays as it is; ``None`` when the linear schedule never gets that far ahead
    before the due date (after it the task is late, not at risk)."""
    if start is None or due is None or due <= start:
        return None
    if progress is not None and progress >= rollup.HUNDRED:
        return None

    def at_risk(day: dt.date) -> bool:
        status = rollup.task_status(
            progress=progress, start=start, due=due, today=day, margin=margin
        )
        return status.code == "at_risk"

    if not at_risk(due):
        return None
    low, high = 1, (due - start).days  # at_risk(start + high) holds; expected only grows
    while low < high:
        middle = (low + high) // 2
        if at_risk(start + dt.timedelta(days=middle)):
            high = middle
        else:
            low = middle + 1
    return start + dt.timedelta(days=low)


def task_refresh(task: Task, *, plan: WorkPlan | None = None) -> Task:
    """Recompute and store the effective progress and ``at_risk_from``."""
    plan = plan or task.plan
    if task.progress_mode == ProgressMode.MILESTONES:
        task.progress = rollup.milestone_progress(
            (m.done_on is not None, m.weight) for m in task.milestones.all()
        )
    elif task.progress is None:
        task.progress = Decimal(0)
    task.at_risk_from = at_risk_start(task.progress, task.start, task.due, plan.at_risk_margin)
    Task.objects.filter(pk=task.pk).update(progress=task.progress, at_risk_from=task.at_risk_from)
    return task


def _check_task(task: Task) -> None:
    plan = task.plan
    if task.project is not None and task.project.plan_id != plan.pk:
        raise ValidationError({"project": _("The project belongs to another work plan.")})
    for name in ("start", "due"):
        value = getattr(task, name)
        if value is not None and not (plan.period_start <= value <= plan.period_end):
            raise ValidationError(
                {
                    name: _("The date must fall within the plan's period (%(start)s – %(end)s).")
                    % {"start": plan.period_start, "end": plan.period_end}
                }
            )


@transaction.atomic
def task_create(
    *,
    actor: Any,
    plan: WorkPlan,
    lead_unit: Unit,
    title: str | Text | None = None,
    project: Project | None = None,
    code: str = "",
    lead_person: Any = None,
    supporting_units: Iterable[Unit] = (),
    scope: str | Text | None = None,
    measures: str | Text | None = None,
    start: dt.date | None = None,
    due: dt.date | None = None,
    weight: Decimal = Decimal(1),
    progress_mode: str = ProgressMode.ENTERED,
    chain: Chain | None = None,
    resolution: Any = None,
    finding: Any = None,
    position: int | None = None,
    **texts: Any,
) -> Task:
    """Create a key task (in a project, or directly in the plan); a closed plan is
    refused (``plan_closed``). Its texts are in the plan's source language unless
    ``source_language`` is given."""
    _check_open(plan.pk)
    texts.setdefault("source_language", plan.source_language)
    texts = _texts(
        Task, {"title": title, "scope": scope, "measures": measures, **texts}, TASK_FIELDS
    )
    if position is None:
        position = Task.objects.filter(plan=plan, project=project).count() + 1
    task = Task(
        plan=plan,
        project=project,
        code=code,
        **texts,
        lead_unit=lead_unit,
        lead_person=lead_person,
        start=start,
        due=due,
        weight=weight,
        progress_mode=progress_mode,
        progress=Decimal(0) if progress_mode == ProgressMode.ENTERED else None,
        chain=chain,
        resolution=resolution,
        finding=finding,
        position=position,
        created_by=_actor(actor),
    )
    _check_task(task)
    audited_create(actor=actor, instance=task, action="task.create", fields=TASK_FIELDS)
    supporting = [u for u in supporting_units if u.pk != lead_unit.pk]
    if supporting:
        task.supporting_units.set(supporting)
        audit_record(
            actor=actor,
            action="task.supporting_units",
            target=task,
            changes={"supporting_units": [[], sorted(u.pk for u in supporting)]},
        )
    _notify_lead(task)
    return task_refresh(task, plan=plan)


def _notify_lead(task: Task, *, before: tuple[int | None, int | None] = (None, None)) -> None:
    """Tell the task's lead it is theirs (the lead person and the lead unit's officers, as
    the reminders choose them), when the lead is new: ``before`` is (unit, person)."""
    unit_id, person_id = task.lead_unit_id, task.lead_person_id
    people = [person_id] if person_id and person_id != before[1] else []
    if unit_id != before[0]:
        people.extend(
            RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, unit_id=unit_id).values_list(
                "user_id", flat=True
            )
        )
    notify(
        people,
        notice.TASK_ASSIGNED,
        {
            "task": translated(task, "title"),
            "plan": translated(task.plan, "name"),
            "unit": translated(task.lead_unit, "name"),
        },
        ("workplans:task_detail", [task.pk]),
    )


def _locked(task: Task, version: int | None) -> Task:
    """The task locked for a write: a closed plan's task is refused (``plan_closed``),
    then a stale ``version`` (:class:`ConflictError`)."""
    current = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
    _check_open(current.plan_id, current.plan.state)
    if version is not None and current.version != version:
        raise ConflictError(
            _(
                "Someone else saved this task since you opened it. Reload to see their "
                "change; nothing of yours was saved."
            )
        )
    return current


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: Task,
    version: int | None = None,
    supporting_units: Iterable[Unit] | None = None,
    **changes: Any,
) -> Task:
    """Change what, who, dates, weight or progress mode (the plan's managers)."""
    current = _locked(task, version)
    lead_before = (current.lead_unit_id, current.lead_person_id)
    changes = expand(
        Task, changes, source=changes.get("source_language") or current.source_language
    )
    unknown = set(changes) - set(TASK_EDITABLE)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(current, name, value)
    _check_task(current)
    current = audited_update(
        actor=actor,
        instance=current,
        action="task.update",
        changes={**changes, "version": current.version + 1},
        allowed=(*TASK_EDITABLE, "version"),
        fields=TASK_FIELDS,
    )
    if supporting_units is not None:
        before = sorted(current.supporting_units.values_list("pk", flat=True))
        after = sorted(u.pk for u in supporting_units if u.pk != current.lead_unit_id)
        if before != after:
            current.supporting_units.set(after)
            audit_record(
                actor=actor,
                action="task.supporting_units",
                target=current,
                changes={"supporting_units": [before, after]},
            )
    _notify_lead(current, before=lead_before)
    return task_refresh(current)


def _tenth(progress: Decimal) -> Decimal:
    """Progress as stored: to a tenth of a percent (so 99.96 is 100, and done)."""
    return Decimal(progress).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _check_done_on(task: Task, done_on: dt.date, field: str = "done_on") -> None:
    """A task (or milestone) is done on a day that has come, and not before the task
    starts (or, for a task without a start, before its plan does)."""
    today = _today()
    if done_on > today:
        raise ValidationError({field: _("The day it was done cannot be in the future.")})
    start = task.start or task.plan.period_start
    if done_on < start:
        raise ValidationError(
            {
                field: _("The day it was done cannot be before the task starts (%(start)s).")
                % {"start": start}
            }
        )


@transaction.atomic
def task_report(
    *,
    actor: Any,
    task: Task,
    progress: Decimal | None = None,
    note: str = "",
    done_on: dt.date | None = None,
    version: int | None = None,
) -> Task:
    """A progress report from the lead: the progress (entered mode only), a note, and,
    when the task is finished, the day it was done. Every report is kept in the history."""
    current = _locked(task, version)
    task_workflow.check(current, "report")
    if progress is not None:
        if current.progress_mode == ProgressMode.MILESTONES:
            raise ValidationError(
                {"progress": _("This task's progress comes from its milestones.")}
            )
        progress = _tenth(progress)
        if not (Decimal(0) <= progress <= rollup.HUNDRED):
            raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if progress is None and not note.strip() and done_on is None:
        raise ValidationError(_("Enter a progress value, a note or the day it was done."))
    if done_on is not None:
        _check_done_on(current, done_on)
    before = {"progress": current.progress, "done_on": current.done_on}
    reported = progress
    if progress is not None:
        current.progress = progress
        if progress >= rollup.HUNDRED and done_on is None and current.done_on is None:
            done_on = _today()
    if done_on is not None:
        current.done_on = done_on
        if current.progress_mode == ProgressMode.ENTERED:
            current.progress = rollup.HUNDRED
    current.version += 1
    current.save(update_fields=["progress", "done_on", "version", "updated_at"])
    task_refresh(current)
    TaskUpdate.objects.create(
        task=current,
        actor=_actor(actor),
        progress=current.progress,
        reported_progress=reported if reported != current.progress else None,
        note=note,
    )
    audit_record(
        actor=actor,
        action="task.report",
        target=current,
        changes={
            "progress": [str(before["progress"]), str(current.progress)],
            "done_on": [before["done_on"], current.done_on],
            "note": ["", note],
        },
    )
    return current


#: The unit named for a part does not support the task.
NOT_SUPPORTING = "not_supporting"


@transaction.atomic
def task_part_report(
    *, actor: Any, task: Task, unit: Unit, progress: Decimal | None = None, note: str = ""
) -> TaskPart:
    """A supporting unit reports its own part of ``task``: its progress and a note. The
    task's own progress, done day and history (the lead's report) do not change. ``unit``
    must support the task (code ``not_supporting``); who may report for which unit is
    the policy's ``part_units``."""
    _check_open(task.plan_id)
    if not task.supporting_units.filter(pk=unit.pk).exists():
        raise FieldRuleError("unit", _("This unit does not support the task."), code=NOT_SUPPORTING)
    if progress is not None:
        progress = _tenth(progress)
        if not (Decimal(0) <= progress <= rollup.HUNDRED):
            raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if progress is None and not note.strip():
        raise ValidationError(_("Enter a progress value or a note."))
    # The task's row is locked so that two reports of one part come one after the other
    # (no ordering: PostgreSQL refuses FOR UPDATE across the ordering's outer joins).
    Task.objects.select_for_update().filter(pk=task.pk).order_by().values_list("pk").get()
    part = TaskPart.objects.filter(task=task, unit=unit).order_by().first()
    before = (part.progress, part.note) if part else (None, "")
    if part is None:
        part = TaskPart(task=task, unit=unit)
    if progress is not None:
        part.progress = progress
    part.note = note
    part.reported_by = _actor(actor)
    part.save()
    audit_record(
        actor=actor,
        action="task.part_report",
        target=task,
        changes={
            "unit": [None, unit.pk],
            "progress": [str(before[0]), str(part.progress)],
            "note": [before[1], part.note],
        },
    )
    return part


@transaction.atomic
def task_reopen(
    *,
    actor: Any,
    task: Task,
    note: str,
    progress: Decimal | None = None,
    version: int | None = None,
) -> Task:
    """Undo "done" (the plan's managers), with the reason in the history.

    A task with entered progress goes back to ``progress`` (below 100); by default, to
    the last progress below 100 it was reported at (also the one entered with the day it
    was done, which the task itself shows as 100), or 0. A task whose progress comes
    from its milestones takes theirs, so one of them must be marked not done first."""
    current = _locked(task, version)
    task_workflow.check(current, "reopen")
    if not note.strip():
        raise ValidationError({"note": _("Say why the task is reopened.")})
    before = {"progress": current.progress, "done_on": current.done_on}
    if current.progress_mode == ProgressMode.MILESTONES:
        if progress is not None:
            raise ValidationError(
                {"progress": _("This task's progress comes from its milestones.")}
            )
    else:
        if progress is None:
            last = (
                current.updates.annotate(entered=Coalesce("reported_progress", "progress"))
                .filter(entered__lt=rollup.HUNDRED)
                .order_by("-at", "-pk")
                .values_list("entered", flat=True)
                .first()
            )
            progress = last if last is not None else Decimal(0)
        progress = _tenth(progress)
        if not (Decimal(0) <= progress < rollup.HUNDRED):
            raise ValidationError({"progress": _("A reopened task's progress is below 100%.")})
        current.progress = progress
    current.done_on = None
    task_refresh(current)
    if current.progress is not None and current.progress >= rollup.HUNDRED:
        raise ValidationError(
            _(
                "Every milestone of this task is done: mark the one that is not done "
                "after all as not done, then reopen the task."
            )
        )
    current.version += 1
    current.save(update_fields=["progress", "done_on", "version", "updated_at"])
    TaskUpdate.objects.create(
        task=current, actor=_actor(actor), progress=current.progress, note=note
    )
    audit_record(
        actor=actor,
        action="task.reopen",
        target=current,
        changes={
            "done_on": [before["done_on"], None],
            "progress": [str(before["progress"]), str(current.progress)],
        },
    )
    return current


@transaction.atomic
def task_review(
    *, actor: Any, task: Task, rating: str, narrative: str | Text, version: int | None = None
) -> Task:
    """How well it went: the outcome rating and narrative, filled at review. The
    narrative is a text in the task's source language, or texts by language (merged);
    the source language's one must not be empty."""
    current = _locked(task, version)
    task_workflow.check(current, "review")
    texts = expand(Task, {"outcome_narrative": narrative}, source=current.source_language)
    source_column = column("outcome_narrative", current.source_language)
    if not str(texts.get(source_column, getattr(current, source_column))).strip():
        raise ValidationError({"outcome_narrative": _("Describe how well the task went.")})
    return audited_update(
        actor=actor,
        instance=current,
        action="task.review",
        changes={"outcome_rating": rating, **texts, "version": current.version + 1},
        allowed=("outcome_rating", *NARRATIVE_FIELDS, "version"),
        fields=("outcome_rating", *NARRATIVE_FIELDS),
    )


# --- milestones and evidence -------------------------------------------------------


@transaction.atomic
def milestone_add(
    *,
    actor: Any,
    task: Task,
    title: str | Text | None = None,
    due: dt.date | None = None,
    weight: Decimal = Decimal(1),
    **texts: Any,
) -> Milestone:
    """A milestone of ``task``, in the task's source language unless given."""
    _check_open(task.plan_id)
    texts.setdefault("source_language", task.source_language)
    texts = _texts(Milestone, {"title": title, **texts}, MILESTONE_FIELDS)
    milestone = Milestone(
        task=task, due=due, weight=weight, position=task.milestones.count() + 1, **texts
    )
    audited_create(
        actor=actor, instance=milestone, action="task.milestone_add", fields=MILESTONE_FIELDS
    )
    Task.objects.filter(pk=task.pk).update(version=F("version") + 1)
    task_refresh(Task.objects.get(pk=task.pk))
    return milestone


@transaction.atomic
def milestone_set_done(
    *, actor: Any, milestone: Milestone, done_on: dt.date | None, note: str = ""
) -> Milestone:
    """Mark a milestone done on a day (or not done); the task's progress follows."""
    _check_open(Task.objects.values_list("plan_id", flat=True).get(pk=milestone.task_id))
    if done_on is not None:
        _check_done_on(Task.objects.select_related("plan").get(pk=milestone.task_id), done_on)
    milestone = audited_update(
        actor=actor,
        instance=milestone,
        action="task.milestone_done",
        changes={"done_on": done_on},
        allowed=("done_on",),
        fields=("done_on",),
    )
    Task.objects.filter(pk=milestone.task_id).update(version=F("version") + 1)
    task = task_refresh(Task.objects.select_related("plan").get(pk=milestone.task_id))
    label = (_("Milestone done: %(title)s") if done_on else _("Milestone not done: %(title)s")) % {
        "title": milestone.title
    }
    TaskUpdate.objects.create(
        task=task, actor=_actor(actor), progress=task.progress, note=f"{label}. {note}".strip()
    )
    return milestone


@transaction.atomic
def evidence_add(
    *, actor: Any, task: Task, file: File, title: str = "", unit: Unit | None = None
) -> TaskEvidence:
    """Attach a file to the task, or with ``unit`` to that supporting unit's part (code
    ``not_supporting`` if it does not support the task). A file over the limit or of
    another type is refused on ``file`` (codes ``file_too_large``, ``file_type``); the
    stored file is removed again if the row or its audit entry is not written."""
    _check_open(task.plan_id)
    if unit is not None and not task.supporting_units.filter(pk=unit.pk).exists():
        raise FieldRuleError("unit", _("This unit does not support the task."), code=NOT_SUPPORTING)
    check_upload(file)
    evidence = TaskEvidence(task=task, title=title, unit=unit, uploaded_by=_actor(actor))
    with upload_stored(evidence, "file", file):
        return audited_create(
            actor=actor,
            instance=evidence,
            action="task.evidence_add",
            fields=("task", "unit", "title", "file"),
        )


# --- the calendar address ----------------------------------------------------------------


def calendar_token_new() -> str:
    """A new secret for a calendar address."""
    return secrets.token_urlsafe(32)


def calendar_token_hash(token: str) -> str:
    """What is stored of a calendar address's token (and looked up by): its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def calendar_feed_reset(*, actor: Any, user: Any) -> tuple[CalendarFeed, str]:
    """Give ``user`` a calendar address, or a new one: the old address stops working.
    Returns the feed and its token, which is not stored (only its hash is): the caller
    shows it once. The audit entry never holds the token (it is the key to the feed)."""
    token = calendar_token_new()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=user, token_hash=calendar_token_hash(token))
        action = "calendar_feed.create"
    else:
        feed.token_hash = calendar_token_hash(token)
        feed.created_at = timezone.now()  # when this address was made
        feed.save(update_fields=["token_hash", "created_at"])
        action = "calendar_feed.reset"
    audit_record(actor=actor, action=action, target=feed, changes={})
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor: Any, user: Any) -> bool:
    """Take ``user``'s calendar address away: it stops working, and a new one can be made
    later. Whether there was one to revoke; none writes no audit entry."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    audit_record(actor=actor, action="calendar_feed.revoke", target=feed, changes={})
    feed.delete()
    return True
