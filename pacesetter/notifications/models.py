"""What is new for a user (the bell) and the kinds they chose not to see there
(docs/notifications.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    #: A key of :mod:`pacesetter.notifications.kinds`.
    kind = models.CharField(_("kind"), max_length=40)
    #: The sentence's parameters: a text, or a text per language (``{"en": …, "vi": …}``).
    params = models.JSONField(_("parameters"), default=dict)
    #: Where it leads: a URL name and its arguments, or a path.
    link_name = models.CharField(_("link"), max_length=100, blank=True)
    link_args = models.JSONField(_("link arguments"), default=list)
    link_path = models.CharField(_("link path"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def url(self) -> str:
        """The record it is about ("" when its URL no longer resolves)."""
        if self.link_name:
            try:
                return reverse(self.link_name, args=list(self.link_args))
            except NoReverseMatch:
                return ""
        return self.link_path


class OptOut(models.Model):
    """A kind the user does not want in the bell (no row: they want it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_opt_outs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)

    class Meta:
        verbose_name = _("notification turned off")
        verbose_name_plural = _("notifications turned off")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="notification_opt_out_once",
                violation_error_code="opted_out_already",
                violation_error_message=_("This kind of notification is already turned off."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
