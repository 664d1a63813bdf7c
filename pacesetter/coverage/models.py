"""The coverage register: new economic and new social organizations, and for each kind of
organization to build (party organization, trade union, youth league …) whether and how
it is built. Every change is a dated period, so the register can be read as of any date
(docs/coverage.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
)
from pacesetter.core.versions import version_field

from .codes import validate_credit_code


class OrganizationKind(models.TextChoices):
    PRIVATE = "private", _("Private enterprise")
    FOREIGN_INVESTED = "foreign", _("Foreign-invested enterprise")
    MIXED_OWNERSHIP = "mixed", _("Mixed-ownership enterprise")
    INDIVIDUAL_BUSINESS = "individual", _("Individual business")
    SOCIAL_GROUP = "social_group", _("Social group or association")
    CHAMBER = "chamber", _("Chamber of commerce")
    NON_ENTERPRISE = "non_enterprise", _("Private non-enterprise unit")
    FOUNDATION = "foundation", _("Foundation")


#: New economic organizations; the other kinds are new social organizations.
ECONOMIC_KINDS = frozenset(
    {
        OrganizationKind.PRIVATE,
        OrganizationKind.FOREIGN_INVESTED,
        OrganizationKind.MIXED_OWNERSHIP,
        OrganizationKind.INDIVIDUAL_BUSINESS,
    }
)


class RevenueBand(models.TextChoices):
    """Annual revenue, in the bands the ledgers use (yuan)."""

    UNDER_5M = "lt5m", _("Under 5 million")
    FROM_5M = "5m", _("5 to 20 million")
    FROM_20M = "20m", _("20 to 100 million")
    FROM_100M = "100m", _("100 million or more")


class Status(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class Form(models.TextChoices):
    STANDALONE = "standalone", _("Standalone")
    JOINT_REGION = "joint_region", _("Joint, by region (park, building, market)")
    JOINT_INDUSTRY = "joint_industry", _("Joint, by industry (association, chamber, leading firm)")
    JOINT_UNIT = "joint_unit", _("Joint, with another unit")
    WORK_ONLY = "work_only", _("Work coverage only (instructor or liaison)")
    NOT_BUILT = "not_built", _("Not built")


#: Forms that count for organizational coverage; work coverage adds ``WORK_ONLY``.
ORGANIZED_FORMS = (Form.STANDALONE, Form.JOINT_REGION, Form.JOINT_INDUSTRY, Form.JOINT_UNIT)
WORK_FORMS = (*ORGANIZED_FORMS, Form.WORK_ONLY)


class ReasonNotBuilt(models.TextChoices):
    NO_MEMBERS = "no_members", _("No members on staff")
    TOO_FEW_MEMBERS = "too_few", _("Fewer than 3 full party members")
    INVESTOR_UNWILLING = "investor", _("The investor is unwilling")
    NO_GUIDANCE = "no_guidance", _("No guidance from the organization above")
    CONDITIONS_NOT_MET = "conditions", _("Has members but does not meet the conditions")
    OTHER = "other", _("Other")


class Event(models.TextChoices):
    """What opened a period."""

    REGISTERED = "registered", _("Registered")
    BUILT = "built", _("Built")
    FORM_CHANGED = "form_changed", _("Form changed")
    INSTRUCTOR_SENT = "instructor_sent", _("Instructor or liaison sent")
    DISSOLVED = "dissolved", _("Dissolved")
    DETAILS_CHANGED = "details_changed", _("Details changed")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed operating")
    DEREGISTERED = "deregistered", _("Deregistered")


class SiteKind(models.TextChoices):
    PARK = "park", _("Industrial or development park")
    BUILDING = "building", _("Commercial building")
    MARKET = "market", _("Specialized market")
    STREET = "street", _("Commercial street")


class SiteLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District or lower")


class Site(models.Model):
    """A park, commercial building or market of a town, where organizations are and joint
    organizations are built by region."""

    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    kind = models.CharField(_("kind"), max_length=12, choices=SiteKind.choices)
    level = models.CharField(
        _("level"), max_length=12, choices=SiteLevel.choices, default=SiteLevel.DISTRICT
    )
    town = models.ForeignKey(
        "units.Unit",
        verbose_name=_("town or street"),
        on_delete=models.PROTECT,
        related_name="coverage_sites",
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["town", "pk"]
        constraints = [source_text_present("site", "name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


class Industry(models.Model):
    """One class of an industry classification (GB/T 4754-2017 sections and divisions),
    loaded from versioned data (``coverage/industries/``)."""

    classification = models.CharField(_("classification"), max_length=40)
    code = models.CharField(_("code"), max_length=10)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["classification", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["classification", "code"],
                name="industry_unique_code",
                violation_error_message=_("This classification already has this code."),
                violation_error_code="code_taken",
            ),
            source_text_present("industry", "name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CoverageKind(models.Model):
    """A kind of organization to build in each organization: data, so that a women's
    committee can be added beside the party organization, trade union and youth league."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=120), required=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("kind of organization to build")
        verbose_name_plural = _("kinds of organization to build")
        ordering = ["position", "pk"]
        constraints = [source_text_present("coverage_kind", "name")]

    def __str__(self) -> str:
        return self.name


#: The kinds the migration seeds; rates name them by code.
PARTY, UNION, YOUTH = "party", "union", "youth"


class Organization(models.Model):
    """One enterprise or social organization of the register ("one form per enterprise").

    ``status`` is the status now, kept in step with the periods by the services; the
    register as of a past date reads the periods."""

    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    town = models.ForeignKey(
        "units.Unit",
        verbose_name=_("town or street"),
        on_delete=models.PROTECT,
        related_name="coverage_organizations",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("park or building"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPERATING
    )
    staff_count = models.PositiveIntegerField(_("staff headcount"), default=0)
    revenue_band = models.CharField(
        _("annual revenue"), max_length=6, choices=RevenueBand.choices, blank=True
    )
    above_designated_size = models.BooleanField(_("above designated size"), default=False)
    investor_is_party_member = models.BooleanField(
        _("investor or legal representative is a party member"), default=False
    )
    party_members_full = models.PositiveIntegerField(_("full party members on staff"), default=0)
    party_members_probationary = models.PositiveIntegerField(
        _("probationary party members on staff"), default=0
    )
    union_members = models.PositiveIntegerField(_("union members on staff"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("name", "credit_code")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["pk"]
        constraints = [
            source_text_present("organization", "name"),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organization_unique_credit_code",
                violation_error_message=_(
                    "An organization with this unified social credit code is already registered."
                ),
                violation_error_code="credit_code_taken",
            ),
        ]
        indexes = [models.Index(fields=["town", "status"], name="organization_town_status")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)

    @property
    def is_economic(self) -> bool:
        return self.kind in ECONOMIC_KINDS


class Period(models.Model):
    """A span of constant state: from ``valid_from`` until ``valid_to`` (excluded; empty
    for the current one), opened by ``event``."""

    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        abstract = True


class StatusPeriod(Period):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="status_periods",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        ordering = ["organization", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="status_period_ordered",
                violation_error_message=_("A period must end after it starts."),
                violation_error_code="dates_reversed",
            ),
            models.UniqueConstraint(
                fields=["organization", "valid_from"],
                name="status_period_unique_start",
                violation_error_message=_("The status already changes on this date."),
                violation_error_code="date_taken",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(valid_to__isnull=True),
                name="status_period_one_current",
                violation_error_message=_("An organization has one current status."),
                violation_error_code="one_current",
            ),
        ]
        indexes = [
            # The status of each organization at a date (a correlated lookup per
            # organization): by organization first, never a scan of every period.
            models.Index(fields=["organization", "status", "valid_from"], name="status_period_at")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.valid_from}"


class Building(Period):
    """One period of one organization's state for one kind of organization to build."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="buildings",
    )
    kind = models.ForeignKey(
        CoverageKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="buildings"
    )
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    reports_to = models.CharField(_("reports to"), max_length=255, blank=True)
    leader_name = models.CharField(_("secretary or chair"), max_length=120, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    instructor_name = models.CharField(_("instructor or liaison"), max_length=120, blank=True)
    reason_not_built = models.CharField(
        _("reason not built"), max_length=12, choices=ReasonNotBuilt.choices, blank=True
    )
    reason_text = models.CharField(_("reason, in words"), max_length=500, blank=True)
    planned_on = models.DateField(_("planned for"), null=True, blank=True)

    class Meta:
        verbose_name = _("building period")
        verbose_name_plural = _("building periods")
        ordering = ["organization", "kind", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="building_period_ordered",
                violation_error_message=_("A period must end after it starts."),
                violation_error_code="dates_reversed",
            ),
            models.UniqueConstraint(
                fields=["organization", "kind", "valid_from"],
                name="building_unique_start",
                violation_error_message=_("This organization already changes on this date."),
                violation_error_code="date_taken",
            ),
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(valid_to__isnull=True),
                name="building_one_current",
                violation_error_message=_("An organization has one current state per kind."),
                violation_error_code="one_current",
            ),
            models.CheckConstraint(
                condition=Q(form="not_built") | Q(reason_not_built=""),
                name="building_reason_only_not_built",
                violation_error_message=_("A reason is given only when it is not built."),
                violation_error_code="reason_when_built",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "valid_from", "valid_to"], name="building_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.get_form_display()} {self.valid_from}"

    @property
    def is_organized(self) -> bool:
        return self.form in ORGANIZED_FORMS


class Primitive(models.TextChoices):
    """What a coverage rule checks (coverage/rules.py)."""

    STANDALONE_IF_MEMBERS = "standalone_if_members", _("Standalone if enough party members")
    BUILD_WITHIN_DAYS = "build_within_days", _("Built within a number of days of registration")
    STANDALONE_BY_DATE_IF_SIZE = "standalone_by_date_if_size", _("Standalone by a date if large")


class CoverageRule(models.Model):
    """One version of a rule saying which organizations should have which kind of
    organization built, and by when: versioned data loaded from ``coverage/rules/``
    (docs/coverage.md, "Rules and deadlines")."""

    code = models.SlugField(_("code"), max_length=60)
    kind = models.ForeignKey(
        CoverageKind,
        verbose_name=_("kind of organization to build"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    primitive = models.CharField(_("check"), max_length=32, choices=Primitive.choices)
    params = models.JSONField(_("parameters"), default=dict)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    explanation = TranslatedText(models.TextField(_("explanation")))
    note = models.TextField(_("note"), blank=True)
    source_file = models.CharField(_("file"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("coverage rule")
        verbose_name_plural = _("coverage rules")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="coverage_rule_unique_start",
                violation_error_message=_("A version of this rule already starts on this date."),
                violation_error_code="rule_start_taken",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="coverage_rule_period_ordered",
                violation_error_message=_("A rule must end after it starts."),
                violation_error_code="dates_reversed",
            ),
            source_text_present("coverage_rule", "name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.valid_from})"


class Deadline(models.Model):
    """The date by which an organization should meet a rule, opened when it is
    registered; ``met_on`` once a building change meets it, ``reminded_at`` and
    ``escalated_at`` once its mails went out (each at most once)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    rule = models.ForeignKey(
        CoverageRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="deadlines"
    )
    due_on = models.DateField(_("due on"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "rule"],
                name="deadline_one_per_rule",
                violation_error_message=_(
                    "This organization already has a deadline for this rule."
                ),
                violation_error_code="deadline_exists",
            ),
        ]
        indexes = [models.Index(fields=["met_on", "due_on"], name="deadline_open_due")]

    def __str__(self) -> str:
        return f"{self.rule.code}: {self.due_on}"


class NoticeStage(models.TextChoices):
    REMIND = "remind", _("reminder")
    ESCALATE = "escalate", _("escalated")


class DeadlineNotice(models.Model):
    """One mail of one stage of a deadline to one person: written before it is sent,
    claimed by one worker at a time with a token (``core.outbox``) and marked sent, so
    that a stage interrupted halfway is finished by the next scan without mailing anyone
    twice (``coverage.deadlines.notify``)."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="notices"
    )
    stage = models.CharField(_("kind"), max_length=8, choices=NoticeStage.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="deadline_notices",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: The claiming worker's random token (``core.outbox``); empty when unclaimed.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(pgettext_lazy("an e-mail", "sent"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("deadline mail")
        verbose_name_plural = _("deadline mails")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "stage", "recipient"],
                name="deadline_notice_once",
                violation_error_code="deadline_notice_exists",
                violation_error_message=_("This mail has already been written."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline} {self.stage} → {self.recipient}"


class FollowUp(models.Model):
    """A work plan's task made from the blind-spot list to cover one organization: the
    link back from the task to the organization (work plans know nothing of coverage)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    task = models.ForeignKey(
        "workplans.Task",
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="coverage_follow_ups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "task"],
                name="follow_up_unique_task",
                violation_error_message=_("This task already follows up this organization."),
                violation_error_code="follow_up_exists",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.task_id}"


class OpenBlindSpot(models.Model):
    """An organization that is a blind spot today (docs/coverage.md, "Blind spots"): kept
    by ``deadlines_sync`` inside the services' transactions and rebuilt by the daily scan
    (``blind_spots.open_blind_spots_rebuild``), so the default view of the blind-spot list
    reads these rows in their order instead of checking the whole register. Valid only
    while :class:`OpenBlindSpotsState` says it was rebuilt today under the rules in force."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="open_blind_spot",
    )
    #: The first due date of the rules it does not meet (``blind_spots.NO_DATE``: none).
    first_due = models.DateField(_("first deadline"))
    #: The organization's staff, copied for the list's order (largest first).
    staff_count = models.PositiveIntegerField(_("staff"), default=0)

    class Meta:
        verbose_name = _("open blind spot")
        verbose_name_plural = _("open blind spots")
        indexes = [
            models.Index(
                fields=["first_due", "-staff_count", "organization"], name="open_blind_spot_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.first_due}"


class OpenBlindSpotsState(models.Model):
    """One row: the day :class:`OpenBlindSpot` was last rebuilt and a digest of the rules
    in force that day. The stored list answers for ``as_of`` only while the rules in force
    give the same digest; otherwise the list is computed."""

    as_of = models.DateField(_("as of"))
    rules_digest = models.CharField(_("rules"), max_length=64)
    rebuilt_at = models.DateTimeField(_("rebuilt"), auto_now=True)

    class Meta:
        verbose_name = _("open blind spots' state")
        verbose_name_plural = _("open blind spots' state")

    def __str__(self) -> str:
        return f"{self.as_of} {self.rules_digest[:8]}"
