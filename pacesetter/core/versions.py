"""The stale-version refusal: two people (or two tabs) editing the same record.

A model that users edit has a ``version`` (:func:`version_field`). Its edit screen carries
the version it showed in a hidden field (:class:`VersionFormMixin`), the API's detail
answers it and its ``PATCH`` takes it back; the service calls :func:`next_version` first,
which refuses a version that is no longer the stored one with :class:`ConflictError`
(code ``stale_version``: the form's error at its top, the API's 409) before anything is
written, and otherwise gives the version the save stores. Without a version (a script,
a service called from another one) the edit is not checked, but still counts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ConflictError


def version_field() -> models.PositiveIntegerField[int, int]:
    """The ``version`` a model's edits raise by one; not a form field of its own."""
    return models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)


def next_version(instance: models.Model, version: int | None, *, name: Any = None) -> int:
    """Lock ``instance``'s row and answer the version its save stores (the stored one
    plus one). With ``version`` (the one the editor read), a row saved since is refused
    with :class:`ConflictError` and the caller writes nothing. Call it inside the edit's
    transaction, before any write. ``name`` is what the refusal calls the record (its
    model's name unless given: a participant's version is its registration's)."""
    model = type(instance)
    stored = (
        model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .get()
    )
    if version is not None and stored != version:
        raise ConflictError(
            _(
                "Someone else saved this %(object)s since you opened it. Reload to see "
                "their change; nothing of yours was saved."
            )
            % {"object": name or model._meta.verbose_name},
            code="stale_version",
        )
    return int(stored) + 1


def version_form_field(version: int | None) -> forms.IntegerField:
    """The hidden ``version`` of a form that is no model form of the record: a whole
    list saved at once carries the version of the record that owns it (a meeting's
    visited units, a chain's order, a unit's registrations)."""
    return forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, initial=version
    )


class VersionFormMixin(forms.BaseForm):
    """A model form's hidden ``version``: the instance's when the page was opened (an
    edit; a new record has none). It arrives in ``cleaned_data`` for the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"] = version_form_field(instance.version)
