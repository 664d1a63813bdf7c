from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.bodies.models import Body
from pacesetter.clusters.models import Cluster
from pacesetter.core.shares import ShareFormField

from .models import (
    Base,
    Majority,
    Option,
    PaperTally,
    Poll,
    PollKind,
    PollState,
    Verification,
    Vote,
)


def verification_field() -> forms.ChoiceField:
    """Receipts or receipt-free, with the model's one-sentence trade-off as help."""
    return forms.ChoiceField(
        label=_("Receipts"),
        choices=Verification.choices,
        initial=Verification.INDIVIDUAL,
        widget=forms.RadioSelect,
        help_text=Poll._meta.get_field("verification").help_text,
    )


class PollCreateForm(forms.Form):
    """A new poll. The voters are a cluster or a body the user may update; the poll is
    organized by that cluster's or body's owner unit, so its creator manages it."""

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of poll"), choices=PollKind.choices)
    options = forms.CharField(
        label=_("Candidates or motions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line."),
        error_messages={"required": _("Add at least one candidate or motion.")},
    )
    voters = forms.ChoiceField(label=_("Who votes"))
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
        initial=Fraction(1, 2),
        help_text=_(
            "The share of the entitled who must vote for the poll to be valid: a fraction "
            "(2/3), a percentage (50%) or a decimal (0.5)."
        ),
    )
    majority = forms.ChoiceField(label=_("Majority"), choices=Majority.choices)
    base = forms.ChoiceField(label=_("Majority of"), choices=Base.choices)
    verification = verification_field()

    def __init__(
        self,
        *args: Any,
        clusters: QuerySet[Cluster],
        bodies: QuerySet[Body],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._clusters = {str(c.pk): c for c in clusters.select_related("owner_unit")}
        self._bodies = {str(b.pk): b for b in bodies.select_related("owner_unit")}
        choices: list[Any] = [("", _("— choose —"))]
        if self._clusters:
            choices.append(
                (
                    _("Clusters (one vote per member unit)"),
                    [(f"cluster:{pk}", c.name) for pk, c in self._clusters.items()],
                )
            )
        if self._bodies:
            choices.append(
                (
                    _("Bodies (one vote per member)"),
                    [(f"body:{pk}", b.name) for pk, b in self._bodies.items()],
                )
            )
        self.fields["voters"].choices = choices  # type: ignore[attr-defined]

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def voting(self) -> tuple[Cluster | None, Body | None]:
        kind, _sep, pk = self.cleaned_data["voters"].partition(":")
        if kind == "cluster":
            return self._clusters[pk], None
        return None, self._bodies[pk]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        cluster, body = self.voting()
        voting = cluster or body
        assert voting is not None  # the choice field offers only these
        return {
            "owner_unit": voting.owner_unit,
            "title": data["title"],
            "kind": data["kind"],
            "options": data["options"],
            "cluster": cluster,
            "body": body,
            "max_choices": data["max_choices"] or 1,
            "quorum": data["quorum"],
            "majority": data["majority"],
            "base": data["base"],
            "verification": data["verification"],
        }


class PollSettingsForm(forms.Form):
    """What may change while the poll is a draft: whether voters get receipts; with the
    poll's version when the page was opened (a stale one is refused)."""

    verification = verification_field()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class VoteForm(forms.Form):
    """One secret ballot: yes / no / abstain on each option, or up to K approvals."""

    def __init__(self, *args: Any, poll: Poll, options: Sequence[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = list(options)
        self.approval = poll.kind == PollKind.APPROVAL
        if self.approval:
            self.fields["approve"] = forms.MultipleChoiceField(
                label=_("Your choices"),
                choices=[(str(o.pk), o.label) for o in self.options],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        else:
            for option in self.options:
                self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                    label=option.label,
                    choices=Vote.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose yes, no or abstain.")},
                )

    def rows(self) -> list[forms.BoundField]:
        """One bound field per option, in ballot order (yes/no polls)."""
        return [self[f"option_{o.pk}"] for o in self.options] if not self.approval else []

    def choices(self) -> dict[int, str]:
        if self.approval:
            return {int(pk): Vote.YES for pk in self.cleaned_data["approve"]}
        return {o.pk: self.cleaned_data[f"option_{o.pk}"] for o in self.options}


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class PaperTallyForm(forms.Form):
    """Hand-counted paper ballots: how many were cast, and per option the totals."""

    ballots = forms.IntegerField(label=_("Paper ballots cast"), min_value=0)

    def __init__(
        self,
        *args: Any,
        poll: Poll,
        options: Sequence[Option],
        entered: dict[int, PaperTally],
        ballots: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = list(options)
        self.approval = poll.kind == PollKind.APPROVAL
        self.fields["ballots"].initial = ballots
        self.marks = [("yes", _("Approvals"))] if self.approval else list(Vote.choices)
        for option in self.options:
            done = entered.get(option.pk)
            for mark, mark_label in self.marks:
                self.fields[f"o{option.pk}_{mark}"] = forms.IntegerField(
                    label=f"{option.label}: {mark_label}",
                    min_value=0,
                    initial=getattr(done, mark, 0) if done else 0,
                )

    def rows(self) -> list[tuple[Option, list[forms.BoundField]]]:
        """Per option, its bound fields in the order of ``marks`` (for a table)."""
        return [(o, [self[f"o{o.pk}_{m}"] for m, _label in self.marks]) for o in self.options]

    def totals(self) -> dict[int, tuple[int, int, int]]:
        data = self.cleaned_data

        def get(option: Option, mark: str) -> int:
            return int(data.get(f"o{option.pk}_{mark}") or 0)

        return {o.pk: (get(o, "yes"), get(o, "no"), get(o, "abstain")) for o in self.options}


class PollFilterForm(forms.Form):
    """The list of polls filtered by state (the API's ``state``)."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *PollState.choices]
    )
