"""Chains: organizations linked along an industrial (or service) chain.

A chain has a leader unit and member units ordered from upstream to downstream. Key
tasks, meetings and good practices can be put on a chain; the chain page groups them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Chain(models.Model):
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    description = TranslatedText(models.TextField(_("description")))
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("kept by unit"),
        on_delete=models.PROTECT,
        related_name="owned_chains",
    )
    leader_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("chain leader"),
        on_delete=models.PROTECT,
        related_name="led_chains",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("name", "description")

    class Meta:
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        ordering = ["pk"]
        constraints = [
            source_text_present("chain", "name"),
            *unique_per_language("chain", "name", together=["owner_unit"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)
        check_unique_per_language(self, "name", together=["owner_unit"])


class ChainMember(models.Model):
    """A unit on the chain; ``position`` 1 is the most upstream."""

    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="members"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="chain_memberships",
    )
    position = models.PositiveIntegerField(_("position (upstream first)"))
    link = models.CharField(_("link in the chain"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chain member")
        verbose_name_plural = _("chain members")
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "unit"],
                name="chain_member_unique_unit",
                violation_error_code="already_member",
                violation_error_message=_("This unit is already in the chain."),
            ),
            models.UniqueConstraint(
                fields=["chain", "position"],
                name="chain_member_unique_position",
                violation_error_code="position_taken",
                violation_error_message=_("Another unit already has this position in the chain."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} — {self.position}. {self.unit}"
