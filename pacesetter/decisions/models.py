from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.files import validate_upload


def decision_file_path(instance: "Decision", filename: str) -> str:
    """Files are filed by the decision's own year, not the upload's."""
    return f"decisions/{instance.date:%Y}/{filename}"


class Decision(models.Model):
    """A recorded decision (number, date, issuer) with its signed file, if any.

    Clusters are set up by one; award decisions will reuse it.
    """

    number = models.CharField(_("number"), max_length=100)
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issuer"), max_length=255)
    title = models.CharField(_("title"), max_length=500, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=255, blank=True)
    file = models.FileField(
        _("file"), upload_to=decision_file_path, blank=True, validators=[validate_upload]
    )
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("recorded by unit"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number", "date"], name="decision_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"
