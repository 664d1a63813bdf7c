from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.files import validate_upload
from pacesetter.core.translations import (
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    check_unique_per_language,
    source_text_present,
    unique_per_language,
)
from pacesetter.core.versions import version_field


def decision_file_path(instance: "Decision", filename: str) -> str:
    """Files are filed by the decision's own year, not the upload's."""
    return f"decisions/{instance.date:%Y}/{filename}"


class Decision(models.Model):
    """A recorded decision (number, date, place, issuer, signer) with its signed file, if
    any. Clusters are set up by one; awards are granted by one, and their certificates
    print its place, date and signer.
    """

    number = models.CharField(_("number"), max_length=100)
    date = models.DateField(_("date"))
    source_language = SourceLanguageField()
    issuer = TranslatedText(models.CharField(_("issuer"), max_length=255), required=True)
    title = TranslatedText(models.CharField(_("title"), max_length=500))
    signer_title = TranslatedText(models.CharField(_("signer's title"), max_length=255))
    # When the signer signs for another ("KT. Chủ tịch", "TM. Ủy ban nhân dân"): the line
    # printed above their own title on certificates.
    signed_for = TranslatedText(models.CharField(_("signing for"), max_length=255))
    # A person's name is one value, as Person.full_name (docs/translations.md).
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    # Where it was signed, as written before the date ("Thanh Hóa, ngày …").
    place = TranslatedText(models.CharField(_("place"), max_length=100))
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
    version = version_field()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "number"]
        constraints = [
            source_text_present("decision", "issuer"),
            # One number per issuer and date, in each language the issuer is named in.
            *unique_per_language("decision", "issuer", together=("number", "date")),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"

    def clean(self) -> None:
        check_source_text(self)
        check_unique_per_language(
            self,
            "issuer",
            together=("number", "date"),
            message=_(
                "“%(text)s” already has a decision with this number and date (%(language)s)."
            ),
        )
