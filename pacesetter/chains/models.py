"""Chains: organizations linked along an industrial (or service) chain.

A chain has a leader unit and member units ordered from upstream to downstream. Key
tasks, meetings and good practices can be put on a chain; the chain page groups them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chain(models.Model):
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
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

    class Meta:
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "name"], name="chain_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


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
            models.UniqueConstraint(fields=["chain", "unit"], name="chain_member_unique_unit"),
            models.UniqueConstraint(
                fields=["chain", "position"], name="chain_member_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} — {self.position}. {self.unit}"
