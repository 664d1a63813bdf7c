from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core.dates import YEAR_VALIDATORS
from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
)
from pacesetter.core.versions import version_field


class Cluster(models.Model):
    """A named grouping of member units across the tree (an emulation cluster or block)."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("lead body"),
        help_text=_("The unit that set up the cluster and follows it."),
        on_delete=models.PROTECT,
        related_name="owned_clusters",
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("founding decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clusters",
    )
    description = TranslatedText(models.TextField(_("description")))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("code", "name")

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["code"]
        constraints = [source_text_present("cluster", "name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


class ClusterMembership(models.Model):
    """A unit's membership of a cluster for a period; periods of one unit never overlap."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="cluster_memberships",
    )
    start = models.DateField(_("member from"))
    end = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        ordering = ["cluster", "unit__code", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "unit", "start"],
                name="cluster_membership_unique_start",
                violation_error_code="membership_exists",
                violation_error_message=_(
                    "This unit already has a membership of this cluster starting on that date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="cluster_membership_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.cluster}"


class LeadershipRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")


class ClusterLeadership(models.Model):
    """The leader or deputy of a cluster for a year.

    Rotation keeps history: a replaced holder gets ``ended_on`` and stays; only one
    holder per (cluster, year, role) is current, which the database enforces.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="leaderships"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    role = models.CharField(_("role"), max_length=10, choices=LeadershipRole.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="cluster_leaderships",
    )
    assigned_on = models.DateField(_("assigned on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cluster leadership")
        verbose_name_plural = _("cluster leaderships")
        ordering = ["-year", "role", "-assigned_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "role"],
                condition=Q(ended_on__isnull=True),
                name="cluster_leadership_one_current",
                violation_error_code="leader_exists",
                violation_error_message=_(
                    "This cluster already has someone in this role for that year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2200),
                name="cluster_leadership_year_range",
                violation_error_code="year_range",
                violation_error_message=_("Enter a year between 1900 and 2200."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year} {self.get_role_display()}: {self.unit}"
