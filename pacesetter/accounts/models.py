from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core.versions import version_field


class User(AbstractUser):
    """A person or a role account (``staff.thanhhoa``, ``leader.lamson``), with the
    choices of its profile: the language of its screens and mails, and the mails it
    wants."""

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Of your screens after you sign in, and of the mails sent to you."),
    )
    mail_reminders = models.BooleanField(
        _("reminders before a due date"),
        default=True,
        help_text=_("Mails about your tasks that fall due soon."),
    )
    mail_escalations = models.BooleanField(
        _("escalations of overdue tasks"),
        default=True,
        help_text=_("Mails about overdue tasks of the units under you."),
    )
    #: Raised by each change of the profile (two tabs of "My profile": the second refused).
    profile_version = version_field()

    class Meta(AbstractUser.Meta):
        pass

    def mail_language(self) -> str:
        """The language to write to this account in: its own, else the site's."""
        return self.language or settings.LANGUAGE_CODE


class Role(models.TextChoices):
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    CLUSTER_LEADER = "cluster_leader", _("Cluster leader")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    COUNCIL_MEMBER = "council_member", _("Council member")
    VIEWER = "viewer", _("Viewer")


#: Roles scoped to a unit subtree; the others are scoped to a cluster or a body.
UNIT_ROLES = (Role.COMMITTEE_STAFF, Role.UNIT_OFFICER, Role.VIEWER)


class RoleAssignment(models.Model):
    """A role a user holds over a unit subtree, a cluster or a body."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit (with its subtree)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    body = models.ForeignKey(
        "bodies.Body",
        verbose_name=_("body"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=UNIT_ROLES,
                        unit__isnull=False,
                        cluster__isnull=True,
                        body__isnull=True,
                    )
                    | Q(
                        role=Role.CLUSTER_LEADER,
                        cluster__isnull=False,
                        unit__isnull=True,
                        body__isnull=True,
                    )
                    | Q(
                        role=Role.COUNCIL_MEMBER,
                        body__isnull=False,
                        unit__isnull=True,
                        cluster__isnull=True,
                    )
                ),
                name="role_assignment_scope_matches_role",
                violation_error_code="scope_mismatch",
                violation_error_message=_(
                    "A unit role is held over a unit, a cluster leader over a cluster, a "
                    "council member over a body."
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=Q(**{f"{scope}__isnull": False}),
                    name=f"role_assignment_unique_{scope}",
                    violation_error_code="role_already_held",
                    violation_error_message=message,
                )
                for scope, message in (
                    ("unit", _("This person already has this role in this unit.")),
                    ("cluster", _("This person already has this role in this cluster.")),
                    ("body", _("This person already has this role in this body.")),
                )
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.cluster or self.body
        return f"{self.user} — {self.get_role_display()} — {scope}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"
