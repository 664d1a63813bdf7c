"""Meetings: councils and standing boards, review conferences, exchange or demonstration
activities, and research visits.

A meeting has invitations (each with a personal check-in code), an agenda tree with
durations and documents, ballots held in it (the ballots module, linked here),
resolutions (each can create key tasks in the work plans), research findings, and
minutes drafted from the record, edited, then finalized and locked.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pacesetter.core import clock
from pacesetter.core.files import validate_upload
from pacesetter.core.shares import (
    denominator_field,
    numerator_field,
    share_constraint,
    share_property,
)
from pacesetter.core.translations import (
    SearchKeyField,
    SourceLanguageField,
    TranslatedText,
    check_source_text,
    source_text_present,
)
from pacesetter.core.versions import version_field

#: A delegation's size (the people expected, and the number who came) is at most this.
DELEGATION_MAX = 999

#: Check-in codes avoid letters and digits that are easy to mix up (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_checkin_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


class MeetingKind(models.TextChoices):
    COUNCIL = "council", _("Council or standing board")
    REVIEW = "review", _("Review conference")
    EXCHANGE = "exchange", _("Exchange or demonstration activity")
    RESEARCH_VISIT = "research_visit", _("Research visit")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(_("title"), max_length=300), required=True)
    organizer_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="organized_meetings",
    )
    body = models.ForeignKey(
        "bodies.Body",
        verbose_name=_("body meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        help_text=_("Times of the meeting are entered and shown in this zone."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = TranslatedText(models.CharField(_("place"), max_length=300))
    chair = models.CharField(_("chair"), max_length=300, blank=True)
    description = TranslatedText(models.TextField(_("description")))
    topics = models.TextField(_("topics (one per line)"), blank=True)
    # The quorum, an exact share of the voting invitees (``core.shares``): ``meeting.quorum``.
    quorum_numerator = numerator_field(_("quorum (numerator)"))
    quorum_denominator = denominator_field(_("quorum (denominator)"))
    registration_open = models.BooleanField(_("registration open"), default=True)
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    visited_units = models.ManyToManyField(
        "units.Unit",
        verbose_name=_("visited units"),
        blank=True,
        related_name="research_visits",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = version_field()
    search_key = SearchKeyField()

    search_fields = ("title", "place")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "pk"]
        constraints = [
            source_text_present("meeting", "title"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="meeting_period_ordered",
                violation_error_code="dates_reversed",
                violation_error_message=_("The meeting cannot end before it starts."),
            ),
            share_constraint("quorum", "meeting_quorum_share"),
        ]
        indexes = [models.Index(fields=["organizer_unit", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_source_text(self)

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]

    quorum = share_property("quorum")


class InviteeRole(models.TextChoices):
    MEMBER = "member", _("Member (counts for quorum)")
    GUEST = "guest", _("Guest")
    SPEAKER = "speaker", _("Speaker")
    TEAM = "team", _("Visiting team")


class Invitation(models.Model):
    """One invitee: a user, a unit (through its representative), or both.

    ``code`` is the personal check-in code printed (with a QR code) on the invitation.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    label = models.CharField(_("invitee"), max_length=300, blank=True)
    role = models.CharField(
        _("role"), max_length=10, choices=InviteeRole.choices, default=InviteeRole.MEMBER
    )
    email = models.EmailField(_("e-mail"), blank=True)
    delegation_size = models.PositiveIntegerField(
        _("delegation (people expected)"),
        null=True,
        blank=True,
        help_text=_("For a unit or organization that sends a delegation; empty: one person."),
    )
    head = models.CharField(_("head of delegation"), max_length=300, blank=True)
    code = models.CharField(
        _("check-in code"), max_length=16, unique=True, default=new_checkin_code, editable=False
    )
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    present_count = models.PositiveIntegerField(
        _("people present"),
        null=True,
        blank=True,
        help_text=_("A delegation's number who came, counted at the door."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "role", "label", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(unit__isnull=False) | ~Q(label=""),
                name="invitation_someone",
                violation_error_code="invitee_missing",
                violation_error_message=_("Choose a person or a unit, or enter a name."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitation_unique_user",
                violation_error_code="already_invited",
                violation_error_message=_("This person is already invited."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "unit"],
                condition=Q(user__isnull=True, unit__isnull=False),
                name="invitation_unique_unit",
                violation_error_code="already_invited",
                violation_error_message=_("This unit is already invited."),
            ),
            # A delegation is a unit's or an organization's, never an account's, and
            # expects at least one person; only a delegation counts a number who came.
            models.CheckConstraint(
                condition=Q(delegation_size__isnull=True)
                | (
                    Q(user__isnull=True)
                    & (Q(unit__isnull=False) | ~Q(label=""))
                    & Q(delegation_size__gte=1, delegation_size__lte=DELEGATION_MAX)
                ),
                name="invitation_delegation_of_a_unit",
                violation_error_code="delegation_invalid",
                violation_error_message=_(
                    "A delegation is a unit's or an organization's, of 1 to 999 people, "
                    "without a person's account."
                ),
            ),
            models.CheckConstraint(
                condition=Q(present_count__isnull=True)
                | Q(
                    delegation_size__isnull=False,
                    checked_in_at__isnull=False,
                    present_count__gte=1,
                    present_count__lte=DELEGATION_MAX,
                ),
                name="invitation_delegation_present",
                violation_error_code="present_range",
                violation_error_message=_(
                    "Only a delegation that checked in has a number who came, from 1 to 999."
                ),
            ),
            models.CheckConstraint(
                condition=Q(delegation_size__isnull=False) | Q(head=""),
                name="invitation_delegation_head",
                violation_error_code="head_without_delegation",
                violation_error_message=_("Only a delegation has a head."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_delegation(self) -> bool:
        return self.delegation_size is not None

    @property
    def display_name(self) -> str:
        if self.label:
            return self.label
        if self.unit_id and self.user_id:
            return f"{self.user} ({self.unit})"
        return str(self.unit or self.user)


class AgendaItem(models.Model):
    """An item of the agenda; items nest (``parent``) and have a planned duration."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    source_language = SourceLanguageField()
    title = TranslatedText(models.CharField(_("title"), max_length=300), required=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=0)
    speaker = models.CharField(_("speaker"), max_length=300, blank=True)
    speaker_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("speaker's unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = version_field()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [source_text_present("agenda_item", "title")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        check_source_text(self)


class DocumentKind(models.TextChoices):
    REPORT = "report", pgettext_lazy("a meeting document", "Report")
    SPEECH = "speech", _("Speech")
    OTHER = "other", _("Other")


def meeting_file_path(instance: "MeetingDocument", filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{filename}"


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.REPORT
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=meeting_file_path, validators=[validate_upload])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "agenda_item", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingPoll(models.Model):
    """A ballot (of the ballots module) held in the meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="meeting_polls"
    )
    poll = models.OneToOneField(
        "ballots.Poll",
        verbose_name=_("poll"),
        on_delete=models.PROTECT,
        related_name="meeting_link",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="polls",
    )

    class Meta:
        verbose_name = _("ballot in a meeting")
        verbose_name_plural = _("ballots in meetings")

    def __str__(self) -> str:
        return f"{self.meeting} — {self.poll}"


class Resolution(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="resolutions"
    )
    number = models.PositiveIntegerField(_("number"))
    source_language = SourceLanguageField()
    text = TranslatedText(models.TextField(_("text")), required=True)
    poll = models.ForeignKey(
        "ballots.Poll",
        verbose_name=_("adopted by ballot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    adopted_on = models.DateField(_("adopted on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="resolution_unique_number",
                violation_error_code="number_taken",
                violation_error_message=_(
                    "Another resolution of this meeting already has this number."
                ),
            ),
            source_text_present("resolution", "text"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.number}"

    def clean(self) -> None:
        check_source_text(self)


class Finding(models.Model):
    """What a research visit found at one visited unit, on one topic."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("research visit"), on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("visited unit"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=300)
    text = models.TextField(_("finding"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} — {self.topic}"


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final (locked)")


class Minutes(models.Model):
    """The minutes: drafted from the record, edited, then finalized and locked."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    text = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=10, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    drafted_at = models.DateTimeField(_("drafted"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finalized_at = models.DateTimeField(_("finalized"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_locked(self) -> bool:
        return self.state == MinutesState.FINAL
