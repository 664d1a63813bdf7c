"""Forms of the work plan screens: plans, projects, tasks, reports, reviews, milestones,
evidence, and the plan board's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.accounts.models import Role, User
from pacesetter.bodies.models import Body
from pacesetter.chains.models import Chain
from pacesetter.chains.policies import chain_policy
from pacesetter.core.files import validate_upload
from pacesetter.core.forms import PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.translations import (
    CONTENT_LANGUAGES,
    LANGUAGE_NAMES,
    column,
    fields_of,
    ordered,
)
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit

from .models import OutcomeRating, ProgressMode, Project, Task, WorkPlan
from .selectors import STATUSES, BoardFilters
from .services import PLAN_FIELDS, PROJECT_FIELDS


def _textareas(*names: str) -> dict[str, forms.Widget]:
    return {
        column(name, lang): forms.Textarea(attrs={"rows": 3})
        for name in names
        for lang in CONTENT_LANGUAGES
    }


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: The four statuses as the screens name them (the codes come from the selectors).
STATUS_LABELS = {
    "late": _("Late"),
    "at_risk": _("At risk"),
    "on_track": _("On track"),
    "done": _("Done"),
}
assert set(STATUS_LABELS) == set(STATUSES)

#: The project filter's value for key tasks placed directly in the plan.
DIRECT = "direct"


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def user_label(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


# --- what forms and API input may choose from -----------------------------------------


def chain_choices(user: Any, *keep: int | None) -> QuerySet[Chain]:
    chains = chain_policy.visible(user)
    kept = [pk for pk in keep if pk]
    if kept:
        chains = Chain.objects.filter(Q(pk__in=chains.values("pk")) | Q(pk__in=kept))
    return chains.order_by(ordered("name"), "pk")


def lead_people(units: QuerySet[Unit], *keep: int | None) -> QuerySet[User]:
    """Possible lead persons: staff and officers of the units to choose from."""
    q = Q(
        pk__in=User.objects.filter(
            role_assignments__role__in=(Role.COMMITTEE_STAFF, Role.UNIT_OFFICER),
            role_assignments__unit__in=units.values("pk"),
        ).values("pk"),
        is_active=True,
    )
    kept = [pk for pk in keep if pk]
    if kept:
        q |= Q(pk__in=kept)
    return User.objects.filter(q).order_by("username")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or body")}),
    )


# --- plans and projects -------------------------------------------------------------


class PlanForm(VersionFormMixin, TranslatedFieldsMixin, PeriodFormMixin, forms.ModelForm):
    period_fields = ("period_start", "period_end")

    class Meta:
        model = WorkPlan
        fields = list(PLAN_FIELDS[1:])
        widgets = {"period_start": DATE, "period_end": DATE}


class PlanCreateForm(PlanForm):
    """A new plan, for one of the bodies the user runs (staff over the body's unit)."""

    class Meta(PlanForm.Meta):
        fields = ["body", *PlanForm.Meta.fields]

    def __init__(self, *args: Any, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]


class ProjectForm(TranslatedFieldsMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [f for f in PROJECT_FIELDS if f != "plan"]
        widgets = _textareas("description")

    def __init__(
        self, *args: Any, units: QuerySet[Unit], chains: QuerySet[Chain], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["lead_unit"].label_from_instance = unit_label  # type: ignore[attr-defined]
        self.fields["chain"].queryset = chains  # type: ignore[attr-defined]
        self.fields["position"].required = False
        self.fields["position"].help_text = _("Leave empty to put it last.")


# --- tasks ----------------------------------------------------------------------------


class TaskForm(TranslatedFieldsMixin, forms.ModelForm):
    """Who, what, how, dates and weight of a key task (the plan's managers)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = [
            "project",
            "code",
            "source_language",
            *fields_of("title"),
            "lead_unit",
            "lead_person",
            "supporting_units",
            *fields_of("scope", "measures"),
            "start",
            "due",
            "weight",
            "progress_mode",
            "chain",
        ]
        widgets = {
            **_textareas("scope", "measures"),
            "start": DATE,
            "due": DATE,
            "supporting_units": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(
        self,
        *args: Any,
        plan: WorkPlan,
        units: QuerySet[Unit],
        people: QuerySet[User],
        chains: QuerySet[Chain],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        fields = self.fields
        fields["project"].queryset = plan.projects.all()  # type: ignore[attr-defined]
        fields["project"].empty_label = _("— none: a key task of the plan —")  # type: ignore[attr-defined]
        for name in ("lead_unit", "supporting_units"):
            fields[name].queryset = units  # type: ignore[attr-defined]
            fields[name].label_from_instance = unit_label  # type: ignore[attr-defined]
        fields["lead_person"].queryset = people  # type: ignore[attr-defined]
        fields["lead_person"].label_from_instance = user_label  # type: ignore[attr-defined]
        fields["lead_person"].help_text = _(
            "Optional: the person who reports; they see and report on the task."
        )
        fields["chain"].queryset = chains  # type: ignore[attr-defined]
        if self.instance.pk:
            fields["version"].initial = self.instance.version
        else:
            del fields["version"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, due = cleaned.get("start"), cleaned.get("due")
        if start and due and due < start:
            self.add_error("due", _("The due date cannot be before the start date."))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ReportForm(forms.Form):
    """A progress report from the lead. ``version`` is the task's version when the page was
    opened: if someone saved the task since, nothing is saved and the form says so."""

    progress = forms.DecimalField(
        label=_("Progress (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DATE,
        help_text=_("Fill in when the task is finished."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": task.version, "progress": task.progress})
        super().__init__(*args, **kwargs)
        if task.progress_mode == ProgressMode.MILESTONES:
            del self.fields["progress"]


class ReviewForm(forms.Form):
    """How well it went (the plan's managers, at review)."""

    rating = forms.ChoiceField(label=_("How well (rating)"), choices=OutcomeRating.choices)
    narrative = forms.CharField(
        label=_("How well (narrative)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        # The narrative is written in the task's source language (the service keeps it
        # there), so the form shows that language's text, not a translation.
        source = task.source_language
        kwargs.setdefault(
            "initial",
            {
                "version": task.version,
                "rating": task.outcome_rating,
                "narrative": getattr(task, column("outcome_narrative", source)),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["narrative"].label = _("How well (narrative, %(language)s)") % {
            "language": LANGUAGE_NAMES[source]
        }


class ReopenForm(forms.Form):
    """Undo "done": why, and (entered progress only) where the progress stands now."""

    note = forms.CharField(label=_("Why is it reopened?"), widget=forms.Textarea(attrs={"rows": 2}))
    progress = forms.DecimalField(
        label=_("Progress now (%)"),
        min_value=Decimal(0),
        max_value=Decimal("99.9"),
        decimal_places=1,
        required=False,
        help_text=_("Leave empty for the last progress reported below 100%, or 0."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": task.version})
        super().__init__(*args, **kwargs)
        if task.progress_mode == ProgressMode.MILESTONES:
            del self.fields["progress"]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due = forms.DateField(label=_("Due"), required=False, widget=DATE)
    weight = forms.DecimalField(
        label=_("Weight"), min_value=Decimal(0), max_digits=7, decimal_places=2, initial=1
    )


class MilestoneDoneForm(forms.Form):
    """Mark a milestone done on a day, or (``undo``) not done."""

    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)
    undo = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("undo") and cleaned.get("done_on") is None and not self.errors:
            cleaned["done_on"] = timezone.localdate()
        return cleaned


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"),
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )


class PartForm(forms.Form):
    """A supporting unit's report on its own part: progress, a note and, if any, a file."""

    unit = forms.ModelChoiceField(label=_("For the part of"), queryset=Unit.objects.none())
    progress = forms.DecimalField(
        label=_("Progress of the part (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("Evidence"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        if units.count() == 1:
            field.initial = units.first()
            field.widget = forms.HiddenInput()


# --- the plan board's filters -----------------------------------------------------------


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Status as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class BoardFilterForm(forms.Form):
    """The board's filters (GET). ``unit`` is the code of a unit the user may see: the
    board lists tasks led or supported by that unit, or, with ``subtree``, by any unit
    under it."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or title")}),
    )
    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"size": 10}),
    )
    subtree = forms.BooleanField(label=_("and units under it"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    chain = forms.ChoiceField(label=_("Chain"), required=False)
    project = forms.ChoiceField(label=_("Project"), required=False)

    def __init__(
        self,
        *args: Any,
        projects: list[Project],
        chains: list[Chain],
        units: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        #: The units the user may see: a code is looked up among these alone, so that the
        #: answer says nothing of units in other trees.
        self.units = units
        every = ("", _("All"))
        self.fields["status"].choices = [every, *STATUS_LABELS.items()]  # type: ignore[attr-defined]
        self.fields["chain"].choices = [every, *((str(c.pk), c.name) for c in chains)]  # type: ignore[attr-defined]
        self.fields["project"].choices = [  # type: ignore[attr-defined]
            every,
            (DIRECT, _("Key tasks directly in the plan")),
            *((str(p.pk), str(p)) for p in projects),
        ]

    def clean_unit(self) -> Unit | None:
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = (
            self.units.filter(code__iexact=code)
            .only("pk", "path", "code", "source_language", *fields_of("name"))
            .first()
        )
        if unit is None:
            raise forms.ValidationError(_("No unit has this code."))
        return unit

    def board_filters(self) -> BoardFilters:
        """The filters chosen; none when the form is unbound or invalid."""
        if not self.is_valid():
            return BoardFilters()
        data = self.cleaned_data
        project = data["project"]
        return BoardFilters(
            q=data["q"],
            unit=data["unit"],
            subtree=data["subtree"],
            status=data["status"],
            chain=int(data["chain"]) if data["chain"] else None,
            project=int(project) if project and project != DIRECT else None,
            direct=project == DIRECT,
        )
