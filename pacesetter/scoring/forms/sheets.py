"""Forms of the score sheet, the item page, the queue, cross-inspections and the ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.clusters.models import Cluster
from pacesetter.core.files import validate_upload
from pacesetter.units.models import Unit, UnitType

from ..models import CriterionKind, ScoreItem

COUNT_KINDS = (CriterionKind.COUNT, CriterionKind.BONUS, CriterionKind.PENALTY)
#: The step an item's state waits for, as offered by the queue's filter.
EXPECT_CHOICES = [
    ("", _("Everything")),
    ("inspect", _("To cross-inspect")),
    ("review", _("To review")),
    ("finalize", _("To finalize")),
    ("answer", _("To answer")),
]


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def _text(label: Any, *, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _points(label: Any, item: ScoreItem, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=item.criterion.max_points,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class ReportForm(forms.Form):
    """What the unit reports for one item: its result (actual, count or met), an
    explanation and a self-score. "Save" reports, "Submit" also self-scores."""

    version = _version()

    def __init__(self, *args: Any, item: ScoreItem, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"item-{item.pk}")
        kwargs.setdefault(
            "initial",
            {
                "version": item.version,
                "actual": item.actual,
                "count": item.count,
                "passed": bool(item.passed),
                "explanation": item.explanation,
                "self_score": item.self_score,
            },
        )
        super().__init__(*args, **kwargs)
        self.item = item
        criterion = item.criterion
        kind = criterion.kind
        if kind == CriterionKind.QUANTITATIVE:
            self.fields["actual"] = forms.DecimalField(
                label=_("Actual"),
                required=False,
                min_value=Decimal(0),
                max_digits=20,
                decimal_places=4,
                help_text=criterion.measure,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        elif kind in COUNT_KINDS:
            self.fields["count"] = forms.IntegerField(label=_("Count"), required=False, min_value=0)
        else:
            self.fields["passed"] = forms.BooleanField(
                label=_("Applies") if kind == CriterionKind.VETO else _("Met"), required=False
            )
        if kind != CriterionKind.VETO:
            self.fields["self_score"] = _points(
                _("Self-score"), item, help_text=_("Empty: the computed score.")
            )
        self.fields["explanation"] = _text(_("Explanation"))

    @property
    def result_field(self) -> str:
        return next(name for name in ("actual", "count", "passed") if name in self.fields)

    def result(self) -> dict[str, Any]:
        """The keyword argument of ``item_report`` for the reported result."""
        name = self.result_field
        return {name: self.cleaned_data.get(name)}

    def report_changed(self) -> bool:
        """Whether the result typed differs from the one saved (an unticked box counts
        as a report when nothing was reported yet)."""
        name = self.result_field
        value = self.cleaned_data.get(name)
        stored = getattr(self.item, name)
        return stored is None if name == "passed" and not value else value != stored

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.item.criterion.kind == CriterionKind.VETO:
            # A veto carries no points: its self-score is always zero.
            cleaned["self_score"] = Decimal(0)
        return cleaned


class ScoreForm(forms.Form):
    """A reviewer's step (inspect, review or finalize): a score and a note."""

    version = _version()

    def __init__(self, *args: Any, item: ScoreItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"] = _points(
            _("Score"),
            item,
            help_text=_("Empty: keep the latest score (%(score)s).") % {"score": item.score},
        )
        self.fields["note"] = _text(_("Note"))


class ReturnForm(forms.Form):
    version = _version()
    question = _text(_("Question to the unit"), required=True, rows=3)


class AnswerForm(forms.Form):
    version = _version()
    answer = _text(_("Answer"), required=True, rows=3)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        validators=[validate_upload],
        help_text=_("PDF, Word, Excel, OpenDocument or an image."),
    )


class InspectionForm(forms.Form):
    """The peer unit that cross-inspects one unit: units of the same cluster only,
    never the unit itself. ``peers`` are the cluster's units (loaded once for all rows)."""

    def __init__(self, *args: Any, unit: Unit, peers: list[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"unit-{unit.pk}")
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.peers = {peer.pk: peer for peer in peers if peer.pk != unit.pk}
        self.fields["inspector"] = forms.TypedChoiceField(
            label=_("Inspected by"),
            coerce=int,
            choices=[("", _("— choose a unit —"))]
            + [(pk, peer.name) for pk, peer in sorted(self.peers.items(), key=lambda p: p[1].name)],
        )

    def clean_inspector(self) -> Unit:
        return self.peers[self.cleaned_data["inspector"]]


class RotationForm(forms.Form):
    """A cluster's rotation of cross-inspections: its units in order, each inspected by
    the one ``offset`` places after it. ``digest`` carries the assignments the preview
    showed (the confirmation only)."""

    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=Cluster.objects.none())
    offset = forms.IntegerField(
        label=_("Offset"),
        min_value=1,
        initial=1,
        help_text=_(
            "1: each unit is inspected by the next one, the last by the first. "
            "2: by the one after the next, and so on."
        ),
    )
    digest = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, clusters: QuerySet[Cluster], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cluster"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clusters


class QueueFilterForm(forms.Form):
    expect = forms.ChoiceField(label=_("Waiting for"), choices=EXPECT_CHOICES, required=False)


class RankingFilterForm(forms.Form):
    cluster = forms.ModelChoiceField(
        label=_("Cluster"), queryset=Cluster.objects.none(), required=False
    )
    unit_type = forms.ModelChoiceField(
        label=_("Unit type"), queryset=UnitType.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        clusters: QuerySet[Cluster],
        unit_types: QuerySet[UnitType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
        self.fields["unit_type"].queryset = unit_types  # type: ignore[attr-defined]
        self.fields["cluster"].empty_label = _("All clusters")  # type: ignore[attr-defined]
        self.fields["unit_type"].empty_label = _("All unit types")  # type: ignore[attr-defined]


#: The reviewing moves the queue offers on many items at once (``services.BULK_ACTIONS``).
BULK_ACTION_LABELS = {
    "inspect": _("Cross-inspect (confirm the latest score)"),
    "review": _("Review (accept the latest score)"),
    "finalize": _("Finalize (confirm the latest score)"),
    "return": _("Return to the unit with the comment as question"),
}


class BulkForm(forms.Form):
    """The queue's batch: the checked rows (``item``), each with the ``version-<id>``
    the page showed, one move and one comment."""

    action = forms.ChoiceField(label=_("Action"), choices=list(BULK_ACTION_LABELS.items()))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
