"""A spreadsheet import too large to run during the request: the stored upload, who sent
it and for what, and where it stands (docs/architecture.md, "Background imports")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    WAITING = "waiting", _("Waiting for the job worker")
    READING = "reading", _("Reading the file")
    SAVING = "saving", _("Saving")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Nothing was saved")


FINISHED = (JobState.SUCCEEDED, JobState.FAILED)


class ImportJob(models.Model):
    #: The importer, a key of :mod:`pacesetter.imports.registry` (e.g. "scoring.actuals").
    kind = models.CharField(_("kind"), max_length=60)
    #: What the importer needs besides the file (ids, checked again when the job runs).
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=300)
    #: The page the import was started from.
    back_url = models.CharField(_("back to"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
    )
    #: The language the uploader read the page in: the job's messages are in it.
    language = models.CharField(_("language"), max_length=16)
    upload = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    state = models.CharField(
        _("state"), max_length=12, choices=JobState.choices, default=JobState.WAITING
    )
    rows_declared = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    #: The counts of a finished import (the importer's result: "saved", "unchanged", ...).
    result = models.JSONField(_("result"), default=dict)
    #: The errors of a failed import, each a translated sentence naming sheet, row, column.
    errors = models.JSONField(_("errors"), default=list)
    created_at = models.DateTimeField(_("uploaded at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background import")
        verbose_name_plural = _("background imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="import_job_actor")]

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
