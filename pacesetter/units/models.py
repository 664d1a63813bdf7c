import re
from datetime import date
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
)
from pacesetter.core.versions import version_field


class UnitType(models.Model):
    """A configurable kind of unit: province, committee, enterprise, union, branch..."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=150), required=True)
    description = TranslatedText(models.TextField(_("description")))
    is_active = models.BooleanField(_("active"), default=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("code", "name")

    class Meta:
        verbose_name = _("unit type")
        verbose_name_plural = _("unit types")
        ordering = ["code"]
        constraints = [source_text_present("unittype", "name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)


class OwnershipType(models.TextChoices):
    STATE = "state", _("State-owned (100%)")
    STATE_MAJORITY = "state_majority", _("State capital 50–100%")
    STATE_MINORITY = "state_minority", _("State capital under 50%")
    PRIVATE = "private", _("Private")
    COLLECTIVE = "collective", _("Collective")
    FOREIGN = "foreign", _("Foreign-invested")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    NON_PROFIT = "non_profit", _("Association or non-profit")
    GOVERNMENT = "government", _("Government or party body")


def validate_time_zone(value: str) -> None:
    """An IANA time zone name (such as Asia/Shanghai), or empty."""
    if value and value not in available_timezones():
        raise ValidationError(
            _("“%(zone)s” is not a known time zone (such as Asia/Shanghai)."),
            code="time_zone",
            params={"zone": value},
        )


def validate_country(value: str) -> None:
    """An ISO 3166-1 alpha-2 country code in capitals (such as VN or CN), or empty."""
    if value and not re.fullmatch(r"[A-Z]{2}", value):
        raise ValidationError(
            _("“%(country)s” is not a country code: give two capital letters (such as VN)."),
            code="country",
            params={"country": value},
        )


class Unit(models.Model):
    """A node of the unit tree.

    ``path`` is the materialized path of base-36 ids (``"1/a/2s/"``); a subtree is
    ``path__startswith`` on an indexed column, cheap on SQLite and PostgreSQL.
    Services keep ``path`` and ``depth`` in step with ``parent``.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=700, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    code = models.CharField(_("code"), max_length=50, unique=True)
    source_language = SourceLanguageField()
    name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
    short_name = TranslatedText(models.CharField(_("short name"), max_length=100))
    unit_type = models.ForeignKey(
        UnitType, verbose_name=_("unit type"), on_delete=models.PROTECT, related_name="units"
    )
    ownership_type = models.CharField(
        _("ownership type"), max_length=30, choices=OwnershipType.choices, blank=True
    )
    industry = TranslatedText(models.CharField(_("industry"), max_length=150))
    area = TranslatedText(models.CharField(_("area"), max_length=150))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "Where the unit works (such as Asia/Ho_Chi_Minh); empty: the zone of the unit "
            "above it. Its meetings take this zone unless another is chosen."
        ),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text=_(
            "The ISO 3166 code of the country whose awards the unit proposes (such as VN or "
            "CN); empty: the country of the unit above it."
        ),
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    # The public pages (pacesetter.public) show what a unit opts in to, nothing else:
    # the award decisions it recorded with their granted awards, and the coverage
    # rates of its subtree's register (aggregates only). Set by unit_publicity_set.
    publishes_awards = models.BooleanField(
        _("public award registry"),
        default=False,
        help_text=_(
            "Show the awards granted by the decisions this unit recorded on a public page."
        ),
    )
    publishes_coverage = models.BooleanField(
        _("public coverage rates"),
        default=False,
        help_text=_(
            "Show the coverage rates of the register of this unit's towns and streets on a "
            "public page (totals only, never an organization)."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Raised by each save of its attributes: an edit made from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_key = SearchKeyField()

    search_fields = ("code", "name", "short_name")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="unit_active_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_(
                    "The end of the active period cannot be before its start."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="unit_not_own_parent",
                violation_error_code="own_parent",
                violation_error_message=_("A unit cannot be its own parent."),
            ),
            source_text_present("unit", "name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_source_text(self)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_closed(self) -> bool:
        """Whether the unit's active period has ended (an end date still ahead is open)."""
        return self.active_to is not None and self.active_to < date.today()
