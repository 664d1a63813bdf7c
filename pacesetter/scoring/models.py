from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core import clock
from pacesetter.core.dates import YEAR_VALIDATORS
from pacesetter.core.files import validate_upload
from pacesetter.core.translations import (
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
    unique_per_language,
)
from pacesetter.core.versions import version_field


def points_field(verbose_name: Any, **kwargs: Any) -> Any:
    """Points: two decimals, up to 99,999,999.99."""
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


def value_field(verbose_name: Any, **kwargs: Any) -> Any:
    """Targets and actuals (money, people, percentages): four decimals."""
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=4, **kwargs)


class TableState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class ScoringTable(models.Model):
    """A versioned tree of groups and criteria. Adopted tables are locked."""

    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="scoring_tables",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=TableState.choices, default=TableState.DRAFT
    )
    cloned_from = models.ForeignKey(
        "self",
        verbose_name=_("cloned from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clones",
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = TranslatedText(models.TextField(_("description")))

    class Meta:
        verbose_name = _("scoring table")
        verbose_name_plural = _("scoring tables")
        ordering = ["-year", "-version", "pk"]
        constraints = [
            source_text_present("scoring_table", "name"),
            *unique_per_language(
                "scoring_table", "name", together=("owner_unit", "year", "version")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year}, v{self.version})"

    def clean(self) -> None:
        check_source_text(self)


class CriterionKind(models.TextChoices):
    GROUP = "group", _("Group")
    QUANTITATIVE = "quantitative", _("Quantitative")
    PASS_FAIL = "pass_fail", _("Pass/fail")
    COUNT = "count", _("Count")
    BONUS = "bonus", _("Bonus")
    PENALTY = "penalty", _("Penalty")
    VETO = "veto", _("Veto")


#: Kinds whose points make up the base maximum.
BASE_KINDS = (CriterionKind.QUANTITATIVE, CriterionKind.PASS_FAIL, CriterionKind.COUNT)


class Method(models.TextChoices):
    PROPORTIONAL = "proportional", _("Proportional to target")
    TARGET_HALF_BEST_FULL = "target_half_best_full", _("Half at target, full for the best")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ZeroTarget(models.TextChoices):
    NOT_ASSIGNED = "not_assigned", _("Not assigned")
    PASS_FAIL = "pass_fail", _("Pass/fail on the actual")


class Criterion(models.Model):
    """A group or a criterion of a scoring table."""

    table = models.ForeignKey(
        ScoringTable,
        verbose_name=_("scoring table"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    root = models.ForeignKey(
        "self",
        verbose_name=_("top group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    code = models.CharField(_("code"), max_length=30)
    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(_("title"), max_length=500), required=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    max_points = points_field(_("maximum points"), default=Decimal("0"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    method = models.CharField(
        _("method"), max_length=30, choices=Method.choices, default=Method.PROPORTIONAL
    )
    points_per_item = points_field(_("points per item"), default=Decimal("0"))
    measure = TranslatedText(models.CharField(_("unit of measure"), max_length=50))
    zero_target = models.CharField(
        _("when the target is missing or zero"),
        max_length=20,
        choices=ZeroTarget.choices,
        default=ZeroTarget.NOT_ASSIGNED,
    )
    guidance = TranslatedText(models.TextField(_("guidance")))
    version = version_field()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "code"],
                name="criterion_unique_code",
                violation_error_code="code_taken",
                violation_error_message=_("Another criterion of this table already has this code."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="criterion_max_not_negative",
                violation_error_code="max_points_negative",
                violation_error_message=_("The maximum points cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(points_per_item__gte=0),
                name="criterion_ppi_not_negative",
                violation_error_code="points_per_item_negative",
                violation_error_message=_("The points per item cannot be negative."),
            ),
            source_text_present("criterion", "title"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        check_source_text(self)

    @property
    def is_group(self) -> bool:
        return self.kind == CriterionKind.GROUP

    @property
    def is_base(self) -> bool:
        return self.kind in BASE_KINDS


class Registration(models.Model):
    """One line of a unit's pact: its target for a criterion, or "not assigned"."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    target = value_field(_("target"), null=True, blank=True)
    not_assigned = models.BooleanField(_("not assigned"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "criterion"],
                name="registration_unique",
                violation_error_code="already_registered",
                violation_error_message=_(
                    "This unit has already registered for this criterion in this campaign."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.criterion.code}: {self.target}"


class TitleAim(models.Model):
    """A title or award of the catalog that a participating unit aims for: the other half
    of its pact, beside its targets. Locked with the registrations when the pact is signed.

    The award is a reference by string: the catalog belongs to ``awards``, a layer above."""

    participant = models.ForeignKey(
        "campaigns.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="title_aims",
    )
    award = models.ForeignKey(
        "awards.Award",
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("title aimed for")
        verbose_name_plural = _("titles aimed for")
        ordering = ["award__preset", "award__position", "award__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "award"],
                name="title_aim_unique",
                violation_error_code="already_aimed",
                violation_error_message=_("This participant already aims for this title."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} — {self.award_id}"


class AmendmentState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TargetAmendment(models.Model):
    """A change to a registered target after the pact was signed; both values are kept."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    old_target = value_field(_("old target"), null=True, blank=True)
    new_target = value_field(_("new target"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=AmendmentState.choices, default=AmendmentState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("target amendment")
        verbose_name_plural = _("target amendments")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(state="pending"),
                name="amendment_one_pending",
                violation_error_code="amendment_pending",
                violation_error_message=_(
                    "This registration already has a change of target waiting for a decision."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.old_target} → {self.new_target}"


class InspectionAssignment(models.Model):
    """Which peer unit cross-inspects a unit at a review point (never the unit itself)."""

    review_point = models.ForeignKey(
        "campaigns.ReviewPoint",
        verbose_name=_("review point"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("inspected unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspector = models.ForeignKey(
        "units.Unit",
        verbose_name=_("inspecting unit"),
        on_delete=models.PROTECT,
        related_name="inspections_made",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("cross-inspection")
        verbose_name_plural = _("cross-inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["review_point", "unit"],
                name="inspection_unique",
                violation_error_code="already_assigned",
                violation_error_message=_(
                    "This unit already has an inspector at this review point."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(unit=F("inspector")),
                name="inspection_not_self",
                violation_error_code="self_inspection",
                violation_error_message=_("A unit cannot inspect itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} → {self.unit}"


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Self-scored")
    INSPECTED = "inspected", _("Cross-inspected")
    REVIEWED = "reviewed", _("Reviewed by the leader")
    FINAL = "final", _("Final")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned with a question")


class ScoreItem(models.Model):
    """A unit's result for one criterion at one review point, through every step."""

    review_point = models.ForeignKey(
        "campaigns.ReviewPoint",
        verbose_name=_("review point"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="score_items"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="items"
    )
    actual = value_field(_("actual"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"), null=True, blank=True)
    passed = models.BooleanField(_("met / applies"), null=True, blank=True)
    not_assigned = models.BooleanField(_("not assigned"), default=False)
    computed = points_field(_("computed score"), null=True, blank=True)
    self_score = points_field(_("self-score"), null=True, blank=True)
    inspected_score = points_field(_("inspector's score"), null=True, blank=True)
    reviewed_score = points_field(_("leader's score"), null=True, blank=True)
    final_score = points_field(_("final score"), null=True, blank=True)
    score = points_field(_("score"), default=Decimal("0"))
    explanation = models.TextField(_("explanation"), blank=True)
    question = models.TextField(_("question"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ItemState.choices, default=ItemState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        ordering = ["review_point", "unit", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_point", "unit", "criterion"],
                name="score_item_unique",
                violation_error_code="already_scored",
                violation_error_message=_(
                    "This unit already has a score for this criterion at this review point."
                ),
            )
        ]
        indexes = [models.Index(fields=["review_point", "state"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.criterion.code}"


class ScoreEvent(models.Model):
    """One step in an item's life: who did what, when, with which value."""

    item = models.ForeignKey(
        ScoreItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    value = value_field(_("value"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The moment of the step (core.clock: now, or the past moment a loader replays).
    at = models.DateTimeField(_("when"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("score event")
        verbose_name_plural = _("score events")
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item}: {self.action}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.item.review_point_id}/{instance.item.unit_id}/{filename}"


class Evidence(models.Model):
    item = models.ForeignKey(
        ScoreItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, validators=[validate_upload])
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["item", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
