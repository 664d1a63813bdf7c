"""Reports: the review report of a campaign's review point and the work report of a work
plan as of a day. The narrative their staff write around the figures (read from the
record while a draft, see :mod:`pacesetter.reports.selectors` and
:mod:`pacesetter.reports.work`; frozen at finalize, :mod:`pacesetter.reports.frozen`)
is drafted, then finalized and locked, every saved version kept."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core import clock

#: The narrative sections, in the order of the report.
SECTIONS = ("achievements", "limitations", "lessons", "directions")
#: The last day a work report may be as of: its figures read the record up to the end of
#: the day, so the calendar has to have a next day (a later day is no plan's anyway).
LAST_DAY = dt.date(2100, 12, 31)
#: Their headings, on the page and in the files.
SECTION_TITLES = {
    "achievements": _("Achievements"),
    "limitations": _("Limitations"),
    "lessons": _("Lessons learned"),
    "directions": _("Directions for the next period"),
}


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final (locked)")


class ReportKind(models.TextChoices):
    REVIEW = "review", _("Review report")
    WORK = "work", _("Work report")


class Report(models.Model):
    """A report: the review report of a review point (for the whole campaign or for one
    cluster), or the work report of a work plan as of a day. ``figures`` holds the
    figures frozen at finalize, in every shipped language (``reports.frozen``); a draft
    has none and reads the record."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=ReportKind.choices, default=ReportKind.REVIEW
    )
    review_point = models.ForeignKey(
        "campaigns.ReviewPoint",
        verbose_name=_("review point"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    plan = models.ForeignKey(
        "workplans.WorkPlan",
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(
        _("language of the narrative"), max_length=10, choices=settings.LANGUAGES
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)
    finalized_at = models.DateTimeField(_("finalized"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: The figures frozen at finalize: {language: the title, facts, tables and chart as
    #: written into the files}; empty while a draft.
    figures = models.JSONField(_("figures frozen at finalize"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="review",
                        review_point__isnull=False,
                        plan__isnull=True,
                        as_of__isnull=True,
                    )
                    | Q(
                        kind="work",
                        review_point__isnull=True,
                        cluster__isnull=True,
                        plan__isnull=False,
                        as_of__isnull=False,
                    )
                ),
                name="report_kind_subject",
                violation_error_code="report_subject",
                violation_error_message=_(
                    "A review report is of a review point; a work report, of a work plan "
                    "as of a day."
                ),
            ),
            models.UniqueConstraint(
                fields=["plan", "as_of"],
                condition=Q(kind="work"),
                name="report_unique_work",
                violation_error_code="report_exists",
                violation_error_message=_("This work plan already has a report as of this day."),
            ),
            models.UniqueConstraint(
                fields=["review_point"],
                condition=Q(cluster__isnull=True),
                name="report_unique_campaign",
                violation_error_code="report_exists",
                violation_error_message=_("This review point already has a report."),
            ),
            models.UniqueConstraint(
                fields=["review_point", "cluster"],
                condition=Q(cluster__isnull=False),
                name="report_unique_cluster",
                violation_error_code="report_exists",
                violation_error_message=_(
                    "This review point already has a report for this cluster."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ReportKind.WORK:
            return f"{self.plan} @ {self.as_of}"
        if self.cluster_id is None:
            return str(self.review_point)
        return f"{self.review_point} — {self.cluster}"

    @property
    def is_locked(self) -> bool:
        return self.state == ReportState.FINAL


class ReportVersion(models.Model):
    """The narrative as saved once; a save adds the next version and changes none."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    achievements = models.TextField(_("achievements"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    directions = models.TextField(_("directions for the next period"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="report_version_unique",
                violation_error_code="version_taken",
                violation_error_message=_("This version of the report already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SECTIONS}
