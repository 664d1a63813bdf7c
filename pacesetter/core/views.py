"""The home page, and small helpers the server-rendered screens share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from pacesetter.accounts.selectors import roles_of
from pacesetter.audit.models import AuditEntry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"roles": roles_of(request.user)})


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int | None = None) -> Page:
    """The page named by ``?page=`` (the last one if out of range, the first if not a number)."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def add_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    *,
    prefix: str = "",
    fields: dict[str, str] | None = None,
) -> None:
    """Show a service's ValidationError on the form.

    Services raise ``{field: [messages]}`` with model field names; ``fields`` maps a
    model field to a differently named form field and ``prefix`` is put before every
    name (``decision_`` for the decision part of the cluster form). Errors for fields
    the form does not have go to the top of the form.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = (fields or {}).get(name, f"{prefix}{name}")
        form.add_error(target if target in form.fields else None, errors)


#: What audit actions are called on the screens.
AUDIT_ACTION_LABELS = {
    "unit.create": _("created"),
    "unit.update": _("changed"),
    "unit.move": _("moved"),
    "unit_type.create": _("created"),
    "unit_type.update": _("changed"),
    "cluster.create": _("created"),
    "cluster.update": _("changed"),
    "cluster.member_add": _("member added"),
    "cluster.member_end": _("membership ended"),
    "cluster.leader_set": _("leader set"),
    "body.create": _("created"),
    "body.update": _("changed"),
    "body.term_create": _("term added"),
    "body.member_add": _("member added"),
    "body.member_end": _("seat ended"),
    "decision.create": _("created"),
    "decision.update": _("changed"),
}


def audit_rows(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The entries with a translated ``label`` for their action."""
    rows = list(entries)
    for entry in rows:
        entry.label = AUDIT_ACTION_LABELS.get(entry.action, entry.action)  # type: ignore[attr-defined]
    return rows
