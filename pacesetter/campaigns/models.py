from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core.files import validate_upload
from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
)
from pacesetter.core.versions import version_field


class CampaignKind(models.TextChoices):
    MOVEMENT = "movement", _("Emulation movement")
    SPECIAL_ACTION = "special_action", _("Special action")


class OrganizingLevel(models.TextChoices):
    """Who launched the movement, as the statutory statistics count it (Vietnam's form
    0601: the central council; a ministry, central body or province; an agency or unit)."""

    CENTRAL = "central", _("Central emulation council")
    BODY = "body", _("Ministry, central body or province")
    UNIT = "unit", _("Agency or unit")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTRATION = "registration", _("Registration")
    RUNNING = "running", _("Running")
    SCORING = "scoring", _("Scoring")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


#: States in which units may still change their registrations directly.
REGISTRATION_OPEN = (CampaignState.DRAFT, CampaignState.REGISTRATION)


class TieBreak(models.TextChoices):
    BASE_PERCENTAGE = "base_pct", _("Higher base percentage")
    FEWER_PENALTY = "fewer_penalty", _("Fewer penalty points")
    FIRST_GROUP = "first_group", _("Higher score in the first group")


def default_tie_breaks() -> list[str]:
    return [TieBreak.BASE_PERCENTAGE, TieBreak.FEWER_PENALTY, TieBreak.FIRST_GROUP]


class Campaign(models.Model):
    """An emulation movement or special action run by an organizer over a period."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CampaignKind.choices, default=CampaignKind.MOVEMENT
    )
    organizer = models.ForeignKey(
        "units.Unit",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="organized_campaigns",
    )
    organizing_level = models.CharField(
        _("organizing level"),
        max_length=10,
        choices=OrganizingLevel.choices,
        default=OrganizingLevel.BODY,
        help_text=_("Who launched it, as the annual emulation statistics count it."),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    state = models.CharField(
        _("state"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    scoring_table = models.ForeignKey(
        "scoring.ScoringTable",
        verbose_name=_("scoring table"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )
    registration_due = models.DateField(_("registration due"), null=True, blank=True)
    tie_breaks = models.JSONField(_("tie-break order"), default=default_tie_breaks, blank=True)
    description = TranslatedText(models.TextField(_("description")))
    # Its public page (pacesetter.public): the campaign, its review points and their
    # published rankings. Set by campaign_publicity_set.
    is_public = models.BooleanField(
        _("public page"),
        default=False,
        help_text=_("Show the campaign and its published rankings on a public page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("code", "name")

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "code"]
        constraints = [
            source_text_present("campaign", "name"),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="campaign_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")),
                name="campaign_not_own_predecessor",
                violation_error_code="own_predecessor",
                violation_error_message=_("A campaign cannot be its own predecessor."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


class CampaignPhase(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="phases"
    )
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=200), required=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "position", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="phase_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            source_text_present("phase", "name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


class ReviewPointState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    PUBLISHED = "published", _("Published")


class ReviewPoint(models.Model):
    """A date at which units report and are scored: the 6-month or year-end review."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="review_points",
    )
    code = models.SlugField(_("code"), max_length=20)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=200), required=True)
    period_end = models.DateField(_("period end"))
    due = models.DateField(_("due"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ReviewPointState.choices,
        default=ReviewPointState.PLANNED,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("review point")
        verbose_name_plural = _("review points")
        ordering = ["campaign", "position", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"],
                name="review_point_unique_code",
                violation_error_code="code_taken",
                violation_error_message=_(
                    "Another review point of this campaign already has this code."
                ),
            ),
            source_text_present("review_point", "name"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.name}"

    def clean(self) -> None:
        check_source_text(self)


class Participant(models.Model):
    """A unit taking part in a campaign, ranked within ``cluster`` (if any)."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    is_pilot = models.BooleanField(_("pilot unit"), default=False)
    #: The version of the unit's registration (its targets, the titles it aims for):
    #: each save of it raises it by one (``core.versions``).
    version = version_field()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["campaign", "cluster", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                name="participant_unique_unit",
                violation_error_code="already_participant",
                violation_error_message=_("This unit already takes part in this campaign."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.campaign}"


def pact_document_path(instance: "ClusterPact", filename: str) -> str:
    return f"pacts/{instance.campaign_id}/{filename}"


class ClusterPact(models.Model):
    """The signed pact of a cluster; signing locks its members' registrations."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="pacts"
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="pacts",
    )
    signed_on = models.DateField(_("signed on"))
    signer_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("signed by unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    document = models.FileField(
        _("document"), upload_to=pact_document_path, blank=True, validators=[validate_upload]
    )

    class Meta:
        verbose_name = _("cluster pact")
        verbose_name_plural = _("cluster pacts")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cluster"],
                name="pact_unique_cluster",
                violation_error_code="pact_exists",
                violation_error_message=_("This cluster already has a pact in this campaign."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster} — {self.campaign}"
