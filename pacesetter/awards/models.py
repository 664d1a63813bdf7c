"""The award catalog with its versioned rules and legal references, proposals, and the
registry of granted awards. Award titles, rules and quotas are data, never code."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.core.dates import YEAR_VALIDATORS
from pacesetter.core.files import validate_upload
from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
)
from pacesetter.core.versions import version_field


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial or ministerial")
    INDUSTRY = "industry", _("Industry or national union")
    DISTRICT = "district", _("District")
    GRASSROOTS = "grassroots", _("Grassroots")


class RecipientKind(models.TextChoices):
    UNIT = "unit", _("Unit (collective)")
    PERSON = "person", _("Person")


class Award(models.Model):
    """An award or emulation title, with its name and issuer in each content language
    (``name_en``, ``name_vi``, ``name_zh_hans``; core.translations) and its quota."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    preset = models.CharField(_("preset"), max_length=20, blank=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    level = models.CharField(_("level"), max_length=20, choices=AwardLevel.choices)
    recipient_kind = models.CharField(_("awarded to"), max_length=10, choices=RecipientKind.choices)
    issuer = TranslatedText(models.CharField(_("issuer"), max_length=255), required=True)
    quota_count = models.PositiveIntegerField(_("quota: at most"), null=True, blank=True)
    quota_percent = models.DecimalField(
        _("quota: at most this percentage of a cluster"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    version = version_field()
    search_key = SearchKeyField()
    search_fields = ("code", "name")

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["preset", "position", "code"]
        constraints = [
            source_text_present("award", "name"),
            source_text_present("award", "issuer"),
            models.CheckConstraint(
                condition=Q(quota_percent__isnull=True)
                | (Q(quota_percent__gt=0) & Q(quota_percent__lte=100)),
                name="award_quota_percent_range",
                violation_error_code="quota_range",
                violation_error_message=_("The quota must be more than 0 and at most 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)

    def quota_for(self, cluster_size: int) -> int | None:
        """How many may receive it from a cluster of ``cluster_size`` (rounded down)."""
        limits = []
        if self.quota_count is not None:
            limits.append(self.quota_count)
        if self.quota_percent is not None:
            limits.append(int(cluster_size * self.quota_percent // 100))
        return min(limits) if limits else None


class LegalReference(models.Model):
    """The legal basis of an award, valid from a date; unconfirmed ones are marked."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="legal_references"
    )
    citation = models.CharField(_("citation"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("Unconfirmed references were not checked against the official text."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")
        ordering = ["award", "-valid_from"]

    def __str__(self) -> str:
        return self.citation


class EligibilityRule(models.Model):
    """The rule an award's candidates must meet, valid from a date (see eligibility.py)."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="rules"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    rule = models.JSONField(_("rule"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["award", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "valid_from"],
                name="rule_unique_start",
                violation_error_code="rule_start_taken",
                violation_error_message=_("This award already has rules starting on that date."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="rule_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.code} from {self.valid_from}"


class Person(models.Model):
    """Someone of a unit who can be proposed for a personal award: the register keeps
    only what an award dossier needs (the name, the unit and position over time, the
    start of service that rules of years of service read), nothing personal beyond it.

    ``unit`` is the unit of the person's current position (the services keep the two in
    step); the positions over time are :class:`PersonPosition` rows."""

    full_name = models.CharField(_("full name"), max_length=200)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("current unit"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    service_start = models.DateField(_("in service since"), null=True, blank=True)
    version = version_field()
    search_key = SearchKeyField()
    search_fields = ("full_name",)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def position_on(self, day: date) -> "PersonPosition | None":
        """The position held on ``day`` (one with an unrecorded start counts from the
        beginning), else None."""
        return (
            self.positions.filter(Q(start__isnull=True) | Q(start__lte=day))
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .select_related("unit")
            .order_by(F("start").desc(nulls_last=True), "-pk")
            .first()
        )


class PersonPosition(models.Model):
    """A position a person held in a unit, from ``start`` to ``end`` (open: held now; an
    unrecorded start: since before the register knew). A person holds one position at a
    time: a new one ends the current one on the day before it starts."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="person_positions",
    )
    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(pgettext_lazy("job", "position"), max_length=200))
    start = models.DateField(_("held since"), null=True, blank=True)
    end = models.DateField(_("held until"), null=True, blank=True)
    version = version_field()

    class Meta:
        verbose_name = pgettext_lazy("job", "position")
        verbose_name_plural = pgettext_lazy("job", "positions")
        ordering = ["person", F("start").asc(nulls_first=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="position_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end__isnull=True),
                name="position_one_current",
                violation_error_code="one_current",
                violation_error_message=_(
                    "This person already holds a current position; a new one ends it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or '—'}, {self.unit}"

    def clean(self) -> None:
        check_source_text(self)


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CLUSTER_VOTE = "cluster_vote", _("Cluster vote")
    SENT = "sent", _("Sent to the committee")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted by the committee")
    PUBLIC_COMMENT = "public_comment", _("Public comment")
    COUNCIL_VOTE = "council_vote", _("Council vote")
    DECIDED = "decided", _("Decided")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    """Candidates proposed for one award, with their dossier, through to the decision."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="proposals"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    proposer_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="award_proposals",
    )
    committee_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="received_proposals",
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_proposals",
    )
    review_point = models.ForeignKey(
        "campaigns.ReviewPoint",
        verbose_name=_("from the ranking of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_proposals",
    )
    decision_date = models.DateField(_("expected decision date"))
    state = models.CharField(
        _("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    achievement_report = models.TextField(_("achievement report"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    public_from = models.DateField(_("public comment from"), null=True, blank=True)
    public_until = models.DateField(_("public comment until"), null=True, blank=True)
    cluster_poll = models.OneToOneField(
        "ballots.Poll",
        verbose_name=_("cluster vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cluster_proposal",
    )
    council_poll = models.OneToOneField(
        "ballots.Poll",
        verbose_name=_("council vote"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_proposal",
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return f"{self.award} {self.year}"


class Candidate(models.Model):
    """A unit or person on a proposal, with the facts and the rule check behind it."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="candidates"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_candidacies",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
    )
    rank = models.PositiveIntegerField(_("rank in cluster"), null=True, blank=True)
    percentage = models.DecimalField(
        _("percentage"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    veto = models.BooleanField(_("veto applies"), default=False)
    achievement = models.TextField(_("achievement"), blank=True)
    achievement_key = models.CharField(_("achievement reference"), max_length=100, blank=True)
    eligibility = models.JSONField(_("eligibility check"), null=True, blank=True)
    eligible = models.BooleanField(_("eligible"), null=True)
    selected = models.BooleanField(_("selected by the votes"), null=True)
    cluster_option = models.ForeignKey(
        "ballots.Option",
        verbose_name=_("line on the cluster's ballot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    council_option = models.ForeignKey(
        "ballots.Option",
        verbose_name=_("line on the council's ballot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["proposal", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(person__isnull=True))
                | (Q(unit__isnull=True) & Q(person__isnull=False)),
                name="candidate_unit_or_person",
                violation_error_code="unit_or_person",
                violation_error_message=_("Choose either a unit or a person, not both."),
            )
        ]

    def __str__(self) -> str:
        return str(self.unit or self.person)


def attachment_path(instance: "ProposalAttachment", filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{filename}"


class AttachmentKind(models.TextChoices):
    REPORT = "report", _("Achievement report")
    MINUTES = "minutes", _("Minutes of the vote")
    OTHER = "other", _("Other")


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_upload])
    name = models.CharField(_("name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["proposal", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class PublicComment(models.Model):
    """A comment on a proposed list published for public comment; all are kept."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments"
    )
    author_name = models.CharField(_("name (optional)"), max_length=200, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["proposal", "created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class AwardGrant(models.Model):
    """One award granted by a decision: the registry row eligibility checks read."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="grants"
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_grants",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_grants",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    achievement = models.TextField(_("achievement"), blank=True)
    achievement_key = models.CharField(_("achievement reference"), max_length=100, blank=True)
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("granted award")
        verbose_name_plural = _("granted awards")
        ordering = ["-year", "award", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(person__isnull=True))
                | (Q(unit__isnull=True) & Q(person__isnull=False)),
                name="grant_unit_or_person",
                violation_error_code="unit_or_person",
                violation_error_message=_("Choose either a unit or a person, not both."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "award", "year"])]

    def __str__(self) -> str:
        return f"{self.award} {self.year}: {self.unit or self.person}"
