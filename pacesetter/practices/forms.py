"""Forms of the library's screens: the filters, a practice, a step of its vetting and an
evidence file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.audit.history import NOT_SHOWN
from pacesetter.awards.policies import grant_policy
from pacesetter.campaigns.policies import review_point_policy
from pacesetter.chains.policies import chain_policy
from pacesetter.core.files import validate_upload
from pacesetter.core.forms import ConstraintFieldsMixin, TranslatedFieldsMixin
from pacesetter.core.policies import Policy
from pacesetter.core.translations import fields_of
from pacesetter.core.versions import VersionFormMixin
from pacesetter.decisions.policies import decision_policy
from pacesetter.meetings.policies import meeting_policy
from pacesetter.units.models import Unit
from pacesetter.workplans.models import WorkPlan
from pacesetter.workplans.policies import task_policy

from .models import AdoptionOutcome, Assessment, Practice, PracticeKind, PracticeState, WorkField
from .selectors import PracticeFilters, links_seen


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class FiltersForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, text or unit")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *PracticeKind.choices]
    )
    field = forms.ModelChoiceField(
        label=_("Field of work"),
        queryset=WorkField.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *PracticeState.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only active fields are offered; a deactivated one still filters when it is asked
        # for (the fields' list links each field's count to the list filtered by it).
        offered = Q(is_active=True)
        if self.is_bound and str(self.data.get("field", "")).isdigit():
            offered |= Q(pk=int(self.data["field"]))
        self.fields["field"].queryset = WorkField.objects.filter(offered)  # type: ignore[attr-defined]

    def filters(self) -> PracticeFilters:
        """The valid filters (an invalid one is shown with its error, and left out)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return PracticeFilters(
            query=(data.get("q") or "").strip(),
            kind=data.get("kind") or "",
            work_field=data.get("field"),
            state=data.get("state") or "",
            year=data.get("year"),
        )


def _with_kept(visible: QuerySet[Any], kept: list[Any]) -> QuerySet[Any]:
    """The records a user may choose, plus those already linked (kept as they are)."""
    if not kept:
        return visible
    return visible.model._default_manager.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=kept))


class PracticeForm(ConstraintFieldsMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A practice: its texts, kind and the kind's facts, units, fields and the record
    behind it. The owner unit is chosen when it is proposed only."""

    constraint_fields = {"studio_facts": "studio_level", "funding_negative": "funding_amount"}
    #: The practice's version when the page was opened (an edit only): a stale one is
    #: refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Practice
        fields = [
            "source_language",
            *fields_of("title", "summary", "body"),
            "kind",
            "year",
            "owner_unit",
            "source_units",
            "work_fields",
            "subject",
            "person_name",
            "level",
            "influence_scope",
            *fields_of("effect"),
            "lead_person",
            *fields_of("team"),
            "team_size",
            "studio_level",
            "funding_amount",
            "funding_currency",
            "review_point",
            "award_grants",
            "meeting",
            "chain",
            "tasks",
        ]
        widgets = {
            "work_fields": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Practice = self.instance
        editing = instance.pk is not None

        def kept(name: str) -> list[Any]:
            if not editing:
                return []
            return list(getattr(instance, name).values_list("pk", flat=True))

        def kept_fk(name: str) -> list[Any]:
            value = getattr(instance, f"{name}_id", None) if editing else None
            return [value] if value else []

        if editing:
            del self.fields["owner_unit"]
            self.fields["version"].initial = instance.version
        else:
            del self.fields["version"]
            self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]
            self.fields["owner_unit"].label_from_instance = unit_label  # type: ignore[attr-defined]
            self.initial.setdefault("year", timezone.localdate().year)
        source_units = self.fields["source_units"]
        source_units.queryset = _with_kept(units, kept("source_units"))  # type: ignore[attr-defined]
        source_units.label_from_instance = unit_label  # type: ignore[attr-defined]
        source_units.help_text = _("The units it comes from; the unit keeping it if none.")
        self.fields["work_fields"].queryset = WorkField.objects.filter(  # type: ignore[attr-defined]
            Q(is_active=True) | Q(pk__in=kept("work_fields"))
        )
        links: dict[str, tuple[Policy[Any], Callable[[str], list[Any]]]] = {
            "review_point": (review_point_policy, kept_fk),
            "meeting": (meeting_policy, kept_fk),
            "chain": (chain_policy, kept_fk),
            "award_grants": (grant_policy, kept),
            "tasks": (task_policy, kept),
        }
        seen = links_seen(instance, user) if editing else None
        shown: dict[str, set[int]] = {
            "review_point": {seen.review_point_id} if seen and seen.review_point_id else set(),
            "meeting": {seen.meeting_id} if seen and seen.meeting_id else set(),
            "chain": {seen.chain_id} if seen and seen.chain_id else set(),
            "award_grants": set(seen.grant_ids) if seen else set(),
            "tasks": set(seen.task_ids) if seen else set(),
        }
        for name, (policy, chosen) in links.items():
            field = self.fields[name]
            field.queryset = _with_kept(policy.visible(user), chosen(name))  # type: ignore[attr-defined]
            # A link kept as it is, that this editor may not see, is kept unnamed.
            hidden = set(chosen(name)) - shown[name]
            if hidden:
                field.label_from_instance = (  # type: ignore[attr-defined]
                    lambda obj, hidden=hidden: str(NOT_SHOWN) if obj.pk in hidden else str(obj)
                )
        for name in fields_of("body"):
            if name in self.fields:
                self.fields[name].widget.attrs["rows"] = 12
                self.fields[name].help_text = _(
                    "Paragraphs, headings, lists, tables and links are kept; anything else "
                    "(scripts, styles, event handlers) is removed when saved."
                )


class StepForm(forms.Form):
    """One step of the vetting: its comment, and what the move asks for."""

    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices)
    decision = forms.ModelChoiceField(
        label=_("Decision of the lead body"), queryset=Practice.objects.none()
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, name: str, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if name != "review":
            del self.fields["assessment"]
        if name == "recognize":
            self.fields["decision"].queryset = decision_policy.visible(user).order_by(  # type: ignore[attr-defined]
                "-date", "-pk"
            )
        else:
            del self.fields["decision"]
        if name in ("review", "return", "retire", "comment"):
            self.fields["comment"].required = True


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"),
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )


class AdoptionForm(forms.Form):
    """A unit adopts the practice; a key task in one of the unit's open plans, if one is
    chosen."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("How the unit means to apply it"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
    )
    plan = forms.ModelChoiceField(
        label=_("Key task in the work plan"),
        queryset=WorkPlan.objects.none(),
        required=False,
        help_text=_("A key task led by the unit is added to this plan of the unit."),
    )
    task_title = forms.CharField(
        label=_("Key task's title"),
        required=False,
        max_length=300,
        help_text=_("The practice's title unless you write another."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], plans: QuerySet[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = unit_label  # type: ignore[attr-defined]
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.initial.setdefault("adopted_on", timezone.localdate())


class AdoptionReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AdoptionOutcome.choices)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text=_("1 (poor) to 5 (excellent)."),
    )
    report = forms.CharField(
        label=_("How it went"), required=False, max_length=5000, widget=forms.Textarea
    )
    reported_on = forms.DateField(
        label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("Evidence"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reported_on", timezone.localdate())


class WorkFieldForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """A field of work: its code (when it is added; kept after), its name in each
    language, its place in the lists and, once it exists, whether it is still offered."""

    class Meta:
        model = WorkField
        fields = ["code", "source_language", *fields_of("name"), "position", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["is_active"]
            self.fields["code"].help_text = _(
                "Letters, digits, hyphens and underscores; kept once added (imports name "
                "fields by their code)."
            )
        else:
            del self.fields["code"]
            self.fields["is_active"].help_text = _(
                "An inactive field is no longer offered to tag a practice or to filter by; "
                "the practices tagged with it keep it."
            )
