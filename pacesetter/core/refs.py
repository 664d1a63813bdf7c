"""Resolving ids named in an API request body through the object's policy."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .policies import Policy

M = TypeVar("M", bound=models.Model)


def resolve_ref(policy: Policy[M], user: Any, pk: Any, action: str, field: str) -> M:
    """Fetch the object an input field names, through ``policy.access``.

    An id the user cannot see is an invalid value of ``field`` (422, so the caller
    learns nothing about objects outside their scope); an object the user sees but
    may not do ``action`` to stays a 403.
    """
    try:
        return policy.access(user, pk, action)
    except Http404 as exc:
        raise ValidationError({field: _("Choose a valid option.")}) from exc
