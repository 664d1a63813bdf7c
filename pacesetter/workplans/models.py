"""Work plans, projects, key tasks, milestones, evidence, progress history and reminders.

A task's ``progress`` is the effective value (entered, or derived from its milestones)
kept by the services, with ``at_risk_from``: the first day on which the linear schedule
puts the task at risk at that progress. Both are stored so that the plan board can
filter and count by status in SQL; :mod:`pacesetter.workplans.rollup` holds the rules.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.core import clock
from pacesetter.core.files import validate_upload
from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    check_unique_per_language,
    source_text_present,
    unique_per_language,
)
from pacesetter.core.versions import version_field

WEIGHT_NEGATIVE = _("The weight cannot be negative.")
DATES_REVERSED = _("The end cannot be before the start.")


def weight_field() -> models.DecimalField:
    # The validator gives forms a field error; the constraint keeps the database true.
    return models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(0, message=WEIGHT_NEGATIVE)],
    )


def weight_not_negative(prefix: str) -> models.CheckConstraint:
    """A weight is zero or more; a form that misses it shows the translated message,
    never the constraint's name."""
    return models.CheckConstraint(
        condition=Q(weight__gte=0),
        name=f"{prefix}_weight_not_negative",
        violation_error_code="weight_negative",
        violation_error_message=WEIGHT_NEGATIVE,
    )


class PlanKind(models.TextChoices):
    YEAR = "year", _("Year")
    HALF_YEAR = "half_year", _("Half-year")


class PlanState(models.TextChoices):
    """A plan is ``open`` while its tasks are worked on; once ``closed`` (its period is
    over, its review done) its tasks are neither reminded nor escalated, and nothing of
    them changes until it is reopened (``workplans.workflows.plan_workflow``)."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class WorkPlan(models.Model):
    body = models.ForeignKey(
        "bodies.Body", verbose_name=_("body"), on_delete=models.PROTECT, related_name="work_plans"
    )
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=300), required=True)
    kind = models.CharField(_("period"), max_length=10, choices=PlanKind.choices)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    at_risk_margin = models.DecimalField(
        _("at-risk margin (points behind schedule)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(10),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind the lead this many days before the due date"), default=7
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate a task overdue by this many days"), default=7
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState.choices, default=PlanState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = version_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_key = SearchKeyField()

    search_fields = ("name",)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="work_plan_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=DATES_REVERSED,
            ),
            source_text_present("work_plan", "name"),
            *unique_per_language("work_plan", "name", together=["body"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)
        check_unique_per_language(self, "name", together=["body"])


class Project(models.Model):
    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="projects"
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=300), required=True)
    description = TranslatedText(models.TextField(_("description")))
    lead_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    weight = weight_field()
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["plan", "position", "pk"]
        constraints = [
            weight_not_negative("project"),
            source_text_present("project", "name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self) -> None:
        check_source_text(self)


class ProgressMode(models.TextChoices):
    ENTERED = "entered", _("Entered")
    MILESTONES = "milestones", _("From milestones")


class OutcomeRating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class Task(models.Model):
    """A key task: who (lead unit and person, supporting units), what (scope), how
    (measures) and how well (outcome rating and narrative, filled at review)."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(_("title"), max_length=300), required=True)
    lead_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    lead_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    supporting_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("supporting units"), blank=True, related_name="supported_tasks"
    )
    scope = TranslatedText(models.TextField(_("what (scope)")))
    measures = TranslatedText(models.TextField(_("how (measures)")))
    outcome_rating = models.CharField(
        _("how well (rating)"), max_length=20, choices=OutcomeRating.choices, blank=True
    )
    outcome_narrative = TranslatedText(models.TextField(_("how well (narrative)")))
    start = models.DateField(_("start"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    weight = weight_field()
    progress_mode = models.CharField(
        _("progress"), max_length=12, choices=ProgressMode.choices, default=ProgressMode.ENTERED
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    at_risk_from = models.DateField(editable=False, null=True, blank=True)
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    resolution = models.ForeignKey(
        "meetings.Resolution",
        verbose_name=_("from resolution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    finding = models.ForeignKey(
        "meetings.Finding",
        verbose_name=_("follows up finding"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the task entered the plan (core.clock), so that a work report "as of" a day
    # leaves out the tasks created after it, also when a loader replays the past.
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search_key = SearchKeyField()

    search_fields = ("code", "title")

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["plan", "project", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | (Q(progress__gte=0) & Q(progress__lte=100)),
                name="task_progress_share",
                violation_error_code="progress_share",
                violation_error_message=_("Enter a progress between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(due__isnull=True) | Q(due__gte=F("start")),
                name="task_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The due date cannot be before the start."),
            ),
            weight_not_negative("task"),
            source_text_present("task", "title"),
        ]
        indexes = [
            models.Index(fields=["plan", "lead_unit"]),
            models.Index(fields=["lead_unit", "due"]),
            models.Index(fields=["due"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def clean(self) -> None:
        check_source_text(self)

    @property
    def completion(self) -> str:
        """``done`` once reported done (it has a ``done_on``), else ``open``: the state
        field of the task's workflow (``workplans.workflows.task_workflow``)."""
        return "done" if self.done_on is not None else "open"


class Milestone(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones"
    )
    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(_("title"), max_length=300), required=True)
    due = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    weight = weight_field()
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["task", "position", "due", "pk"]
        constraints = [
            weight_not_negative("milestone"),
            source_text_present("milestone", "title"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_source_text(self)


def task_file_path(instance: "TaskEvidence", filename: str) -> str:
    return f"tasks/{instance.task_id}/{filename}"


class TaskEvidence(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=task_file_path, validators=[validate_upload])
    #: The supporting unit whose part the file documents; blank for the lead's evidence.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("for the part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # core.clock, as the task's history: a work report as of a day lists the files
    # uploaded by then.
    uploaded_at = models.DateTimeField(_("uploaded"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["task", "-uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.file.name or ""


class TaskPart(models.Model):
    """A supporting unit's own part of a task: its last reported progress and note.
    The lead's report stays on the task; each supporting unit keeps one part, which its
    officers (or the committee staff over it) report on."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="parts"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("supporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), auto_now=True)

    class Meta:
        verbose_name = _("supporting unit's part")
        verbose_name_plural = _("supporting units' parts")
        ordering = ["task", "unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"],
                name="task_part_one_per_unit",
                violation_error_code="already_assigned",
                violation_error_message=_("This unit already has a part of this task."),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | (Q(progress__gte=0) & Q(progress__lte=100)),
                name="task_part_progress_share",
                violation_error_code="progress_share",
                violation_error_message=_("Enter a progress between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} — {self.unit}"


class TaskUpdate(models.Model):
    """One entry of a task's history: a progress report, a milestone done, a review."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates"
    )
    # The moment of the report (core.clock: now, or the past moment a loader replays).
    at = models.DateTimeField(_("at"), default=clock.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # The progress the lead entered when it differs from the result: a report of 30% with
    # the day it was done leaves the task at 100%, and reopening it goes back to the 30%.
    reported_progress = models.DecimalField(
        _("reported progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("task update")
        verbose_name_plural = _("task updates")
        ordering = ["task", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} @ {self.at:%Y-%m-%d}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    ESCALATION = "escalation", _("Overdue: escalated")


class Reminder(models.Model):
    """One mail about one task to one person, for one due date: created once (the unique
    constraint), claimed by one worker at a time with a token (``core.outbox``), so it is
    sent once even when two workers run."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    due = models.DateField(_("due date concerned"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: The claiming worker's random token (``core.outbox``); empty when unclaimed.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(pgettext_lazy("an e-mail", "sent"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "due", "recipient"],
                name="reminder_once",
                violation_error_code="reminder_sent",
                violation_error_message=_("This reminder has already been sent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.task} → {self.recipient}"


class CalendarFeed(models.Model):
    """A user's secret iCal address: calendar programs cannot log in, so the token in
    the address is the key. Only its SHA-256 is stored (the address is shown once, when
    it is made); resetting it makes the old address stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} (iCal)"
