"""Forms of the meeting screens. Choices are limited to what the user may name: their
own units where they run meetings, units and people they see, plans they manage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from pacesetter.accounts.models import User
from pacesetter.ballots.forms import verification_field
from pacesetter.ballots.models import Base, Majority, Poll, PollKind
from pacesetter.bodies.models import Body
from pacesetter.chains.models import Chain
from pacesetter.core.forms import TranslatedFieldsMixin
from pacesetter.core.shares import ShareFormField
from pacesetter.core.translations import fields_of, ordered
from pacesetter.core.versions import VersionFormMixin, version_form_field
from pacesetter.units.models import Unit
from pacesetter.units.selectors import unit_time_zone
from pacesetter.workplans.models import WorkPlan

from .models import (
    DELEGATION_MAX,
    AgendaItem,
    DocumentKind,
    InviteeRole,
    Meeting,
    MeetingKind,
    Resolution,
)
from .selectors import zone_named
from .services import TaskSpec

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


#: The zones offered on the meeting form (the server's zone, and a meeting's own zone
#: when it is another, are added). The API takes any IANA name.
COMMON_TIME_ZONES = (
    "UTC",
    "Asia/Ho_Chi_Minh",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
)


def time_zone_choices(*extra: str) -> list[tuple[str, str]]:
    """The common zones, the server's and ``extra``, each with its UTC offset now."""
    names = list(COMMON_TIME_ZONES)
    for name in (str(settings.TIME_ZONE), *extra):
        if name and name not in names and zone_named(name) is not None:
            names.append(name)
    now = timezone.now()
    choices = []
    for name in names:
        zone = zone_named(name)
        offset = now.astimezone(zone).strftime("%z") if zone else ""
        label = f"{name} (UTC{offset[:3]}:{offset[3:]})" if offset else name
        choices.append((name, label))
    return choices


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def user_label(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def _choices(field: Any, queryset: QuerySet[Any], label: Any = None) -> None:
    field.queryset = queryset
    if label is not None:
        field.label_from_instance = label


class LongSelect(forms.Select):
    """A select of many options (every unit or person the user may name) written out in
    Python. Django renders each option through a template: with a thousand units that
    was nearly all of the meeting page's time. The HTML is the same, the attributes the
    form adds (``required``, ``aria-invalid``, ``aria-describedby``) included."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        parts = [f"<select{flatatt(final)}>"]
        found = False
        for option, label in self.choices:
            option = "" if option is None else str(option)
            mark = ""
            if not found and option in chosen:
                mark, found = " selected", True
            parts.append(
                f'<option value="{conditional_escape(option)}"{mark}>'
                f"{conditional_escape(str(label))}</option>"
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


class _LightChoices:
    """The choices of a :class:`LongSelect` read with only the columns its labels need
    (``fields``), when the select is rendered; the field keeps its queryset to check the
    value chosen."""

    def __init__(self, field: Any, fields: tuple[str, ...]) -> None:
        self.field = field
        self.fields = fields
        self.rows: list[tuple[Any, str]] | None = None

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        # Read once: the widget goes through its choices more than once per rendering.
        if self.rows is None:
            field = self.field
            self.rows = [("", field.empty_label)] if field.empty_label is not None else []
            self.rows += [
                (obj.pk, field.label_from_instance(obj))
                for obj in field.queryset.only(*self.fields)
            ]
        return iter(self.rows)


def _long_choices(field: Any, queryset: QuerySet[Any], label: Any, *fields: str) -> None:
    """``field`` choosing among ``queryset`` (labelled by ``label``, which reads only
    ``fields``), rendered by a :class:`LongSelect`."""
    _choices(field, queryset, label)
    field.widget.choices = _LightChoices(field, ("pk", *fields))


#: What :func:`unit_label` and :func:`user_label` read.
UNIT_LABEL_FIELDS = ("code", "source_language", *fields_of("name"))
USER_LABEL_FIELDS = ("username", "first_name", "last_name")


def _with_source(meeting: Meeting, initial: dict[str, Any] | None) -> dict[str, Any]:
    """``initial`` proposing the meeting's source language for a new item's texts."""
    initial = dict(initial or {})
    if not initial.get("source_language"):
        initial["source_language"] = meeting.source_language
    return initial


class MeetingSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or place")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *MeetingKind.choices], required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, years: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", _("All years")),
            *((y, str(y)) for y in years),
        ]


class MeetingForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """Create or edit a meeting. The quorum is an exact share ("2/3", "50%"); the start
    and end are typed, and shown, as the clocks of the meeting's place (its time zone)
    read."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Where the meeting is held: the start and end are in this zone."),
    )

    quorum = ShareFormField(
        label=_("Quorum"),
        initial=Fraction(0),
        required=False,
        empty_share=Fraction(0),
        help_text=_(
            "The share of the voting members (invitees with the role “member”) who must be "
            "present: a fraction (2/3), a percentage (50%) or a decimal (0.5). 0 or empty "
            "means no quorum."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "source_language",
            *fields_of("title"),
            "organizer_unit",
            "body",
            "chain",
            "time_zone",
            "starts_at",
            "ends_at",
            *fields_of("place"),
            "chair",
            *fields_of("description"),
            "topics",
            "registration_open",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in fields_of("description")},
            "topics": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "body": _(
                "The council or board that meets: its seats can be invited at once and "
                "it votes in the meeting's ballots."
            ),
            "chain": _("Put the meeting, and the tasks its resolutions create, on a chain."),
            "topics": _("For research visits: the topics studied, one per line."),
        }

    def __init__(
        self,
        *args: Any,
        organizers: QuerySet[Unit],
        bodies: QuerySet[Body],
        chains: QuerySet[Chain],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["organizer_unit"], organizers.order_by("path"), unit_label)
        _choices(self.fields["body"], bodies.order_by(ordered("name"), "pk"))
        _choices(self.fields["chain"], chains.order_by(ordered("name"), "pk"))
        zone_field = self.fields["time_zone"]
        zone_field.choices = time_zone_choices(self.instance.time_zone)  # type: ignore[attr-defined]
        if not self.instance.pk:
            # A new meeting is held where its organizer works, unless another zone is chosen.
            zone_field.choices = [  # type: ignore[attr-defined]
                ("", _("The organizer unit's time zone")),
                *zone_field.choices,  # type: ignore[attr-defined]
            ]
            zone_field.initial = ""
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]
            moment = self.initial.get(name)
            if isinstance(moment, dt.datetime) and timezone.is_aware(moment):
                # The widget shows a naive value as it is: the meeting's wall-clock time.
                local = timezone.localtime(moment, self._typed_zone())
                self.initial[name] = local.replace(tzinfo=None)
        if self.instance.pk:
            self.fields["quorum"].initial = self.instance.quorum
        else:
            del self.fields["registration_open"]

    def _typed_zone(self) -> dt.tzinfo:
        """The zone the typed times are read in: the one chosen on the form, else the
        meeting's, else the server's."""
        chosen = self.data.get(self.add_prefix("time_zone")) if self.is_bound else None
        own = self.instance.time_zone if self.instance.pk else self._organizer_zone()
        for name in (chosen, own, str(settings.TIME_ZONE)):
            zone = zone_named(str(name or ""))
            if zone is not None:
                return zone
        return dt.UTC

    def _organizer_zone(self) -> str:
        """The zone of the organizer chosen on a new meeting's form ("" if none yet)."""
        chosen = self.data.get(self.add_prefix("organizer_unit")) if self.is_bound else None
        if not str(chosen or "").isdigit():
            return ""
        queryset = self.fields["organizer_unit"].queryset  # type: ignore[attr-defined]
        organizer = queryset.filter(pk=int(str(chosen))).first()
        return unit_time_zone(organizer) if organizer else ""

    def full_clean(self) -> None:
        # Date-time fields read a naive value in the current zone: make it the meeting's.
        with timezone.override(self._typed_zone()):
            super().full_clean()

    def clean_time_zone(self) -> str:
        """Left empty: the meeting's zone as it is; for a new one, its organizer's (the
        service's default)."""
        chosen = str(self.cleaned_data.get("time_zone") or "")
        return chosen or (self.instance.time_zone if self.instance.pk else "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            # Here rather than in the database constraint, to say it beside the field.
            self.add_error("ends_at", _("The meeting cannot end before it starts."))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=[("held", "held"), ("cancelled", "cancelled")])


class InvitationForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, widget=LongSelect
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, widget=LongSelect
    )
    label = forms.CharField(
        label=_("Or an invitee without an account"),
        max_length=300,
        required=False,
        help_text=_("A name as it should appear on the invitation."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=InviteeRole.choices,
        initial=InviteeRole.GUEST,
        help_text=_(
            "Only members vote and count for the quorum; the body's seats are invited as "
            "members with “Invite the members”."
        ),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    delegation_size = forms.IntegerField(
        label=_("Delegation: people expected"),
        min_value=1,
        max_value=DELEGATION_MAX,
        required=False,
        help_text=_(
            "For a unit (or an organization typed above) that sends a delegation; leave "
            "empty for one person. The door counts the number who came."
        ),
    )
    head = forms.CharField(
        label=_("Head of delegation"),
        max_length=300,
        required=False,
        help_text=_("Optional: a name and position, as printed on the invitation."),
    )

    def __init__(
        self, *args: Any, users: QuerySet[User], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)
        _long_choices(
            self.fields["user"], users.order_by("username"), user_label, *USER_LABEL_FIELDS
        )
        _long_choices(self.fields["unit"], units.order_by("path"), unit_label, *UNIT_LABEL_FIELDS)


class AgendaItemForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A new agenda item (``instance`` left out) or an item's edit: its title in the
    source language (a new item's proposed from the meeting), translations optional."""

    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=24 * 60, initial=0
    )
    parent = forms.ModelChoiceField(
        label=_("Under item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("— top level —"),
    )
    speaker = forms.CharField(label=_("Speaker"), max_length=300, required=False)
    speaker_unit = forms.ModelChoiceField(
        label=_("Speaker's unit"), queryset=Unit.objects.none(), required=False, widget=LongSelect
    )

    class Meta:
        model = AgendaItem
        fields = [
            "source_language",
            *fields_of("title"),
            "duration_minutes",
            "parent",
            "speaker",
            "speaker_unit",
        ]

    def __init__(self, *args: Any, meeting: Meeting, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "agenda")
        kwargs.setdefault("instance", AgendaItem(meeting=meeting))
        kwargs["initial"] = _with_source(meeting, kwargs.get("initial"))
        super().__init__(*args, **kwargs)
        speaker_unit = self.instance.speaker_unit_id
        if speaker_unit is not None:
            # An item keeps its speaker's unit even when the editor does not see it.
            units = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=speaker_unit))
        _long_choices(
            self.fields["speaker_unit"], units.order_by("path"), unit_label, *UNIT_LABEL_FIELDS
        )
        if self.instance.pk:
            # Where an item stands is not changed on its edit page.
            del self.fields["parent"]
        else:
            _choices(self.fields["parent"], meeting.agenda_items.order_by("position", "pk"))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
        _choices(self.fields["agenda_item"], meeting.agenda_items.order_by("position", "pk"))


class MeetingPollForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of poll"), choices=PollKind.choices)
    options = forms.CharField(
        label=_("Candidates or motions"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line."),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    max_choices = forms.IntegerField(
        label=_("Choose up to (K)"),
        min_value=1,
        max_value=1000,
        initial=1,
        required=False,
        help_text=_("Approval polls only: how many options each voter may choose."),
    )
    quorum = ShareFormField(
        label=_("Quorum"),
        help_text=_(
            "The share of the entitled who must vote for the poll to be valid: a fraction "
            "(2/3), a percentage (50%) or a decimal (0.5)."
        ),
    )
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)
    base = forms.ChoiceField(label=_("Majority of"), choices=Base.choices)
    # The same choice as on the ballots' own form: receipts or receipt-free.
    verification = verification_field()

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["agenda_item"], meeting.agenda_items.order_by("position", "pk"))
        self.fields["quorum"].initial = meeting.quorum

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "options": [line.strip() for line in data["options"].splitlines() if line.strip()],
            "agenda_item": data["agenda_item"],
            "max_choices": data["max_choices"] or 1,
            "quorum": data["quorum"],
            "majority": data["majority"],
            "base": data["base"],
            "verification": data["verification"],
        }


class ResolutionForm(TranslatedFieldsMixin, forms.ModelForm):
    """A resolution: its text in the source language (the meeting's unless another is
    chosen), translations optional; the key tasks are the rows of :class:`TaskRowForm`."""

    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE)
    poll = forms.ModelChoiceField(
        label=_("Adopted by ballot"),
        queryset=Poll.objects.none(),
        required=False,
        help_text=_("A ballot held in this meeting, if the resolution was voted."),
    )
    plan = forms.ModelChoiceField(
        label=_("Work plan for the tasks"),
        queryset=WorkPlan.objects.none(),
        required=False,
        help_text=_("The key tasks below go into this plan."),
    )

    class Meta:
        model = Resolution
        fields = ["source_language", *fields_of("text"), "adopted_on", "poll"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields_of("text")}

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        polls: QuerySet[Poll],
        plans: QuerySet[WorkPlan],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("instance", Resolution(meeting=meeting))
        kwargs["initial"] = _with_source(meeting, kwargs.get("initial"))
        super().__init__(*args, **kwargs)
        _choices(self.fields["poll"], polls)
        _choices(self.fields["plan"], plans)


class TaskRowForm(forms.Form):
    """One key task to create: empty rows are ignored."""

    title = forms.CharField(
        label=_("Task"), max_length=300, widget=forms.TextInput(attrs={"style": "width:100%"})
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    lead_person = forms.ModelChoiceField(
        label=_("Lead person"), queryset=User.objects.none(), required=False
    )
    due = forms.DateField(label=_("Due"), widget=DATE, required=False)

    def __init__(
        self, *args: Any, units: QuerySet[Unit], users: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["lead_unit"], units, unit_label)
        _choices(self.fields["lead_person"], users, user_label)

    def spec(self) -> TaskSpec:
        data = self.cleaned_data
        return TaskSpec(
            title=data["title"],
            lead_unit=data["lead_unit"],
            lead_person=data["lead_person"],
            due=data["due"],
        )


class BaseTaskRows(forms.BaseFormSet):
    def specs(self) -> list[TaskSpec]:
        return [f.spec() for f in self.forms if f.has_changed() and f.cleaned_data]


class VisitedUnitsForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Visited units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, meeting: Meeting, units: QuerySet[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "visit")
        super().__init__(*args, **kwargs)
        _choices(self.fields["units"], units.order_by("path"), unit_label)
        # The list is the meeting's: saved from the meeting's version the page showed.
        self.fields["version"] = version_form_field(meeting.version)


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Visited unit"), queryset=Unit.objects.none())
    topic = forms.CharField(label=_("Topic"), max_length=300)
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "finding")
        super().__init__(*args, **kwargs)
        _choices(self.fields["unit"], meeting.visited_units.order_by("path"), unit_label)
        topics = meeting.topic_list
        if topics:
            self.fields["topic"].widget.attrs["list"] = "visit-topics"


class FollowUpForm(TaskRowForm):
    plan = forms.ModelChoiceField(label=_("Work plan"), queryset=WorkPlan.objects.none())
    field_order = ["plan", "title", "lead_unit", "lead_person", "due"]

    def __init__(self, *args: Any, plans: QuerySet[WorkPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["plan"], plans)
        self.order_fields(self.field_order)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "inputmode": "text",
            }
        ),
    )
    present = forms.IntegerField(
        label=_("A delegation: number who came"),
        min_value=1,
        max_value=DELEGATION_MAX,
        required=False,
        help_text=_("Leave empty for one person, or for a delegation that came in full."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ScanForm(forms.Form):
    """A photo of the invitation's QR code (the phone's camera), and a delegation's
    number who came."""

    photo = forms.FileField(
        label=_("Photo of the QR code"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    present = forms.IntegerField(
        label=_("A delegation: number who came"),
        min_value=1,
        max_value=DELEGATION_MAX,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "scan")
        super().__init__(*args, **kwargs)
