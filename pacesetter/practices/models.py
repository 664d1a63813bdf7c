"""The good-practice library: advanced models, experiences and working methods,
innovation initiatives and innovation studios, each linked to the record behind it and
vetted by the lead body (docs/practices.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.core import clock
from pacesetter.core.files import validate_upload
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    column,
    source_text_present,
    values,
)
from pacesetter.core.versions import version_field

from .richtext import plain


class PracticeKind(models.TextChoices):
    MODEL = "model", _("Advanced model")
    EXPERIENCE = "experience", _("Experience or working method")
    INITIATIVE = "initiative", _("Innovation initiative")
    STUDIO = "studio", _("Model-worker or craftsman innovation studio")


class Subject(models.TextChoices):
    """Who an advanced model is."""

    COLLECTIVE = "collective", _("A collective")
    PERSON = "person", _("A person")


class InfluenceScope(models.TextChoices):
    """An initiative's scope of influence (phạm vi ảnh hưởng)."""

    UNIT = "unit", _("Within the unit")
    LOCAL = "local", _("A district or a sector")
    PROVINCIAL = "provincial", _("The province")
    NATIONAL = "national", _("The nation")


class StudioLevel(models.TextChoices):
    NATIONAL_DEMONSTRATION = "national_demo", _("National demonstration")
    PROVINCIAL_DEMONSTRATION = "provincial_demo", _("Provincial demonstration")
    PROVINCIAL = "provincial", _("Provincial")


class PracticeState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REVIEWED = "reviewed", _("Reviewed")
    RECOGNIZED = "recognized", _("Recognized")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Assessment(models.TextChoices):
    """A reviewer's assessment."""

    RECOMMEND = "recommend", _("Recommend for recognition")
    REVISE = "revise", _("Recommend after changes")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class WorkField(models.Model):
    """A field of work a practice is tagged with (production, skills, safety …): data,
    seeded by the migration (``defaults.py``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=120), required=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    #: Raised by each edit; an edit from an older version is refused (``core.versions``).
    version = version_field()
    search_key = SearchKeyField()
    search_fields = ("code", "name")

    class Meta:
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")
        ordering = ["position", "pk"]
        constraints = [source_text_present("practice_field", "name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


#: The facts each kind may have; those of another kind stay empty.
KIND_FACTS: dict[str, tuple[str, ...]] = {
    PracticeKind.MODEL: ("subject", "person_name", "level"),
    PracticeKind.EXPERIENCE: ("level",),
    PracticeKind.INITIATIVE: ("influence_scope",),
    PracticeKind.STUDIO: (
        "lead_person",
        "team_size",
        "studio_level",
        "funding_amount",
        "funding_currency",
    ),
}
#: Translated texts of one kind only.
KIND_TEXTS: dict[str, tuple[str, ...]] = {
    PracticeKind.INITIATIVE: ("effect",),
    PracticeKind.STUDIO: ("team",),
}


class Practice(models.Model):
    """One practice of the library. ``state`` moves only through ``practice_workflow``."""

    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(_("title"), max_length=300), required=True)
    summary = TranslatedText(models.TextField(_("summary"), max_length=2000))
    body = TranslatedText(models.TextField(_("body"), max_length=100_000))
    kind = models.CharField(_("kind"), max_length=12, choices=PracticeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=12, choices=PracticeState.choices, default=PracticeState.PROPOSED
    )
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("kept by unit"),
        on_delete=models.PROTECT,
        related_name="practices_kept",
    )
    source_units = models.ManyToManyField(
        "units.Unit", verbose_name=_("source units"), related_name="practices", blank=True
    )
    work_fields = models.ManyToManyField(
        WorkField, verbose_name=_("fields of work"), related_name="practices", blank=True
    )
    # The advanced model's facts.
    subject = models.CharField(_("model of"), max_length=12, choices=Subject.choices, blank=True)
    person_name = models.CharField(_("person's name"), max_length=200, blank=True)
    # The advanced model's or the experience's level, on the scale of an initiative's
    # scope (docs/practices.md, "Eligibility").
    level = models.CharField(
        pgettext_lazy("practice", "Level"),
        max_length=12,
        choices=InfluenceScope.choices,
        blank=True,
        help_text=_(
            "For an advanced model or an experience: the level it was recognized at (optional)."
        ),
    )
    # The initiative's facts.
    influence_scope = models.CharField(
        _("scope of influence"), max_length=12, choices=InfluenceScope.choices, blank=True
    )
    effect = TranslatedText(models.TextField(_("effect of application"), max_length=5000))
    # The studio's facts.
    lead_person = models.CharField(_("lead person"), max_length=200, blank=True)
    team = TranslatedText(models.CharField(_("team"), max_length=1000))
    team_size = models.PositiveIntegerField(_("team size"), null=True, blank=True)
    studio_level = models.CharField(
        _("level"), max_length=16, choices=StudioLevel.choices, blank=True
    )
    funding_amount = models.DecimalField(
        _("funding"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("CNY, VND …")
    )
    # The record behind it.
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("recognized by decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
    )
    review_point = models.ForeignKey(
        "campaigns.ReviewPoint",
        verbose_name=_("campaign review point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
    )
    award_grants = models.ManyToManyField(
        "awards.AwardGrant",
        verbose_name=_("awards granted for it"),
        related_name="practices",
        blank=True,
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("presented at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
    )
    tasks = models.ManyToManyField(
        "workplans.Task", verbose_name=_("key tasks"), related_name="practices", blank=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    #: Raised by each save of the practice (an edit, a move of the vetting): an edit made
    #: from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_key = SearchKeyField()
    search_fields = (
        "title",
        "summary",
        "body_text",
        "effect",
        "team",
        "person_name",
        "lead_person",
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["-year", "pk"]
        indexes = [models.Index(fields=["state", "year"], name="practice_state_year")]
        constraints = [
            source_text_present("practice", "title"),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2200),
                name="practice_year_range",
                violation_error_message=_("Enter a year between 1900 and 2200."),
                violation_error_code="year_range",
            ),
            models.CheckConstraint(
                condition=Q(kind=PracticeKind.STUDIO) | Q(studio_level="", lead_person=""),
                name="practice_studio_facts",
                violation_error_message=_("Only an innovation studio has a lead and a level."),
                violation_error_code="studio_facts",
            ),
            models.CheckConstraint(
                condition=Q(funding_amount__isnull=True) | Q(funding_amount__gte=0),
                name="practice_funding_not_negative",
                violation_error_message=_("The funding cannot be negative."),
                violation_error_code="funding_negative",
            ),
            models.CheckConstraint(
                condition=~Q(state=PracticeState.RECOGNIZED) | Q(decision__isnull=False),
                name="practice_recognized_by_decision",
                violation_error_message=_("A recognized practice names the decision."),
                violation_error_code="decision_required",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def body_text(self) -> str:
        """The body's text in every language, tags stripped (for the search key)."""
        return "\n".join(plain(text) for text in values(self, "body").values())

    @property
    def languages(self) -> list[str]:
        """The content languages the practice is written in (its title is)."""
        return [lang for lang in CONTENT_LANGUAGES if getattr(self, column("title", lang))]

    def clean(self) -> None:
        check_source_text(self)
        errors: dict[str, ValidationError] = {}
        own = KIND_FACTS.get(self.kind, ())
        for facts in KIND_FACTS.values():
            for name in facts:
                if name not in own and getattr(self, name) not in ("", None):
                    errors[name] = ValidationError(
                        _("A practice of this kind has no %(field)s.")
                        % {"field": _verbose(self, name)},
                        code="other_kind",
                    )
        for kind, texts in KIND_TEXTS.items():
            if kind == self.kind:
                continue
            for name in texts:
                for lang in CONTENT_LANGUAGES:
                    if getattr(self, column(name, lang)):
                        errors[column(name, lang)] = ValidationError(
                            _("A practice of this kind has no %(field)s.")
                            % {"field": _verbose(self, column(name, lang))},
                            code="other_kind",
                        )
        if self.kind == PracticeKind.MODEL and not self.subject:
            errors["subject"] = ValidationError(
                _("Say whether the model is a collective or a person."), code="required"
            )
        if self.subject == Subject.PERSON and not self.person_name:
            errors["person_name"] = ValidationError(_("Name the person."), code="required")
        if self.kind == PracticeKind.INITIATIVE and not self.influence_scope:
            errors["influence_scope"] = ValidationError(
                _("State the initiative's scope of influence."), code="required"
            )
        if self.kind == PracticeKind.STUDIO:
            if not self.lead_person:
                errors["lead_person"] = ValidationError(
                    _("Name the studio's lead person."), code="required"
                )
            if not self.studio_level:
                errors["studio_level"] = ValidationError(
                    _("Choose the studio's level."), code="required"
                )
        if self.funding_amount is not None and not self.funding_currency:
            errors["funding_currency"] = ValidationError(
                _("Give the currency of the funding."), code="required"
            )
        if errors:
            raise ValidationError(errors)


def _verbose(obj: models.Model, name: str) -> str:
    return str(getattr(obj._meta.get_field(name), "verbose_name", name))


#: What each step is called on the page (the workflow's moves, and proposing).
STEP_NAMES = {
    "propose": _("Proposed"),
    "comment": _("Comment"),
    "review": _("Reviewed"),
    "return": _("Returned for changes"),
    "recognize": _("Recognized"),
    "publish": _("Published"),
    "retire": _("Retired"),
}


class PracticeStep(models.Model):
    """One step of a practice's vetting (proposed, reviewed, a comment …), kept forever."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="steps"
    )
    name = models.CharField(_("step"), max_length=20)
    from_state = models.CharField(
        _("from"), max_length=12, choices=PracticeState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=PracticeState.choices)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    assessment = models.CharField(
        _("assessment"), max_length=16, choices=Assessment.choices, blank=True
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The moment of the step (core.clock: now, or the past moment a loader replays).
    at = models.DateTimeField(_("when"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["practice", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.name}"

    @property
    def label(self) -> str:
        return str(STEP_NAMES.get(self.name, self.name))


def evidence_file_path(instance: PracticeEvidence, filename: str) -> str:
    return f"practices/{instance.practice_id}/{filename}"


class PracticeEvidence(models.Model):
    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_file_path, validators=[validate_upload])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["practice", "-uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.file.name or ""


class AdoptionOutcome(models.TextChoices):
    """How a unit's trial of a practice went."""

    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    ABANDONED = "abandoned", _("Abandoned")


class Adoption(models.Model):
    """A unit takes up a published practice (once per unit and practice) and, after a
    trial, reports how it went. Unreported: outcome, rating and report date all empty;
    reported: all three set."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.PROTECT, related_name="adoptions"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_on = models.DateField(_("adopted on"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("how the unit means to apply it"), max_length=5000, blank=True)
    task = models.ForeignKey(
        "workplans.Task",
        verbose_name=_("key task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=AdoptionOutcome.choices, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    report = models.TextField(_("how it went"), max_length=5000, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["practice", "-adopted_on", "pk"]
        indexes = [models.Index(fields=["practice", "outcome"], name="adoption_practice_outcome")]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "unit"],
                name="adoption_once_per_unit",
                violation_error_message=_("This unit has already adopted this practice."),
                violation_error_code="already_adopted",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="adoption_rating_range",
                violation_error_message=_("Give a rating from 1 to 5."),
                violation_error_code="rating_range",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", rating__isnull=True, reported_on__isnull=True)
                | (~Q(outcome="") & Q(rating__isnull=False, reported_on__isnull=False)),
                name="adoption_report_complete",
                violation_error_message=_(
                    "A report gives the outcome, the rating and the date together."
                ),
                violation_error_code="report_incomplete",
            ),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | Q(reported_on__gte=models.F("adopted_on")),
                name="adoption_reported_after_adopted",
                violation_error_message=_("The report cannot come before the adoption."),
                violation_error_code="report_before_adoption",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} @ {self.unit_id}"

    @property
    def is_reported(self) -> bool:
        return bool(self.outcome)


def adoption_file_path(instance: AdoptionEvidence, filename: str) -> str:
    return f"practices/adoptions/{instance.adoption_id}/{filename}"


class AdoptionEvidence(models.Model):
    adoption = models.ForeignKey(
        Adoption, verbose_name=_("adoption"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=adoption_file_path, validators=[validate_upload])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("adoption evidence")
        verbose_name_plural = _("adoption evidence")
        ordering = ["adoption", "-uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.file.name or ""
