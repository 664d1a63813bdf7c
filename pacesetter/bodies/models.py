from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Council")
    STANDING_BOARD = "standing_board", _("Standing board")
    COMMITTEE = "committee", _("Committee")
    SUPERVISORY_BOARD = "supervisory_board", _("Board of supervisors")


class Body(models.Model):
    """A council, standing board or committee of a unit, whose members vote and decide."""

    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices)
    owner_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bodies"
    )
    description = TranslatedText(models.TextField(_("description")))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("name",)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["pk"]
        constraints = [source_text_present("body", "name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


class BodyTerm(models.Model):
    """A term of office of a body, such as the 9th standing council."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="terms"
    )
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=150), required=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["body", "-start"]
        constraints = [
            source_text_present("bodyterm", "name"),
            *unique_per_language("body_term", "name", together=("body",)),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="body_term_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.name}"

    def clean(self) -> None:
        check_source_text(self)
        check_unique_per_language(
            self,
            "name",
            together=("body",),
            message=_("The body already has a term named “%(text)s” (%(language)s)."),
        )


class MemberPosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    SECRETARY = "secretary", _("Secretary")
    STANDING_MEMBER = "standing_member", _("Standing member")
    MEMBER = "member", _("Member")
    SUPERVISOR = "supervisor", _("Supervisor")


class BodyMember(models.Model):
    """A seat on a body: a person (a user account), or a unit through its representative."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="members"
    )
    term = models.ForeignKey(
        BodyTerm,
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_seats",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("represented unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_seats",
    )
    position = models.CharField(
        _("position"), max_length=30, choices=MemberPosition.choices, default=MemberPosition.MEMBER
    )
    weight = models.DecimalField(
        _("vote weight"), max_digits=6, decimal_places=2, default=Decimal("1.00")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        ordering = ["body", "position", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(unit__isnull=False),
                name="body_member_person_or_unit",
                violation_error_code="member_missing",
                violation_error_message=_("Choose a person or a unit."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="body_member_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="body_member_weight_positive",
                violation_error_code="weight_not_positive",
                violation_error_message=_("The weight must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        who = self.unit or self.user
        return f"{who} — {self.get_position_display()}"
