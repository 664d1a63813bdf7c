"""Shares as exact fractions: what a person types, what they read, what the old
four-decimal columns become."""

from __future__ import annotations

import importlib
from decimal import Decimal
from fractions import Fraction

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from pacesetter.ballots.models import Poll
from pacesetter.core.shares import (
    ShareFormField,
    needed,
    parse_share,
    reached,
    share_display,
    share_from_decimal,
    share_text,
)
from pacesetter.meetings.models import Meeting


@pytest.mark.parametrize(
    ("typed", "share"),
    [
        ("2/3", Fraction(2, 3)),
        (" 2 / 3 ", Fraction(2, 3)),
        ("4/6", Fraction(2, 3)),
        ("50%", Fraction(1, 2)),
        ("50 %", Fraction(1, 2)),
        ("50％", Fraction(1, 2)),
        ("66.5%", Fraction(133, 200)),
        ("66,5%", Fraction(133, 200)),  # the Vietnamese decimal comma
        ("0.5", Fraction(1, 2)),
        (".25", Fraction(1, 4)),
        ("0,6667", Fraction(6667, 10000)),  # typed on a form: exactly what it says
        ("0", Fraction(0)),
        ("1", Fraction(1)),
        ("100%", Fraction(1)),
        ("12.3456%", Fraction(123456, 10**6)),
    ],
)
def test_a_share_is_typed_as_a_fraction_a_percentage_or_a_decimal(typed, share):
    assert parse_share(typed) == share


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("3/2", "share_range", "A share is between 0 and 1 (0% to 100%)."),
        ("101%", "share_range", "A share is between 0 and 1 (0% to 100%)."),
        ("1.5", "share_range", "Write 1.5% for a percentage"),
        ("50", "share_range", "Write 50% for a percentage"),
        ("2/0", "invalid_share", "Enter a share as a fraction (2/3)"),
        ("-1/2", "invalid_share", "Enter a share as a fraction (2/3)"),
        ("two thirds", "invalid_share", "Enter a share as a fraction (2/3)"),
        ("1/2/3", "invalid_share", "Enter a share as a fraction (2/3)"),
        ("", "invalid_share", "Enter a share as a fraction (2/3)"),
        ("1/3000000", "share_precision", "Too precise"),
        ("12.34567%", "share_precision", "Too precise"),
    ],
)
def test_a_share_that_cannot_be_read_is_refused_with_a_reason(typed, code, message):
    with pytest.raises(ValidationError) as refused:
        parse_share(typed)
    assert refused.value.code == code
    assert refused.value.messages[0].startswith(message)


def test_the_api_reads_the_old_four_decimal_thirds_as_thirds():
    assert parse_share("0.6667", legacy=True) == Fraction(2, 3)
    assert parse_share("0.3333", legacy=True) == Fraction(1, 3)
    assert parse_share("0.6667") == Fraction(6667, 10000)  # a person typing it gets that


@pytest.mark.parametrize(
    ("stored", "share"),
    [
        ("0.6667", Fraction(2, 3)),
        ("0.3333", Fraction(1, 3)),
        ("0.5000", Fraction(1, 2)),
        ("0.5", Fraction(1, 2)),
        ("0.7500", Fraction(3, 4)),
        ("0.6000", Fraction(3, 5)),
        ("0.1234", Fraction(617, 5000)),
        ("0.6666", Fraction(3333, 5000)),  # only the forms' own roundings are thirds
        ("0.0000", Fraction(0)),
        ("1.0000", Fraction(1)),
    ],
)
def test_the_migration_maps_stored_decimals_to_fractions(stored, share):
    assert share_from_decimal(Decimal(stored)) == share


@pytest.mark.parametrize("app", ["ballots", "meetings"])
def test_both_migrations_use_the_one_mapping(app):
    name = {"ballots": "0003_quorum_exact_fraction", "meetings": "0005_quorum_exact_fraction"}
    module = importlib.import_module(f"pacesetter.{app}.migrations.{name[app]}")
    assert module.share_from_decimal is share_from_decimal


@pytest.mark.parametrize(
    ("language", "share", "shown"),
    [
        ("en", Fraction(2, 3), "2/3"),
        ("en", Fraction(1, 2), "50%"),
        ("en", Fraction(133, 200), "66.5%"),
        ("vi", Fraction(133, 200), "66,5%"),
        ("zh-hans", Fraction(1, 8), "12.5%"),
        ("en", Fraction(0), "0%"),
        ("en", Fraction(1), "100%"),
        ("en", Fraction(1, 3), "1/3"),
        ("en", None, "—"),
    ],
)
def test_a_share_is_shown_as_a_percentage_when_it_is_one_else_as_a_fraction(language, share, shown):
    with translation.override(language):
        assert share_display(share) == shown


def test_the_api_text_is_the_reduced_fraction():
    assert [share_text(Fraction(n, d)) for n, d in ((4, 6), (1, 2), (0, 5), (3, 3))] == [
        "2/3",
        "1/2",
        "0/1",
        "1/1",
    ]


def test_two_of_three_make_two_thirds_in_heads_and_in_weights():
    assert needed(Fraction(2, 3), 3) == 2
    assert needed(Fraction(1, 2), 3) == 2
    assert needed(Fraction(2, 3), 9) == 6
    assert needed(Fraction(0), 5) == 0
    assert reached(Fraction(2, 3), present=2, entitled=3)
    assert not reached(Fraction(2, 3), present=Decimal("1.99"), entitled=3)
    assert reached(Fraction(2, 3), present=Decimal("2.50"), entitled=Decimal("3.75"))


class QuorumForm(forms.Form):
    quorum = ShareFormField(label="Quorum")
    optional = ShareFormField(label="Optional", required=False, empty_share=Fraction(0))


def test_the_form_field_cleans_to_a_fraction_and_says_what_is_wrong_on_the_field():
    form = QuorumForm({"quorum": "66.5%", "optional": ""})
    assert form.is_valid()
    assert form.cleaned_data == {"quorum": Fraction(133, 200), "optional": Fraction(0)}
    refused = QuorumForm({"quorum": "150%"})
    assert not refused.is_valid()
    assert refused.errors["quorum"] == ["A share is between 0 and 1 (0% to 100%)."]
    assert QuorumForm({}).errors["quorum"] == ["This field is required."]
    shown = QuorumForm(initial={"quorum": Fraction(2, 3)})
    assert 'value="2/3"' in str(shown["quorum"])
    with translation.override("vi"):
        assert 'value="66,5%"' in str(QuorumForm(initial={"quorum": Fraction(133, 200)})["quorum"])
        # What a Vietnamese form shows, it reads back.
        assert QuorumForm({"quorum": "66,5%"}).is_valid()


@pytest.mark.django_db
def test_the_constraints_refuse_a_share_above_one_with_a_message_not_a_name():
    for model in (Poll, Meeting):
        constraint = next(c for c in model._meta.constraints if c.name.endswith("quorum_share"))
        with pytest.raises(ValidationError) as refused:
            constraint.validate(model, model(quorum=Fraction(3, 2)))
        assert refused.value.messages == ["A share is between 0 and 1."]
        assert refused.value.code == "share_range"
        constraint.validate(model, model(quorum=Fraction(2, 3)))  # no error
