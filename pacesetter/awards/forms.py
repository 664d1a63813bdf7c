"""Forms of the award screens. Choices always come from querysets the view filtered by
the user's permissions."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from pacesetter.ballots.models import Base, Majority
from pacesetter.bodies.models import Body
from pacesetter.campaigns.models import ReviewPoint
from pacesetter.clusters.models import Cluster
from pacesetter.core.files import validate_upload
from pacesetter.core.forms import PeriodFormMixin, TranslatedFieldsMixin
from pacesetter.core.shares import ShareFormField
from pacesetter.core.versions import VersionFormMixin
from pacesetter.units.models import Unit

from .eligibility import MAX_DEPTH, PRIMITIVES
from .models import AttachmentKind, Award, EligibilityRule, Person, ProposalState
from .services import AWARD_EDITABLE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def _award_label(award: Award) -> str:
    return award.name


def _set_choices(form: forms.Form, name: str, queryset: QuerySet[Any], label: Any) -> None:
    field = form.fields[name]
    field.queryset = queryset  # type: ignore[attr-defined]
    field.label_from_instance = label  # type: ignore[attr-defined]


def _label(model: type[Any], name: str) -> Any:
    """A form field's label from the model field's name (lazy, capitalized)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, **kwargs)


class ProposalFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ProposalState.choices]
    )
    award = forms.ModelChoiceField(
        label=_("Award"), required=False, queryset=Award.objects.none(), empty_label=_("Any award")
    )
    year = _year_field(required=False)

    def __init__(self, *args: Any, awards: QuerySet[Award], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "award", awards, _award_label)


class GrantSearchForm(forms.Form):
    award = forms.ModelChoiceField(
        label=_("Award"), required=False, queryset=Award.objects.none(), empty_label=_("Any award")
    )
    year = _year_field(required=False)
    unit = forms.CharField(
        label=_("Unit or person"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code or name")}),
    )
    decision = forms.CharField(label=_("Decision number"), required=False, max_length=100)

    def __init__(self, *args: Any, awards: QuerySet[Award], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "award", awards, _award_label)


class AwardEditForm(VersionFormMixin, TranslatedFieldsMixin, forms.ModelForm):
    """An award's name and issuer (per language: the source first, the translations at
    the end), level, quota and position; its code never changes."""

    class Meta:
        model = Award
        fields = list(AWARD_EDITABLE)

    def clean_quota_percent(self) -> Decimal | None:
        # Here rather than from the database's constraint, whose message names it.
        value: Decimal | None = self.cleaned_data["quota_percent"]
        if value is not None and not Decimal(0) < value <= Decimal(100):
            raise forms.ValidationError(_("Give a percentage above 0 and at most 100."))
        return value


class AwardCreateForm(AwardEditForm):
    class Meta(AwardEditForm.Meta):
        fields = ["code", *AWARD_EDITABLE]
        help_texts = {
            "code": _(
                "Letters, digits, hyphens and underscores, unique in the catalog; rules name "
                "the award by it, so it cannot change later."
            )
        }


class RuleVersionForm(PeriodFormMixin, forms.Form):
    """A new version of an award's rule: the rule tree as JSON and the date it starts."""

    period_fields = ("valid_from", "valid_to")

    valid_from = forms.DateField(label=_label(EligibilityRule, "valid_from"), widget=DATE)
    valid_to = forms.DateField(
        label=_label(EligibilityRule, "valid_to"), widget=DATE, required=False
    )
    rule = forms.CharField(
        label=_label(EligibilityRule, "rule"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "code"}),
    )
    description = forms.CharField(
        label=_label(EligibilityRule, "description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].help_text = _(
            "JSON: one rule, or several combined with “all”, “any” and “not”. The rules: %(names)s."
        ) % {"names": ", ".join(PRIMITIVES)}

    def clean_rule(self) -> Any:
        """The parsed JSON; whether it is a well-formed rule is the service's to say."""
        text = self.cleaned_data["rule"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)s, column %(column)s)."),
                params={"line": exc.lineno, "column": exc.colno},
            ) from exc
        except RecursionError as exc:  # nested past what the parser follows
            raise forms.ValidationError(
                _("The rule is nested too deeply: at most %(max)s levels."),
                params={"max": MAX_DEPTH},
            ) from exc


def rule_text(rule: Any) -> str:
    """A rule as the form shows it: indented JSON, non-ASCII kept readable."""
    return json.dumps(rule, ensure_ascii=False, indent=2)


class FromRankingForm(forms.Form):
    award = forms.ModelChoiceField(label=_("Award"), queryset=Award.objects.none())
    review_point = forms.ModelChoiceField(
        label=_("Published ranking"), queryset=ReviewPoint.objects.none()
    )
    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=Cluster.objects.none())
    decision_date = forms.DateField(
        label=_("Expected decision date"),
        widget=DATE,
        help_text=_("Candidates are checked against the rules in force on this date."),
    )
    achievement_report = forms.CharField(
        label=_("Achievement report"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self,
        *args: Any,
        awards: QuerySet[Award],
        review_points: QuerySet[ReviewPoint],
        clusters: QuerySet[Cluster],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "award", awards, _award_label)
        _set_choices(
            self, "review_point", review_points, lambda rp: f"{rp.campaign.name} — {rp.name}"
        )
        _set_choices(self, "cluster", clusters, lambda c: c.name)


class NominateForm(forms.Form):
    award = forms.ModelChoiceField(label=_("Award"), queryset=Award.objects.none())
    year = _year_field(initial=lambda: date.today().year)
    decision_date = forms.DateField(
        label=_("Expected decision date"),
        widget=DATE,
        help_text=_("Candidates are checked against the rules in force on this date."),
    )
    proposer_unit = forms.ModelChoiceField(label=_("Proposed by"), queryset=Unit.objects.none())
    committee_unit = forms.ModelChoiceField(label=_("Sent to"), queryset=Unit.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("Units nominated"),
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People nominated"),
        required=False,
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    achievement = forms.CharField(
        label=_("Achievement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    achievement_key = forms.CharField(
        label=_("Achievement reference"),
        required=False,
        max_length=100,
        help_text=_("One achievement backs one award: the same reference cannot be used twice."),
    )
    achievement_report = forms.CharField(
        label=_("Achievement report"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self,
        *args: Any,
        awards: QuerySet[Award],
        proposers: QuerySet[Unit],
        committees: QuerySet[Unit],
        units: QuerySet[Unit],
        people: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "award", awards, _award_label)
        _set_choices(self, "proposer_unit", proposers, _unit_label)
        _set_choices(self, "committee_unit", committees, _unit_label)
        _set_choices(self, "units", units, _unit_label)
        _set_choices(self, "people", people, lambda p: f"{p.full_name} — {p.unit.name}")


class VoteRulesForm(forms.Form):
    quorum = ShareFormField(
        label=_("Quorum"),
        initial=Fraction(2, 3),
        help_text=_(
            "The share of those entitled who must vote: a fraction (2/3), a percentage "
            "(50%) or a decimal (0.5)."
        ),
    )
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)
    base = forms.ChoiceField(label=_("Counted over"), choices=Base.choices)


class ClusterVoteForm(VoteRulesForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["majority"].initial = Majority.ABSOLUTE
        self.fields["base"].initial = Base.CAST


class CouncilVoteForm(VoteRulesForm):
    body = forms.ModelChoiceField(label=_("Voting body"), queryset=Body.objects.none())
    field_order = ["body", "quorum", "majority", "base"]

    def __init__(self, *args: Any, bodies: QuerySet[Body], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "body", bodies, lambda b: b.name)
        self.fields["majority"].initial = Majority.ABSOLUTE
        self.fields["base"].initial = Base.ENTITLED


class ReturnForm(forms.Form):
    return_reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what the proposer should change."),
    )


class PublishForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days open for comment"),
        initial=15,
        help_text=_("From 1 to 90 days, starting today."),
    )


class DecideForm(forms.Form):
    """The decision that grants the award; its fields are the Decision's."""

    number = forms.CharField(label=_("Decision number"), max_length=100)
    date = forms.DateField(label=_("Decision date"), widget=DATE, initial=date.today)
    issuer = forms.CharField(
        label=_("Issued by"),
        max_length=255,
        help_text=_("For example: Chairman of the provincial People's Committee."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=100,
        required=False,
        help_text=_("Where it was signed, as printed before the date on certificates."),
    )
    signed_for = forms.CharField(
        label=_("Signing for"),
        max_length=255,
        required=False,
        help_text=_(
            "When the signer signs for another: the line above their title, such as “KT. Chủ tịch”."
        ),
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=255, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200, required=False)
    title = forms.CharField(label=_("Decision title"), max_length=500, required=False)
    file = forms.FileField(
        label=_("Signed file"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use the file's name."),
    )


class CommentForm(forms.Form):
    author_name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class RevokeForm(forms.Form):
    revoke_reason = forms.CharField(
        label=_("Reason for revoking"), widget=forms.Textarea(attrs={"rows": 3})
    )
