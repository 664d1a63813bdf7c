"""Every model constraint of the project tells the user what is wrong, in their language,
never by its name (issue 10: "Constraint “task_weight_not_negative” is violated.")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils.functional import Promise

from pacesetter.decisions.models import Decision
from pacesetter.units.models import Unit


def project_constraints():
    for model in apps.get_models():
        if model.__module__.startswith("pacesetter."):
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_has_a_translated_message_and_a_code():
    missing = [
        f"{model._meta.label}.{constraint.name}"
        for model, constraint in project_constraints()
        if constraint.violation_error_message in (None, constraint.default_violation_error_message)
        or not isinstance(constraint.violation_error_message, Promise)  # not through gettext
        or constraint.name in str(constraint.get_violation_error_message())
        or not constraint.violation_error_code
    ]
    assert len(list(project_constraints())) > 80
    assert missing == [], "give these a gettext_lazy violation_error_message and a code"


@pytest.mark.parametrize(
    ("model", "name", "message"),
    [
        (Unit, "unit_name_in_source", "Enter the name in the source language."),
        (Decision, "decision_issuer_in_source", "Enter the issuer in the source language."),
        (
            Decision,
            "decision_issuer_unique_vi",
            "Another decision already has this issuer in Vietnamese.",
        ),
    ],
)
def test_the_translation_kit_names_the_field_and_the_language(model, name, message):
    (constraint,) = (c for c in model._meta.constraints if c.name == name)
    assert constraint.get_violation_error_message() == message
